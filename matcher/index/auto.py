"""The index a kind gets: exact below a size threshold, IVF above it, chosen on write.

Exact search is the reference and is fast enough for small kinds; a kind that grows past
`threshold` vectors is copied into an IVF index on the write that crosses it (built
aside, then swapped in), so the next query already searches the graph.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.index.ann import IvfIndex
from matcher.index.base import Ids, Scores, VectorIndex, Vectors
from matcher.index.faiss_backend import FaissIndex

ANN_THRESHOLD = 20_000


class AutoIndex:
    """A VectorIndex that is exact FAISS while small and IVF once large."""

    def __init__(
        self, dimension: int, *, threshold: int = ANN_THRESHOLD, inner: VectorIndex | None = None
    ) -> None:
        self.threshold = threshold
        self._inner: VectorIndex = inner if inner is not None else FaissIndex(dimension)

    @property
    def backend(self) -> str:
        return self._inner.backend

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def add(self, ids: Ids, vectors: Vectors) -> None:
        self._inner.add(ids, vectors)
        if self._inner.backend != IvfIndex.backend and self._inner.count() > self.threshold:
            ids = self._inner.ids()
            ann = IvfIndex(self.dimension)
            ann.add(ids, self._inner.vectors(ids))
            self._inner = ann

    def delete(self, ids: Ids) -> int:
        return self._inner.delete(ids)

    def search(self, queries: Vectors, k: int, *, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        return self._inner.search(queries, k, allowed=allowed)

    def vectors(self, ids: Ids) -> Vectors:
        return self._inner.vectors(ids)

    def count(self) -> int:
        return self._inner.count()

    def ids(self) -> Ids:
        return self._inner.ids()

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        return self._inner.to_arrays()
