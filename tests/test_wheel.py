"""The built wheel, installed without -e into a fresh virtual environment, serves the demo
network from an empty folder: its data comes from the package, its state goes where the
settings say, and nothing is read from the checkout.

The environment is installed as the README's Deployment section says (torch pinned, then
the wheel with its declared dependencies, from the package registries; pip's cache makes
that about 40 s), so a dependency missing from pyproject.toml fails here. Imports are
checked to come from the fresh environment, never from the repository.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

READY_WITHIN = 900  # seconds: the first start encodes the demo network with both models


def run(*command: str | Path, **options: object) -> str:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **options
    )  # type: ignore[call-overload]
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return str(done.stdout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--quiet", "-w", work / "dist", REPO,
    )  # fmt: skip
    (wheel,) = (work / "dist").glob("smart_match-*.whl")
    venv.create(work / "venv", with_pip=False)
    python = work / "venv" / "bin" / "python"
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "torch==2.13.0", wheel,
    )  # fmt: skip
    return python.parent


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without PYTHONPATH or SMARTMATCH_ settings, plus the given ones."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SMARTMATCH_") and k != "PYTHONPATH"
    }
    return env | {f"SMARTMATCH_{name.upper()}": value for name, value in settings.items()}


def test_the_package_and_its_data_come_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import json, matcher, service\n"
        "from service.config import Settings\n"
        "from matcher.skills import load_esco_skills\n"
        "s = Settings()\n"
        "print(json.dumps({'service': service.__file__, 'matcher': matcher.__file__,"
        " 'esco': str(s.esco_skills), 'fusion': str(s.fusion_model), 'demo': str(s.demo_data),"
        " 'skills': len(load_esco_skills(s.esco_skills)), 'version': service.__version__}))"
    )
    found = json.loads(run(installed / "python", "-c", probe, cwd=tmp_path, env=clean_env()))
    venv_root = str(installed.parent)
    for name in ("service", "matcher", "esco", "fusion", "demo"):
        assert found[name].startswith(venv_root), (name, found[name])
        assert not found[name].startswith(str(REPO)), (name, found[name])
    assert found["skills"] > 13_000
    version = run(installed / "smartmatch", "--version", cwd=tmp_path, env=clean_env())
    assert version.strip() == f"smartmatch {found['version']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_admin(url: str, log: Path) -> dict[str, str]:
    """Log in as the admin whose password `serve --demo` printed."""
    line = next(x for x in log.read_text(encoding="utf-8").splitlines() if "admin@demo" in x)
    email, password = line.split()[1:3]
    answer = httpx.post(f"{url}/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_serve_demo_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    """The real default model; ESCO tagging off, because encoding its 13,896 labels with both
    models would take most of the run (the shipped ESCO file is read in the test above)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    state = tmp_path / "state" / "smartmatch"
    port = free_port()
    log = tmp_path / "serve.log"
    env = clean_env(state_dir=str(state), esco_tagging="false")
    with log.open("w") as output:
        server = subprocess.Popen(
            [installed / "smartmatch", "serve", "--demo", "--port", str(port)],
            cwd=empty,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_ready(url, server, log)
            found = httpx.get(
                f"{url}/requests/req-001/experts", params={"k": 1}, headers=demo_admin(url, log)
            ).json()
            (best,) = found["matches"]
            assert best["profile"]["kind"] == "expert"
            assert best["explanation"]["snippet"] and best["score"] > 0
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    said = log.read_text(encoding="utf-8")
    assert server.returncode == 0, said
    assert f"created the state folder {state}" in said
    assert f"store: sqlite:///{state / 'smartmatch.db'}" in said
    assert f"index: {state / 'index.npz'}" in said
    assert "model all-MiniLM-L6-v2+e5" in said
    assert f"fusion model: {installed.parent}" in said
    assert "imported 145 profiles, 0 bad rows" in said
    assert (state / "smartmatch.db").is_file() and (state / "index.npz").is_file()
    assert list(empty.iterdir()) == []  # nothing written where it was started


def wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(encoding="utf-8")
        try:
            if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    pytest.fail(f"/ready did not answer within {READY_WITHIN} s:\n{log.read_text()}")
