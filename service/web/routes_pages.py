"""Pages every role shares: home, the language switch, profile pages, ESCO suggestions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from matcher import Kind, UnknownProfileError
from service.api.deps import NetworkDep
from service.web import esco, i18n
from service.web.access import STAFF_PAGES, allow
from service.web.render import render

router = APIRouter()
ONE_YEAR = 365 * 24 * 3600
ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
MATCH_PAGES = {Kind.REQUEST: "/business?request=", Kind.STUDENT: "/student?profile="}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {})


@router.get("/language/{code}")
def switch_language(code: str, next: str = "/") -> RedirectResponse:
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    if code not in i18n.LANGUAGES:
        raise HTTPException(404, "No such language")
    target = urlsplit(next)
    back = next if not target.scheme and not target.netloc and next.startswith("/") else "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(i18n.COOKIE, code, max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response


@router.get(
    "/profiles/{kind}/{profile_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(allow(*STAFF_PAGES))],  # every field shown: staff only for now
)
def profile_page(
    request: Request, kind: Kind, profile_id: str, network: NetworkDep
) -> HTMLResponse:
    try:
        profile = network.get(kind=kind, profile_id=profile_id)
    except UnknownProfileError:
        return render(request, "not_found.html", {"profile_id": profile_id}, status_code=404)
    matches = MATCH_PAGES.get(kind)
    return render(
        request,
        "profile.html",
        {"profile": profile, "matches_url": f"{matches}{profile.id}" if matches else None},
    )


@router.get("/esco/suggest", response_class=HTMLResponse)
async def esco_suggestions(
    request: Request,
    network: NetworkDep,
    skill: Annotated[list[str], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """`<option>`s for the skills datalist: ESCO skills like the last skill typed (htmx)."""
    typed = next((value for value in reversed(skill) if value.strip()), "")
    found = await run_in_threadpool(esco.suggest, network.runtime.settings.esco_skills, typed)
    return render(request, "esco_options.html", {"skills": found})
