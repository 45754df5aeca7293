"""A candidate pool's raw signals, gathered from the catalogue and the kind's derived state.

This is the engine's pool scoring (written for the fusion model, matcher/scoring.py and
matcher/features.py) moved here unchanged in what it computes: only where it reads part
ids, lexical scores and neighbour lists from changed (the catalogue's columns instead of
per-profile Python lists).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.catalogue import Catalogue, KindCatalogue, Rows
from matcher.encoders import Member
from matcher.features import PoolSignals
from matcher.index.base import MISSING_ID, Ids
from matcher.kind_state import KindState
from matcher.languages import language_group
from matcher.parts import PARTS_PER_PROFILE
from matcher.queries import Query
from matcher.ranking import RankingConfig, tag_similarity
from matcher.scoring import ENGLISH_OR_UNKNOWN, DenseScores, dense_scores, neighbour_means


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
) -> tuple[PoolSignals, dict[str, int]]:
    """Every raw signal of the pool; dense ones per encoder, where each is valid."""
    pool = [table.ids[row] for row in pool_rows.tolist()]
    count = len(pool)
    neighbours: dict[str, list[str]] = {}
    scored_rows = pool_rows
    if config.neighbours_k > 0:
        peers = state.neighbours.peers(table.keys()[pool_rows].tolist())
        neighbours = neighbour_ids(pool, peers, catalogue)
        # The pool and its members' neighbours in profile-id order (as `with_neighbours`
        # returns them), found by rows rather than by sorting ids.
        scored_rows = table.by_id(
            np.union1d(pool_rows, catalogue.rows_of(peers[peers != MISSING_ID]))
        )
    scored = [table.ids[row] for row in scored_rows.tolist()]
    dense = DenseScores.zeros(len(scored))
    if query_vectors is not None:
        part_ids, owners, numbers = table.part_ids(scored_rows)
        dense = dense_scores(
            query_vectors,
            state.index.vectors(part_ids),
            (owners, numbers % PARTS_PER_PROFILE),
            members,
            config,
        )
    position = {pid: i for i, pid in enumerate(scored)}
    rows = np.array([position[pid] for pid in pool], dtype=np.int64)
    languages = [language_group(catalogue.profiles[pid]) for pid in pool]
    english_pair = np.array([english and lang in ENGLISH_OR_UNKNOWN for lang in languages])
    signals = PoolSignals(
        dense=dense.multilingual[rows],
        dense_english=None if dense.english is None else dense.english[rows],
        english_pair=english_pair,
        best_part=dense.best_part[rows],
        neighbours=neighbour_means(pool, dense.multilingual, position, neighbours),
        lexical=(
            np.zeros(count, dtype=np.float32) if lexical is None else lexical[pool_rows]
        ).astype(np.float32),
        languages=languages,
        skills=skill_overlap(query, pool, catalogue),
        query_words=len(query.text.split()),
        query_english=english,
        plain=dense.plain[rows],
        name=dense.name[rows],
        pieces=dense.pieces[rows],
        pieces_z=dense.pieces_z[rows],
        pieces_rank=dense.pieces_rank[rows],
    )
    best_parts = {pid: int(dense.best_part_no[position[pid]]) for pid in pool}
    return signals, best_parts


def neighbour_ids(pool: list[str], peers: Ids, catalogue: Catalogue) -> dict[str, list[str]]:
    """Each pooled profile's neighbours (keys `peers`, one row each), by id, nearest first."""
    counts = (peers != MISSING_ID).sum(axis=1).tolist()  # padding comes last
    names = catalogue.ids_of(np.maximum(peers, 0)).tolist()
    return {pid: row[:count] for pid, row, count in zip(pool, names, counts, strict=True)}


def skill_overlap(query: Query, pool: list[str], catalogue: Catalogue) -> NDArray[np.float32]:
    """How much each pooled profile's ESCO skills overlap the query's (0 without tags)."""
    asked = {tag.uri: tag.confidence for tag in query.esco_skills}
    overlap = np.zeros(len(pool), dtype=np.float32)
    if asked:
        for i, pid in enumerate(pool):
            tags = {tag.uri: tag.confidence for tag in catalogue.profiles[pid].esco_skills}
            overlap[i] = tag_similarity(asked, tags)
    return overlap
