"""Consent per purpose, recorded with its wording version and time; withdrawal is one call.

Purposes: `matching` (a student's profiles may be matched and shown to businesses) and
`contact` (businesses may ask to contact the student). A student's profiles are visible in
matching exactly while `matching` is given: `Network.set_visible` flips the profile's
`visible` flag, which the catalogue's filter mask reads, so a withdrawal hides them from
every match at once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.consent_tables import ConsentRow

WORDING_VERSION = "2026-11-1"


class Purpose(StrEnum):
    MATCHING = "matching"
    CONTACT = "contact"


WORDING: dict[Purpose, str] = {
    Purpose.MATCHING: (
        "My profile may be matched to placements and shown to businesses: field of study,"
        " skills, languages and availability, never my name or contact details."
    ),
    Purpose.CONTACT: "Businesses may ask to contact me; I decide for each whether to accept.",
}


class ConsentState(BaseModel):
    """One purpose: whether consent is given now, under which wording, since when."""

    purpose: Purpose
    given: bool
    wording_version: str | None
    at: datetime | None
    wording: str


def record(
    session: Session, *, account_id: int, purpose: Purpose, given: bool, wording_version: str
) -> None:
    session.add(
        ConsentRow(
            account_id=account_id,
            purpose=purpose.value,
            given=given,
            wording_version=wording_version,
        )
    )
    session.flush()


def current(session: Session, *, account_id: int) -> list[ConsentState]:
    """The account's latest decision per purpose (not given when there is none)."""
    rows = session.scalars(
        select(ConsentRow).where(ConsentRow.account_id == account_id).order_by(ConsentRow.id)
    )
    latest = {Purpose(row.purpose): row for row in rows}
    return [
        ConsentState(
            purpose=purpose,
            given=bool(latest[purpose].given) if purpose in latest else False,
            wording_version=latest[purpose].wording_version if purpose in latest else None,
            at=latest[purpose].at if purpose in latest else None,
            wording=WORDING[purpose],
        )
        for purpose in Purpose
    ]


def given(session: Session, *, account_id: int, purpose: Purpose) -> bool:
    return next(c.given for c in current(session, account_id=account_id) if c.purpose is purpose)


def history(session: Session, *, account_id: int) -> list[dict[str, object]]:
    """Every decision, oldest first (for the export)."""
    rows = session.scalars(
        select(ConsentRow).where(ConsentRow.account_id == account_id).order_by(ConsentRow.id)
    )
    return [
        {"purpose": r.purpose, "given": r.given, "wording_version": r.wording_version, "at": r.at}
        for r in rows
    ]
