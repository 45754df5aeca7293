"""Out-of-sample figures for the learned fusion: leave one benchmark out, and query folds.

Every benchmark's candidate pools are gathered once (the expensive part: encoding and
search); each fold then trains the fusion model on the other rows and ranks the rows it
did not see. Each benchmark weighs the same in training, and each query the same within
its benchmark, so a benchmark with many queries does not decide alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.benchmarks import Benchmark
from matcher.engine import Matcher
from matcher.evaluation import QUERY_BATCH, RUN_DEPTH, Run
from matcher.features import FloatArray, feature_matrix
from matcher.fusion import LearnedFusion
from matcher.scoring import query_language

FOLDS = 5


@dataclass(frozen=True)
class PoolTable:
    """One benchmark's candidate pools as a feature table: a row per (query, candidate)."""

    name: str
    features: FloatArray
    labels: NDArray[np.int64]
    query_rows: NDArray[np.int64]  # which query each row belongs to
    candidates: list[str]
    query_ids: list[str]
    query_languages: list[str]
    qrels: dict[str, dict[str, int]]

    def rows_of(self, queries: NDArray[np.bool_]) -> NDArray[np.bool_]:
        return queries[self.query_rows]


def collect_pools(
    benchmark: Benchmark, matcher: Matcher, *, progress: Callable[[int], None] | None = None
) -> PoolTable:
    """Every query's pool with its features and qrels labels (the matcher holds the profiles)."""
    blocks: list[FloatArray] = []
    labels: list[int] = []
    query_rows: list[int] = []
    candidates: list[str] = []
    items = benchmark.queries
    for start in range(0, len(items), QUERY_BATCH):
        batch = items[start : start + QUERY_BATCH]
        for kind in sorted({item.target_kind for item in batch}):
            same_kind = [item for item in batch if item.target_kind == kind]
            pools = matcher.pools([item.query for item in same_kind], target_kind=kind)
            for item, pool in zip(same_kind, pools, strict=True):
                judged = benchmark.qrels.get(item.id, {})
                blocks.append(feature_matrix(pool.signals))
                labels += [judged.get(pid, 0) for pid in pool.ids]
                query_rows += [items.index(item)] * len(pool.ids)
                candidates += pool.ids
        if progress:
            progress(min(start + QUERY_BATCH, len(items)))
    return PoolTable(
        name=benchmark.name,
        features=np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32),
        labels=np.asarray(labels, dtype=np.int64),
        query_rows=np.asarray(query_rows, dtype=np.int64),
        candidates=candidates,
        query_ids=[item.id for item in items],
        query_languages=[query_language(item.query) for item in items],
        qrels=benchmark.qrels,
    )


def training_set(
    tables: Sequence[PoolTable], masks: Sequence[NDArray[np.bool_]]
) -> tuple[FloatArray, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Rows of the chosen queries: features, gains, query numbers and query weights.

    Each benchmark weighs 1 in all, shared equally by its chosen queries.
    """
    features, labels, groups, weights = [], [], [], []
    offset = 0
    for table, queries in zip(tables, masks, strict=True):
        rows = table.rows_of(queries)
        if not rows.any():
            continue
        features.append(table.features[rows])
        labels.append(table.labels[rows])
        groups.append(table.query_rows[rows] + offset)
        weights.append(np.full(int(rows.sum()), 1.0 / int(queries.sum())))
        offset += len(table.query_ids)
    return (
        np.concatenate(features),
        np.concatenate(labels),
        np.concatenate(groups),
        np.concatenate(weights),
    )


def fitted(
    model: LearnedFusion, tables: Sequence[PoolTable], masks: Sequence[NDArray[np.bool_]]
) -> LearnedFusion:
    features, labels, groups, weights = training_set(tables, masks)
    return model.fit(features, labels, groups, sample_weight=weights)


def ranked_run(table: PoolTable, scores: FloatArray, queries: NDArray[np.bool_]) -> Run:
    """The run of the chosen queries: each pool ordered by score, the first RUN_DEPTH kept."""
    run: Run = {}
    rows = np.flatnonzero(table.rows_of(queries))
    for query in np.flatnonzero(queries):
        mine = rows[table.query_rows[rows] == query]
        ranked = sorted(
            zip(scores[mine].tolist(), (table.candidates[i] for i in mine), strict=True),
            key=lambda item: (-item[0], item[1]),
        )[:RUN_DEPTH]
        run[table.query_ids[query]] = {pid: score for score, pid in ranked}
    return run


def fold_of(table: PoolTable, folds: int = FOLDS) -> NDArray[np.int64]:
    """A fixed fold per query, from its position (queries come in a random order)."""
    return np.arange(len(table.query_ids)) % folds


def everything(table: PoolTable) -> NDArray[np.bool_]:
    return np.ones(len(table.query_ids), dtype=bool)


def leave_one_out(tables: Sequence[PoolTable], held_out: int, model: LearnedFusion) -> Run:
    """Train on every other benchmark, rank the held-out one."""
    masks = [everything(t) if i != held_out else ~everything(t) for i, t in enumerate(tables)]
    table = tables[held_out]
    return ranked_run(
        table, fitted(model, tables, masks).predict(table.features), everything(table)
    )


def query_fold_run(
    tables: Sequence[PoolTable], target: int, model: LearnedFusion, folds: int = FOLDS
) -> Run:
    """Per fold: train on the other benchmarks and the other folds of this one, rank the fold."""
    table = tables[target]
    fold = fold_of(table, folds)
    run: Run = {}
    for held in range(folds):
        masks = [everything(t) if i != target else fold != held for i, t in enumerate(tables)]
        scores = fitted(model, tables, masks).predict(table.features)
        run.update(ranked_run(table, scores, fold == held))
    return run


def in_sample_run(tables: Sequence[PoolTable], target: int, model: LearnedFusion) -> Run:
    """Train on everything, this benchmark included: for contrast only."""
    table = tables[target]
    scores = fitted(model, tables, [everything(t) for t in tables]).predict(table.features)
    return ranked_run(table, scores, everything(table))
