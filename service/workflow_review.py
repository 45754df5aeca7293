"""Review before reveal: what staff and the two sides may do to a proposed pair.

- Staff approve, edit (choose another target, for instance one of the alternatives) or
  reject a proposed pair. A rejected pair is never suggested again.
- Only an approved pair is shown to its two sides (the item's and the target's); each side
  accepts it or marks it not relevant, with an optional reason (never suggested again).
- Contact details are revealed to a side only when both sides have accepted (`reveal`).
- Outcome stages move forward only, once both sides have accepted: contacted, met,
  agreement signed, placement completed; `dropped` ends an approved pair at any point (one
  a side never answered too) and frees the capacity it held.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher import Kind, Profile
from matcher.profiles import ProfileId
from matcher.rounds import item_filters, suits_target, units_left
from service import profile_store
from service import workflow_store as store
from service.db import transaction
from service.network import Network
from service.workflow_store import TransitionError
from service.workflow_tables import PairRow

Side = Literal["source", "target"]
Answer = Literal["accepted", "not_relevant"]
Stage = Literal["contacted", "met", "agreement_signed", "placement_completed", "dropped"]
STAGES: tuple[str, ...] = ("contacted", "met", "agreement_signed", "placement_completed")


class Review(BaseModel):
    """A staff decision on a proposed pair; `edit` names the target to propose instead."""

    model_config = ConfigDict(extra="forbid", strict=True)

    action: Literal["approve", "edit", "reject"]
    target_id: ProfileId | None = None
    note: str | None = Field(default=None, max_length=500)


class Feedback(BaseModel):
    """One side's answer to an approved pair."""

    model_config = ConfigDict(extra="forbid", strict=True)

    side: Side
    answer: Answer
    reason: str | None = Field(default=None, max_length=500)


class Contact(BaseModel):
    """Who to get in touch with: shown only once both sides accepted."""

    name: str
    owner: str | None
    centre: str | None


class SharedPair(BaseModel):
    """What one side of an approved pair sees of the other side."""

    pair_id: int
    side: Side
    other_id: str
    other_kind: Kind
    text: str
    skills: list[str]
    country: str | None
    languages: list[str]
    mode: str | None
    your_answer: str | None
    their_answer: str | None
    contact: Contact | None


def review(network: Network, *, pair_id: int, decision: Review) -> PairRow:
    with store.WRITES, transaction(network.runtime.sessions) as session:
        pair = store.get_pair(session, pair_id=pair_id)
        if pair.status != "proposed":
            raise TransitionError(f"pair {pair_id} is {pair.status}, not proposed")
        detail: dict[str, Any] = {"note": decision.note}
        if decision.action == "reject":
            pair.status = "rejected"
        elif decision.action == "approve":
            pair.status = "approved"
        else:
            detail["previous_target"] = pair.target_id
            _retarget(session, pair, decision.target_id)
            pair.status = "approved"
        store.add_event(session, pair=pair, event=decision.action, actor="staff", detail=detail)
        return pair


def _retarget(session: Any, pair: PairRow, target_id: str | None) -> None:
    if not target_id:
        raise TransitionError("target_id: an edit names the target to propose instead")
    target = profile_store.get_profile(session, profile_id=target_id, kind=Kind(pair.target_kind))
    item = profile_store.get_profile(session, profile_id=pair.source_id)
    if not (item_filters(item, pair.units).admits(target) and suits_target(item, target)):
        raise TransitionError(
            f"target_id: {target_id} does not meet the constraints of {item.id} (language,"
            " mode, country, dates or capacity)"
        )
    if target_id in store.blocked_targets(session, source_kind=pair.source_kind).get(
        pair.source_id, set()
    ):
        raise TransitionError(f"target_id: {target_id} was rejected for this item before")
    held = store.held_units(session, target_kind=pair.target_kind).get(target_id, 0)
    room = units_left(target, pair.units, held)
    if room is not None and room < 1:
        raise TransitionError(f"target_id: {target_id} has no capacity left")
    known = {alt["target"]: alt for alt in pair.alternatives}
    pair.alternatives = [alt for alt in pair.alternatives if alt["target"] != target_id]
    pair.features = dict(known.get(target_id, {}).get("features", {}))
    pair.fit = float(known.get(target_id, {}).get("fit", 0.0))
    pair.target_id = target_id


