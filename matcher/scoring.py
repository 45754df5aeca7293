"""Dense scores of a candidate pool, per encoder, from the vectors of its parts.

An ensemble's vectors are its members' vectors side by side; each member's cosine is read
from its own columns, so an English-only member can be left out where it is not valid
(a query or a candidate in another language) instead of being averaged in as noise.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
# Dense signals that only some scorers read: computed when asked for (matcher/signals.py).
OPTIONAL_DENSE = frozenset({"plain", "name", "pieces", "pieces_z", "pieces_rank"})


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
    # Computed only when asked for (None otherwise):
    name: FloatArray | None  # the name part's cosine for the whole query (0 without one)
    pieces: FloatArray | None  # mean over the query's pieces (the whole query without any)
    pieces_z: FloatArray | None  # mean over the pieces of each piece's z-scores among candidates
    pieces_rank: FloatArray | None  # mean over the pieces of 1 / (10 + the candidate's rank)

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
    pool_at: Ids,
    members: Sequence[Member],
    config: RankingConfig,
    needed: Collection[str] = OPTIONAL_DENSE,
) -> tuple[DenseScores, FloatArray]:
    """Dense scores of a pool, and the multilingual dense score of every scored profile.

    The scored profiles are the pool and its members' neighbours; `part_owners` is (owner
    position among them, part number) of each part vector and `pool_at` the position of
    each pool member. A neighbour needs only its multilingual score (the neighbour signal),
    so English-only encoders and the per-part signals read the pool's parts alone. Signals
    of OPTIONAL_DENSE that are not `needed` stay zero (None for the optional fields), and
    the query pieces are standardised and ranked among every scored profile, as they were.
    Rows of `query_vectors` are the whole query, then its pieces.
    """
    owners, part_nos = part_owners
    count = int(owners.max(initial=-1)) + 1
    in_pool = np.zeros(count, dtype=np.bool_)
    in_pool[pool_at] = True
    pool_parts = np.flatnonzero(in_pool[owners])
    position = np.full(count, -1, dtype=np.int64)
    position[pool_at] = np.arange(len(pool_at))
    pool_owners, pool_nos = position[owners[pool_parts]], part_nos[pool_parts]
    multilingual = [m for m in members if m.multilingual] or list(members)
    per_member, english, pieces, names, pieces_z, pieces_rank = [], [], [], [], [], []
    whole: dict[str, FloatArray] = {}  # each encoder's cosine of the pool's parts
    for member in members:
        cosines = member_cosines(query_vectors, part_vectors, member)
        if member not in multilingual:  # valid for the pool only, never for a neighbour
            cosines = cosines[:, pool_parts]
            scores = profile_scores(
                cosines, pool_owners, pool_nos == NAME_PART, len(pool_at), config
            )
            english.append(combine_query_parts(scores, config))
            whole[member.name] = cosines[0]
            continue
        scores = profile_scores(cosines, owners, part_nos == NAME_PART, count, config)
        per_member.append(combine_query_parts(scores, config))
        whole[member.name] = cosines[0][pool_parts]
        per_piece = scores[1:] if len(scores) > 1 else scores[:1]
        if "pieces" in needed:
            pieces.append(per_piece.mean(axis=0)[pool_at])
        if "pieces_z" in needed:
            pieces_z.append(np.mean([zscore(row) for row in per_piece], axis=0)[pool_at])
        if "pieces_rank" in needed:
            ranks = np.mean([reciprocal_rank(row) for row in per_piece], axis=0)
            pieces_rank.append(ranks[pool_at])
        if "name" in needed:
            names.append(name_cosines(whole[member.name], pool_owners, pool_nos, len(pool_at)))
    scored = mean_of(per_member)
    best, best_no = best_parts(
        mean_of([whole[m.name] for m in multilingual]), pool_owners, pool_nos
    )
    plain = np.zeros(len(pool_at), dtype=np.float32)
    if "plain" in needed:
        plain = best_parts(mean_of([whole[m.name] for m in members]), pool_owners, pool_nos)[0]
    dense = DenseScores(
        multilingual=scored[pool_at],
        english=mean_of(english) if english else None,
        best_part=best,
        best_part_no=best_no,
        plain=plain,
        name=mean_of(names) if names else None,
        pieces=mean_of(pieces) if pieces else None,
        pieces_z=mean_of(pieces_z) if pieces_z else None,
        pieces_rank=mean_of(pieces_rank) if pieces_rank else None,
    )
    return dense, scored


def member_cosines(
    query_vectors: FloatArray, part_vectors: FloatArray, member: Member
) -> FloatArray:
    """One encoder's cosines, query rows x parts.

    Always over every scored part, even where only the pool's are read: the last bit of a
    matrix product can depend on the matrix's shape, and the values must not.
    """
    columns = member.columns
    cosines = (query_vectors[:, columns] @ part_vectors[:, columns].T) * member.scale
    return cosines.astype(np.float32)


def name_cosines(cosines: FloatArray, owners: Ids, part_nos: Ids, count: int) -> FloatArray:
    """Each owner's name part cosine (0 without a name part)."""
    names = np.zeros(count, dtype=np.float32)
    is_name = part_nos == NAME_PART
    names[owners[is_name]] = cosines[is_name]
    return names


def mean_of(values: Sequence[FloatArray]) -> FloatArray:
    """The element-wise mean of equally long arrays (one per encoder), as float32."""
    mean: FloatArray = np.mean(values, axis=0).astype(np.float32)
    return mean


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


def neighbour_means(dense: FloatArray, neighbours: Ids) -> FloatArray:
    """Each candidate's neighbours' mean dense score (0 for a candidate without any).

    `neighbours` holds one row per candidate: positions in `dense`, nearest first, padded
    with -1 at the end. Rows with as many neighbours are averaged together, which gives
    each row's mean exactly as averaging it alone would.
    """
    counts = (neighbours >= 0).sum(axis=1)
    values = dense[np.maximum(neighbours, 0)]
    means = np.zeros(len(neighbours), dtype=np.float32)
    for count in np.unique(counts[counts > 0]).tolist():
        rows = counts == count
        means[rows] = values[rows, :count].mean(axis=1)
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
