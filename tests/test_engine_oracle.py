"""The engine after the catalogue split returns the same top-10 as the engine before it.

The oracle is the engine at ORACLE_COMMIT (the last one before the split: same scoring,
per-profile Python filters, candidates and lists rebuilt on demand), run from a git
worktree in a subprocess. A brute-force reference would not do: the fusion z-scores each
signal within the candidate pool, so scoring every allowed profile changes the top-10.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, require_bench

ORACLE_COMMIT = "b44554e"
SCRIPT = Path(__file__).with_name("oracle_top10.py")
QUERIES = {"experts-dblp": 114, "placements-esco": 150}


@pytest.fixture(scope="module")
def old_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("the oracle needs git and this repository's history")
    folder = tmp_path_factory.mktemp("oracle") / "engine"
    added = subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), ORACLE_COMMIT],
        capture_output=True,
        text=True,
    )
    if added.returncode != 0:
        pytest.skip(f"cannot check out the oracle engine: {added.stderr.strip()}")
    yield folder
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)])


def top10(code: Path, bench: Path, queries: int) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(bench), str(queries)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_top10_as_the_engine_before_the_split(old_checkout: Path, name: str) -> None:
    bench = require_bench(name)
    old = top10(old_checkout, bench, QUERIES[name])
    new = top10(REPO, bench, QUERIES[name])
    differing = [query for query in old if old[query] != new[query]]
    assert not differing, f"{len(differing)} of {len(old)} queries differ, e.g. {differing[:3]}"
