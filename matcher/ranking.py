"""How part scores become profile scores: the pipeline's settings and its aggregation.

Pure functions on arrays, so each choice can be read, tested and swapped on its own.
The structural defaults (top parts, name share, query pieces) come from the first
benchmark study; the weights that combine signals are learned (matcher/fusion.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.lexical import LexicalMethod

Scorer = Literal["learned", "plain", "lexical"]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class RankingConfig:
    """The knobs of the ranking pipeline: what is computed for each candidate.

    How the signals are weighed is not here: the learned fusion model decides that
    (matcher/fusion.py), or `scorer` names one raw signal for the plain baselines.

    lexical: which lexical scorer, or None for none.
    use_documents: embed each document as a part of its profile (multi-vector).
    top_m: a profile's dense score is the mean of its `top_m` best parts (1 = best part).
    name_weight: share of the name's own vector in the score of kinds with topical names.
    query_parts / whole_weight: also embed the query's skills or sentences one by one; the
        dense score is `whole_weight` x (whole query) + the rest x (mean over the pieces).
    neighbours_k: how many nearest profiles of its kind give a candidate its neighbour
        signal (matcher/neighbours.py); 0 switches the signal off.
    candidates: how many profiles each signal nominates before exact re-scoring.
    scorer: `learned` (the fusion model), `plain` (the encoder's own cosine of the best
        part) or `lexical` (the lexical score alone).
    """

    lexical: LexicalMethod | None = "bm25"
    use_documents: bool = True
    top_m: int = 3
    name_weight: float = 0.2
    query_parts: bool = True
    whole_weight: float = 0.3
    neighbours_k: int = 10
    candidates: int = 300
    scorer: Scorer = "learned"

    @property
    def uses_dense(self) -> bool:
        return self.scorer != "lexical"

    @property
    def uses_lexical(self) -> bool:
        return self.lexical is not None and self.scorer != "plain"


def plain_dense(*, use_documents: bool) -> RankingConfig:
    """Cosine of the best vector (text only, or text and each document), nothing else."""
    return RankingConfig(
        lexical=None,
        use_documents=use_documents,
        top_m=1,
        name_weight=0,
        query_parts=False,
        neighbours_k=0,
        scorer="plain",
    )


def plain_lexical(method: LexicalMethod) -> RankingConfig:
    """The lexical score alone (BM25 or TF-IDF over text and documents)."""
    return RankingConfig(
        lexical=method, name_weight=0, query_parts=False, neighbours_k=0, scorer="lexical"
    )


def profile_scores(
    part_scores: FloatArray,
    owners: NDArray[np.int64],
    is_name: NDArray[np.bool_],
    count: int,
    config: RankingConfig,
) -> FloatArray:
    """Profile scores (rows x profiles) from part scores (rows x parts).

    Per profile: the mean of its `top_m` best text/document parts, mixed with its name
    part (if it has one) at `name_weight`. `owners[j]` is the profile of part column j.
    """
    rows = part_scores.shape[0]
    body_owners, body = owners[~is_name], part_scores[:, ~is_name]
    slots = part_slots(body_owners)
    padded = np.full((rows, count, int(slots.max(initial=0)) + 1), -np.inf, dtype=np.float32)
    padded[:, body_owners, slots] = body
    best = -np.sort(-padded, axis=2)[:, :, : config.top_m]
    finite = np.isfinite(best)
    sums = np.where(finite, best, 0.0).sum(axis=2)
    counts = finite.sum(axis=2)
    scores = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0).astype(np.float32)
    if is_name.any():
        named = owners[is_name]
        scores[:, named] = (1 - config.name_weight) * scores[
            :, named
        ] + config.name_weight * part_scores[:, is_name]
    return scores


def part_slots(owners: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each part's place among its profile's parts: 0, 1, 2... per owner."""
    order = np.argsort(owners, kind="stable")
    sorted_owners = owners[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_owners)) + 1]
    lengths = np.diff(np.r_[starts, len(owners)])
    slots = np.empty(len(owners), dtype=np.int64)
    slots[order] = np.arange(len(owners)) - np.repeat(starts, lengths)
    return slots


def combine_query_parts(scores: FloatArray, config: RankingConfig) -> FloatArray:
    """One dense score per profile from the rows: whole query first, then its pieces."""
    if scores.shape[0] == 1:
        return np.asarray(scores[0], dtype=np.float32)
    combined: FloatArray = (
        config.whole_weight * scores[0] + (1 - config.whole_weight) * scores[1:].mean(axis=0)
    ).astype(np.float32)
    return combined


def tag_similarity(query: Mapping[str, float], profile: Mapping[str, float]) -> float:
    """Cosine between two sets of ESCO tags weighted by their confidences (0 if disjoint)."""
    shared = query.keys() & profile.keys()
    if not shared:
        return 0.0
    dot = sum(query[uri] * profile[uri] for uri in shared)
    norms = np.sqrt(sum(v * v for v in query.values()) * sum(v * v for v in profile.values()))
    return float(dot / norms)
