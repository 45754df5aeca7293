"""The workflow simulation runs end to end on a small network and writes its JSON and plot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_simulation_runs_and_the_global_allocation_beats_greedy(tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "workflow_simulation.py"),
            "--size",
            "400",
            "--seeds",
            "2",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )
    results = json.loads(out.read_text())
    assert out.with_suffix(".png").stat().st_size > 0
    for kind in ("request", "student"):
        allocation = results["allocation"][kind]
        assert allocation["global"]["total_fit"] >= allocation["greedy_top1"]["total_fit"]
        assert allocation["global"]["covered"] >= allocation["greedy_top1"]["covered"]
        assert len(results["seeds"]) == 2 and results["ndcg_ratio"][kind]["mean"] > 0
