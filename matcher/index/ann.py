"""Approximate backend for large kinds: a FAISS inverted-file index (IVF, inner product).

An exact search reads every vector; above ~20,000 vectors of one kind an IVF index reads
only the `nprobe` clusters nearest the query, at a recall@10 measured by `recall_at_k`
(>= 0.95 on 100,000 vectors: tests/test_index_contract.py). IVF was preferred to HNSW on
that measure: at the same recall it searched as fast, built ten times faster, and removes
vectors for real, so deletes need no tombstones. Clusters are trained on the vectors at
hand; once the index has doubled since, it is retrained aside and swapped in. A search
restricted to few allowed ids is answered exactly over those ids.
"""

from __future__ import annotations

import math
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from matcher.index.base import MISSING_ID, Ids, Scores, Vectors, as_ids, as_vectors

PROBED_SHARE = 0.1  # probe a tenth of the clusters...
PROBED_VECTORS = 5_000  # ...or more, to read at least this many vectors per query
EXACT_BELOW = 20_000  # allowed ids under which a restricted search is exact
MIN_LISTS = 16


def _trained(vectors: Vectors) -> Any:
    """An empty IVF index with about 2 x sqrt(n) clusters trained on these vectors."""
    dimension = vectors.shape[1]
    lists = max(MIN_LISTS, min(4096, int(2 * math.sqrt(len(vectors)))))
    lists = min(lists, max(1, len(vectors) // 39))  # FAISS wants ~39 points per cluster
    index = faiss.IndexIVFFlat(
        faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT
    )
    index.cp.seed = 1234
    index.cp.min_points_per_centroid = 1  # small indexes (tests) train on what they have
    index.train(np.ascontiguousarray(vectors))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
    share = max(PROBED_SHARE, PROBED_VECTORS / len(vectors))
    index.nprobe = min(lists, max(1, math.ceil(lists * share)))
    return index


class IvfIndex:
    backend = "ivf"

    def __init__(self, dimension: int, *, index: Any = None, trained_on: int = 0) -> None:
        self._dimension = dimension
        self._index = index
        self._trained_on = trained_on
        self._ids: set[int] = set()
        if index is not None:
            self._ids = set(self._stored_ids().tolist())

    @property
    def dimension(self) -> int:
        return self._dimension

    def add(self, ids: Ids, vectors: Vectors) -> None:
        ids, vectors = as_ids(ids), as_vectors(vectors, self._dimension)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(set(ids.tolist())) != len(ids) or not self._ids.isdisjoint(ids.tolist()):
            raise ValueError("ids must be new and unique")
        if self._index is None or self.count() + len(ids) > 2 * self._trained_on:
            self._retrain(ids, vectors)
        else:
            self._index.add_with_ids(vectors, ids)
        self._ids.update(ids.tolist())

    def _retrain(self, ids: Ids, vectors: Vectors) -> None:
        """Train new clusters on every vector, fill them, and swap the new index in."""
        old = self.ids()
        all_ids = np.concatenate([old, ids])
        all_vectors = np.concatenate([self.vectors(old), vectors]) if len(old) else vectors
        fresh = _trained(all_vectors)
        fresh.add_with_ids(all_vectors, all_ids)
        self._index, self._trained_on = fresh, len(all_ids)

    def delete(self, ids: Ids) -> int:
        present = np.array(sorted(self._ids & set(as_ids(ids).tolist())), dtype=np.int64)
        if len(present):
            self._index.remove_ids(faiss.IDSelectorArray(present))
            self._ids.difference_update(present.tolist())
        return len(present)

    def search(self, queries: Vectors, k: int, *, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        queries = as_vectors(queries, self._dimension)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        found = np.full((len(queries), k), MISSING_ID, dtype=np.int64)
        top = min(k, self.count() if allowed is None else len(allowed))
        if top <= 0:
            return scores, found
        params = faiss.SearchParametersIVF()
        params.nprobe = self._index.nprobe
        if allowed is not None:
            allowed = as_ids(allowed)
            params.sel = faiss.IDSelectorBatch(allowed)
            if len(allowed) <= EXACT_BELOW:  # every cluster, but only the allowed vectors
                params.nprobe = self._index.nlist
        got_scores, got = self._index.search(queries, top, params=params)
        scores[:, :top] = np.where(got == MISSING_ID, -np.inf, got_scores)
        found[:, :top] = got
        return scores, found

    def vectors(self, ids: Ids) -> Vectors:
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dimension), dtype=np.float32)
        try:  # the direct map refuses an id it does not hold
            return np.asarray(self._index.reconstruct_batch(ids), dtype=np.float32)
        except RuntimeError:
            raise KeyError("unknown vector id") from None

    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> Ids:
        return np.array(sorted(self._ids), dtype=np.int64)

    def _stored_ids(self) -> Ids:
        lists = self._index.invlists
        found = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(lists.nlist)
            if lists.list_size(i)
        ]
        return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        if self._index is None:
            return {"trained_on": np.array([0], dtype=np.int64)}
        return {
            "faiss": faiss.serialize_index(self._index),
            "trained_on": np.array([self._trained_on], dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[np.generic]]) -> IvfIndex:
        if "faiss" not in arrays:
            raise ValueError("an empty IVF index records no dimension")
        index = faiss.deserialize_index(np.asarray(arrays["faiss"], dtype=np.uint8))
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
        return cls(int(index.d), index=index, trained_on=int(np.asarray(arrays["trained_on"])[0]))


def recall_at_k(exact: Ids, approximate: Ids, k: int = 10) -> float:
    """Share of the exact top-k ids that the approximate top-k also found, over all rows."""
    hits = sum(
        len(set(row[:k].tolist()) & set(other[:k].tolist()) - {MISSING_ID})
        for row, other in zip(exact, approximate, strict=True)
    )
    expected = sum(len(set(row[:k].tolist()) - {MISSING_ID}) for row in exact)
    return hits / max(expected, 1)


def measured_recall(vectors: Vectors, queries: Vectors, k: int = 10) -> float:
    """recall@k of an IVF index against exact search over the same vectors."""
    ids = np.arange(len(vectors), dtype=np.int64)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(np.ascontiguousarray(vectors))
    approximate = IvfIndex(vectors.shape[1])
    approximate.add(ids, vectors)
    _, expected = exact.search(np.ascontiguousarray(queries), k)
    return recall_at_k(expected, approximate.search(queries, k)[1], k)
