"""The engine's pool signals against a slow reference that scores one candidate at a time.

The engine computes a pool's signals with array operations over the pool and its members'
neighbours, and skips in `match` what the scorer gives no weight. The reference below
follows the definitions (matcher/scoring.py, matcher/ranking.py, matcher/features.py) with
plain loops over the profiles' own vectors, so a faster engine that changed a value fails
here. `Matcher.pools`, the training path, must return every signal; `match` must rank
exactly as the scorer ranks those pools.
"""

from __future__ import annotations

import random
from functools import cache, cached_property

import numpy as np
import pytest

from matcher import HashingEncoder, Kind, Matcher, Profile, Query, RankingConfig
from matcher.encoders import EnsembleEncoder, Member, members_of
from matcher.features import FEATURES
from matcher.fusion import LearnedFusion, fixed_weights, hand_weights
from matcher.languages import language_group
from matcher.parts import NAME_PART, lexical_text, profile_parts, query_parts
from matcher.profiles import SkillTag
from matcher.ranking import tag_similarity
from matcher.results import ranked
from matcher.scoring import ENGLISH_OR_UNKNOWN, query_language
from tests.conftest import shipped_fusion
from tests.factories import make_profile
from tests.test_engine_state import bm25s_scores

WORDS = "olive oil haccp food safety solar grid battery web react tourism coast wine".split()
RARE = [f"term{n}" for n in range(400)]
TAGS = [
    SkillTag(uri=f"http://data.europa.eu/esco/skill/{n:04x}", label=f"skill {n}", confidence=c)
    for n, c in zip(range(6), (1.0, 0.9, 0.8, 0.7, 0.6, 0.5), strict=True)
]
CONFIG = RankingConfig(candidates=25, neighbours_k=4)  # pools smaller than the kind


class EnglishHashing(HashingEncoder):
    """A hashing encoder that says it knows English only: MiniLM's place in the ensemble."""

    @property
    def name(self) -> str:
        return f"english-{super().name}"

    @property
    def multilingual(self) -> bool:
        return False


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(WORDS, k=count) + rng.sample(RARE, 3))


def network(size: int = 240, seed: int = 5) -> list[Profile]:
    """Experts and placements (named) with documents, languages and ESCO tags."""
    rng = random.Random(seed)
    return [
        make_profile(
            id=f"n-{number:03d}",
            kind=rng.choice(["expert", "placement"]),
            name=f"Placement {words(rng, 2)}",
            text=f"{words(rng, rng.randint(3, 9))}. {words(rng, 4)} and more.",
            documents=[words(rng, 6) for _ in range(rng.choice([0, 0, 1, 2]))],
            language=rng.choice([None, "en", "sq"]),
            languages=rng.sample(["en", "sq", "bs"], rng.randint(0, 2)),
            esco_skills=rng.sample(TAGS, rng.randint(0, 3)),
            visible=rng.random() > 0.05,
        )
        for number in range(size)
    ]


QUERIES = [
    Query(text="olive oil haccp audits for food safety. solar grid battery storage plans."),
    Query(text="react web tourism", skills=["react", "web design", "coast"], esco_skills=TAGS[:2]),
    Query(text="wine tourism on the coast with olive oil tasting", language="sq"),
    Query(text="battery"),
]


