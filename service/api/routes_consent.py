"""The caller's consents: GET /me/consents, POST /me/consents (give or withdraw),
DELETE /me/consents/{purpose} (withdraw: as easy as giving it).

Giving or withdrawing `matching` shows or hides the student's profiles in every match at once
(service/consent.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel, ConfigDict, Field

from matcher import Kind
from service import consent
from service.accounts import Account, Role
from service.api.auth import CallerDep
from service.api.deps import NetworkDep
from service.api.errors import problems
from service.db import transaction
from service.network import Network

router = APIRouter(prefix="/me", tags=["consent"])


class ConsentDecision(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"purpose": "matching", "given": True, "wording_version": consent.WORDING_VERSION}
            ]
        },
    )

    purpose: consent.Purpose
    given: bool
    wording_version: str = Field(min_length=1, max_length=32)


class Consents(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "wording_version": consent.WORDING_VERSION,
                    "consents": [
                        {
                            "purpose": "matching",
                            "given": True,
                            "wording_version": consent.WORDING_VERSION,
                            "at": "2026-11-28T06:00:00Z",
                            "wording": consent.WORDING[consent.Purpose.MATCHING],
                        }
                    ],
                }
            ]
        }
    )

    wording_version: str = consent.WORDING_VERSION
    consents: list[consent.ConsentState]


def decide(network: Network, account: Account, decision: ConsentDecision) -> Consents:
    """Record the decision; `matching` shows or hides a student's profiles at once."""
    with transaction(network.runtime.sessions) as session:
        consent.record(
            session,
            account_id=account.id,
            purpose=decision.purpose,
            given=decision.given,
            wording_version=decision.wording_version,
        )
    if decision.purpose is consent.Purpose.MATCHING and account.role is Role.STUDENT:
        network.set_visible(owner_id=account.id, kind=Kind.STUDENT, visible=decision.given)
    return read(network, account)


def read(network: Network, account: Account) -> Consents:
    with network.runtime.sessions() as session:
        return Consents(consents=consent.current(session, account_id=account.id))


@router.get(
    "/consents",
    operation_id="get_consents",
    summary="Your consents per purpose, with the wording they were given under",
    responses=problems(401),
)
def get_consents(account: CallerDep, network: NetworkDep) -> Consents:
    return read(network, account)


@router.post(
    "/consents",
    operation_id="decide_consent",
    summary="Give or withdraw consent for a purpose",
    responses=problems(400, 401, 413, 422),
)
def decide_consent(
    body: Annotated[ConsentDecision, Body()], account: CallerDep, network: NetworkDep
) -> Consents:
    return decide(network, account, body)


@router.delete(
    "/consents/{purpose}",
    operation_id="withdraw_consent",
    summary="Withdraw consent for a purpose",
    responses=problems(401, 422),
)
def withdraw_consent(
    purpose: Annotated[consent.Purpose, Path()], account: CallerDep, network: NetworkDep
) -> Consents:
    decision = ConsentDecision(
        purpose=purpose, given=False, wording_version=consent.WORDING_VERSION
    )
    return decide(network, account, decision)
