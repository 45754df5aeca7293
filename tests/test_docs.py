"""The README tells the truth: its commands exist, its settings are the real ones."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CODE = "\n".join(re.findall(r"```bash\n(.*?)```", README, flags=re.S))


def test_first_screen_gives_the_two_set_up_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S)
    assert first_block is not None
    commands = [
        line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()
    ]
    assert commands == ["bash scripts/start.sh", "bash scripts/test.sh"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"`SMARTMATCH_([A-Z_]+)`", README))
    assert documented == {name.upper() for name in Settings.model_fields}


@pytest.mark.parametrize(
    "line", [line for line in CODE.splitlines() if line.startswith("smartmatch ")]
)
def test_readme_commands_exist_and_parse(line: str) -> None:
    words = shlex.split(line.split("  #")[0])
    command = words[1]
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    for option in (w.strip("[]") for w in words[2:] if w.strip("[]").startswith("--")):
        assert option.split("=")[0] in result.output, f"{option} is not an option of {command}"
