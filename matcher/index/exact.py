"""Exact NumPy backend: a matrix and its ids. The oracle that FAISS results are checked against."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.index.base import (
    MISSING_ID,
    Ids,
    Scores,
    Vectors,
    as_ids,
    as_vectors,
    checked_new,
)


class ExactIndex:
    backend = "exact"

    def __init__(self, dimension: int) -> None:
        self._dimension = dimension
        self._ids: Ids = np.zeros(0, dtype=np.int64)
        self._vectors: Vectors = np.zeros((0, dimension), dtype=np.float32)

    @property
    def dimension(self) -> int:
        return self._dimension

    def add(self, ids: Ids, vectors: Vectors) -> None:
        ids, vectors = checked_new(ids, vectors, self._dimension, self._ids)
        self._ids = np.concatenate([self._ids, ids])
        self._vectors = np.concatenate([self._vectors, vectors])

    def delete(self, ids: Ids) -> int:
        keep = ~np.isin(self._ids, as_ids(ids))
        removed = int((~keep).sum())
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]
        return removed

    def search(self, queries: Vectors, k: int, *, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        queries = as_vectors(queries, self._dimension)
        ids, vectors = self._ids, self._vectors
        if allowed is not None:
            mask = np.isin(ids, as_ids(allowed))
            ids, vectors = ids[mask], vectors[mask]
        scores_out = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids_out = np.full((len(queries), k), MISSING_ID, dtype=np.int64)
        if len(ids) == 0 or k <= 0:
            return scores_out, ids_out
        scores = queries @ vectors.T
        top = min(k, len(ids))
        for row in range(len(queries)):
            # Sort by score, ties by id, so results are reproducible and comparable to FAISS.
            order = np.lexsort((ids, -scores[row]))[:top]
            scores_out[row, :top] = scores[row, order]
            ids_out[row, :top] = ids[order]
        return scores_out, ids_out

    def vectors(self, ids: Ids) -> Vectors:
        ids = as_ids(ids)
        order = np.argsort(self._ids)
        places = np.searchsorted(self._ids, ids, sorter=order)
        found = order[np.minimum(places, len(order) - 1)] if len(order) else places
        if len(ids) and (not len(order) or not np.array_equal(self._ids[found], ids)):
            raise KeyError("unknown vector id")
        return self._vectors[found]

    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> Ids:
        return self._ids.copy()

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        return {"ids": self._ids, "vectors": self._vectors}

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[np.generic]]) -> ExactIndex:
        vectors = np.asarray(arrays["vectors"], dtype=np.float32)
        index = cls(vectors.shape[1])
        index.add(np.asarray(arrays["ids"], dtype=np.int64), vectors)
        return index
