"""What is derived from one kind's profiles: vectors, lexical index, neighbour lists.

Every structure here is updated by the write that changes the kind (add or remove), never
by a query, so concurrent matches only read and a match after a write costs what any
match costs. Each kind has its own vector index: a query searches only its target kind,
and a large kind can use an approximate index while the others stay exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.index import VectorIndex, create_index
from matcher.index.auto import ANN_THRESHOLD, AutoIndex
from matcher.index.base import Ids, Vectors
from matcher.lexical import LexicalIndex, LexicalMethod, lexical_index
from matcher.neighbours import NeighbourGraph
from matcher.parts import PARTS_PER_PROFILE as PARTS


def kind_index(backend: str, dimension: int, ann_threshold: int = ANN_THRESHOLD) -> VectorIndex:
    """`faiss` is exact FAISS that turns approximate (IVF) above `ann_threshold` vectors."""
    if backend == "faiss":
        return AutoIndex(dimension, threshold=ann_threshold)
    return create_index(backend, dimension)


class KindState:
    """The vector index, lexical index and neighbour lists of one kind."""

    def __init__(
        self,
        index: VectorIndex,
        *,
        lexical: LexicalMethod | None,
        neighbours_k: int,
    ) -> None:
        self.index = index
        self.lexical: LexicalIndex | None = None if lexical is None else lexical_index(lexical)
        self.neighbours = NeighbourGraph(neighbours_k, index.dimension)

    def add(
        self,
        keys: Sequence[int],
        parts: Sequence[Sequence[tuple[int, str]]],
        vectors: Vectors,
        lexical_texts: Sequence[str],
    ) -> None:
        """Index new profiles: the vectors of their parts (in order), words and neighbours.

        Each profile's text vector (part 0) places it among the neighbour lists.
        """
        part_ids = np.array(
            [
                key * PARTS + no
                for key, numbered in zip(keys, parts, strict=True)
                for no, _ in numbered
            ],
            dtype=np.int64,
        )
        self.index.add(part_ids, vectors)
        if self.lexical is not None:
            self.lexical.add(keys, lexical_texts)
        self.neighbours.add(keys, vectors[np.flatnonzero(part_ids % PARTS == 0)])

    def remove(self, key: int, part_ids: Ids, lexical_text: str) -> None:
        self.index.delete(part_ids)
        if self.lexical is not None:
            self.lexical.remove(key, lexical_text)
        self.neighbours.remove(key)
