"""The caller's data: GET /me/export (everything held about them, as JSON) and DELETE /me
(erase the account and everything it owns; service/erasure.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service import erasure
from service.api.auth import CallerDep
from service.api.deps import NetworkDep
from service.api.errors import problems

router = APIRouter(prefix="/me", tags=["consent"])

EXPORT_EXAMPLE = {
    "account": {"id": 4, "email": "student@demo.example", "role": "student", "centre": None},
    "consents": [
        {
            "purpose": "matching",
            "given": True,
            "wording_version": "2026-11-1",
            "at": "2026-11-28T06:00:00Z",
        }
    ],
    "profiles": [{"id": "stu-001", "kind": "student", "name": "Ana", "text": "…"}],
    "pairs": [],
}


@router.get(
    "/export",
    operation_id="export_my_data",
    summary="Everything held about you, as JSON (GDPR Art. 20)",
    responses={
        200: {"content": {"application/json": {"example": EXPORT_EXAMPLE}}},
        **problems(401),
    },
)
def export_my_data(account: CallerDep, network: NetworkDep) -> dict[str, Any]:
    return erasure.export(network, account)


@router.delete(
    "",
    status_code=204,
    operation_id="erase_me",
    summary="Erase your account, your profiles, their vectors and cached embeddings (Art. 17)",
    responses=problems(401),
)
def erase_me(account: CallerDep, network: NetworkDep) -> None:
    erasure.erase(network, account)
