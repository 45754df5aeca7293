"""Rendering a page: the Jinja2 environment, the language of the request, the language cookie."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.api.auth import current_account
from service.web import i18n
from service.web.choices import centres

TEMPLATES = Path(__file__).parent / "templates"

ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
)


def locale_of(request: Request) -> str:
    return i18n.choose(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))


def translating(request: Request) -> AbstractContextManager[None]:
    """Messages made while handling the request (form errors) in its language."""
    return i18n.using(locale_of(request))


def centre_names(request: Request) -> dict[str, str]:
    """Centre ids to their names, to show a name where a profile stores the id."""
    network = getattr(request.app.state, "network", None)
    return dict(centres(network.runtime.settings)) if network is not None else {}


def here(request: Request) -> str:
    """This page's path and query, to come back to after switching language."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """The page in the request's language; the language switch links back to this URL."""
    locale = locale_of(request)
    with i18n.using(locale):
        html = ENVIRONMENT.get_template(template).render(
            {
                "request": request,
                "locale": locale,
                "languages": i18n.LANGUAGES,
                "here": quote(here(request), safe=""),
                "centre_names": centre_names(request),
                "account": current_account(request),
                **context,
            }
        )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = locale
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
