"""The engine's derived state, kept incrementally, equals the same state built from scratch.

Filters as catalogue masks against the per-profile rule they replaced; BM25 posting lists
after random writes against bm25s over the surviving texts; neighbour lists after random
writes against lists built at once; a matcher after random writes against a matcher
built from its final profiles, and against itself after a save and restore.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import bm25s
import numpy as np
import pytest

from matcher import Encoder, Kind, Matcher, MatchFilters, Mode, Profile, Query
from matcher.catalogue import Catalogue
from matcher.filters import Mask
from matcher.index import ExactIndex
from matcher.lexical import STOP_WORDS, Bm25Index
from matcher.neighbours import NeighbourGraph, nearest_neighbours
from tests.factories import make_profile

WORDS = "olive oil haccp food safety solar grid battery web react tourism coast wine audit".split()
RARE = [f"term{n}" for n in range(300)]  # so that two random texts are seldom equal


def random_profile(rng: random.Random, number: int) -> Profile:
    start = date(2027, 1, 1) + timedelta(days=rng.randint(0, 300))
    capacity = rng.choice([None, 0, 1, 3])
    return make_profile(
        id=f"r-{number}",
        kind=rng.choice(["expert", "placement"]),
        name=f"Name {number}",
        text=" ".join(rng.choices(WORDS, k=rng.randint(1, 8)) + rng.choices(RARE, k=6)),
        country=rng.choice([None, "AL", "BA", "ME"]),
        languages=rng.sample(["sq", "bs", "en", "sr"], rng.randint(0, 2)),
        mode=rng.choice([None, *Mode]),
        centre=rng.choice([None, "c1", "c2"]),
        domains=rng.sample(["ict", "agrifood", "energy"], rng.randint(0, 2)),
        capacity=capacity,
        capacity_used=rng.randint(0, capacity or 0),
        start=rng.choice([None, start]),
        end=rng.choice([None, start + timedelta(days=rng.randint(0, 200))]),
        visible=rng.random() > 0.1,
    )


def random_filters(rng: random.Random) -> MatchFilters:
    day = date(2027, 1, 1) + timedelta(days=rng.randint(0, 500))
    return MatchFilters(
        countries=rng.sample(["AL", "BA", "ME", "XK"], rng.randint(0, 2)),
        languages=rng.sample(["sq", "bs", "en", "de"], rng.randint(0, 2)),
        modes=rng.sample(list(Mode), rng.randint(0, 1)),
        centres=rng.sample(["c1", "c2", "c9"], rng.randint(0, 1)),
        domains=rng.sample(["ict", "agrifood", "energy"], rng.randint(0, 1)),
        available_from=rng.choice([None, day]),
        available_until=rng.choice([None, day + timedelta(days=60)]),
        min_capacity_left=rng.choice([None, 0, 1, 2]),
    )


def reference_admits(filters: MatchFilters, p: Profile) -> bool:
    """The per-profile rule the masks replaced (matcher/filters.py at d7ed2bc)."""
    left = p.capacity_left
    return (
        (not filters.countries or p.country in filters.countries)
        and (not filters.languages or bool(set(p.languages) & set(filters.languages)))
        and (
            not filters.modes
            or (p.mode is not None and (p.mode in filters.modes or p.mode is Mode.HYBRID))
        )
        and (not filters.centres or p.centre in filters.centres)
        and (not filters.domains or bool(set(p.domains) & set(filters.domains)))
        and not (filters.available_from and p.end and p.end < filters.available_from)
        and not (filters.available_until and p.start and p.start > filters.available_until)
        and (filters.min_capacity_left is None or left is None or left >= filters.min_capacity_left)
    )


def test_filter_masks_equal_the_per_profile_rule_after_random_writes() -> None:
    rng = random.Random(1)
    catalogue = Catalogue(list(Kind))
    profiles = [random_profile(rng, n) for n in range(300)]
    catalogue.add(profiles[:200], [[0]] * 200)
    for profile in profiles[200:]:
        catalogue.add([profile], [[0]])
    for profile in rng.sample(profiles, 80):
        catalogue.remove(profile.id)
    for _ in range(200):
        filters = random_filters(rng)
        for kind in (Kind.EXPERT, Kind.PLACEMENT):
            table = catalogue.kinds[kind]
            mask: Mask = filters.mask(table)
            got = {pid for pid, passes in zip(table.ids, mask.tolist(), strict=True) if passes}
            expected = {
                p.id
                for p in catalogue.profiles.values()
                if p.kind == kind and reference_admits(filters, p)
            }
            assert got == expected
    assert all(
        catalogue.kinds[p.kind].ids[catalogue.rows_of(np.array([catalogue.keys[p.id]]))[0]] == p.id
        for p in catalogue.profiles.values()
    )


def bm25s_scores(texts: list[str], query: str) -> np.ndarray:
    """BM25 as bm25s computes it over these texts (what the engine used before)."""
    model = bm25s.BM25(k1=1.5, b=0.75)
    model.index(
        bm25s.tokenize(texts, stopwords=STOP_WORDS, show_progress=False), show_progress=False
    )
    tokens = bm25s.tokenize([query], stopwords=STOP_WORDS, return_ids=False, show_progress=False)
    known = [t for t in tokens[0] if t in model.vocab_dict]
    return np.asarray(model.get_scores(known), dtype=np.float32) if known else np.zeros(len(texts))


def test_incremental_bm25_equals_bm25_from_scratch_after_random_writes() -> None:
    rng = random.Random(2)
    index, texts = Bm25Index(), {}
    for step in range(400):
        if texts and rng.random() < 0.35:
            key = rng.choice(sorted(texts))
            index.remove(key, texts.pop(key))
        else:
            texts[step] = " ".join(
                rng.choices([*WORDS, "the", "and", "për", "i"], k=rng.randint(0, 15))
            )
            index.add([step], [texts[step]])
        if step % 50 == 49:
            keys = sorted(texts)
            rows = np.full(step + 1, -1, dtype=np.int64)
            rows[keys] = np.arange(len(keys))
            for query in ("olive oil haccp", "solar solar grid the", "nothing known"):
                got = index.scores(query, rows.__getitem__, len(keys))
                assert np.allclose(
                    got, bm25s_scores([texts[k] for k in keys], query), rtol=1e-5, atol=1e-6
                )


def unit_rows(rng: np.random.Generator, count: int, dimension: int = 12) -> np.ndarray:
    vectors = rng.normal(size=(count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_incremental_neighbour_lists_equal_lists_built_at_once() -> None:
    rng = np.random.default_rng(3)
    graph, vectors = NeighbourGraph(4, 12), {}
    for key, vector in enumerate(unit_rows(rng, 150)):
        if vectors and rng.random() < 0.3:
            gone = int(rng.choice(sorted(vectors)))
            graph.remove(gone)
            del vectors[gone]
        graph.add([key], vector[None, :])
        vectors[key] = vector
    keys = sorted(vectors)
    fresh = NeighbourGraph(4, 12)
    fresh.add(keys, np.array([vectors[k] for k in keys]))
    assert graph.lists() == fresh.lists()
    index = ExactIndex(12)
    index.add(np.array(keys), np.array([vectors[k] for k in keys]))
    oracle = nearest_neighbours(index, np.array(keys), 4)
    assert [graph.of(k) for k in keys] == oracle


def needs() -> list[Query]:
    return [
        Query(text=t)
        for t in ("olive oil haccp audit", "solar grid battery", "web react", "wine tourism coast")
    ]


def matches(matcher: Matcher, kind: Kind) -> list[list[tuple[str, float]]]:
    return [
        [(m.profile.id, round(m.score, 4)) for m in found]
        for found in matcher.match_batch(needs(), target_kind=kind)
    ]


@pytest.mark.parametrize("backend", ["exact", "faiss"])
def test_matcher_after_random_writes_equals_one_built_from_its_profiles(
    hashing_encoder: Encoder, backend: str, tmp_path: Path
) -> None:
    rng = random.Random(4)
    small = {"backend": backend, "ann_threshold": 60}  # the faiss kind turns IVF on the way
    live = Matcher(hashing_encoder, **small)  # type: ignore[arg-type]
    live.add([random_profile(rng, n) for n in range(120)])
    for n in range(120, 200):
        choice = rng.random()
        if choice < 0.3:
            live.remove(rng.choice(sorted(p.id for p in live.profiles())))
        elif choice < 0.5:
            old = rng.choice(live.profiles())
            live.upsert(
                random_profile(rng, int(old.id.removeprefix("r-"))).model_copy(
                    update={"kind": old.kind}
                )
            )
        else:
            live.add([random_profile(rng, n)])
    built = Matcher(hashing_encoder, **small)  # type: ignore[arg-type]
    # Added in the order of their keys in `live`: equal cosines rank by key in both.
    built.add(sorted(live.profiles(), key=lambda p: live._state.catalogue.keys[p.id]))
    for kind in (Kind.EXPERT, Kind.PLACEMENT):
        ours, theirs = matches(live, kind), matches(built, kind)
        if backend == "faiss":  # approximate nomination: compare the best match only
            ours, theirs = [m[:1] for m in ours], [m[:1] for m in theirs]
        # Cosines computed one row at a time and by blocks differ in the last bit, which
        # can swap two neighbours at an equal cosine: the same matches, scores very close.
        assert [{pid for pid, _ in m} for m in ours] == [{pid for pid, _ in m} for m in theirs]
        assert np.allclose(
            [s for m in ours for _, s in m], [s for m in theirs for _, s in m], atol=0.02
        )
    live.save(tmp_path / "index.npz")
    restored = Matcher(hashing_encoder, **small)  # type: ignore[arg-type]
    restored.restore(tmp_path / "index.npz", live.profiles())
    assert restored.index_backends() == live.index_backends()
    for kind in (Kind.EXPERT, Kind.PLACEMENT):
        assert matches(restored, kind) == matches(live, kind)
