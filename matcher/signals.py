"""A candidate pool's raw signals, gathered from the catalogue and the kind's derived state.

This is the engine's pool scoring (written for the fusion model, matcher/scoring.py and
matcher/features.py) computed with array operations over the pool: where each pool member
and each of its neighbours sits among the scored profiles is found by rows, never by
looking ids up one at a time. A scorer that gives a signal no weight does not pay for it
(`needed_signals`): `match` skips it, while `Matcher.pools` (training) computes them all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.catalogue import MISSING, Catalogue, KindCatalogue, Rows
from matcher.encoders import Member
from matcher.features import FEATURES, PoolSignals
from matcher.fusion import LearnedFusion, Scorer, SignalScorer
from matcher.index.base import MISSING_ID
from matcher.kind_state import KindState
from matcher.parts import PARTS_PER_PROFILE
from matcher.queries import Query
from matcher.ranking import RankingConfig, tag_similarity
from matcher.scoring import (
    ENGLISH_OR_UNKNOWN,
    OPTIONAL_DENSE,
    DenseScores,
    dense_scores,
    neighbour_means,
)

# Signals a scorer may not read; every other one costs (almost) nothing once the pool is
# scored. Which of them each fusion feature reads (matcher/features.py `feature_matrix`):
OPTIONAL = frozenset({"neighbours", "skills", *OPTIONAL_DENSE})
FEATURE_SIGNALS: dict[str, frozenset[str]] = {
    **{feature: frozenset() for feature in FEATURES},
    **{signal: frozenset({signal}) for signal in OPTIONAL & set(FEATURES)},
}


def needed_signals(scorer: Scorer) -> frozenset[str]:
    """The optional signals that `scorer` reads: those its non-zero weights name.

    A feature this module does not know (a new one in matcher/features.py) or a scorer of
    another type gets every signal, so an omission here costs time, never correctness.
    """
    if isinstance(scorer, SignalScorer):
        return OPTIONAL & {scorer.signal}
    if not isinstance(scorer, LearnedFusion) or not hasattr(scorer, "coef_"):
        return OPTIONAL
    weighed = [name for name, weight in scorer.weights().items() if weight != 0]
    if any(name not in FEATURE_SIGNALS for name in weighed):
        return OPTIONAL
    return frozenset().union(*(FEATURE_SIGNALS[name] for name in weighed))


def nominating_vector(
    query_vectors: NDArray[np.float32], english: bool, members: Sequence[Member]
) -> NDArray[np.float32]:
    """The whole query's vector, without English-only encoders unless it is English."""
    vector = np.array(query_vectors[:1], dtype=np.float32)
    if not english and any(m.multilingual for m in members):
        for member in members:
            if not member.multilingual:
                vector[:, member.columns] = 0.0
    return vector


def pool_signals(
    query: Query,
    english: bool,
    query_vectors: NDArray[np.float32] | None,
    pool_rows: Rows,
    lexical: NDArray[np.float32] | None,
    *,
    catalogue: Catalogue,
    table: KindCatalogue,
    state: KindState,
    members: Sequence[Member],
    config: RankingConfig,
    needed: Collection[str] = OPTIONAL,
) -> tuple[PoolSignals, dict[str, int]]:
    """Every raw signal of the pool (rows in id order) that is `needed`, and the best part
    of each member; dense ones per encoder, where each is valid."""
    pool = [table.ids[row] for row in pool_rows.tolist()]
    count = len(pool)
    # The pool and its members' neighbours are scored, in profile-id order: the neighbour
    # signal averages neighbours' scores, and query pieces are ranked among all of them.
    # They are scored whatever is needed, so that every signal is computed from the same
    # products (a matrix product's last bit may depend on the matrix's shape).
    peers = np.full((count, 0), MISSING, dtype=np.int64)
    if config.neighbours_k > 0:
        keys = state.neighbours.peers(table.keys()[pool_rows].tolist())
        peers = np.where(keys == MISSING_ID, MISSING, catalogue.rows_of(np.maximum(keys, 0)))
    scored_rows, pool_at, peers_at = scored_positions(table, pool_rows, peers)
    dense = DenseScores.zeros(count)
    scored = np.zeros(len(scored_rows), dtype=np.float32)
    if query_vectors is not None:
        part_ids, owners, numbers = table.part_ids(scored_rows)
        dense, scored = dense_scores(
            query_vectors,
            state.index.vectors(part_ids),
            (owners, numbers % PARTS_PER_PROFILE),
            pool_at,
            members,
            config,
            needed,
        )
    languages = table.language_groups(pool_rows)
    english_pair = english & np.isin(languages, list(ENGLISH_OR_UNKNOWN))
    zero = np.zeros(count, dtype=np.float32)
    signals = PoolSignals(
        dense=dense.multilingual,
        dense_english=dense.english,
        english_pair=english_pair,
        best_part=dense.best_part,
        neighbours=neighbour_means(scored, peers_at) if "neighbours" in needed else zero,
        lexical=zero if lexical is None else lexical[pool_rows].astype(np.float32),
        languages=languages.tolist(),
        skills=skill_overlap(query, pool, catalogue) if "skills" in needed else zero,
        query_words=len(query.text.split()),
        query_english=english,
        plain=dense.plain,
        name=dense.name,
        pieces=dense.pieces,
        pieces_z=dense.pieces_z,
        pieces_rank=dense.pieces_rank,
    )
    return signals, dict(zip(pool, dense.best_part_no.tolist(), strict=True))


def scored_positions(
    table: KindCatalogue, pool_rows: Rows, peers: Rows
) -> tuple[Rows, NDArray[np.int64], NDArray[np.int64]]:
    """The rows of the pool and its neighbours (`peers`, one row per member, MISSING-padded)
    in profile-id order; each pool member's position among them, and each neighbour's."""
    ranks = table.ranks()
    found = peers != MISSING
    rows = np.concatenate([pool_rows, peers[found]])
    order, first = np.unique(ranks[rows], return_index=True)
    peers_at = np.full(peers.shape, MISSING, dtype=np.int64)
    peers_at[found] = np.searchsorted(order, ranks[peers[found]])
    return rows[first], np.searchsorted(order, ranks[pool_rows]), peers_at


def skill_overlap(query: Query, pool: list[str], catalogue: Catalogue) -> NDArray[np.float32]:
    """How much each pooled profile's ESCO skills overlap the query's (0 without tags)."""
    asked = {tag.uri: tag.confidence for tag in query.esco_skills}
    overlap = np.zeros(len(pool), dtype=np.float32)
    if asked:
        for i, pid in enumerate(pool):
            tags = {tag.uri: tag.confidence for tag in catalogue.profiles[pid].esco_skills}
            overlap[i] = tag_similarity(asked, tags)
    return overlap
