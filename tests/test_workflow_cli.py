"""The workflow's commands, as a new user would run them on the demo network."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from tests.conftest import DEMO_PROFILES, cli_env


def test_round_analytics_and_train_reranker_commands(settings: Settings) -> None:
    env = {**cli_env(settings), "COLUMNS": "200"}
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(DEMO_PROFILES)], env=env).exit_code == 0
    made = runner.invoke(app, ["round", "--hours-per-request", "4"], env=env)
    assert made.exit_code == 0, made.output
    assert "round 1" in made.output and "greedy" in made.output
    as_json = runner.invoke(app, ["round", "--centre", "centre-durres", "--json"], env=env)
    summary = json.loads(as_json.stdout.split("…\n", 1)[1])  # progress goes to stderr
    assert summary["centre"] == "centre-durres" and summary["round_id"] == 2
    report = runner.invoke(app, ["analytics", "--json"], env=env)
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["experts"]["experts"] == 40
    assert "by centre" in runner.invoke(app, ["analytics"], env=env).output
    trained = runner.invoke(app, ["train-reranker"], env=env)
    assert trained.exit_code == 0 and "unlearned" in trained.output
    bad = runner.invoke(app, ["round", "--k", "0"], env=env)
    assert bad.exit_code == 2
