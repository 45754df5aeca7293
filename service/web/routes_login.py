"""The log-in page: the same check, limits and session cookie as POST /auth/login."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from service.api.auth import current_account
from service.api.deps import NetworkDep
from service.api.routes_auth import LoginBody, log_in, log_out
from service.web.i18n import _
from service.web.render import render, translating

router = APIRouter()


def _safe(next_url: str) -> str:
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": _safe(next), "errors": {}, "email": ""})


@router.post("/login", response_model=None)
async def login(request: Request, network: NetworkDep) -> Response:
    async with request.form(max_fields=3) as form:
        email, password, next_url = (str(form.get(k) or "") for k in ("email", "password", "next"))
    redirect = RedirectResponse(_safe(next_url), status_code=303)
    with translating(request):
        try:
            log_in(LoginBody(email=email, password=password), request, redirect, network)
            return redirect
        except ValidationError:
            errors = {"email": _("Enter your e-mail address and your password.")}
        except HTTPException as error:
            errors = {
                "password": _("Too many failed log-ins; try again later.")
                if error.status_code == 429
                else _("Wrong e-mail or password.")
            }
    context = {"next": _safe(next_url), "errors": errors, "email": email}
    return render(request, "login.html", context, status_code=401)


@router.post("/logout", response_model=None)
def logout(request: Request, network: NetworkDep) -> Response:
    """Revoke the session's token, as POST /auth/logout does, and forget the cookie."""
    redirect = RedirectResponse("/", status_code=303)
    account = current_account(request)
    if account is not None:
        log_out(account, request, redirect, network)
    return redirect
