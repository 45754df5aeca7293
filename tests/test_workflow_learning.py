"""Feedback stored by the workflow trains the re-ranker; rounds adopt it only when it won."""

from __future__ import annotations

from matcher import HashingEncoder
from service.config import Settings
from service.network import open_network
from service.workflow import RoundSettings, run_round
from service.workflow_ranking import active_reranker, train_reranker
from service.workflow_review import Feedback, Review, respond, review
from service.workflow_store import list_pairs
from tests.conftest import DEMO_PROFILES


def test_feedback_with_a_preference_the_ranking_misses_trains_a_winning_reranker(
    settings: Settings,
) -> None:
    with open_network(settings, encoder=HashingEncoder()) as network:
        network.import_text(DEMO_PROFILES.read_text(encoding="utf-8"), fmt="jsonl")
        first = run_round(network, RoundSettings(hours_per_request=1, k=30))
        assert first.ranking.startswith("unlearned")
        too_early = train_reranker(network)
        assert too_early["wins"] is False and too_early["ranking"].startswith("unlearned")
        for _ in range(6):  # the sides accept only partners in their own country
            with network.runtime.sessions() as session:
                proposed = list_pairs(session, status="proposed", limit=200)[0]
            for pair in proposed:
                review(network, pair_id=pair.id, decision=Review(action="approve"))
                same = pair.features["same_country"] == 1.0
                answer = "accepted" if same else "not_relevant"
                respond(network, pair_id=pair.id, feedback=Feedback(side="source", answer=answer))
            run_round(network, RoundSettings(hours_per_request=1, k=30))
        evaluation = train_reranker(network)
        assert evaluation["wins"] is True, evaluation
        assert evaluation["learned_ndcg@10"] > evaluation["unlearned_ndcg@10"]
        model, ranking = active_reranker(settings)
        assert model is not None and ranking.startswith("learned")
        assert run_round(network, RoundSettings(hours_per_request=1)).ranking.startswith("learned")
