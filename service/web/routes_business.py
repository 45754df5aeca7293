"""Business: describe a need or pick a saved request → ranked experts with explanations.

The form is a GET, so the need, the saved request and the filters stay in the URL: a
result page can be bookmarked, shared and reloaded.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from matcher import Kind, Match, Mode, Profile, ProfileError, UnknownProfileError
from matcher.queries import Query
from service.api.deps import NetworkDep
from service.network import Network
from service.web.choices import centres, countries
from service.web.forms import FILTER_FIELDS, FormError, NeedForm, field_errors, filters_from
from service.web.i18n import _
from service.web.render import render, translating
from service.web.views import match_views

router = APIRouter()
SHOWN = 10
LISTED = 200  # saved requests offered (the API's page limit)
NAME_CHARS = 80


@router.get("/business", response_class=HTMLResponse)
async def business(request: Request, network: NetworkDep) -> HTMLResponse:
    values = {
        name: request.query_params.get(name, "") for name in ("text", "request", *FILTER_FIELDS)
    }
    errors: dict[str, str] = {}
    matches: list[Match] | None = None
    if values["text"].strip() or values["request"]:
        try:
            with translating(request):
                matches = await run_in_threadpool(_find_experts, network, values)
        except FormError as error:
            errors = error.errors
    saved = await run_in_threadpool(_saved_requests, network)
    context: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "saved_requests": saved,
        "countries": countries(),
        "centres": centres(network.runtime.settings),
        "modes": [mode.value for mode in Mode],
        "matches": None if matches is None else match_views(matches),
    }
    return render(request, "business.html", context, status_code=422 if errors else 200)


def _saved_requests(network: Network) -> list[tuple[str, str]]:
    """(id, label) of the saved requests, each labelled with the business that owns it."""
    requests, businesses = (
        network.page(kind=kind, offset=0, limit=LISTED, countries=[], centres=[])[0]
        for kind in (Kind.REQUEST, Kind.BUSINESS)
    )
    owners = {business.id: business.name for business in businesses}
    return [
        (r.id, f"{r.name} ({owners[r.owner]})" if r.owner in owners else r.name) for r in requests
    ]


def _find_experts(network: Network, values: dict[str, str]) -> list[Match]:
    """Experts for the typed need, or for the chosen saved request when no text is given."""
    try:
        need = NeedForm.model_validate(values)
    except ValidationError as error:
        raise FormError(field_errors(error)) from error
    filters = filters_from(values)
    if need.text:
        return network.match_text(
            Query(text=need.text), target=Kind.EXPERT, k=SHOWN, filters=filters
        )
    try:
        return network.match_profile(
            kind=Kind.REQUEST, profile_id=need.request, target=Kind.EXPERT, k=SHOWN, filters=filters
        )
    except UnknownProfileError as error:
        raise FormError({"request": _("There is no saved request with this id.")}) from error


@router.post("/business/contact", response_class=HTMLResponse)
async def request_contact(request: Request, network: NetworkDep) -> HTMLResponse:
    """Ask the expert's centre for contact: a typed need is saved as a request of that centre.

    Contact details are never shown here: staff review suggestions first and reveal contact
    once both sides accept (the staff workflow); a saved request is already in that queue."""
    async with request.form(max_fields=3) as form:
        expert_id, text, saved_id = (
            str(form.get(name) or "").strip() for name in ("expert", "text", "request")
        )
    try:
        expert = await run_in_threadpool(network.get, kind=Kind.EXPERT, profile_id=expert_id)
        if saved_id and not text:
            saved = await run_in_threadpool(network.get, kind=Kind.REQUEST, profile_id=saved_id)
        else:
            saved = await run_in_threadpool(_save_need, network, text, expert)
    except (UnknownProfileError, ValidationError, ProfileError):
        return render(
            request, "not_found.html", {"profile_id": expert_id or saved_id}, status_code=404
        )
    return render(request, "contact.html", {"expert": expert, "saved": saved})


def _save_need(network: Network, text: str, expert: Profile) -> Profile:
    """The typed need as a new request at the expert's centre, where staff will see it."""
    name = text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"
    fields = {
        "id": f"web-{uuid.uuid4().hex[:12]}",
        "name": name,
        "text": text,
        "centre": expert.centre,
    }
    return network.create(kind=Kind.REQUEST, fields=fields)
