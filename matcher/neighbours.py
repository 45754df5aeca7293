"""Neighbour smoothing: a profile whose closest peers also fit the need fits it better.

Each profile's k nearest profiles of the same kind are found once (by their text
vectors) and kept until that kind changes. At query time a profile's dense score gains
`weight` x the mean dense score of its neighbours: the cluster hypothesis of retrieval,
which lifts the right placement when the query's skills are spread over related jobs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from matcher.index.base import MISSING_ID, Ids, VectorIndex


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
    """The pool and every neighbour of its members: all whose dense scores smoothing needs."""
    return sorted(set(pool).union(*(neighbours.get(pid, []) for pid in pool)))


def smooth(
    pool: Sequence[str],
    dense: Mapping[str, float],
    neighbours: Mapping[str, list[str]],
    weight: float,
) -> np.ndarray:
    """Dense score of each pooled profile plus `weight` x its neighbours' mean."""
    smoothed = np.empty(len(pool), dtype=np.float32)
    for i, profile_id in enumerate(pool):
        peers = [dense[other] for other in neighbours.get(profile_id, [])]
        smoothed[i] = dense[profile_id] + (weight * float(np.mean(peers)) if peers else 0.0)
    return smoothed
