"""The Matcher: profiles in, ranked and explained matches out.

Every profile is split into parts (its text, then each document); each part is a vector
in one index under a stable int64 id, `key * PARTS_PER_PROFILE + part_no`. A query is
answered in two stages: each signal nominates candidates among the profiles that pass the
filters, then the pooled candidates are scored exactly and fused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from matcher.embedding_cache import EmbeddingCache, encode_documents_cached
from matcher.encoders import Encoder, members_of
from matcher.errors import DuplicateProfileError, IndexMismatchError, UnknownProfileError
from matcher.explanations import Explanation, explain
from matcher.features import PoolSignals
from matcher.filters import MatchFilters
from matcher.fusion import Scorer, SignalScorer, hand_weights
from matcher.index import VectorIndex, build_metadata, create_index, load_index, save_index
from matcher.index.base import MISSING_ID, Ids
from matcher.languages import language_group
from matcher.lexical import LexicalScorer
from matcher.neighbours import nearest_neighbours, with_neighbours
from matcher.parts import PARTS_PER_PROFILE, lexical_text, profile_parts, query_parts
from matcher.profiles import Kind, Profile, profiles_checksum
from matcher.queries import Query, query_for
from matcher.ranking import RankingConfig, tag_similarity
from matcher.scoring import (
    ENGLISH_OR_UNKNOWN,
    DenseScores,
    Pool,
    dense_scores,
    empty_signals,
    neighbour_means,
    query_language,
)


class Match(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile: Profile
    score: float
    explanation: Explanation


class Matcher:
    """Holds the profiles of a network with their vectors and answers match queries."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        config: RankingConfig | None = None,
        backend: str = "faiss",
        cache: EmbeddingCache | None = None,
        fusion: Scorer | None = None,
    ) -> None:
        self.encoder = encoder
        self.config = config or RankingConfig()
        self.cache = cache
        self.fusion = fusion or hand_weights()
        self._members = members_of(encoder)
        self._index: VectorIndex = create_index(backend, encoder.dimension)
        self._profiles: dict[str, Profile] = {}
        self._keys: dict[str, int] = {}
        self._ids_by_key: dict[int, str] = {}
        self._lexical: dict[Kind, tuple[list[str], LexicalScorer]] = {}
        self._neighbours: dict[Kind, dict[str, list[str]]] = {}
        self._key_counter = 0

    # -- the network -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._profiles)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._profiles

    def get(self, profile_id: str) -> Profile:
        try:
            return self._profiles[profile_id]
        except KeyError:
            raise UnknownProfileError(profile_id) from None

    def profiles(self, kind: Kind | None = None) -> list[Profile]:
        return [p for p in self._profiles.values() if kind is None or p.kind == kind]

    def add(self, profiles: Sequence[Profile], *, show_progress: bool = False) -> None:
        """Add new profiles; every part is encoded once (through the cache if there is one)."""
        seen: set[str] = set()
        for profile in profiles:
            if profile.id in self._profiles or profile.id in seen:
                raise DuplicateProfileError(profile.id)
            seen.add(profile.id)
        texts: list[str] = []
        ids: list[int] = []
        for profile in profiles:
            key = self._keys[profile.id] if profile.id in self._keys else self._next_key()
            self._keys[profile.id], self._ids_by_key[key] = key, profile.id
            for part_no, text in profile_parts(profile, self.config):
                texts.append(text)
                ids.append(key * PARTS_PER_PROFILE + part_no)
        vectors = encode_documents_cached(
            self.encoder, texts, self.cache, show_progress=show_progress
        )
        self._index.add(np.asarray(ids, dtype=np.int64), vectors)
        for profile in profiles:
            self._profiles[profile.id] = profile
            self._forget(profile.kind)

    def remove(self, profile_id: str) -> Profile:
        """Remove a profile and its vectors; its id may be added again later."""
        profile = self.get(profile_id)
        self._index.delete(self._part_ids(profile))
        del self._profiles[profile_id]
        self._forget(profile.kind)
        return profile

    def upsert(self, profile: Profile) -> None:
        """Add the profile, or replace the one with its id (keeping its index key)."""
        if profile.id in self._profiles:
            if self._profiles[profile.id] == profile:
                return
            self.remove(profile.id)
        self.add([profile])

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
        pools = self.pools(queries, target_kind=target_kind, filters=filters, exclude=exclude)
        return [self._ranked(query, pool, k) for query, pool in zip(queries, pools, strict=True)]

    def pools(
        self,
        queries: Sequence[Query],
        *,
        target_kind: Kind,
        filters: MatchFilters | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Pool]:
        """Each query's candidates with their raw signals, before fusion (for training)."""
        texts_per_query = [self._query_texts(query) for query in queries]
        vectors = (
            self.encoder.encode_queries([text for texts in texts_per_query for text in texts])
            if self.config.uses_dense and queries
            else None
        )
        ends = np.cumsum([len(texts) for texts in texts_per_query])
        allowed = self._allowed(target_kind, filters or MatchFilters(), set(exclude))
        return [
            self._pool(
                query,
                None if vectors is None else vectors[end - len(texts) : end],
                target_kind,
                allowed,
            )
            for query, texts, end in zip(queries, texts_per_query, ends, strict=True)
        ]

    def _query_texts(self, query: Query) -> list[str]:
        """The whole query first, then its pieces when the configuration embeds them."""
        return [query.text, *(query_parts(query) if self.config.query_parts else [])]

    def _pool(
        self, query: Query, query_vectors: np.ndarray | None, kind: Kind, allowed: list[str]
    ) -> Pool:
        if not allowed:
            return Pool([], empty_signals(), {})
        english = query_language(query) == "en"
        lexical_scores = self._lexical_scores(query.text, kind, allowed)
        nominating = (
            None if query_vectors is None else self._nominating_vector(query_vectors, english)
        )
        candidates = self._nominate(nominating, lexical_scores, allowed)
        signals, best_parts = self._signals(
            query, english, query_vectors, candidates, kind, lexical_scores
        )
        return Pool(candidates, signals, best_parts)

    def _ranked(self, query: Query, pool: Pool, k: int) -> list[Match]:
        if not pool.ids or k <= 0:
            return []
        final = self._scorer().score(pool.signals)
        order = np.lexsort((np.array(pool.ids), -final))[:k]
        return [
            Match(
                profile=self._profiles[pool.ids[i]],
                score=float(final[i]),
                explanation=explain(
                    profile=self._profiles[pool.ids[i]],
                    part_no=pool.best_parts.get(pool.ids[i], 0),
                    query=query,
                    score=float(final[i]),
                    dense=float(pool.signals.dense[i]) if self.config.uses_dense else None,
                    lexical=float(pool.signals.lexical[i]) if self.config.uses_lexical else None,
                ),
            )
            for i in order.tolist()
        ]

    def _scorer(self) -> Scorer:
        if self.config.scorer == "learned":
            return self.fusion
        return SignalScorer(self.config.scorer)

    def match_profile(
        self,
        profile_id: str,
        *,
        target_kind: Kind,
        k: int = 10,
        filters: MatchFilters | None = None,
    ) -> list[Match]:
        """Matches for a stored profile, never the profile itself."""
        profile = self.get(profile_id)
        return self.match(
            query_for(profile), target_kind=target_kind, k=k, filters=filters, exclude={profile_id}
        )

    def _skill_overlap(self, query: Query, pool: list[str]) -> np.ndarray:
        """How much each pooled profile's ESCO skills overlap the query's (0 without tags)."""
        asked = {tag.uri: tag.confidence for tag in query.esco_skills}
        overlap = np.zeros(len(pool), dtype=np.float32)
        if asked:
            for i, pid in enumerate(pool):
                tags = {tag.uri: tag.confidence for tag in self._profiles[pid].esco_skills}
                overlap[i] = tag_similarity(asked, tags)
        return overlap

    def _allowed(self, kind: Kind, filters: MatchFilters, exclude: set[str]) -> list[str]:
        check_filters = not filters.is_empty()
        return [
            p.id
            for p in self._profiles.values()
            if p.kind == kind
            and p.visible
            and p.id not in exclude
            and (not check_filters or filters.admits(p))
        ]

    def _nominating_vector(self, query_vectors: np.ndarray, english: bool) -> np.ndarray:
        """The whole query's vector, without English-only encoders unless it is English."""
        vector = np.array(query_vectors[:1], dtype=np.float32)
        if not english and any(m.multilingual for m in self._members):
            for member in self._members:
                if not member.multilingual:
                    vector[:, member.columns] = 0.0
        return vector

    def _nominate(
        self, query_vector: np.ndarray | None, lexical: dict[str, float], allowed: list[str]
    ) -> list[str]:
        """Candidates from each signal: the best parts' profiles and the best lexical scores."""
        limit = self.config.candidates
        if len(allowed) <= limit:
            return sorted(allowed)
        pool: set[str] = set()
        if query_vector is not None:
            part_ids = self._part_ids_of(allowed)
            _, found = self._index.search(
                query_vector, min(len(part_ids), 4 * limit), allowed=part_ids
            )
            for part_id in found[0]:
                if part_id != MISSING_ID and len(pool) < limit:
                    pool.add(self._ids_by_key[int(part_id) // PARTS_PER_PROFILE])
        if lexical:
            pool.update(sorted(lexical, key=lambda pid: (-lexical[pid], pid))[:limit])
        return sorted(pool)

    def _signals(
        self,
        query: Query,
        english: bool,
        query_vectors: np.ndarray | None,
        pool: list[str],
        kind: Kind,
        lexical_scores: dict[str, float],
    ) -> tuple[PoolSignals, dict[str, int]]:
        """Every raw signal of the pool; dense ones per encoder, where each is valid."""
        count = len(pool)
        neighbours = self._neighbour_map(kind) if self.config.neighbours_k > 0 else {}
        scored = with_neighbours(pool, neighbours) if neighbours else list(pool)
        dense = DenseScores.zeros(len(scored))
        if query_vectors is not None:
            dense = dense_scores(
                query_vectors,
                self._index.vectors(self._part_ids_of(scored)),
                self._part_owners(scored),
                self._members,
                self.config,
            )
        position = {pid: i for i, pid in enumerate(scored)}
        rows = np.array([position[pid] for pid in pool], dtype=np.int64)
        languages = [language_group(self._profiles[pid]) for pid in pool]
        english_pair = np.array([english and lang in ENGLISH_OR_UNKNOWN for lang in languages])
        signals = PoolSignals(
            dense=dense.multilingual[rows],
            dense_english=None if dense.english is None else dense.english[rows],
            english_pair=english_pair,
            best_part=dense.best_part[rows],
            neighbours=neighbour_means(pool, dense.multilingual, position, neighbours),
            lexical=np.array([lexical_scores.get(pid, 0.0) for pid in pool], dtype=np.float32),
            languages=languages,
            skills=self._skill_overlap(query, pool),
            query_words=len(query.text.split()),
            query_english=english,
            plain=dense.plain[rows],
        )
        best_parts = {pid: int(dense.best_part_no[position[pid]]) for pid in pool}
        assert len(signals.dense) == count
        return signals, best_parts

    def _neighbour_map(self, kind: Kind) -> dict[str, list[str]]:
        if kind not in self._neighbours:
            ids = [p.id for p in self.profiles(kind)]
            text_ids = np.array(
                [self._keys[pid] * PARTS_PER_PROFILE for pid in ids], dtype=np.int64
            )
            found = nearest_neighbours(self._index, text_ids, self.config.neighbours_k)
            self._neighbours[kind] = {
                pid: [self._ids_by_key[other // PARTS_PER_PROFILE] for other in row]
                for pid, row in zip(ids, found, strict=True)
            }
        return self._neighbours[kind]

    def _forget(self, kind: Kind) -> None:
        """Drop what was derived from a kind's profiles; it is rebuilt when next needed."""
        self._lexical.pop(kind, None)
        self._neighbours.pop(kind, None)

    def _lexical_scores(self, text: str, kind: Kind, allowed: list[str]) -> dict[str, float]:
        if not self.config.uses_lexical or self.config.lexical is None:
            return {}
        if kind not in self._lexical:
            ids = [p.id for p in self.profiles(kind)]
            texts = [lexical_text(self._profiles[pid], self.config) for pid in ids]
            self._lexical[kind] = (ids, LexicalScorer(texts, self.config.lexical))
        ids, scorer = self._lexical[kind]
        scores = dict(zip(ids, scorer.scores(text).tolist(), strict=True))
        return {pid: scores[pid] for pid in allowed}

    # -- parts and keys ----------------------------------------------------------------

    def _part_ids(self, profile: Profile) -> Ids:
        base = self._keys[profile.id] * PARTS_PER_PROFILE
        return np.array(
            [base + no for no, _ in profile_parts(profile, self.config)], dtype=np.int64
        )

    def _part_ids_of(self, profile_ids: Iterable[str]) -> Ids:
        arrays = [self._part_ids(self._profiles[pid]) for pid in profile_ids]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

    def _part_owners(self, profile_ids: Sequence[str]) -> tuple[Ids, Ids]:
        """For the parts of these profiles (in `_part_ids_of` order): owner row, part number."""
        numbers = [
            [no for no, _ in profile_parts(self._profiles[pid], self.config)] for pid in profile_ids
        ]
        owners = np.repeat(np.arange(len(profile_ids)), [len(n) for n in numbers])
        flat = (
            np.concatenate([np.asarray(n, dtype=np.int64) for n in numbers]) if numbers else owners
        )
        return owners.astype(np.int64), flat.astype(np.int64)

    def _next_key(self) -> int:
        self._key_counter += 1
        return self._key_counter - 1

    # -- persistence -------------------------------------------------------------------

    def vector_count(self) -> int:
        return self._index.count()

    def checksum(self) -> str:
        return profiles_checksum(self._profiles.values())

    def save(self, path: Path) -> None:
        """Write the index with its metadata and the profile-key map, atomically."""
        metadata = build_metadata(self._index, model=self.encoder.name, checksum=self.checksum())
        ids = list(self._profiles)  # keys of removed profiles are not saved
        save_index(
            path,
            self._index,
            metadata,
            {
                "profile_ids": np.array(ids, dtype=np.str_),
                "profile_keys": np.array([self._keys[i] for i in ids], dtype=np.int64),
            },
        )

    def restore(self, path: Path, profiles: Sequence[Profile]) -> None:
        """Adopt a saved index for exactly these profiles, or raise IndexMismatchError."""
        index, metadata, extras = load_index(
            path, model=self.encoder.name, dimension=self.encoder.dimension
        )
        if metadata.get("checksum") != profiles_checksum(profiles):
            raise IndexMismatchError(f"index {path} does not match the stored profiles")
        keys = {
            pid: int(key)
            for pid, key in zip(
                extras["profile_ids"].tolist(), extras["profile_keys"].tolist(), strict=True
            )
        }
        by_id = {p.id: p for p in profiles}
        if set(keys) != set(by_id):
            raise IndexMismatchError(f"index {path} lists other profiles than the store")
        expected = [
            keys[pid] * PARTS_PER_PROFILE
            + np.array([no for no, _ in profile_parts(p, self.config)], dtype=np.int64)
            for pid, p in by_id.items()
        ]
        expected_ids = np.concatenate(expected) if expected else np.zeros(0, dtype=np.int64)
        if not np.array_equal(np.sort(index.ids()), np.sort(expected_ids)):
            raise IndexMismatchError(f"index {path} holds other vectors than its profiles need")
        self._index, self._profiles, self._lexical, self._neighbours = index, by_id, {}, {}
        self._keys = keys
        self._ids_by_key = {key: pid for pid, key in keys.items()}
        self._key_counter = max(self._ids_by_key, default=-1) + 1
