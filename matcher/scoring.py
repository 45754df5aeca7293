"""Dense scores of a candidate pool, per encoder, from the vectors of its parts.

An ensemble's vectors are its members' vectors side by side; each member's cosine is read
from its own columns, so an English-only member can be left out where it is not valid
(a query or a candidate in another language) instead of being averaged in as noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.encoders import Member
from matcher.features import FloatArray, PoolSignals, zscore
from matcher.index.base import Ids
from matcher.languages import detect_language
from matcher.parts import NAME_PART
from matcher.queries import Query
from matcher.ranking import RankingConfig, combine_query_parts, profile_scores

# Candidates whose language is English, or unknown (benchmarks and old stores carry none).
ENGLISH_OR_UNKNOWN = frozenset({"en", ""})


@dataclass(frozen=True)
class Pool:
    """One query's candidates, their raw signals, and the part that matched each best."""

    ids: list[str]
    signals: PoolSignals
    best_parts: dict[str, int]


@dataclass(frozen=True)
class DenseScores:
    """Per candidate: dense scores of the multilingual and English-only encoders, the best
    part's cosine and number, and the plain cosine of every encoder averaged."""

    multilingual: FloatArray
    english: FloatArray | None
    best_part: FloatArray
    best_part_no: NDArray[np.int64]
    plain: FloatArray
    name: FloatArray  # the name part's cosine for the whole query (0 without a name part)
    pieces: FloatArray  # mean over the query's pieces (the whole query when it has none)
    pieces_z: FloatArray  # mean over the pieces of each piece's z-scores among candidates
    pieces_rank: FloatArray  # mean over the pieces of 1 / (10 + the candidate's rank)

    @classmethod
    def zeros(cls, count: int) -> DenseScores:
        zero = np.zeros(count, dtype=np.float32)
        return cls(zero, None, zero, np.zeros(count, dtype=np.int64), *[zero] * 5)


def query_language(query: Query) -> str:
    """The query's language as given, else detected (empty when unsure)."""
    return query.language or detect_language(query.text) or ""


def dense_scores(
    query_vectors: FloatArray,
    part_vectors: FloatArray,
    part_owners: tuple[Ids, Ids],
    members: Sequence[Member],
    config: RankingConfig,
) -> DenseScores:
    """Dense scores of `count` candidates from their parts' vectors.

    `part_owners` is (owner row, part number) of each part vector. Rows of
    `query_vectors` are the whole query, then its pieces.
    """
    owners, part_nos = part_owners
    count = int(owners.max(initial=-1)) + 1
    is_name = part_nos == NAME_PART
    per_member, whole, pieces, names, pieces_z, pieces_rank = [], [], [], [], [], []
    for member in members:
        cosines = (
            query_vectors[:, member.columns] @ part_vectors[:, member.columns].T
        ) * member.scale
        whole.append(cosines[0])
        scores = profile_scores(cosines.astype(np.float32), owners, is_name, count, config)
        per_member.append(combine_query_parts(scores, config))
        per_piece = scores[1:] if len(scores) > 1 else scores[:1]
        pieces.append(per_piece.mean(axis=0))
        pieces_z.append(np.mean([zscore(row) for row in per_piece], axis=0))
        pieces_rank.append(np.mean([reciprocal_rank(row) for row in per_piece], axis=0))
        name = np.zeros(count, dtype=np.float32)
        name[owners[is_name]] = cosines[0][is_name]
        names.append(name)
    multilingual = [i for i, m in enumerate(members) if m.multilingual] or list(range(len(members)))
    english_only = [i for i, m in enumerate(members) if i not in multilingual]
    best, best_no = best_parts(np.mean([whole[i] for i in multilingual], axis=0), owners, part_nos)
    plain, _ = best_parts(np.mean(whole, axis=0), owners, part_nos)

    def multilingual_mean(values: list[FloatArray]) -> FloatArray:
        mean: FloatArray = np.mean([values[i] for i in multilingual], axis=0).astype(np.float32)
        return mean

    return DenseScores(
        multilingual=multilingual_mean(per_member),
        english=(
            np.mean([per_member[i] for i in english_only], axis=0).astype(np.float32)
            if english_only
            else None
        ),
        best_part=best,
        best_part_no=best_no,
        plain=plain,
        name=multilingual_mean(names),
        pieces=multilingual_mean(pieces),
        pieces_z=multilingual_mean(pieces_z),
        pieces_rank=multilingual_mean(pieces_rank),
    )


def reciprocal_rank(scores: FloatArray, offset: int = 10) -> FloatArray:
    """1 / (offset + rank), rank 1 for the best score: each piece's vote, robust to scale."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return (1.0 / (offset + ranks)).astype(np.float32)


def best_parts(
    cosines: FloatArray, owners: Ids, part_nos: Ids
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Per owner: the best cosine among its text and documents (not its name), and which."""
    count = int(owners.max(initial=-1)) + 1
    body = part_nos != NAME_PART
    order = np.lexsort((part_nos[body], -cosines[body], owners[body]))
    body_owners = owners[body][order]
    first = np.r_[True, body_owners[1:] != body_owners[:-1]] if len(order) else order.astype(bool)
    best = np.zeros(count, dtype=np.float32)
    numbers = np.zeros(count, dtype=np.int64)
    best[body_owners[first]] = cosines[body][order][first]
    numbers[body_owners[first]] = part_nos[body][order][first]
    return best, numbers


def neighbour_means(
    pool: Sequence[str],
    dense: FloatArray,
    position: Mapping[str, int],
    neighbours: Mapping[str, list[str]],
) -> FloatArray:
    """Each candidate's neighbours' mean dense score (0 for a candidate without any)."""
    means = np.zeros(len(pool), dtype=np.float32)
    for i, profile_id in enumerate(pool):
        peers = [position[other] for other in neighbours.get(profile_id, [])]
        if peers:
            means[i] = float(dense[peers].mean())
    return means


def empty_signals() -> PoolSignals:
    zero = np.zeros(0, dtype=np.float32)
    return PoolSignals(
        dense=zero,
        dense_english=None,
        english_pair=np.zeros(0, dtype=bool),
        best_part=zero,
        neighbours=zero,
        lexical=zero,
        languages=[],
        skills=zero,
        query_words=0,
        query_english=False,
        plain=zero,
        name=zero,
        pieces=zero,
        pieces_z=zero,
        pieces_rank=zero,
    )
