"""Suggestion rounds, pairs and their events in the database: keyword-only functions, one
per operation, no HTTP here (service/workflow.py holds the rules that call them).

WorkflowError
├── UnknownPairError   no pair or round with that id            (HTTP 404)
└── TransitionError    the pair cannot go there from where it is (HTTP 409)
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service.workflow_tables import PairEventRow, PairRow, RoundRow

# Workflow writes that check capacity and then write (a round, a review, an answer, an
# outcome) run one at a time in this process, so two of them never both see the same
# free hour (the store is SQLite, served by one process).
WRITES = threading.Lock()
NOT_RELEVANT = "not_relevant"
ACCEPTED = "accepted"


class WorkflowError(Exception):
    """Base class of the staff workflow's refusals."""


class UnknownPairError(WorkflowError, LookupError):
    def __init__(self, what: str, ident: int) -> None:
        super().__init__(f"unknown {what} id {ident}")


class TransitionError(WorkflowError, ValueError):
    """The requested change does not apply to the pair as it is now."""


def _blocking() -> ColumnElement[bool]:
    """A pair that closes its (item, target) for good: rejected by staff, or not relevant."""
    return or_(
        PairRow.status == "rejected",
        PairRow.source_response == NOT_RELEVANT,
        PairRow.target_response == NOT_RELEVANT,
    )


def _live() -> ColumnElement[bool]:
    """A pair that holds its target's capacity: proposed or approved, not closed, not dropped."""
    return and_(
        PairRow.status.in_(["proposed", "approved"]),
        not_(_blocking()),
        or_(PairRow.stage.is_(None), PairRow.stage != "dropped"),
    )


def create_round(
    session: Session, *, centre: str | None, params: dict[str, Any], summary: dict[str, Any]
) -> RoundRow:
    row = RoundRow(centre=centre, params=params, summary=summary)
    session.add(row)
    session.flush()
    return row


def get_round(session: Session, *, round_id: int) -> RoundRow:
    row = session.get(RoundRow, round_id)
    if row is None:
        raise UnknownPairError("round", round_id)
    return row


def add_pair(session: Session, **fields: Any) -> PairRow:
    """A proposed pair (fields as on PairRow) with its `proposed` event."""
    row = PairRow(**fields)
    session.add(row)
    session.flush()
    add_event(session, pair=row, event="proposed", actor="system", detail={"fit": row.fit})
    return row


def get_pair(session: Session, *, pair_id: int) -> PairRow:
    row = session.get(PairRow, pair_id)
    if row is None:
        raise UnknownPairError("pair", pair_id)
    return row


def add_event(
    session: Session, *, pair: PairRow, event: str, actor: str, detail: dict[str, Any]
) -> None:
    session.add(PairEventRow(pair_id=pair.id, event=event, actor=actor, detail=detail))
    session.flush()


def list_pairs(
    session: Session,
    *,
    round_id: int | None = None,
    status: str | None = None,
    source_id: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[PairRow], int]:
    """One page of pairs in id order, narrowed by round, status and item; and the total."""
    conditions: list[ColumnElement[bool]] = []
    if round_id is not None:
        conditions.append(PairRow.round_id == round_id)
    if status is not None:
        conditions.append(PairRow.status == status)
    if source_id is not None:
        conditions.append(PairRow.source_id == source_id)
    total = session.scalar(select(func.count()).select_from(PairRow).where(*conditions))
    rows = session.scalars(
        select(PairRow).where(*conditions).order_by(PairRow.id).offset(offset).limit(limit)
    )
    return list(rows), int(total or 0)


def approved_pairs_of(session: Session, *, profile_id: str) -> list[PairRow]:
    """The approved pairs a profile is on either side of, newest first (what it is shown)."""
    query = select(PairRow).where(
        PairRow.status == "approved",
        or_(PairRow.source_id == profile_id, PairRow.target_id == profile_id),
    )
    return list(session.scalars(query.order_by(PairRow.id.desc()).limit(200)))


def supersede_proposed(session: Session, *, source_ids: Collection[str]) -> int:
    """Withdraw the unreviewed proposals of these items: a new round plans them afresh."""
    rows = session.scalars(
        select(PairRow).where(PairRow.status == "proposed", PairRow.source_id.in_(source_ids))
    ).all()
    for row in rows:
        row.status = "superseded"
        add_event(session, pair=row, event="superseded", actor="system", detail={})
    return len(rows)


def blocked_targets(session: Session, *, source_kind: str) -> dict[str, set[str]]:
    """For each item, the targets never to suggest again."""
    blocked: dict[str, set[str]] = defaultdict(set)
    query = select(PairRow.source_id, PairRow.target_id).where(
        PairRow.source_kind == source_kind, _blocking()
    )
    for source_id, target_id in session.execute(query):
        blocked[source_id].add(target_id)
    return dict(blocked)


def held_units(session: Session, *, target_kind: str) -> dict[str, int]:
    """Units of each target's capacity that live pairs hold (accepted pairs included)."""
    query = (
        select(PairRow.target_id, func.sum(PairRow.units))
        .where(PairRow.target_kind == target_kind, _live())
        .group_by(PairRow.target_id)
    )
    return {target: int(units) for target, units in session.execute(query)}


def settled_sources(session: Session, *, source_kind: str) -> set[str]:
    """Items that have an approved live pair: they are not open for a new round."""
    query = select(PairRow.source_id).where(
        PairRow.source_kind == source_kind, PairRow.status == "approved", _live()
    )
    return set(session.scalars(query))


def acceptance_rates(session: Session, *, target_kind: str) -> dict[str, float]:
    """Each target's share of answered suggestions that the item's side accepted, smoothed
    towards one half (one answer says little)."""
    answered = PairRow.source_response.is_not(None)
    accepted = func.sum(case((PairRow.source_response == ACCEPTED, 1), else_=0))
    query = (
        select(PairRow.target_id, func.count(), accepted)
        .where(PairRow.target_kind == target_kind, answered)
        .group_by(PairRow.target_id)
    )
    return {
        target: (float(yes or 0) + 1.0) / (float(count) + 2.0)
        for target, count, yes in session.execute(query)
    }


def labelled_pairs(session: Session) -> list[PairRow]:
    """Pairs whose outcome says whether they were good: the re-ranker's training data."""
    query = select(PairRow).where(
        or_(
            _blocking(),
            PairRow.source_response.is_not(None),
            PairRow.target_response.is_not(None),
            PairRow.stage.is_not(None),
        )
    )
    return list(session.scalars(query.order_by(PairRow.id)))


def events(session: Session, *, pair_ids: Collection[int] | None = None) -> list[PairEventRow]:
    query = select(PairEventRow).order_by(PairEventRow.id)
    if pair_ids is not None:
        query = query.where(PairEventRow.pair_id.in_(pair_ids))
    return list(session.scalars(query))
