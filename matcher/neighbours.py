"""Each profile's nearest profiles of its own kind, kept up to date on every write.

A candidate whose closest peers also fit the need fits it better (the cluster hypothesis
of retrieval), so the ranking reads the mean dense score of a candidate's neighbours.
The lists are derived state: a write updates the written profile's list and the lists it
enters or leaves, with one product of its vector against the kind's text vectors, so no
query ever waits for an all-pairs search. Neighbours are ordered by cosine, ties by key
(the order of the exact index), so incremental lists equal lists built from scratch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.columns import Columns
from matcher.index.base import MISSING_ID, Ids, VectorIndex, Vectors

BLOCK = 1024  # rows per block of a bulk build: bounds the memory of one product


class NeighbourGraph:
    """The k nearest same-kind profiles of every profile, by the cosine of their texts.

    Holds each profile's text vector beside its list (the products a write needs).
    """

    def __init__(self, k: int, dimension: int) -> None:
        self.k = k
        self._table = Columns(
            {
                "key": (np.int64, ()),
                "vector": (np.float32, (dimension,)),
                "peers": (np.int64, (max(k, 1),)),
                "cosines": (np.float32, (max(k, 1),)),
            }
        )
        self._row: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._table)

    def of(self, key: int) -> list[int]:
        """The keys of a profile's neighbours, nearest first."""
        peers = self._table["peers"][self._row[key]]
        return [int(peer) for peer in peers[peers != MISSING_ID]] if self.k else []

    def peers(self, keys: Sequence[int]) -> Ids:
        """The neighbour keys of these profiles, one row each, MISSING_ID-padded."""
        rows = [self._row[key] for key in keys]
        peers: Ids = self._table["peers"][rows]
        return peers

    def lists(self) -> dict[int, list[int]]:
        return {key: self.of(key) for key in self._row}

    def export(self) -> dict[str, NDArray[np.generic]]:
        """The lists as arrays, to be saved beside the index and adopted at start-up."""
        return {name: self._table[name].copy() for name in ("key", "peers", "cosines")}

    def adopt(self, lists: Mapping[str, NDArray[np.generic]], vectors: Vectors) -> None:
        """Take saved lists (from `export`) for these keys' text vectors, in `key` order."""
        keys = np.asarray(lists["key"], dtype=np.int64)
        peers = np.asarray(lists["peers"], dtype=np.int64)
        if peers.shape[1:] != (max(self.k, 1),):
            raise ValueError(f"saved lists hold {peers.shape[1:]} neighbours, not {self.k}")
        self._table.clear()
        self._row.clear()
        rows = self._table.append(
            {"key": keys, "vector": vectors, "peers": peers, "cosines": lists["cosines"]}
        )
        self._row.update(zip(keys.tolist(), rows.tolist(), strict=True))

    def add(self, keys: Sequence[int], vectors: Vectors) -> None:
        """Add profiles with their text vectors; one at a time, or in bulk for many."""
        keys_array = np.asarray(keys, dtype=np.int64)
        if len(keys_array) > max(64, len(self._table)):
            self._append(keys_array, vectors)
            self._rebuild()
            return
        for key, vector in zip(keys_array.tolist(), vectors, strict=True):
            self._append(np.array([key]), vector[None, :])
            self._link(key)

    def remove(self, key: int) -> None:
        """Drop a profile; every list that held it is refilled from the kind."""
        _, targets = self._table.remove(np.array([self._row.pop(key)]))
        for target in targets.tolist():
            self._row[int(self._table["key"][target])] = target
        if not self.k:
            return
        for row in np.flatnonzero((self._table["peers"] == key).any(axis=1)).tolist():
            self._refill(row)

    def _append(self, keys: Ids, vectors: Vectors) -> None:
        rows = self._table.append(
            {
                "key": keys,
                "vector": vectors,
                "peers": np.full((len(keys), max(self.k, 1)), MISSING_ID),
                "cosines": np.full((len(keys), max(self.k, 1)), -np.inf),
            }
        )
        self._row.update(zip(keys.tolist(), rows.tolist(), strict=True))

    def _link(self, key: int) -> None:
        """The new profile's own list, and its place in every list it enters."""
        if not self.k:
            return
        row = self._row[key]
        cosines = self._table["vector"] @ self._table["vector"][row]
        self._refill(row, cosines)
        peers, worst = self._table["peers"], self._table["cosines"]
        last_cosine, last_peer = worst[:, -1], peers[:, -1]
        enters = (cosines > last_cosine) | (
            (cosines == last_cosine) & ((last_peer == MISSING_ID) | (key < last_peer))
        )
        enters[row] = False
        for other in np.flatnonzero(enters).tolist():
            merged_keys = np.r_[peers[other], key]
            merged_cosines = np.r_[worst[other], cosines[other]]
            self._set(other, merged_keys, merged_cosines)

    def _refill(self, row: int, cosines: NDArray[np.float32] | None = None) -> None:
        """A profile's list computed from its cosines to every profile of the kind."""
        table = self._table
        if cosines is None:
            cosines = table["vector"] @ table["vector"][row]
        others = np.flatnonzero(np.arange(len(table)) != row)
        self._set(row, table["key"][others], cosines[others])

    def _set(self, row: int, keys: Ids, cosines: NDArray[np.float32]) -> None:
        live = keys != MISSING_ID
        keys, cosines = keys[live], cosines[live]
        order = np.lexsort((keys, -cosines))[: self.k]
        self._table["peers"][row] = MISSING_ID
        self._table["cosines"][row] = -np.inf
        self._table["peers"][row, : len(order)] = keys[order]
        self._table["cosines"][row, : len(order)] = cosines[order]

    def _rebuild(self) -> None:
        """Every list from scratch, by exact products a block of rows at a time."""
        if not self.k or len(self._table) < 2:
            return
        vectors, keys = self._table["vector"], self._table["key"]
        depth = min(self.k + 1, len(keys))
        cosines = np.empty((len(keys), depth), dtype=np.float32)
        found = np.empty((len(keys), depth), dtype=np.int64)
        for start in range(0, len(keys), BLOCK):
            block = vectors[start : start + BLOCK] @ vectors.T
            top = np.argpartition(-block, depth - 1, axis=1)[:, :depth]
            chosen = np.take_along_axis(block, top, axis=1)
            # Where the cut falls among equal cosines, take the smallest keys among them.
            cut = chosen.min(axis=1, keepdims=True)
            for row in np.flatnonzero((block == cut).sum(1) > (chosen == cut).sum(1)).tolist():
                rows = np.flatnonzero(block[row] >= cut[row])
                top[row] = rows[np.lexsort((keys[rows], -block[row, rows]))[:depth]]
                chosen[row] = block[row, top[row]]
            cosines[start : start + BLOCK] = chosen
            found[start : start + BLOCK] = top
        for row in range(len(keys)):
            own = found[row] != row
            self._set(row, keys[found[row][own]], cosines[row][own])


def nearest_neighbours(index: VectorIndex, vector_ids: Ids, k: int) -> list[list[int]]:
    """For each vector id, the ids of its k nearest among `vector_ids`, itself excluded."""
    if len(vector_ids) < 2 or k <= 0:
        return [[] for _ in vector_ids]
    _, found = index.search(index.vectors(vector_ids), k + 1, allowed=vector_ids)
    return [
        [int(other) for other in row if other != MISSING_ID and other != own][:k]
        for own, row in zip(vector_ids.tolist(), found, strict=True)
    ]


def with_neighbours(pool: Sequence[str], neighbours: Mapping[str, list[str]]) -> list[str]:
    """The pool and every neighbour of its members: all whose dense scores the signal needs."""
    return sorted(set(pool).union(*(neighbours.get(pid, []) for pid in pool)))