class Reference:
    """One query's signals for given candidates, computed candidate by candidate."""

    def __init__(self, matcher: Matcher, query: Query, kind: Kind) -> None:
        self.matcher, self.query, self.kind = matcher, query, kind
        self.config = matcher.config
        self.members = members_of(matcher.encoder)
        self.multilingual = [m for m in self.members if m.multilingual] or self.members
        self.english_only = [m for m in self.members if m not in self.multilingual]
        pieces = query_parts(query) if self.config.query_parts else []
        self.rows = matcher.encoder.encode_queries([query.text, *pieces])
        self.tables: dict[str, np.ndarray] = {}

    @cache  # noqa: B019 (one Reference per query, dropped after it)
    def parts(self, profile_id: str) -> tuple[np.ndarray, list[int]]:
        numbered = profile_parts(self.matcher.get(profile_id), self.config)
        vectors = self.matcher.encoder.encode_documents([text for _, text in numbered])
        return vectors, [no for no, _ in numbered]

    def cosines(self, profile_id: str, member: Member) -> tuple[np.ndarray, list[int]]:
        """Query rows x parts: one encoder's cosines."""
        vectors, numbers = self.parts(profile_id)
        columns = member.columns
        return (self.rows[:, columns] @ vectors[:, columns].T) * member.scale, numbers

    def per_row(self, profile_id: str, member: Member) -> list[float]:
        """Per query row: the mean of the best `top_m` body parts, mixed with the name part."""
        cosines, numbers = self.cosines(profile_id, member)
        scores = []
        for row in cosines:
            body = sorted((c for c, n in zip(row, numbers, strict=True) if n != NAME_PART))
            score = float(np.mean(body[::-1][: self.config.top_m])) if body else 0.0
            if NAME_PART in numbers:
                name = float(row[numbers.index(NAME_PART)])
                score = (1 - self.config.name_weight) * score + self.config.name_weight * name
            scores.append(score)
        return scores

    def combined(self, profile_id: str, member: Member) -> float:
        rows = self.per_row(profile_id, member)
        if len(rows) == 1:
            return rows[0]
        weight = self.config.whole_weight
        return weight * rows[0] + (1 - weight) * float(np.mean(rows[1:]))

    def dense(self, profile_id: str) -> float:
        return float(np.mean([self.combined(profile_id, m) for m in self.multilingual]))

    def english(self, profile_id: str) -> float:
        return float(np.mean([self.combined(profile_id, m) for m in self.english_only]))

    def best_body(self, profile_id: str, members: list[Member]) -> tuple[float, int]:
        """The best body part for the whole query, by these encoders' mean cosine."""
        whole = np.mean([self.cosines(profile_id, m)[0][0] for m in members], axis=0)
        numbers = self.parts(profile_id)[1]
        return max((float(c), -n) for c, n in zip(whole, numbers, strict=True) if n != NAME_PART)

    def name(self, profile_id: str) -> float:
        values = []
        for member in self.multilingual:
            cosines, numbers = self.cosines(profile_id, member)
            values.append(
                float(cosines[0][numbers.index(NAME_PART)]) if NAME_PART in numbers else 0
            )
        return float(np.mean(values))

    def pieces(self, profile_id: str) -> float:
        per_member = []
        for member in self.multilingual:
            rows = self.per_row(profile_id, member)
            per_member.append(float(np.mean(rows[1:] if len(rows) > 1 else rows)))
        return float(np.mean(per_member))

    @cached_property
    def scored(self) -> list[str]:
        """The pool and its members' neighbours, by id: the set pieces are standardised in."""
        pool = self.matcher.pools([self.query], target_kind=self.kind)[0].ids
        return sorted(set(pool).union(*(self.matcher.neighbours(pid) for pid in pool)))

    def piece_table(self, member: Member) -> np.ndarray:
        """Scored profiles x query pieces (the whole query when it has none)."""
        if member.name not in self.tables:
            table = np.array([self.per_row(pid, member) for pid in self.scored])
            self.tables[member.name] = table[:, 1:] if table.shape[1] > 1 else table[:, :1]
        return self.tables[member.name]

    def piece_votes(self, profile_id: str) -> tuple[float, tuple[float, float]]:
        """Mean over pieces of the candidate's z-score among the scored profiles, and the
        bounds of its mean vote 1 / (10 + rank): scores within float error of its own may
        rank either side of it (the engine breaks exact ties by id)."""
        zs, low, high = [], [], []
        for member in self.multilingual:
            pieces = self.piece_table(member)
            mine = self.scored.index(profile_id)
            z, best, worst = [], [], []
            for column in pieces.T:
                spread = column.std()
                z.append(0.0 if spread < 1e-9 else (column[mine] - column.mean()) / spread)
                above = int((column > column[mine] + 1e-6).sum())
                near = int((abs(column - column[mine]) <= 1e-6).sum()) - 1
                best.append(1 / (10 + 1 + above))
                worst.append(1 / (10 + 1 + above + near))
            zs.append(np.mean(z))
            low.append(np.mean(worst))
            high.append(np.mean(best))
        return float(np.mean(zs)), (float(np.mean(low)), float(np.mean(high)))

    def lexical(self) -> dict[str, float]:
        profiles = self.matcher.profiles(self.kind)
        texts = [lexical_text(p, self.config) for p in profiles]
        scores = bm25s_scores(texts, self.query.text)
        return {p.id: float(s) for p, s in zip(profiles, scores, strict=True)}

    def signals(self, pool: list[str]) -> dict[str, object]:
        english = query_language(self.query) == "en"
        asked = {t.uri: t.confidence for t in self.query.esco_skills}
        lexical = self.lexical()
        languages = [language_group(self.matcher.get(pid)) for pid in pool]
        neighbours = [[self.dense(n) for n in self.matcher.neighbours(pid)] for pid in pool]
        votes = [self.piece_votes(pid) for pid in pool]
        return {
            "dense": [self.dense(pid) for pid in pool],
            "dense_english": [self.english(pid) for pid in pool] if self.english_only else None,
            "english_pair": [english and lang in ENGLISH_OR_UNKNOWN for lang in languages],
            "best_part": [self.best_body(pid, self.multilingual)[0] for pid in pool],
            "neighbours": [float(np.mean(found)) if found else 0.0 for found in neighbours],
            "lexical": [lexical[pid] for pid in pool],
            "languages": languages,
            "skills": [
                tag_similarity(
                    asked, {t.uri: t.confidence for t in self.matcher.get(pid).esco_skills}
                )
                if asked
                else 0.0
                for pid in pool
            ],
            "query_words": len(self.query.text.split()),
            "query_english": english,
            "plain": [self.best_body(pid, self.members)[0] for pid in pool],
            "name": [self.name(pid) for pid in pool],
            "pieces": [self.pieces(pid) for pid in pool],
            "pieces_z": [z for z, _ in votes],
            "pieces_rank": [bounds for _, bounds in votes],
        }

    def best_parts(self, pool: list[str]) -> dict[str, int]:
        return {pid: -self.best_body(pid, self.multilingual)[1] for pid in pool}


