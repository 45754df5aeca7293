"""The store is the truth: imports report bad rows, the index is rebuilt when it disagrees,
and both embedding caches keep the same contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from matcher import EmbeddingCache, Kind, MemoryEmbeddingCache, Query, parse_profile
from service import runtime as rt
from service.cli import app
from service.config import Settings
from service.db import make_engine, session_factory, transaction
from service.embedding_store import LOOKUP_CHUNK, SqlEmbeddingCache
from service.importer import import_profiles
from tests.conftest import cli_env

GOOD = {"id": "exp-1", "kind": "expert", "name": "Ana", "text": "Olive oil food safety and HACCP."}


def jsonl(*rows: object) -> str:
    return "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n"


def index_status(settings: Settings) -> str:
    """How a fresh start found the index: `loaded` or `rebuilt`."""
    with rt.open_runtime(settings) as runtime:
        return runtime.index_status


def test_import_reports_bad_rows_and_keeps_good_ones(settings: Settings) -> None:
    text = jsonl(
        GOOD,
        {**GOOD, "id": "exp-2", "country": "Albania"},
        "{not json",
        {**GOOD, "id": "exp-3", "text": "Solar energy"},
        GOOD,
    )
    with rt.open_runtime(settings) as runtime, transaction(runtime.sessions) as session:
        report, imported = import_profiles(session, text, fmt="jsonl")
    assert report.imported == ["exp-1", "exp-3"]
    assert [(e.line, e.field) for e in report.errors] == [(2, "country"), (3, "line"), (5, "id")]
    assert [p.id for p in imported] == ["exp-1", "exp-3"]
    with rt.open_runtime(settings) as reopened:
        assert {p.id for p in reopened.matcher.profiles()} == {"exp-1", "exp-3"}


def test_csv_import_splits_list_fields(settings: Settings) -> None:
    text = (
        "id,kind,name,text,skills,country\n"
        "stu-1,student,Ben,Learning React,JavaScript|React,BA\n"
        "stu-2,student,,No name,,BA\n"
    )
    with rt.open_runtime(settings) as runtime, transaction(runtime.sessions) as session:
        report, imported = import_profiles(session, text, fmt="csv")
    assert imported[0].skills == ["JavaScript", "React"]
    assert [(e.line, e.field) for e in report.errors] == [(3, "name")]


def test_csv_lines_the_csv_module_cannot_read_are_reported_and_the_rest_kept(
    settings: Settings,
) -> None:
    """A carriage return inside an unquoted field, and a field over the csv module's size
    limit, are errors of their line, not of the whole upload."""
    text = (
        "id,kind,name,text,country\n"
        f"exp-1,expert,Ana,{'x' * 200_000},AL\n"
        "exp-2,expert,Ben,Food safe\rty audits,BA\n"
        "exp-3,expert,Cem,Web development,ME\n"
    )
    with rt.open_runtime(settings) as runtime, transaction(runtime.sessions) as session:
        report, _ = import_profiles(session, text, fmt="csv")
    assert "exp-3" in report.imported and "exp-1" not in report.imported
    assert (2, "line") in [(e.line, e.field) for e in report.errors]


def test_truncated_index_is_rebuilt_at_start_up(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "profiles.jsonl"
    file.write_text(jsonl(GOOD, {**GOOD, "id": "exp-2", "text": "Web development"}))
    result = CliRunner().invoke(app, ["import", str(file)], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    assert index_status(settings) == "loaded"
    settings.index_path.write_bytes(settings.index_path.read_bytes()[:100])
    with rt.open_runtime(settings) as reopened:
        assert reopened.index_status == "rebuilt"
        found = reopened.matcher.match(Query(text="web development"), target_kind=Kind.EXPERT, k=1)
    assert found[0].profile.id == "exp-2"
    assert index_status(settings) == "loaded"


def test_index_that_disagrees_with_the_store_is_rebuilt(settings: Settings) -> None:
    with rt.open_runtime(settings) as runtime, transaction(runtime.sessions) as session:
        import_profiles(session, jsonl(GOOD), fmt="jsonl")
    assert index_status(settings) == "rebuilt"  # stored, never indexed
    assert index_status(settings) == "loaded"


def test_cli_import_exit_code_and_report(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(jsonl(GOOD, {**GOOD, "id": "exp-9", "mode": "remote"}))
    result = CliRunner().invoke(app, ["import", str(file), "--json"], env=cli_env(settings))
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # log lines go to stderr
    assert report["imported"] == ["exp-1"]
    assert report["errors"][0] == {
        "line": 2,
        "field": "mode",
        "message": report["errors"][0]["message"],
    }
    missing = CliRunner().invoke(app, ["import", str(tmp_path / "nope.csv")], env=cli_env(settings))
    assert missing.exit_code == 2 and "nope.csv" in missing.output


def test_saved_index_is_adopted_after_removals_and_updates(settings: Settings) -> None:
    placement = {"id": "plc-1", "kind": "placement", "name": "Web developer", "text": "React."}
    with rt.open_runtime(settings) as runtime:
        matcher = runtime.matcher
        matcher.add([parse_profile({**GOOD, "id": f"exp-{i}"}) for i in range(5)])
        matcher.add([parse_profile(placement)])
        matcher.remove("exp-2")
        matcher.upsert(parse_profile({**GOOD, "id": "exp-3", "text": "Solar energy."}))
        rt.save_index(settings, runtime.sessions, matcher)
        reopened = rt.new_matcher(settings, runtime.sessions, matcher.encoder)
        reopened.restore(settings.index_path, matcher.profiles())
        assert reopened.vector_count() == matcher.vector_count()
        found = reopened.match(Query(text="solar energy"), target_kind=Kind.EXPERT, k=1)
    assert found[0].profile.id == "exp-3"


@pytest.fixture(params=["memory", "sql"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddingCache]:
    """Each embedding cache: the matcher's dictionary and the service's table."""
    if request.param == "memory":
        yield MemoryEmbeddingCache()
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    try:
        yield SqlEmbeddingCache(session_factory(engine))
    finally:
        engine.dispose()


def test_embedding_cache_contract(cache: EmbeddingCache) -> None:
    rng = np.random.default_rng(0)
    keys = [f"key-{n}" for n in range(LOOKUP_CHUNK + 20)]  # more than one SQL lookup chunk
    vectors = {key: rng.standard_normal(8).astype(np.float32) for key in keys}
    assert cache.get_many("model-a", keys) == {}
    cache.put_many("model-a", vectors)
    found = cache.get_many("model-a", [*keys, "unknown"])
    assert set(found) == set(keys)  # unknown keys are left out, not None
    for key in keys:
        assert found[key].dtype == np.float32 and np.array_equal(found[key], vectors[key])
    assert cache.get_many("model-b", keys) == {}  # each model keeps its own vectors
    cache.put_many("model-a", {"key-0": np.ones(8, dtype=np.float32)})
    assert np.array_equal(cache.get_many("model-a", ["key-0"])["key-0"], np.ones(8))
    assert cache.get_many("model-a", []) == {}
