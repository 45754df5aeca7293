"""`smartmatch backup` copies the store with SQLite's online backup: every profile is in the
copy, and the copy serves as the store after a restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from tests.conftest import DEMO_PROFILES, cli_env


def test_backup_holds_every_profile_and_restores(settings: Settings, tmp_path: Path) -> None:
    env = cli_env(settings)
    imported = CliRunner().invoke(app, ["import", str(DEMO_PROFILES)], env=env)
    assert imported.exit_code == 0, imported.output
    copy = tmp_path / "backup" / "store.db"
    copy.parent.mkdir()
    done = CliRunner().invoke(app, ["backup", str(copy)], env=env)
    assert done.exit_code == 0, done.output
    with sqlite3.connect(copy) as backup:
        assert backup.execute("SELECT count(*) FROM profiles").fetchone() == (145,)
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    backup.close()
    again = CliRunner().invoke(app, ["backup", str(copy)], env=env)
    assert again.exit_code == 2 and "exists" in again.output

    restored = env | {"SMARTMATCH_DATABASE_URL": f"sqlite:///{copy}"}
    found = CliRunner().invoke(app, ["match", "--profile", "req-001", "--json"], env=restored)
    assert found.exit_code == 0, found.output
    assert '"id": "exp-' in found.stdout
