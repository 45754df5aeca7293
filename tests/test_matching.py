"""Ranking behaviour on tiny networks where the right answer is obvious."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matcher import (
    DuplicateProfileError,
    Encoder,
    HashingEncoder,
    Kind,
    Matcher,
    MatchFilters,
    MemoryEmbeddingCache,
    Mode,
    Query,
    RankingConfig,
    UnknownProfileError,
)
from matcher.embedding_cache import encode_documents_cached
from matcher.encoders import EnsembleEncoder
from matcher.fusion import fixed_weights
from matcher.index import ExactIndex
from matcher.neighbours import nearest_neighbours, with_neighbours
from matcher.scoring import neighbour_means
from tests.factories import make_profile


@pytest.fixture(params=["exact", "faiss"])
def backend(request: pytest.FixtureRequest) -> str:
    """Every matcher test runs on the exact oracle and on FAISS."""
    return str(request.param)


def network(encoder: Encoder, backend: str, **kwargs: object) -> Matcher:
    matcher = Matcher(encoder, backend=backend, **kwargs)  # type: ignore[arg-type]
    matcher.add(
        [
            make_profile(
                id="olive",
                text="Olive oil quality, HACCP plans and food safety audits.",
                skills=["HACCP", "food safety"],
                country="AL",
            ),
            make_profile(
                id="web",
                text="Web development with JavaScript, React and TypeScript.",
                skills=["JavaScript"],
                country="BA",
            ),
            make_profile(
                id="solar",
                text="Solar photovoltaic systems and battery storage sizing.",
                documents=["Grid integration of rooftop PV in Montenegro"],
                country="ME",
            ),
            make_profile(
                id="tour",
                kind="business",
                name="Blue Coast Tours",
                text="Tour operator on the coast.",
                country="ME",
            ),
        ]
    )
    return matcher


@pytest.mark.parametrize(
    "config", [RankingConfig(), RankingConfig(lexical=None), RankingConfig(neighbours_k=0)]
)
def test_obvious_expert_ranks_first(
    hashing_encoder: Encoder, config: RankingConfig, backend: str
) -> None:
    matcher = network(hashing_encoder, backend, config=config)
    matches = matcher.match(
        Query(text="We need HACCP and food safety help for our olive oil"),
        target_kind=Kind.EXPERT,
        k=3,
    )
    assert matches[0].profile.id == "olive"
    assert all(m.profile.kind is Kind.EXPERT for m in matches)
    assert matches[0].score >= matches[-1].score


def test_explanation_names_best_document_and_shared_skills(
    hashing_encoder: Encoder, backend: str
) -> None:
    matcher = network(hashing_encoder, backend)
    solar = matcher.match(
        Query(text="rooftop PV grid integration Montenegro"), target_kind=Kind.EXPERT, k=1
    )[0]
    assert solar.profile.id == "solar"
    assert solar.explanation.best_part == "document 1"
    assert "Grid integration" in solar.explanation.snippet
    olive = matcher.match(Query(text="olive oil", skills=["HACCP"]), target_kind=Kind.EXPERT, k=1)[
        0
    ]
    assert olive.explanation.shared_skills == ["HACCP"]


def test_filter_leaving_three_returns_those_three(hashing_encoder: Encoder, backend: str) -> None:
    """Post-filtering the top-k would return nothing: the three filtered profiles rank last."""
    matcher = Matcher(hashing_encoder, backend=backend, config=RankingConfig(candidates=5))
    relevant = [
        make_profile(id=f"al-{i}", text="olive oil food safety HACCP " * 3, country="AL")
        for i in range(40)
    ]
    distant = [
        make_profile(id=f"me-{i}", text=f"marine biology fisheries {i}", country="ME")
        for i in range(3)
    ]
    matcher.add(relevant + distant)
    matches = matcher.match(
        Query(text="olive oil HACCP food safety"),
        target_kind=Kind.EXPERT,
        k=10,
        filters=MatchFilters(countries=["ME"]),
    )
    assert sorted(m.profile.id for m in matches) == ["me-0", "me-1", "me-2"]


def test_every_filter_applies(hashing_encoder: Encoder, backend: str) -> None:
    matcher = Matcher(hashing_encoder, backend=backend)
    matcher.add(
        [
            make_profile(
                id="a",
                kind="placement",
                name="A",
                text="x",
                mode="virtual",
                capacity=2,
                start=date(2027, 1, 1),
                end=date(2027, 3, 1),
                languages=["sq"],
                domains=["ict"],
                centre="c1",
            ),
            make_profile(
                id="b",
                kind="placement",
                name="B",
                text="x",
                mode="on-site",
                capacity=1,
                capacity_used=1,
                start=date(2027, 6, 1),
                end=date(2027, 9, 1),
                languages=["bs"],
                domains=["tourism"],
                centre="c2",
            ),
        ]
    )

    def ids(**filters: object) -> list[str]:
        found = matcher.match(
            Query(text="x"), target_kind=Kind.PLACEMENT, filters=MatchFilters(**filters)
        )  # type: ignore[arg-type]
        return sorted(m.profile.id for m in found)

    assert ids() == ["a", "b"]
    assert ids(modes=[Mode.VIRTUAL]) == ["a"]
    assert ids(languages=["bs"]) == ["b"]
    assert ids(domains=["ict"]) == ["a"]
    assert ids(centres=["c2"]) == ["b"]
    assert ids(min_capacity_left=1) == ["a"]
    assert ids(available_from=date(2027, 5, 1)) == ["b"]
    assert ids(available_until=date(2027, 2, 1)) == ["a"]


def test_hidden_profiles_and_the_query_profile_are_never_returned(
    hashing_encoder: Encoder, backend: str
) -> None:
    matcher = network(hashing_encoder, backend)
    matcher.upsert(make_profile(id="web", text="Web development with JavaScript.", visible=False))
    found = matcher.match(Query(text="JavaScript web development"), target_kind=Kind.EXPERT, k=10)
    assert "web" not in {m.profile.id for m in found}
    assert "olive" not in {
        m.profile.id for m in matcher.match_profile("olive", target_kind=Kind.EXPERT)
    }


def test_update_and_remove_change_results(hashing_encoder: Encoder, backend: str) -> None:
    cache = MemoryEmbeddingCache()
    matcher = network(hashing_encoder, backend, cache=cache)
    matcher.upsert(
        make_profile(id="web", text="Olive oil HACCP food safety audits and olive mills.")
    )
    top = matcher.match(Query(text="olive oil HACCP audits"), target_kind=Kind.EXPERT, k=2)
    assert {m.profile.id for m in top} == {"olive", "web"}
    matcher.remove("olive")
    assert "olive" not in {
        m.profile.id for m in matcher.match(Query(text="olive"), target_kind=Kind.EXPERT)
    }
    with pytest.raises(UnknownProfileError):
        matcher.remove("olive")
    with pytest.raises(DuplicateProfileError):
        matcher.add([make_profile(id="web")])


def test_unchanged_text_is_never_encoded_twice(hashing_encoder: Encoder, backend: str) -> None:
    cache = MemoryEmbeddingCache()
    network(hashing_encoder, backend, cache=cache)
    size = len(cache)
    network(hashing_encoder, backend, cache=cache)
    assert len(cache) == size == 5


def test_ensemble_scores_are_the_mean_of_member_cosines() -> None:
    small, large = HashingEncoder(64), HashingEncoder(256)
    ensemble = EnsembleEncoder([small, large])
    texts = ["olive oil food safety", "olive oil quality audits"]
    a, b = ensemble.encode_documents(texts)
    members = [m.encode_documents(texts) for m in (small, large)]
    expected = np.mean([float(x @ y) for x, y in members])
    assert float(a @ b) == pytest.approx(expected, abs=1e-5)
    cache = MemoryEmbeddingCache()
    cached = encode_documents_cached(ensemble, texts, cache)
    assert np.allclose(cached, [a, b], atol=1e-6)
    assert len(cache) == 4  # two texts, cached under each member's name
    assert ensemble.name == "hashing-64+hashing-256"


def test_neighbours_and_smoothing() -> None:
    index = ExactIndex(2)
    index.add(
        np.array([10, 20, 30, 40]),
        np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32),
    )
    assert nearest_neighbours(index, np.array([10, 20, 30, 40]), 1) == [[20], [10], [40], [30]]
    neighbours = {"a": ["b"], "b": ["a"], "c": []}
    assert with_neighbours(["a"], neighbours) == ["a", "b"]
    dense = np.array([0.5, 0.9, 0.4, 0.2], dtype=np.float32)
    means = neighbour_means(dense, np.array([[1, -1], [-1, -1], [1, 3]]))  # -1 pads
    assert means.tolist() == pytest.approx([0.9, 0.0, 0.55])


def test_smoothing_lifts_a_profile_whose_peers_fit(hashing_encoder: Encoder, backend: str) -> None:
    texts = {
        "lone": "olive oil HACCP audits sailing regatta",  # best alone; its peers are about sailing
        "sea-1": "sailing regatta harbour boats",
        "sea-2": "sailing regatta marina boats",
        "peered": "olive oil HACCP audit plans training",  # its peers fit the need too
        "peer-1": "HACCP audit plans olive mills",
        "peer-2": "olive HACCP audit plans checks",
    }
    profiles = [
        make_profile(id=key, kind="placement", name="p", text=text) for key, text in texts.items()
    ]
    query = Query(text="olive oil HACCP audits")
    best = {}
    for weight in (0.0, 1.0):
        matcher = Matcher(
            hashing_encoder,
            backend=backend,
            config=RankingConfig(lexical=None, neighbours_k=2),
            fusion=fixed_weights(dense=1.0, neighbours=weight),
        )
        matcher.add(profiles)
        best[weight] = matcher.match(query, target_kind=Kind.PLACEMENT, k=1)[0].profile.id
    assert best == {0.0: "lone", 1.0: "peered"}