def respond(network: Network, *, pair_id: int, feedback: Feedback) -> PairRow:
    """Record a side's answer; `not_relevant` closes the pair for good."""
    with store.WRITES, transaction(network.runtime.sessions) as session:
        pair = store.get_pair(session, pair_id=pair_id)
        if pair.status != "approved":
            raise TransitionError(f"pair {pair_id} is {pair.status}: only approved pairs are shown")
        current = pair.source_response if feedback.side == "source" else pair.target_response
        if current == store.NOT_RELEVANT:
            raise TransitionError(f"the {feedback.side} side already marked it not relevant")
        if feedback.side == "source":
            pair.source_response = feedback.answer
        else:
            pair.target_response = feedback.answer
        if feedback.answer == store.NOT_RELEVANT:
            pair.reason = feedback.reason
        detail = {"answer": feedback.answer, "reason": feedback.reason}
        store.add_event(
            session, pair=pair, event=feedback.answer, actor=feedback.side, detail=detail
        )
        return pair


def record_outcome(network: Network, *, pair_id: int, stage: Stage) -> PairRow:
    """Move an accepted pair to a later outcome stage, or drop an approved one (also one
    that a side never answered: its capacity is freed and its item is open again)."""
    with store.WRITES, transaction(network.runtime.sessions) as session:
        pair = store.get_pair(session, pair_id=pair_id)
        if pair.status != "approved":
            raise TransitionError(f"pair {pair_id} is {pair.status}, not approved")
        if stage != "dropped" and not both_accepted(pair):
            raise TransitionError(f"pair {pair_id}: outcomes follow once both sides accepted")
        if pair.stage == "dropped":
            raise TransitionError(f"pair {pair_id} was dropped")
        reached = STAGES.index(pair.stage) if pair.stage in STAGES else -1
        if stage != "dropped" and STAGES.index(stage) <= reached:
            raise TransitionError(f"stage: pair {pair_id} is already {pair.stage}")
        pair.stage = stage
        store.add_event(session, pair=pair, event=stage, actor="staff", detail={})
        return pair


def both_accepted(pair: PairRow) -> bool:
    return pair.source_response == store.ACCEPTED and pair.target_response == store.ACCEPTED


def reveal(pair: PairRow, side: Side, other: Profile) -> SharedPair | None:
    """What `side` sees of an approved pair (None: nothing, the pair is not approved). The
    other side's contact is shown only when both sides have accepted."""
    if pair.status != "approved":
        return None
    mine, theirs = (
        (pair.source_response, pair.target_response)
        if side == "source"
        else (pair.target_response, pair.source_response)
    )
    contact = Contact(name=other.name, owner=other.owner, centre=other.centre)
    return SharedPair(
        pair_id=pair.id,
        side=side,
        other_id=other.id,
        other_kind=other.kind,
        text=other.text,
        skills=other.skills,
        country=other.country,
        languages=other.languages,
        mode=other.mode.value if other.mode else None,
        your_answer=mine,
        their_answer=theirs,
        contact=contact if both_accepted(pair) else None,
    )


def shared_view(network: Network, *, pair_id: int, side: Side) -> SharedPair:
    """The pair as `side` sees it; an unapproved pair is unknown to the sides."""
    with network.runtime.sessions() as session:
        pair = store.get_pair(session, pair_id=pair_id)
        other_id = pair.target_id if side == "source" else pair.source_id
        other = profile_store.get_profile(session, profile_id=other_id)
    shown = reveal(pair, side, other)
    if shown is None:
        raise store.UnknownPairError("pair", pair_id)
    return shown


def shared_with(network: Network, *, profile_id: str) -> list[SharedPair]:
    """Every approved pair the profile is on, as its side sees it (newest first)."""
    with network.runtime.sessions() as session:
        profile_store.get_profile(session, profile_id=profile_id)  # 404 for an unknown id
        shown = []
        for pair in store.approved_pairs_of(session, profile_id=profile_id):
            side: Side = "source" if pair.source_id == profile_id else "target"
            other_id = pair.target_id if side == "source" else pair.source_id
            if not profile_store.exists(session, profile_id=other_id):
                continue  # the other side was deleted since
            other = profile_store.get_profile(session, profile_id=other_id)
            view = reveal(pair, side, other)
            if view is not None:
                shown.append(view)
    return shown
