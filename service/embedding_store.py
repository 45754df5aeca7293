"""The embedding cache kept in the database, so restarts and re-imports never re-encode.

Writers may race: two requests that encode the same text outside the network's locks both
store its vector. A put is therefore an upsert (one statement on SQLite and PostgreSQL), not
a read followed by an insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from matcher.encoders import Vectors
from service.db import EmbeddingRow, transaction

LOOKUP_CHUNK = 500


class SqlEmbeddingCache:
    """Implements matcher.EmbeddingCache over the `embeddings` table."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        with self._factory() as session:
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = list(keys[start : start + LOOKUP_CHUNK])
                rows = session.scalars(
                    select(EmbeddingRow).where(
                        EmbeddingRow.model == model, EmbeddingRow.text_hash.in_(chunk)
                    )
                )
                for row in rows:
                    found[row.text_hash] = np.frombuffer(row.vector, dtype=np.float32).copy()
        return found

    def put_many(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        rows = [
            {
                "model": model,
                "text_hash": key,
                "dimension": int(vector.shape[-1]),
                "vector": np.asarray(vector, dtype=np.float32).tobytes(),
            }
            for key, vector in vectors.items()
        ]
        if not rows:
            return
        with transaction(self._factory) as session:
            upsert = _upsert(session.get_bind().dialect.name)
            if upsert is None:
                for row in rows:
                    session.merge(EmbeddingRow(**row))
            else:
                session.execute(upsert, rows)


def _upsert(dialect: str) -> Insert | None:
    """An INSERT that replaces the vector of a key that is already there, where the dialect
    has one; None elsewhere (then rows are merged one by one)."""
    module = {"sqlite": sqlite, "postgresql": postgresql}.get(dialect)
    if module is None:
        return None
    insert = module.insert(EmbeddingRow)
    statement: Insert = insert.on_conflict_do_update(
        index_elements=[EmbeddingRow.model, EmbeddingRow.text_hash],
        set_={"dimension": insert.excluded.dimension, "vector": insert.excluded.vector},
    )
    return statement
