"""Encoding before a lock is taken, so that a lock is held only for index work.

The matcher encodes inside `match` and `add`. The network calls `prepare_query` and
`prepare_profiles` first, outside every lock; when the matcher then asks for the same texts
it gets them from a memo (queries) or the embedding cache (profile parts) at once. The
preparation only warms caches: if the matcher asks for other texts than were prepared, it
encodes them itself, slower but with the same result.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from matcher import Encoder, Matcher, Profile, Query, query_for
from matcher.batching import QueryBatcher
from matcher.embedding_cache import encode_documents_cached
from matcher.encoders import EnsembleEncoder, QueryWrapper, Vectors
from matcher.parts import profile_parts, query_parts

QUERY_MEMO_SIZE = 2048


class QueryMemo(QueryWrapper):
    """An encoder that remembers its latest query vectors (thread-safe, bounded)."""

    def __init__(self, inner: Encoder, *, size: int = QUERY_MEMO_SIZE) -> None:
        super().__init__(inner)
        self._size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()  # held for dictionary updates only, never to encode

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            known = {text: self._vectors[text] for text in texts if text in self._vectors}
            for text in known:
                self._vectors.move_to_end(text)
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            fresh = dict(zip(missing, self.inner.encode_queries(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([known[text] for text in texts]).astype(np.float32)


def with_query_memo(
    encoder: Encoder,
    *,
    threads_per_call: int = 1,
    batching: bool = True,
    side_by_side: bool = True,
) -> Encoder:
    """The encoder with a query memo on each model, in front of a batcher that encodes
    concurrent requests' queries together (matcher/batching.py), one call per core at most.
    An ensemble stays an ensemble, so the embedding cache still keeps each member's vectors
    under the member's name; `side_by_side`: its models encode a lone query in parallel."""
    if isinstance(encoder, EnsembleEncoder):
        members = [
            with_query_memo(m, threads_per_call=threads_per_call, batching=batching)
            for m in encoder.members
        ]
        return EnsembleEncoder(members, queries_side_by_side=side_by_side)
    if isinstance(encoder, QueryMemo):
        return encoder
    slots = max(1, (os.cpu_count() or 1) // threads_per_call)
    return QueryMemo(QueryBatcher(encoder, slots=slots) if batching else encoder)


def query_texts(matcher: Matcher, query: Query) -> list[str]:
    """The texts the matcher embeds for a query: the whole need, then its pieces."""
    return [query.text, *(query_parts(query) if matcher.config.query_parts else [])]


def prepare_query(matcher: Matcher, query: Query, *, also: Sequence[str] = ()) -> None:
    """Encode the query now, so that the match under the lock finds its vectors memoised;
    `also` other texts (the query's pieces that ESCO tagging reads) in the same call, as
    one batch per model costs less than two."""
    texts = [*(query_texts(matcher, query) if matcher.config.uses_dense else []), *also]
    if texts:
        matcher.encoder.encode_queries(list(dict.fromkeys(texts)))


def prepare_profile_query(matcher: Matcher, profile: Profile) -> None:
    """`prepare_query` for what a stored profile asks when it is itself the query."""
    prepare_query(matcher, query_for(profile))


def prepare_profiles(
    matcher: Matcher, profiles: Sequence[Profile], *, show_progress: bool = False
) -> None:
    """Encode the profiles' parts into the embedding cache, so that adding them under the
    write lock reads vectors instead of running the model."""
    if matcher.cache is None or not profiles:
        return
    texts = [text for profile in profiles for _, text in profile_parts(profile, matcher.config)]
    encode_documents_cached(matcher.encoder, texts, matcher.cache, show_progress=show_progress)
