"""The Matcher: profiles in, ranked and explained matches out. A facade over:

- the catalogue (matcher/catalogue.py): ids, keys and every filter field as columns;
- each kind's derived state (matcher/kind_state.py): vector index, lexical index and
  neighbour lists, all updated by the write that changes them, never by a query;
- candidate generation (matcher/candidates.py) and pool signals (matcher/signals.py);
- save and restore (matcher/persistence.py).

Every profile is split into parts (its text, then each document, and for some kinds its
name); each part is a vector under a stable int64 id, `key * PARTS_PER_PROFILE + part_no`.
A query is answered in two stages: each signal nominates candidates among the profiles
that pass the filters, then the pooled candidates are scored exactly and fused. Matching
only reads, so matches may run concurrently while writes are serialised by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from matcher.candidates import allowed_rows
from matcher.embedding_cache import EmbeddingCache, encode_documents_cached
from matcher.encoders import Encoder, members_of
from matcher.errors import DuplicateProfileError, UnknownProfileError
from matcher.filters import MatchFilters
from matcher.fusion import Scorer, SignalScorer, hand_weights
from matcher.index import VectorIndex
from matcher.index.auto import ANN_THRESHOLD, AutoIndex
from matcher.kind_state import KindState, kind_index
from matcher.languages import warm_up_language_detection
from matcher.parts import lexical_text, profile_parts
from matcher.persistence import restore_state, save_state
from matcher.pools import query_pools
from matcher.profiles import Kind, Profile, profiles_checksum
from matcher.queries import Query, query_for
from matcher.ranking import RankingConfig
from matcher.results import Match, ranked
from matcher.scoring import Pool
from matcher.signals import OPTIONAL, needed_signals
from matcher.state import NetworkState
from matcher.threads import in_this_thread, limit_threads


class Matcher:
    """Holds the profiles of a network with their vectors and answers match queries.

    `backend`: `faiss` (exact FAISS, approximate IVF for a kind above `ann_threshold`
    vectors), `exact` (NumPy, the oracle) or `ivf`. `search_threads`: FAISS's OpenMP
    threads per search, in every thread that matches (None leaves them alone; see
    matcher/threads.py: on a busy 2-core machine a search over 4,000 vectors took 2.7 ms
    with two threads and 0.1 ms with one).
    """

    def __init__(
        self,
        encoder: Encoder,
        *,
        config: RankingConfig | None = None,
        backend: str = "faiss",
        cache: EmbeddingCache | None = None,
        fusion: Scorer | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        search_threads: int | None = 1,
    ) -> None:
        self.encoder = encoder
        self.config = config or RankingConfig()
        self.cache = cache
        self.fusion = fusion or hand_weights()
        self.backend = backend
        self.ann_threshold = ann_threshold
        if search_threads is not None:
            limit_threads(search=search_threads)
        self._members = members_of(encoder)
        self._state = NetworkState.empty(self._new_state)
        warm_up_language_detection()  # every match detects its query's language

    def _new_state(self, index: VectorIndex | None) -> KindState:
        if index is None:
            index = kind_index(self.backend, self.encoder.dimension, self.ann_threshold)
        elif self.backend == "faiss":
            index = AutoIndex(index.dimension, threshold=self.ann_threshold, inner=index)
        return KindState(index, lexical=self.config.lexical, neighbours_k=self.config.neighbours_k)

    # -- the network -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._state.catalogue)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._state.catalogue.profiles

    def get(self, profile_id: str) -> Profile:
        try:
            return self._state.catalogue.profiles[profile_id]
        except KeyError:
            raise UnknownProfileError(profile_id) from None

    def profiles(self, kind: Kind | None = None) -> list[Profile]:
        profiles = self._state.catalogue.profiles
        if kind is None:
            return list(profiles.values())
        return [profiles[pid] for pid in self._state.catalogue.kinds[kind].ids]

    def add(self, profiles: Sequence[Profile], *, show_progress: bool = False) -> None:
        """Add new profiles; every part is encoded once (through the cache if there is one)."""
        seen: set[str] = set()
        for profile in profiles:
            if profile.id in self or profile.id in seen:
                raise DuplicateProfileError(profile.id)
            seen.add(profile.id)
        parts = [profile_parts(profile, self.config) for profile in profiles]
        texts = [text for numbered in parts for _, text in numbered]
        vectors = encode_documents_cached(
            self.encoder, texts, self.cache, show_progress=show_progress
        )
        texts = [lexical_text(profile, self.config) for profile in profiles]
        in_this_thread()
        self._state.add(profiles, parts, vectors, texts)

    def remove(self, profile_id: str) -> Profile:
        """Remove a profile and everything derived from it; its id may be added again."""
        return self._state.remove(profile_id, lexical_text(self.get(profile_id), self.config))

    def upsert(self, profile: Profile) -> None:
        """Add the profile, or replace the one with its id (keeping its index key)."""
        if profile.id in self:
            if self.get(profile.id) == profile:
                return
            self.remove(profile.id)
        self.add([profile])

    def neighbours(self, profile_id: str) -> list[str]:
        """The profile's nearest profiles of its kind, nearest first: whose dense scores its
        neighbour signal averages."""
        profile = self.get(profile_id)
        catalogue = self._state.catalogue
        keys = self._state.kinds[profile.kind].neighbours.of(catalogue.keys[profile_id])
        return [catalogue.ids_by_key[key] for key in keys]

    def index_backends(self) -> dict[str, str]:
        """Which vector index each kind that holds profiles uses (for /ready)."""
        return self._state.index_backends()

    # -- matching ----------------------------------------------------------------------

    def match(
        self,
        query: Query,
        *,
        target_kind: Kind,
        k: int = 10,
        filters: MatchFilters | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Match]:
        """The k best profiles of `target_kind` that pass every filter, best first."""
        return self.match_batch(
            [query], target_kind=target_kind, k=k, filters=filters, exclude=exclude
        )[0]

    def match_batch(
        self,
        queries: Sequence[Query],
        *,
        target_kind: Kind,
        k: int = 10,
        filters: MatchFilters | None = None,
        exclude: Iterable[str] = (),
    ) -> list[list[Match]]:
        """`match` for many queries at once: the model encodes them in one batch."""
        state = self._state  # one state for the whole batch
        scorer = (
            self.fusion if self.config.scorer == "learned" else SignalScorer(self.config.scorer)
        )
        pools = self._pools(state, queries, target_kind, filters, exclude, needed_signals(scorer))
        profiles = state.catalogue.profiles
        return [
            ranked(query, pool, k, scorer.score(pool.signals), profiles, self.config)
            for query, pool in zip(queries, pools, strict=True)
        ]

    def match_profile(
        self,
        profile_id: str,
        *,
        target_kind: Kind,
        k: int = 10,
        filters: MatchFilters | None = None,
    ) -> list[Match]:
        """Matches for a stored profile, never the profile itself."""
        return self.match(
            query_for(self.get(profile_id)),
            target_kind=target_kind,
            k=k,
            filters=filters,
            exclude={profile_id},
        )

    def pools(
        self,
        queries: Sequence[Query],
        *,
        target_kind: Kind,
        filters: MatchFilters | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Pool]:
        """Each query's candidates with every raw signal, before fusion (for training)."""
        return self._pools(self._state, queries, target_kind, filters, exclude, OPTIONAL)

    def _pools(
        self,
        state: NetworkState,
        queries: Sequence[Query],
        kind: Kind,
        filters: MatchFilters | None,
        exclude: Iterable[str],
        needed: frozenset[str],
    ) -> list[Pool]:
        in_this_thread()  # FAISS's thread limit, in whichever thread matches
        allowed = allowed_rows(state.catalogue, kind, filters or MatchFilters(), exclude)
        return query_pools(
            queries,
            state,
            kind,
            allowed,
            encoder=self.encoder,
            members=self._members,
            config=self.config,
            needed=needed,
        )

    # -- persistence -------------------------------------------------------------------

    def vector_count(self) -> int:
        return self._state.vector_count()

    def checksum(self) -> str:
        return profiles_checksum(self._state.catalogue.profiles.values())

    def save(self, path: Path) -> None:
        """Write every kind's index, the key map and the neighbour lists, atomically."""
        save_state(path, self._state.catalogue, self._state.kinds, model=self.encoder.name)

    def restore(self, path: Path, profiles: Sequence[Profile]) -> None:
        """Adopt a saved index for exactly these profiles, or raise IndexMismatchError."""
        self._state = restore_state(  # built aside, swapped in whole
            path,
            profiles,
            model=self.encoder.name,
            dimension=self.encoder.dimension,
            config=self.config,
            new_state=self._new_state,
        )
