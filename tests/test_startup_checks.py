"""A wrong setting stops `smartmatch` at start: exit status 2 and one line on stderr that
names the setting, no traceback, before any model is loaded."""

from __future__ import annotations

import gzip
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import Settings
from service.startup_checks import check_settings

SMARTMATCH = Path(sys.executable).parent / "smartmatch"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Good settings (a state folder that exists, the cheap encoder) on a clean environment."""
    (tmp_path / "state").mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SMARTMATCH_")}
    return {
        **clean,
        "SMARTMATCH_STATE_DIR": str(tmp_path / "state"),
        "SMARTMATCH_MODEL": "hashing",
    }


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def newer_store(path: Path) -> str:
    """A store whose schema revision no version of this code knows."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    connection.close()
    return str(path)


BAD = {
    "ESCO_SKILLS missing": ("ESCO_SKILLS", lambda t: str(t / "no-such.csv.gz"), "does not exist"),
    "ESCO_SKILLS not gzip": (
        "ESCO_SKILLS",
        lambda t: write(t / "skills.csv.gz", b"id,label\n"),
        "cannot read",
    ),
    "FUSION_MODEL not JSON": (
        "FUSION_MODEL",
        lambda t: write(t / "fusion.json", b"{not json"),
        "cannot read",
    ),
    "FUSION_MODEL a folder": ("FUSION_MODEL", lambda t: str(t), "is not a file"),
    "DEMO_DATA missing": ("DEMO_DATA", lambda t: str(t / "gone.jsonl"), "does not exist"),
    "MODEL unknown": ("MODEL", lambda t: "all-MiniLM-L6-v2+no-such-model", "unknown model"),
    "STATE_DIR unwritable": (
        "STATE_DIR",
        lambda t: str(Path(write(t / "a-file", b"")) / "state"),
        "cannot create the folder",
    ),
    "INDEX_PATH a folder": ("INDEX_PATH", lambda t: str(t), "is a folder, not a file"),
    "DATABASE_URL not a URL": ("DATABASE_URL", lambda t: "store.db", "is not a database URL"),
    "DATABASE_URL not SQLite": (
        "DATABASE_URL",
        lambda t: "sqlite:///" + write(t / "store.db", b"not a database at all" * 100),
        "file is not a database",
    ),
    "DATABASE_URL from a newer release": (
        "DATABASE_URL",
        lambda t: "sqlite:///" + newer_store(t / "newer.db"),
        "made by a newer release",
    ),
    "DATABASE_URL unknown driver": ("DATABASE_URL", lambda t: "nosuchdb://x/y", "cannot open"),
    "INDEX_BACKEND unknown": ("INDEX_BACKEND", lambda t: "annoy", "'faiss' or 'exact'"),
}


# One per kind of problem through the real command (each start costs seconds of imports);
# every case is checked in-process below.
THROUGH_THE_COMMAND = [
    "ESCO_SKILLS missing",
    "FUSION_MODEL not JSON",
    "MODEL unknown",
    "STATE_DIR unwritable",
    "DATABASE_URL not SQLite",
    "INDEX_BACKEND unknown",
]


@pytest.mark.parametrize("case", THROUGH_THE_COMMAND)
def test_a_bad_setting_stops_the_start_with_one_line(
    case: str, env: dict[str, str], tmp_path: Path
) -> None:
    setting, value, says = BAD[case]
    env[f"SMARTMATCH_{setting}"] = value(tmp_path)
    done = subprocess.run(
        [str(SMARTMATCH), "serve", "--demo", "--port", "1"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: SMARTMATCH_{setting}: "), lines[0]
    assert says in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("case", [case for case in BAD if case != "INDEX_BACKEND unknown"])
def test_each_bad_setting_is_one_problem_naming_it(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting, value, says = BAD[case]
    monkeypatch.setenv("SMARTMATCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SMARTMATCH_MODEL", "hashing")
    monkeypatch.setenv(f"SMARTMATCH_{setting}", value(tmp_path))
    problems = [str(p) for p in check_settings(Settings(), demo=True)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"SMARTMATCH_{setting}: ") and says in problems[0]


def test_every_bad_setting_is_named_at_once(env: dict[str, str], tmp_path: Path) -> None:
    env |= {"SMARTMATCH_MODEL": "nope", "SMARTMATCH_FUSION_MODEL": str(tmp_path / "gone.json")}
    done = subprocess.run(
        [str(SMARTMATCH), "index"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert [line.split(":")[1].strip() for line in done.stderr.splitlines()] == [
        "SMARTMATCH_FUSION_MODEL",
        "SMARTMATCH_MODEL",
    ]


def test_good_settings_pass_and_the_state_folder_is_made_on_first_use(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "deep" / "state"
    settings = Settings(state_dir=state, model="all-MiniLM-L6-v2+e5")
    with caplog.at_level(logging.INFO, logger="smartmatch"):
        assert check_settings(settings, demo=True) == []
    assert (state / "smartmatch.db").is_file()
    assert settings.index_path == state / "index.npz"
    assert f"created the state folder {state}" in caplog.text


def test_a_readable_esco_file_that_lists_no_skills_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "skills.csv.gz"
    with gzip.open(empty, "wt") as handle:
        handle.write("id,label,alt_labels,description\n")
    problems = check_settings(Settings(state_dir=tmp_path, model="hashing", esco_skills=empty))
    assert [str(p) for p in problems] == [
        f"SMARTMATCH_ESCO_SKILLS: cannot read {empty}: it lists no skills"
    ]