ENCODERS = {
    "hashing": lambda: HashingEncoder(96),
    "ensemble": lambda: EnsembleEncoder([EnglishHashing(64), HashingEncoder(96)]),
}


@pytest.fixture(scope="module", params=sorted(ENCODERS))
def matcher(request: pytest.FixtureRequest) -> Matcher:
    built = Matcher(ENCODERS[request.param](), config=CONFIG, backend="exact")
    built.add(network())
    return built


@pytest.mark.parametrize("kind", [Kind.EXPERT, Kind.PLACEMENT])
def test_pools_carry_every_signal_as_the_reference_computes_it(
    matcher: Matcher, kind: Kind
) -> None:
    for query in QUERIES:
        pool = matcher.pools([query], target_kind=kind)[0]
        assert CONFIG.candidates < len(pool.ids) < len(matcher.profiles(kind))
        reference = Reference(matcher, query, kind)
        expected = reference.signals(pool.ids)
        for name, value in expected.items():
            got = getattr(pool.signals, name)
            if name == "pieces_rank":
                low, high = np.array(value).T
                assert np.all((low - 1e-6 <= got) & (got <= high + 1e-6)), name
            elif value is None or isinstance(value, int | bool) or name == "languages":
                assert (got if value is None else list(np.atleast_1d(got))) == (
                    value if value is None else list(np.atleast_1d(value))
                ), name
            else:
                assert np.allclose(got, value, rtol=1e-5, atol=1e-6), name
        assert pool.best_parts == reference.best_parts(pool.ids)


FUSIONS = {
    "shipped": shipped_fusion(),
    "hand": hand_weights(),
    **{f"only-{name}": fixed_weights(**{name: 1.0}) for name in FEATURES},
}


@pytest.mark.parametrize("fusion", list(FUSIONS.values()), ids=list(FUSIONS))
def test_match_ranks_as_the_fusion_scores_the_full_pools(
    matcher: Matcher, fusion: LearnedFusion
) -> None:
    """`match` may skip signals the model does not weigh; its matches stay exactly these."""
    ranking = Matcher(matcher.encoder, config=CONFIG, backend="exact", fusion=fusion)
    ranking.add(matcher.profiles())
    profiles = {p.id: p for p in ranking.profiles()}
    for kind in (Kind.EXPERT, Kind.PLACEMENT):
        for query in QUERIES:
            pool = ranking.pools([query], target_kind=kind)[0]
            expected = ranked(query, pool, 10, fusion.score(pool.signals), profiles, CONFIG)
            assert ranking.match(query, target_kind=kind, k=10) == expected
