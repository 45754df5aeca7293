"""Capacity-aware assignment: each item (a request, a student) gets at most one target (an
expert, a placement), no target gets more items than its capacity, and the total fit of
the chosen pairs is as large as it can be.

Why not greedy top-1: giving every item its best target in turn sends a popular expert's
hours to whoever asks first, and the next item, whose only good match was that expert, is
left with nothing, although the first item had a nearly as good alternative. The global
optimum is a maximum-weight bipartite matching after each target is copied once per unit of
capacity; scipy's sparse LAPJV (`min_weight_full_bipartite_matching`, the sparse sibling
of `linear_sum_assignment`) solves it exactly. The candidates come from the engine's top-k
for each item, so the problem has at most items x k x copies edges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


@dataclass(frozen=True)
class Candidate:
    """One possible pair: a target for an item, with how well it fits (higher is better)."""

    target: str
    fit: float


@dataclass(frozen=True)
class Allocation:
    """The chosen pairs (item -> its target and fit) and each item's ranked alternatives."""

    pairs: dict[str, Candidate]
    alternatives: dict[str, list[Candidate]] = field(default_factory=dict)

    @property
    def total_fit(self) -> float:
        return float(sum(chosen.fit for chosen in self.pairs.values()))

    def load(self) -> dict[str, int]:
        """How many items each target received."""
        counts: dict[str, int] = {}
        for chosen in self.pairs.values():
            counts[chosen.target] = counts.get(chosen.target, 0) + 1
        return counts


def _ranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best fit first; ties by target id, so a round is reproducible."""
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        if candidate.target not in best or candidate.fit > best[candidate.target].fit:
            best[candidate.target] = candidate
    return sorted(best.values(), key=lambda c: (-c.fit, c.target))


def _alternatives(
    ranked: Mapping[str, list[Candidate]], pairs: Mapping[str, Candidate], keep: int
) -> dict[str, list[Candidate]]:
    return {
        item: [c for c in options if item not in pairs or c.target != pairs[item].target][:keep]
        for item, options in ranked.items()
    }


def allocate(
    candidates: Mapping[str, Sequence[Candidate]],
    capacity: Mapping[str, int | None],
    *,
    min_fit: float = 0.0,
    alternatives: int = 5,
) -> Allocation:
    """The assignment of items to targets with the largest total fit.

    `capacity[target]` is how many items the target can still take (None: no limit; a
    target missing from the map takes none). Only candidates with fit above `min_fit` are
    paired, so an item is left unpaired rather than given a poor match.
    """
    ranked = {item: _ranked(options) for item, options in candidates.items()}
    edges = [
        (item, c)
        for item, options in ranked.items()
        for c in options
        if c.fit > min_fit and (capacity.get(c.target, 0) is None or capacity.get(c.target, 0))
    ]
    items = sorted({item for item, _ in edges})
    if not items:
        return Allocation({}, _alternatives(ranked, {}, alternatives))
    demand: dict[str, int] = {}
    for _, c in edges:
        demand[c.target] = demand.get(c.target, 0) + 1
    # Each target is copied min(capacity, number of items that want it) times: more copies
    # could never be used, so the matrix stays at most items x k wide.
    columns: list[str] = []
    span: dict[str, tuple[int, int]] = {}
    for target in sorted(demand):
        limit = capacity.get(target)
        copies = demand[target] if limit is None else min(limit, demand[target])
        span[target] = (len(columns), len(columns) + copies)
        columns += [target] * copies
    row_of = {item: row for row, item in enumerate(items)}
    chosen = _solve(
        np.array([row_of[item] for item, _ in edges], dtype=np.int64),
        np.array([span[c.target] for _, c in edges], dtype=np.int64).reshape(-1, 2),
        np.array([c.fit for _, c in edges], dtype=np.float64),
        len(items),
        len(columns),
    )
    fit_of = {(item, c.target): c.fit for item, c in edges}
    pairs = {
        items[row]: Candidate(columns[col], fit_of[(items[row], columns[col])])
        for row, col in chosen
    }
    return Allocation(pairs, _alternatives(ranked, pairs, alternatives))


def _solve(
    rows: NDArray[np.int64],
    spans: NDArray[np.int64],
    fits: NDArray[np.float64],
    n_rows: int,
    n_columns: int,
) -> list[tuple[int, int]]:
    """Maximum-weight matching of rows to capacity-copied columns; (row, column) pairs.

    Sparse: every edge to a target becomes an edge to each of its copies, and every row gets
    a column of its own that stands for "unpaired", so a full matching always exists and
    scipy's sparse LAPJV solver (`min_weight_full_bipartite_matching`) finds the optimum on
    items x k x copies edges instead of a dense items x columns matrix. Costs are
    `top - fit` (all positive: a sparse matrix drops zeros); an unpaired row costs `top`."""
    copies = spans[:, 1] - spans[:, 0]
    edge_rows = np.repeat(rows, copies)
    starts = np.repeat(spans[:, 0] - np.cumsum(copies) + copies, copies)
    edge_columns = starts + np.arange(len(edge_rows))
    top = float(fits.max()) + 1.0
    costs = np.concatenate([np.repeat(top - fits, copies), np.full(n_rows, top)])
    matrix = csr_matrix(
        (
            costs,
            (
                np.concatenate([edge_rows, np.arange(n_rows)]),
                np.concatenate([edge_columns, n_columns + np.arange(n_rows)]),
            ),
        ),
        shape=(n_rows, n_columns + n_rows),
    )
    _, matched = min_weight_full_bipartite_matching(matrix)
    return [(row, int(col)) for row, col in enumerate(matched.tolist()) if col < n_columns]


def greedy_top1(
    candidates: Mapping[str, Sequence[Candidate]],
    capacity: Mapping[str, int | None],
    *,
    min_fit: float = 0.0,
    depth: int = 1,
) -> Allocation:
    """The baseline: items in order of their best fit each take their top-1 target if it has
    capacity left, and get nothing otherwise (what one-request-at-a-time matching does).
    With `depth` > 1, an item whose top-1 is full tries its next candidates in turn (a
    stronger greedy baseline, still blind to what later items need)."""
    ranked = {item: _ranked(options) for item, options in candidates.items()}
    left = dict(capacity)
    pairs: dict[str, Candidate] = {}
    order = sorted(
        (item for item, options in ranked.items() if options),
        key=lambda item: (-ranked[item][0].fit, item),
    )
    for item in order:
        for option in ranked[item][:depth]:
            room = left.get(option.target, 0)
            if option.fit > min_fit and (room is None or room > 0):
                pairs[item] = option
                if room is not None:
                    left[option.target] = room - 1
                break
    return Allocation(pairs, _alternatives(ranked, pairs, 5))


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of exposure (0: every target suggested equally often; near 1: all
    suggestions go to a few). Targets never suggested count as zeros."""
    array = np.sort(np.asarray(values, dtype=np.float64))
    if len(array) == 0 or array.sum() == 0:
        return 0.0
    n = len(array)
    cumulative = np.cumsum(array)
    return float((n + 1 - 2 * (cumulative.sum() / cumulative[-1])) / n)
