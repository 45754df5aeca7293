"""Recording and reading the audit of recommendations (service/audit_tables.py).

The index version is the index's start-up state (loaded or rebuilt, with its vector count)
and how many writes the process has applied since: enough to tell two lists apart that the
same query got before and after a change. Erasure keeps audit rows but removes the erased
account's id from them (the candidates' profile ids stay: they are pseudonymous and the
record is what Art. 12 asks to keep).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher import Kind, Match
from service.accounts import Account
from service.audit_tables import RecommendationRow
from service.db import transaction
from service.network import Network

_PARTS = ("dense", "lexical", "best_part", "shared_skills", "shared_esco_skills", "missing_skills")


class Recommendation(BaseModel):
    """One logged list of matches, as staff read it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    account_id: int | None
    role: str
    source_id: str | None
    target_kind: str
    model: str
    index_version: str
    candidates: list[dict[str, Any]]


def record(
    network: Network, account: Account, *, source_id: str | None, target: Kind, matches: list[Match]
) -> None:
    """Log a list of matches about to be shown."""
    candidates = [
        {
            "id": found.profile.id,
            "score": found.score,
            **found.explanation.model_dump(mode="json", include=set(_PARTS)),
        }
        for found in matches
    ]
    with transaction(network.runtime.sessions) as session:
        session.add(
            RecommendationRow(
                account_id=account.id,
                role=account.role.value,
                source_id=source_id,
                target_kind=target.value,
                model=network.runtime.matcher.encoder.name,
                index_version=f"{network.runtime.index_status}+{network.writes} writes",
                candidates=candidates,
            )
        )


def query(
    session: Session,
    *,
    account_id: int | None = None,
    source_id: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[Recommendation]:
    """Logged lists, newest first, for one account or one source profile."""
    statement = select(RecommendationRow).order_by(RecommendationRow.id.desc())
    if account_id is not None:
        statement = statement.where(RecommendationRow.account_id == account_id)
    if source_id is not None:
        statement = statement.where(RecommendationRow.source_id == source_id)
    rows = session.scalars(statement.offset(offset).limit(limit))
    return [Recommendation.model_validate(row) for row in rows]


def forget_account(session: Session, *, account_id: int) -> None:
    session.execute(
        update(RecommendationRow)
        .where(RecommendationRow.account_id == account_id)
        .values(account_id=None)
    )
