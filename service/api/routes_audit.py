"""GET /audit/recommendations: the logged lists of matches, newest first (AI Act Art. 12/14).

Admins query by account or by source profile; centre staff by a source profile they may
read (their centre's), so that they see what was recommended for it and to whom."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from matcher import Kind, UnknownProfileError
from matcher.profiles import ProfileId
from service import audit
from service.accounts import Role
from service.api.access import profile_for
from service.api.auth import CallerDep, require_role
from service.api.deps import NetworkDep, given_once
from service.api.errors import problems
from service.network import Network
from service.policy import Action

router = APIRouter(prefix="/audit", tags=["audit"])

EXAMPLE = {
    "id": 12,
    "at": "2026-11-28T06:30:00Z",
    "account_id": 3,
    "role": "business",
    "source_id": "biz-001",
    "target_kind": "expert",
    "model": "all-MiniLM-L6-v2+e5",
    "index_version": "loaded+4 writes",
    "candidates": [
        {
            "id": "exp-001",
            "score": 0.81,
            "dense": 0.74,
            "lexical": 0.32,
            "best_part": "text",
            "shared_skills": ["HACCP"],
            "shared_esco_skills": [],
            "missing_skills": [],
        }
    ],
}


class AuditParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: int | None = Field(default=None, ge=1, le=2**31, description="Who asked (admins).")
    source_id: ProfileId | None = Field(default=None, description="The profile matches were for.")
    offset: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=50, ge=1, le=200)


@router.get(
    "/recommendations",
    operation_id="audit_recommendations",
    dependencies=[given_once(AuditParams), Depends(require_role(Role.STAFF, Role.ADMIN))],
    summary="Logged lists of matches: who asked, when, model, index, candidates and why",
    responses={
        200: {"content": {"application/json": {"example": [EXAMPLE]}}},
        **problems(403, 404, 422),
    },
)
def audit_recommendations(
    params: Annotated[AuditParams, Query()], account: CallerDep, network: NetworkDep
) -> list[audit.Recommendation]:
    if account.role is Role.STAFF:
        if params.source_id is None or params.account_id is not None:
            raise HTTPException(403, "Staff query the audit by a profile of their centre.")
        kind = _kind_of(network, params.source_id)
        profile_for(network, account, kind=kind, profile_id=params.source_id, action=Action.READ)
    with network.runtime.sessions() as session:
        return audit.query(session, **params.model_dump())


def _kind_of(network: Network, profile_id: str) -> Kind:
    with network.reading() as matcher:
        if profile_id in matcher:
            return matcher.get(profile_id).kind
    raise UnknownProfileError(profile_id)
