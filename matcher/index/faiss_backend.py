"""FAISS backend: `IndexIDMap2` over an exact inner-product index, so ids stay stable."""

from __future__ import annotations

from typing import Any

import faiss
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


class FaissIndex:
    backend = "faiss"

    def __init__(self, dimension: int, *, index: Any = None) -> None:
        self._dimension = dimension
        self._index = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        )

    @property
    def dimension(self) -> int:
        return self._dimension

    def add(self, ids: Ids, vectors: Vectors) -> None:
        ids, vectors = checked_new(ids, vectors, self._dimension, self.ids())
        self._index.add_with_ids(vectors, ids)

    def delete(self, ids: Ids) -> int:
        return int(self._index.remove_ids(faiss.IDSelectorBatch(as_ids(ids))))

    def search(self, queries: Vectors, k: int, *, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        queries = as_vectors(queries, self._dimension)
        params: Any = None
        if allowed is not None:
            params = faiss.SearchParameters(
                # type: ignore[call-arg]
                sel=faiss.IDSelectorBatch(as_ids(allowed))
            )
        top = max(min(k, self.count()), 1)
        scores, ids = self._index.search(queries, top, params=params)
        scores = np.where(ids == MISSING_ID, -np.inf, scores).astype(np.float32)
        if top < k:
            pad = k - top
            scores = np.pad(scores, ((0, 0), (0, pad)), constant_values=-np.inf)
            ids = np.pad(ids, ((0, 0), (0, pad)), constant_values=MISSING_ID)
        return scores[:, :k], ids[:, :k].astype(np.int64)

    def vectors(self, ids: Ids) -> Vectors:
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dimension), dtype=np.float32)
        try:
            return np.asarray(self._index.reconstruct_batch(ids), dtype=np.float32)
        except RuntimeError:
            raise KeyError("unknown vector id") from None

    def count(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> Ids:
        return np.asarray(faiss.vector_to_array(self._index.id_map), dtype=np.int64)

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        return {"faiss": faiss.serialize_index(self._index)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[np.generic]]) -> FaissIndex:
        index = faiss.deserialize_index(np.asarray(arrays["faiss"], dtype=np.uint8))
        return cls(int(index.d), index=index)
