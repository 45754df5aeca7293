"""The signals a candidate is ranked on, for a whole candidate pool at once.

Each signal is put on one scale before anything combines them: z-scores within the pool
(so a model whose cosines crowd near 0.8 and one whose cosines spread over 0.1-0.6 weigh
the same), lexical scores z-scored within each candidate language (words are shared only
within a language). An encoder trained on English only enters only where the query and
the candidate are both English; elsewhere its feature takes the multilingual encoders'
value, so it neither helps nor hurts there. Pure functions on arrays: the engine gathers
the raw signals, `feature_matrix` turns them into the rows the fusion model scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]

# Order matters: it is the column order of every feature matrix and of the fusion model.
FEATURES: tuple[str, ...] = (
    "dense",  # multilingual encoders: top parts, name, query pieces (z in pool)
    "dense_english",  # English-only encoders where both sides are English, else = dense (z)
    "best_part",  # multilingual encoders: the best single part for the whole query (z)
    "neighbours",  # mean dense score of the candidate's nearest peers (z)
    "lexical",  # BM25, z-scored within each candidate language
    "skills",  # overlap of ESCO skills (z); 0 when the query carries none
    "dense_gap",  # raw multilingual dense minus the pool's best: how far behind the leader
    "name",  # multilingual cosine of the candidate's name part (z); 0 for people
    "pieces",  # multilingual score over the query's pieces (skills, sentences) (z)
    "pieces_z",  # each piece's scores standardised first, then averaged (z)
    "pieces_rank",  # each piece votes 1 / (10 + rank), votes averaged (z)
    "query_length",  # log(1 + words of the query), the same for the whole pool
    "query_english",  # 1 when the query is English, the same for the whole pool
)


@dataclass(frozen=True)
class PoolSignals:
    """Raw signals of one query's candidate pool (one entry per candidate)."""

    dense: FloatArray  # multilingual encoders' dense score
    dense_english: FloatArray | None  # English-only encoders' dense score, if there are any
    english_pair: NDArray[np.bool_]  # query and candidate both English
    best_part: FloatArray
    neighbours: FloatArray
    lexical: FloatArray
    languages: Sequence[str]  # each candidate's language group, for the lexical z-scores
    skills: FloatArray
    query_words: int
    query_english: bool
    plain: FloatArray  # every encoder's cosine of the best part, averaged (baselines only)
    name: FloatArray | None = None  # multilingual cosine of the name part
    pieces: FloatArray | None = None  # multilingual score over the query's pieces
    pieces_z: FloatArray | None = None  # mean of the pieces' own z-scores
    pieces_rank: FloatArray | None = None  # mean of the pieces' reciprocal ranks


def zscore(scores: FloatArray) -> FloatArray:
    """Standard scores over the pool; a flat signal carries no preference (all 0)."""
    spread = float(scores.std()) if len(scores) else 0.0
    if spread < 1e-9:
        return np.zeros(len(scores), dtype=np.float32)
    standard: FloatArray = ((scores - scores.mean()) / spread).astype(np.float32)
    return standard


def zscore_within(scores: FloatArray, groups: Sequence[str]) -> FloatArray:
    """z-scores computed separately within each group (each candidate language)."""
    keys = np.asarray(groups)
    scaled = np.zeros(len(scores), dtype=np.float32)
    for key in np.unique(keys):
        members = keys == key
        scaled[members] = zscore(scores[members])
    return scaled


def english_feature(signals: PoolSignals, dense_z: FloatArray) -> FloatArray:
    """The English-only encoders' z-score where valid; the multilingual one elsewhere."""
    valid = signals.english_pair
    if signals.dense_english is None or not valid.any():
        return dense_z
    feature = dense_z.copy()
    feature[valid] = zscore(signals.dense_english[valid])
    return feature


def feature_matrix(signals: PoolSignals) -> FloatArray:
    """One row per candidate, one column per name in FEATURES."""
    count = len(signals.dense)
    dense_z = zscore(signals.dense)
    best = float(signals.dense.max(initial=0.0)) if count else 0.0
    columns = [
        dense_z,
        english_feature(signals, dense_z),
        zscore(signals.best_part),
        zscore(signals.neighbours),
        zscore_within(signals.lexical, signals.languages),
        zscore(signals.skills),
        (signals.dense - best).astype(np.float32),
        _optional_z(signals.name, count),
        _optional_z(signals.pieces, count),
        _optional_z(signals.pieces_z, count),
        _optional_z(signals.pieces_rank, count),
        np.full(count, np.log1p(signals.query_words), dtype=np.float32),
        np.full(count, float(signals.query_english), dtype=np.float32),
    ]
    return np.stack(columns, axis=1).astype(np.float32) if count else _empty()


def _optional_z(values: FloatArray | None, count: int) -> FloatArray:
    return np.zeros(count, dtype=np.float32) if values is None else zscore(values)


def _empty() -> FloatArray:
    return np.zeros((0, len(FEATURES)), dtype=np.float32)
