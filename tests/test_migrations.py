"""Schema migrations: a store from the release before Alembic upgrades in place, every row
kept, and the migrated schema is exactly what the models declare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

import service.workflow_tables  # noqa: F401  (every model module joins Base.metadata)
from matcher import Kind, parse_profile
from service.config import Settings
from service.db import Base, EmbeddingRow, IndexStateRow, ProfileRow, make_engine
from service.network import open_network
from service.schema import current_revision, head_revision
from tests import schema_1e1de38 as old
from tests.conftest import DEMO_PROFILES


def _old_store(path: Path) -> list[str]:
    """A store as the release at 1e1de38 made it, holding the demo profiles, two cached
    vectors and an index record; the ids of the profiles."""
    engine = create_engine(f"sqlite:///{path}")
    old.Base.metadata.create_all(engine)
    lines = DEMO_PROFILES.read_text(encoding="utf-8").splitlines()
    profiles = [parse_profile(json.loads(line)) for line in lines if line.strip()]
    with engine.begin() as connection:
        connection.execute(
            old.ProfileRow.__table__.insert(),
            [
                {
                    "id": p.id,
                    "kind": p.kind.value,
                    "data": p.model_dump(mode="json"),
                    "content_hash": p.content_hash(),
                    "created_at": old._now(),
                    "updated_at": old._now(),
                }
                for p in profiles
            ],
        )
        connection.execute(
            old.EmbeddingRow.__table__.insert(),
            [
                {"model": "m", "text_hash": f"h{i}", "dimension": 3, "vector": b"\0" * 12}
                for i in range(2)
            ],
        )
        connection.execute(
            old.IndexStateRow.__table__.insert(),
            [
                {
                    "path": "var/index.npz",
                    "model": "m",
                    "backend": "exact",
                    "checksum": "c",
                    "vectors": 0,
                    "built_at": old._now(),
                }
            ],
        )
    engine.dispose()
    return [p.id for p in profiles]


def test_a_store_of_the_previous_release_upgrades_in_place(tmp_path: Path) -> None:
    ids = _old_store(tmp_path / "old.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            stored = connection.scalars(select(ProfileRow.id).order_by(ProfileRow.id)).all()
            assert stored == sorted(ids)
            assert connection.scalar(select(func.count()).select_from(EmbeddingRow)) == 2
            assert connection.scalar(select(func.count()).select_from(IndexStateRow)) == 1
        assert {"suggestion_rounds", "suggested_pairs", "pair_events"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_the_upgraded_store_serves_its_old_profiles(tmp_path: Path, settings: Settings) -> None:
    ids = _old_store(tmp_path / "store.db")
    with open_network(settings) as network:
        assert network.counts()[0] == len(ids)
        expert = next(i for i in ids if i.startswith("exp-"))
        assert network.get(kind=Kind.EXPERT, profile_id=expert).id == expert


def test_opening_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    make_engine(url).dispose()
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_migrations_build_what_the_models_declare(tmp_path: Path) -> None:
    """A table or column added to a model without a revision fails here."""
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], differences
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", ["profiles", "embeddings", "index_state"])
def test_baseline_tables_keep_their_columns(tmp_path: Path, table: str) -> None:
    _old_store(tmp_path / "cols.db")
    url = f"sqlite:///{tmp_path / 'cols.db'}"
    plain = create_engine(url)
    before = {column["name"] for column in inspect(plain).get_columns(table)}
    plain.dispose()
    engine = make_engine(url)
    try:
        after = {c["name"] for c in inspect(engine).get_columns(table)}
        assert before <= after
    finally:
        engine.dispose()
