"""From queries to candidate pools with their raw signals: the read path of a match.

Everything here reads the catalogue and the kind's derived state and changes nothing, so
any number of queries may run at once. A batch reads one snapshot of the two (taken by
the caller), so it never mixes the state before a write with the state after it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.candidates import nominate
from matcher.catalogue import Catalogue, Rows
from matcher.encoders import Encoder, Member
from matcher.kind_state import KindState
from matcher.parts import query_parts
from matcher.profiles import Kind
from matcher.queries import Query
from matcher.ranking import RankingConfig
from matcher.scoring import Pool, empty_signals, query_language
from matcher.signals import OPTIONAL, nominating_vector, pool_signals
from matcher.state import NetworkState


def query_pools(
    queries: Sequence[Query],
    state: NetworkState,
    kind: Kind,
    allowed: Rows,
    *,
    encoder: Encoder,
    members: Sequence[Member],
    config: RankingConfig,
    needed: Collection[str] = OPTIONAL,
) -> list[Pool]:
    """Each query's candidates (among the `allowed` rows of `kind`) with their signals
    (the optional ones only if `needed`: matcher/signals.py)."""
    texts_per_query = [
        [query.text, *(query_parts(query) if config.query_parts else [])] for query in queries
    ]
    vectors = (
        encoder.encode_queries([text for texts in texts_per_query for text in texts])
        if config.uses_dense and queries
        else None
    )
    ends = np.cumsum([len(texts) for texts in texts_per_query])
    return [
        query_pool(
            query,
            None if vectors is None else vectors[end - len(texts) : end],
            catalogue=state.catalogue,
            state=state.kinds[kind],
            kind=kind,
            allowed=allowed,
            members=members,
            config=config,
            needed=needed,
        )
        for query, texts, end in zip(queries, texts_per_query, ends, strict=True)
    ]


def query_pool(
    query: Query,
    query_vectors: NDArray[np.float32] | None,
    *,
    catalogue: Catalogue,
    state: KindState,
    kind: Kind,
    allowed: Rows,
    members: Sequence[Member],
    config: RankingConfig,
    needed: Collection[str] = OPTIONAL,
) -> Pool:
    """One query's pool: nominate among the allowed rows, then gather every signal."""
    if not len(allowed):
        return Pool([], empty_signals(), {})
    table = catalogue.kinds[kind]
    english = query_language(query) == "en"
    lexical = None
    if config.uses_lexical and state.lexical is not None:
        lexical = state.lexical.scores(query.text, catalogue.rows_of, len(table))
    vector = None
    if query_vectors is not None:
        vector = nominating_vector(query_vectors, english, members)
    rows = nominate(
        table,
        catalogue,
        state.index,
        allowed,
        query_vector=vector,
        lexical=lexical,
        limit=config.candidates,
    )
    signals, best_parts = pool_signals(
        query,
        english,
        query_vectors,
        rows,
        lexical,
        catalogue=catalogue,
        table=table,
        state=state,
        members=members,
        config=config,
        needed=needed,
    )
    return Pool(list(best_parts), signals, best_parts)  # keyed by the pool's ids, in order
