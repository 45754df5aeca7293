"""How the signals for one query become one ranked list: aggregation and fusion.

Pure functions on arrays, so each choice can be read, tested and swapped on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.lexical import LexicalMethod

Aggregation = Literal["max", "max-mean"]
Fusion = Literal["convex", "rrf"]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class RankingConfig:
    """The knobs of the ranking pipeline; the defaults are the measured best (see README).

    dense_weight / lexical_weight: weights of the two signals after normalisation.
    lexical: which lexical scorer, or None for dense only.
    use_documents: embed each document as a part of its profile (multi-vector).
    aggregation: how part scores make a profile score: the best part, or the best part
        plus `mean_weight` x the mean of the `top_m` best parts.
    fusion: convex combination of min-max normalised scores, or reciprocal rank fusion.
    candidates: how many profiles each signal nominates before exact re-scoring.
    """

    dense_weight: float = 1.0
    lexical_weight: float = 0.3
    lexical: LexicalMethod | None = "bm25"
    use_documents: bool = True
    aggregation: Aggregation = "max-mean"
    mean_weight: float = 0.5
    top_m: int = 3
    fusion: Fusion = "convex"
    rrf_k: int = 60
    candidates: int = 300

    @property
    def uses_dense(self) -> bool:
        return self.dense_weight > 0

    @property
    def uses_lexical(self) -> bool:
        return self.lexical is not None and self.lexical_weight > 0


def aggregate_parts(part_scores: FloatArray, config: RankingConfig) -> float:
    """One profile score from the scores of its parts (text and documents)."""
    best = float(part_scores.max())
    if config.aggregation == "max" or len(part_scores) == 1:
        return best
    top = np.sort(part_scores)[::-1][: config.top_m]
    return best + config.mean_weight * float(top.mean())


def minmax(scores: FloatArray) -> FloatArray:
    """Scale to [0, 1] over the candidate pool; a flat signal carries no preference."""
    low, high = float(scores.min(initial=0.0)), float(scores.max(initial=0.0))
    if high - low < 1e-9:
        return np.zeros_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)


def reciprocal_ranks(scores: FloatArray, k: int) -> FloatArray:
    """1 / (k + rank), rank 1 for the best score."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
    return (1.0 / (k + ranks)).astype(np.float32)


def minmax_within(scores: FloatArray, groups: Sequence[str]) -> FloatArray:
    """min-max per group: each language's best lexical match gets 1.

    Words are only shared within a language, so raw lexical scores favour profiles written
    in the query's language; normalising per language keeps a request in Albanian from
    burying the English expert it needs.
    """
    keys = np.asarray(groups)
    scaled = np.zeros_like(scores)
    for key in np.unique(keys):
        members = keys == key
        scaled[members] = minmax(scores[members])
    return scaled


def fuse(
    dense: FloatArray,
    lexical: FloatArray,
    config: RankingConfig,
    languages: Sequence[str] | None = None,
) -> FloatArray:
    """The final score of every candidate from its dense and lexical scores."""
    if config.fusion == "rrf":
        dense_part, lexical_part = (
            reciprocal_ranks(dense, config.rrf_k),
            reciprocal_ranks(lexical, config.rrf_k),
        )
    else:
        dense_part = minmax(dense)
        lexical_part = minmax(lexical) if languages is None else minmax_within(lexical, languages)
    total = np.zeros_like(dense)
    if config.uses_dense:
        total += config.dense_weight * dense_part
    if config.uses_lexical:
        total += config.lexical_weight * lexical_part
    return total.astype(np.float32)
