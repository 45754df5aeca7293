"""The interface every vector index backend follows (after txtai's `ann/base.py`).

Ids are int64 and stable: the caller chooses them, the index never renumbers. Vectors are
unit length, so the score is the inner product (cosine). `search` can be restricted to a
set of allowed ids: filters are applied before ranking, never after the top-k was cut.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Ids = NDArray[np.int64]
Vectors = NDArray[np.float32]
Scores = NDArray[np.float32]

MISSING_ID = -1


class VectorIndex(Protocol):
    """add / delete / search / count / ids, and a lossless round trip to plain arrays."""

    @property
    def backend(self) -> str:
        """Which implementation answers: `exact`, `faiss` or `ivf`."""
        ...

    @property
    def dimension(self) -> int: ...

    def add(self, ids: Ids, vectors: Vectors) -> None:
        """Add vectors under new ids; an id already present is an error."""
        ...

    def delete(self, ids: Ids) -> int:
        """Remove the ids that are present; return how many were removed."""
        ...

    def search(self, queries: Vectors, k: int, *, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        """The k best (score, id) per query row, best first, padded with MISSING_ID."""
        ...

    def vectors(self, ids: Ids) -> Vectors:
        """The stored vectors of these ids, in order; an unknown id is a KeyError."""
        ...

    def count(self) -> int: ...

    def ids(self) -> Ids: ...

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        """Plain arrays that `from_arrays` of the same backend turns back into this index."""
        ...


def as_ids(ids: object) -> Ids:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


def as_vectors(vectors: object, dimension: int) -> Vectors:
    matrix = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.shape[1] != dimension:
        raise ValueError(f"vectors have dimension {matrix.shape[1]}, index has {dimension}")
    return matrix


def checked_new(ids: object, vectors: object, dimension: int, existing: Ids) -> tuple[Ids, Vectors]:
    """Ids and vectors as arrays, refusing a length mismatch or an id already present."""
    ids, vectors = as_ids(ids), as_vectors(vectors, dimension)
    if len(ids) != len(vectors):
        raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
    if len(np.unique(ids)) != len(ids) or np.isin(ids, existing).any():
        raise ValueError("ids must be new and unique")
    return ids, vectors
