"""The store is the truth: imports report bad rows, the index is rebuilt when it disagrees."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher import Kind, Query, parse_profile
from service import runtime as rt
from service.cli import app
from service.config import Settings
from service.db import transaction
from service.importer import import_profiles

GOOD = {"id": "exp-1", "kind": "expert", "name": "Ana", "text": "Olive oil food safety and HACCP."}


def jsonl(*rows: object) -> str:
    return "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n"


def test_import_reports_bad_rows_and_keeps_good_ones(settings: Settings) -> None:
    runtime = rt.open_runtime(settings)
    text = jsonl(
        GOOD,
        {**GOOD, "id": "exp-2", "country": "Albania"},
        "{not json",
        {**GOOD, "id": "exp-3", "text": "Solar energy"},
        GOOD,
    )
    with transaction(runtime.sessions) as session:
        report, imported = import_profiles(session, text, fmt="jsonl")
    assert report.imported == ["exp-1", "exp-3"]
    assert [(e.line, e.field) for e in report.errors] == [(2, "country"), (3, "line"), (5, "id")]
    assert [p.id for p in imported] == ["exp-1", "exp-3"]
    assert {p.id for p in rt.open_runtime(settings).matcher.profiles()} == {"exp-1", "exp-3"}


def test_csv_import_splits_list_fields(settings: Settings) -> None:
    runtime = rt.open_runtime(settings)
    text = (
        "id,kind,name,text,skills,country\n"
        "stu-1,student,Ben,Learning React,JavaScript|React,BA\n"
        "stu-2,student,,No name,,BA\n"
    )
    with transaction(runtime.sessions) as session:
        report, imported = import_profiles(session, text, fmt="csv")
    assert imported[0].skills == ["JavaScript", "React"]
    assert [(e.line, e.field) for e in report.errors] == [(3, "name")]


def test_truncated_index_is_rebuilt_at_start_up(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "profiles.jsonl"
    file.write_text(jsonl(GOOD, {**GOOD, "id": "exp-2", "text": "Web development"}))
    result = CliRunner().invoke(app, ["import", str(file)], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert rt.open_runtime(settings).index_status == "loaded"
    settings.index_path.write_bytes(settings.index_path.read_bytes()[:100])
    reopened = rt.open_runtime(settings)
    assert reopened.index_status == "rebuilt"
    found = reopened.matcher.match(Query(text="web development"), target_kind=Kind.EXPERT, k=1)
    assert found[0].profile.id == "exp-2"
    assert rt.open_runtime(settings).index_status == "loaded"


def test_index_that_disagrees_with_the_store_is_rebuilt(settings: Settings) -> None:
    runtime = rt.open_runtime(settings)
    with transaction(runtime.sessions) as session:
        import_profiles(session, jsonl(GOOD), fmt="jsonl")
    assert rt.open_runtime(settings).index_status == "rebuilt"  # stored, never indexed
    assert rt.open_runtime(settings).index_status == "loaded"


def test_cli_import_exit_code_and_report(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(jsonl(GOOD, {**GOOD, "id": "exp-9", "mode": "remote"}))
    result = CliRunner().invoke(app, ["import", str(file), "--json"], env=_env(settings))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["imported"] == ["exp-1"]
    assert report["errors"][0] == {
        "line": 2,
        "field": "mode",
        "message": report["errors"][0]["message"],
    }
    missing = CliRunner().invoke(app, ["import", str(tmp_path / "nope.csv")], env=_env(settings))
    assert missing.exit_code == 2 and "nope.csv" in missing.output


def _env(settings: Settings) -> dict[str, str]:
    return {
        "SMARTMATCH_DATABASE_URL": settings.database_url,
        "SMARTMATCH_INDEX_PATH": str(settings.index_path),
        "SMARTMATCH_MODEL": settings.model,
    }


def test_saved_index_is_adopted_after_removals_and_updates(settings: Settings) -> None:
    runtime = rt.open_runtime(settings)
    matcher = runtime.matcher
    matcher.add([parse_profile({**GOOD, "id": f"exp-{i}"}) for i in range(5)])
    matcher.add(
        [
            parse_profile(
                {"id": "plc-1", "kind": "placement", "name": "Web developer", "text": "React."}
            )
        ]
    )
    matcher.remove("exp-2")
    matcher.upsert(parse_profile({**GOOD, "id": "exp-3", "text": "Solar energy."}))
    rt.save_index(settings, runtime.sessions, matcher)
    reopened = rt.new_matcher(settings, runtime.sessions, matcher.encoder)
    reopened.restore(settings.index_path, matcher.profiles())
    assert reopened.vector_count() == matcher.vector_count()
    found = reopened.match(Query(text="solar energy"), target_kind=Kind.EXPERT, k=1)
    assert found[0].profile.id == "exp-3"
