"""How the signals for one query become one ranked list: aggregation and fusion.

Pure functions on arrays, so each choice can be read, tested and swapped on its own.
The defaults were chosen on the shared benchmarks (README, "Match quality"); every
number here applies to every benchmark and every network alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.lexical import LexicalMethod

Fusion = Literal["z", "minmax", "rrf"]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class RankingConfig:
    """The knobs of the ranking pipeline.

    dense_weight / lexical_weight: weights of the two signals after normalisation.
    lexical: which lexical scorer, or None for dense only.
    use_documents: embed each document as a part of its profile (multi-vector).
    top_m: a profile's dense score is the mean of its `top_m` best parts (1 = best part).
    name_weight: share of the name's own vector in the score of kinds with topical names.
    query_parts / whole_weight: also embed the query's skills or sentences one by one; the
        dense score is `whole_weight` x (whole query) + the rest x (mean over the pieces).
    smoothing / smoothing_k: add `smoothing` x the mean dense score of a profile's
        `smoothing_k` nearest profiles of its kind (matcher/neighbours.py).
    skill_weight: weight of the ESCO-skill overlap (cosine of tag confidences), added
        after normalisation when the query and some candidates carry ESCO tags.
    fusion: z-scores or min-max over the candidate pool, or reciprocal rank fusion.
    candidates: how many profiles each signal nominates before exact re-scoring.
    """

    dense_weight: float = 0.9
    lexical_weight: float = 0.1
    lexical: LexicalMethod | None = "bm25"
    use_documents: bool = True
    top_m: int = 3
    name_weight: float = 0.2
    query_parts: bool = True
    whole_weight: float = 0.3
    smoothing: float = 0.3
    smoothing_k: int = 10
    skill_weight: float = 0.2
    fusion: Fusion = "z"
    rrf_k: int = 60
    candidates: int = 300

    @property
    def uses_dense(self) -> bool:
        return self.dense_weight > 0

    @property
    def uses_lexical(self) -> bool:
        return self.lexical is not None and self.lexical_weight > 0


def plain_dense(*, use_documents: bool) -> RankingConfig:
    """Cosine of the best vector (text only, or text and each document), nothing else."""
    return RankingConfig(
        lexical=None,
        use_documents=use_documents,
        top_m=1,
        name_weight=0,
        query_parts=False,
        smoothing=0,
        skill_weight=0,
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


def minmax(scores: FloatArray) -> FloatArray:
    """Scale to [0, 1] over the candidate pool; a flat signal carries no preference."""
    low, high = float(scores.min(initial=0.0)), float(scores.max(initial=0.0))
    if high - low < 1e-9:
        return np.zeros_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)


def zscore(scores: FloatArray) -> FloatArray:
    """Standard scores over the candidate pool; a flat signal carries no preference."""
    spread = float(scores.std()) if len(scores) else 0.0
    if spread < 1e-9:
        return np.zeros_like(scores)
    standard: FloatArray = ((scores - scores.mean()) / spread).astype(np.float32)
    return standard


def reciprocal_ranks(scores: FloatArray, k: int) -> FloatArray:
    """1 / (k + rank), rank 1 for the best score."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
    return (1.0 / (k + ranks)).astype(np.float32)


def normalise(scores: FloatArray, config: RankingConfig) -> FloatArray:
    if config.fusion == "rrf":
        return reciprocal_ranks(scores, config.rrf_k)
    return zscore(scores) if config.fusion == "z" else minmax(scores)


def normalise_within(
    scores: FloatArray, groups: Sequence[str], config: RankingConfig
) -> FloatArray:
    """Normalise per group: each language's lexical scores on their own scale.

    Words are only shared within a language, so raw lexical scores favour profiles written
    in the query's language; normalising per language keeps a request in Albanian from
    burying the English expert it needs.
    """
    keys = np.asarray(groups)
    scaled = np.zeros_like(scores)
    for key in np.unique(keys):
        members = keys == key
        scaled[members] = normalise(scores[members], config)
    return scaled


def fuse(
    dense: FloatArray,
    lexical: FloatArray,
    config: RankingConfig,
    languages: Sequence[str] | None = None,
) -> FloatArray:
    """The final score of every candidate from its dense and lexical scores."""
    dense_part = normalise(dense, config)
    lexical_part = (
        normalise(lexical, config)
        if languages is None
        else normalise_within(lexical, languages, config)
    )
    return (config.dense_weight * dense_part + config.lexical_weight * lexical_part).astype(
        np.float32
    )


def tag_similarity(query: Mapping[str, float], profile: Mapping[str, float]) -> float:
    """Cosine between two sets of ESCO tags weighted by their confidences (0 if disjoint)."""
    shared = query.keys() & profile.keys()
    if not shared:
        return 0.0
    dot = sum(query[uri] * profile[uri] for uri in shared)
    norms = np.sqrt(sum(v * v for v in query.values()) * sum(v * v for v in profile.values()))
    return float(dot / norms)


def add_skill_signal(final: FloatArray, skills: FloatArray, config: RankingConfig) -> FloatArray:
    """The fused score plus the normalised skill overlap; unchanged when nobody overlaps."""
    if config.skill_weight <= 0 or not skills.any():
        return final
    combined: FloatArray = (final + config.skill_weight * normalise(skills, config)).astype(
        np.float32
    )
    return combined
