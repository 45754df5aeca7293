"""A side's suggestions: the approved pairs a profile is on, answered with accept or not relevant.

The staff workflow decides what each side sees (`service.workflow_review.shared_with`): the
other side's contact only once both have accepted. The side of a pair is read from the pair,
never from the form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from matcher import UnknownProfileError
from service.api.deps import NetworkDep
from service.web.i18n import _
from service.web.render import render, translating
from service.workflow_review import Feedback, respond, shared_with
from service.workflow_store import WorkflowError

router = APIRouter()


@router.get("/suggestions/{profile_id}", response_class=HTMLResponse)
async def suggestions(
    request: Request, profile_id: str, network: NetworkDep, error: str | None = None
) -> HTMLResponse:
    try:
        shared = await run_in_threadpool(shared_with, network, profile_id=profile_id)
    except UnknownProfileError:
        return render(request, "not_found.html", {"profile_id": profile_id}, status_code=404)
    context = {"profile_id": profile_id, "shared": shared, "error": error}
    return render(request, "suggestions.html", context, status_code=409 if error else 200)


@router.post("/suggestions/{profile_id}/{pair_id}", response_model=None)
async def answer(request: Request, profile_id: str, pair_id: int, network: NetworkDep) -> Response:
    async with request.form(max_fields=1) as form:
        given = str(form.get("answer") or "")
    try:
        shared = await run_in_threadpool(shared_with, network, profile_id=profile_id)
        pair = next(view for view in shared if view.pair_id == pair_id)
        feedback = Feedback(side=pair.side, answer=given)  # type: ignore[arg-type]  # validated here
        await run_in_threadpool(lambda: respond(network, pair_id=pair_id, feedback=feedback))
    except UnknownProfileError:
        return render(request, "not_found.html", {"profile_id": profile_id}, status_code=404)
    except (StopIteration, ValidationError, WorkflowError):
        with translating(request):
            error = _("This suggestion cannot be answered any more; the list is up to date now.")
        return await suggestions(request, profile_id, network, error=error)
    return RedirectResponse(f"/suggestions/{profile_id}", status_code=303)
