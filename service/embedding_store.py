"""The embedding cache kept in the database, so restarts and re-imports never re-encode."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy import select
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
        with transaction(self._factory) as session:
            for key, vector in vectors.items():
                session.merge(
                    EmbeddingRow(
                        model=model,
                        text_hash=key,
                        dimension=int(vector.shape[-1]),
                        vector=np.asarray(vector, dtype=np.float32).tobytes(),
                    )
                )
