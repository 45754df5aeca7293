"""The staff workflow on a real store: rounds hold capacity, a rejected or not-relevant pair
never comes back, contacts stay hidden until both sides accept, outcomes move forward."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher import HashingEncoder, Kind
from service.config import Settings
from service.network import Network, open_network
from service.workflow import RoundSettings, run_round
from service.workflow_review import Feedback, Review, record_outcome, respond, review, shared_view
from service.workflow_store import TransitionError, UnknownPairError, list_pairs

TEXT = "HACCP plans and ISO 22000 audits for olive oil producers"


@pytest.fixture
def network(settings: Settings) -> Iterator[Network]:
    with open_network(settings, encoder=HashingEncoder()) as opened:
        for i in range(3):
            opened.create(
                kind=Kind.EXPERT,
                fields={
                    "id": f"e{i}",
                    "name": f"Expert {i}",
                    "text": TEXT,
                    "capacity": 4,
                    "languages": ["en"],
                    "centre": "c1",
                    "owner": f"person-{i}",
                },
            )
        for i in range(4):
            opened.create(
                kind=Kind.REQUEST,
                fields={
                    "id": f"r{i}",
                    "name": f"Need {i}",
                    "text": TEXT,
                    "languages": ["en"],
                    "centre": "c1" if i < 3 else "c2",
                    "owner": f"biz-{i}",
                },
            )
        yield opened


def pairs(network: Network, **where: object) -> list:
    with network.runtime.sessions() as session:
        return list_pairs(session, **where)[0]


def test_a_round_never_oversubscribes_and_keeps_alternatives(network: Network) -> None:
    summary = run_round(network, RoundSettings(hours_per_request=4))
    assert summary.kinds["request"].items == 4
    proposed = pairs(network)
    assert len(proposed) == 3  # three experts with one request's hours each
    assert len({p.target_id for p in proposed}) == 3
    assert all(p.features and p.alternatives for p in proposed)
    assert "unlearned" in summary.ranking
    centre = run_round(network, RoundSettings(centre="c2"))
    assert centre.kinds["request"].items == 1


def test_rejected_and_not_relevant_pairs_never_come_back(network: Network) -> None:
    run_round(network, RoundSettings(hours_per_request=1))
    first = {p.source_id: p for p in pairs(network)}
    review(network, pair_id=first["r0"].id, decision=Review(action="reject"))
    review(network, pair_id=first["r1"].id, decision=Review(action="approve"))
    respond(
        network,
        pair_id=first["r1"].id,
        feedback=Feedback(side="source", answer="not_relevant", reason="wrong sector"),
    )
    for _ in range(3):
        run_round(network, RoundSettings(hours_per_request=1))
        for pair in pairs(network, status="proposed"):
            assert (pair.source_id, pair.target_id) not in {
                ("r0", first["r0"].target_id),
                ("r1", first["r1"].target_id),
            }
            assert first["r0"].target_id not in [
                a["target"] for a in pair.alternatives if pair.source_id == "r0"
            ]


def test_an_accepted_pair_consumes_capacity(network: Network) -> None:
    run_round(network, RoundSettings(hours_per_request=4))
    pair = pairs(network)[0]
    review(network, pair_id=pair.id, decision=Review(action="approve"))
    for side in ("source", "target"):
        respond(network, pair_id=pair.id, feedback=Feedback(side=side, answer="accepted"))
    run_round(network, RoundSettings(hours_per_request=4))
    fresh = pairs(network, status="proposed")
    assert pair.target_id not in {p.target_id for p in fresh}  # its 4 hours are taken
    assert pair.source_id not in {p.source_id for p in fresh}  # and its item is settled


def test_contacts_stay_hidden_until_both_sides_accept(network: Network) -> None:
    run_round(network, RoundSettings())
    pair = pairs(network)[0]
    with pytest.raises(UnknownPairError):  # not shown before staff approve
        shared_view(network, pair_id=pair.id, side="source")
    review(network, pair_id=pair.id, decision=Review(action="approve"))
    seen = shared_view(network, pair_id=pair.id, side="source")
    assert seen.other_id == pair.target_id and seen.contact is None
    respond(network, pair_id=pair.id, feedback=Feedback(side="source", answer="accepted"))
    assert shared_view(network, pair_id=pair.id, side="target").contact is None
    respond(network, pair_id=pair.id, feedback=Feedback(side="target", answer="accepted"))
    contact = shared_view(network, pair_id=pair.id, side="source").contact
    assert contact is not None and contact.owner and contact.owner.startswith("person-")
    assert shared_view(network, pair_id=pair.id, side="target").contact.owner.startswith("biz-")


def test_edit_and_outcomes_follow_the_rules(network: Network) -> None:
    run_round(network, RoundSettings(hours_per_request=1))
    pair = pairs(network)[0]
    other = pair.alternatives[0]["target"]
    edited = review(network, pair_id=pair.id, decision=Review(action="edit", target_id=other))
    assert edited.target_id == other and edited.status == "approved" and edited.features
    with pytest.raises(TransitionError):
        review(network, pair_id=pair.id, decision=Review(action="approve"))
    with pytest.raises(TransitionError):
        record_outcome(network, pair_id=pair.id, stage="met")
    for side in ("source", "target"):
        respond(network, pair_id=pair.id, feedback=Feedback(side=side, answer="accepted"))
    record_outcome(network, pair_id=pair.id, stage="met")
    with pytest.raises(TransitionError):
        record_outcome(network, pair_id=pair.id, stage="contacted")
    assert record_outcome(network, pair_id=pair.id, stage="dropped").stage == "dropped"
    with pytest.raises(TransitionError):
        record_outcome(network, pair_id=pair.id, stage="placement_completed")
    unanswered = pairs(network, status="proposed")[0]
    with pytest.raises(TransitionError):  # a proposal is rejected by staff, not dropped
        record_outcome(network, pair_id=unanswered.id, stage="dropped")
    review(network, pair_id=unanswered.id, decision=Review(action="approve"))
    record_outcome(network, pair_id=unanswered.id, stage="dropped")
    assert unanswered.source_id not in {
        p.source_id for p in pairs(network, status="approved") if p.stage != "dropped"
    }
    with pytest.raises(UnknownPairError):
        review(network, pair_id=9999, decision=Review(action="approve"))


def test_an_edit_keeps_the_items_constraints(network: Network) -> None:
    network.create(
        kind=Kind.EXPERT,
        fields={"id": "e-sq", "name": "Albanian only", "text": TEXT, "languages": ["sq"]},
    )
    run_round(network, RoundSettings(hours_per_request=1))
    pair = pairs(network)[0]
    with pytest.raises(TransitionError, match="constraints"):
        review(network, pair_id=pair.id, decision=Review(action="edit", target_id="e-sq"))


def test_the_store_keeps_rounds_across_restarts(settings: Settings, network: Network) -> None:
    run_round(network, RoundSettings())
    network.close()
    with open_network(settings, encoder=HashingEncoder()) as reopened:
        assert len(pairs(reopened)) == 3
    assert isinstance(settings.index_path, Path)


def test_analytics_per_centre_and_country(network: Network) -> None:
    from service.workflow_analytics import analytics

    run_round(network, RoundSettings(hours_per_request=4))
    pair = pairs(network)[0]
    review(network, pair_id=pair.id, decision=Review(action="approve"))
    for side in ("source", "target"):
        respond(network, pair_id=pair.id, feedback=Feedback(side=side, answer="accepted"))
    record_outcome(network, pair_id=pair.id, stage="met")
    report = analytics(network)
    c1 = report["by_centre"]["c1"]
    assert c1["profiles"] == {"expert": 3, "request": 3}
    assert report["by_centre"]["c2"]["profiles"] == {"request": 1}
    assert c1["suggestions"] + report["by_centre"]["c2"]["suggestions"] == 3
    assert c1["approved"] + report["by_centre"]["c2"]["approved"] == 1
    met_centre = "c1" if pair.source_id != "r3" else "c2"
    assert report["by_centre"][met_centre]["outcomes"] == {"met": 1}
    assert report["by_centre"][met_centre]["median_days_to_first_meeting"] >= 0
    assert c1["exposure"] == {"share_of_suggestions": 1.0, "share_of_profiles": 1.0}
    assert report["experts"]["share_never_suggested"] == 0.0
    assert report["by_country"]["(none)"]["suggestions"] == 3


def test_capacity_holds_over_many_rounds_of_random_staff_and_side_actions(
    settings: Settings,
) -> None:
    import random

    from sqlalchemy import select

    from service.db import ProfileRow
    from service.workflow_store import held_units
    from tests.conftest import DEMO_PROFILES

    rng = random.Random(12)
    with open_network(settings, encoder=HashingEncoder()) as network:
        network.import_text(DEMO_PROFILES.read_text(encoding="utf-8"), fmt="jsonl")
        with network.runtime.sessions() as session:
            capacity = {
                row.id: row.data.get("capacity") for row in session.scalars(select(ProfileRow))
            }
        for _ in range(5):
            run_round(network, RoundSettings(hours_per_request=rng.choice([2, 4, 6])))
            for pair in pairs(network, status="proposed"):
                action = rng.choice(["approve", "reject", "skip"])
                if action != "skip":
                    review(network, pair_id=pair.id, decision=Review(action=action))
                if action == "approve" and rng.random() < 0.7:
                    for side in ("source", "target"):
                        respond(
                            network,
                            pair_id=pair.id,
                            feedback=Feedback(side=side, answer="accepted"),
                        )
                    if rng.random() < 0.2:
                        record_outcome(network, pair_id=pair.id, stage="dropped")
            with network.runtime.sessions() as session:
                for kind in ("expert", "placement"):
                    for target, used in held_units(session, target_kind=kind).items():
                        assert used <= capacity[target], (target, used)


def test_acceptance_rates_are_smoothed_shares_of_accepted_answers(network: Network) -> None:
    from service.workflow_store import acceptance_rates

    run_round(network, RoundSettings(hours_per_request=1))
    first, second = pairs(network)[:2]
    for pair, answer in ((first, "accepted"), (second, "not_relevant")):
        review(network, pair_id=pair.id, decision=Review(action="approve"))
        respond(network, pair_id=pair.id, feedback=Feedback(side="source", answer=answer))
    with network.runtime.sessions() as session:
        rates = acceptance_rates(session, target_kind="expert")
    assert rates[first.target_id] == pytest.approx(
        2 / 3 if first.target_id != second.target_id else 0.5
    )
    assert rates[second.target_id] == pytest.approx(
        1 / 3 if first.target_id != second.target_id else 0.5
    )
