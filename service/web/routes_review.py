"""Centre staff review suggestion rounds: run a round, then approve or reject each proposal.

The rules are the staff workflow's (`service.workflow`, `service.workflow_review`): a
round proposes pairs within capacity, and only an approved pair is shown to its two sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from matcher import Kind, Profile, UnknownProfileError
from service import workflow_store as store
from service.api.deps import NetworkDep
from service.network import Network
from service.web.access import centre_of
from service.web.choices import centres
from service.web.i18n import _
from service.web.render import render, translating
from service.workflow import RoundSettings, run_round
from service.workflow_review import Review, review
from service.workflow_store import WorkflowError

router = APIRouter()
LISTED = 200


@dataclass(frozen=True)
class Proposal:
    pair_id: int
    source: Profile
    target: Profile


@router.get("/centre/review", response_class=HTMLResponse)
async def review_page(request: Request, network: NetworkDep, centre: str = "") -> HTMLResponse:
    return await _page(request, network, centre_of(request, centre), error=None)


@router.post("/centre/round", response_model=None)
async def start_round(request: Request, network: NetworkDep) -> Response:
    """Propose pairs for the centre's open requests and students (all centres if none)."""
    async with request.form(max_fields=1) as form:
        centre = centre_of(request, str(form.get("centre") or ""))
    await run_in_threadpool(run_round, network, RoundSettings(centre=centre or None))
    return _back(centre)


@router.post("/centre/pairs/{pair_id}/review", response_model=None)
async def review_pair(request: Request, pair_id: int, network: NetworkDep) -> Response:
    async with request.form(max_fields=2) as form:
        centre, action = str(form.get("centre") or ""), str(form.get("action") or "")
    try:
        decision = Review(action=action)  # type: ignore[arg-type]  # validated here
        await run_in_threadpool(lambda: review(network, pair_id=pair_id, decision=decision))
    except (ValidationError, WorkflowError):
        with translating(request):
            error = _("This proposal cannot be changed any more; the list is up to date now.")
        return await _page(request, network, centre, error=error, status_code=409)
    return _back(centre)


def _back(centre: str) -> RedirectResponse:
    query = f"?{urlencode({'centre': centre})}" if centre else ""
    return RedirectResponse(f"/centre/review{query}", status_code=303)


async def _page(
    request: Request, network: Network, centre: str, *, error: str | None, status_code: int = 200
) -> HTMLResponse:
    proposals = await run_in_threadpool(_proposals, network, centre)
    context = {
        "centre": centre,
        "centres": centres(network.runtime.settings),
        "proposals": proposals,
        "error": error,
    }
    return render(request, "review.html", context, status_code=status_code)


def _proposals(network: Network, centre: str) -> list[Proposal]:
    """The proposed pairs awaiting review whose item belongs to the centre."""
    with network.runtime.sessions() as session:
        rows, _total = store.list_pairs(session, status="proposed", limit=LISTED)
        pairs = [
            (row.id, row.source_kind, row.source_id, row.target_kind, row.target_id) for row in rows
        ]
    found = []
    for pair_id, source_kind, source_id, target_kind, target_id in pairs:
        try:
            source = network.get(kind=Kind(source_kind), profile_id=source_id)
            target = network.get(kind=Kind(target_kind), profile_id=target_id)
        except UnknownProfileError:
            continue  # deleted since the round: nothing to review
        if not centre or source.centre == centre:
            found.append(Proposal(pair_id, source, target))
    return found
