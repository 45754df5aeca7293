"""Who may open which page: the account of the session cookie (service.api.auth), by role.

Anonymous visitors are sent to /login and brought back; a role that may not open a page gets
a 403 page. Staff see their own centre only. The accounts and the cookie are issue 10's
(`service.accounts`, `service.api.auth`): the pages add no second log-in.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from service.accounts import Account, Role
from service.api.auth import current_account
from service.web.render import here, render

BUSINESS_PAGES = (Role.BUSINESS, Role.STAFF, Role.ADMIN)
STUDENT_PAGES = (Role.STUDENT, Role.STAFF, Role.ADMIN)
STAFF_PAGES = (Role.STAFF, Role.ADMIN)


class LoginNeeded(Exception):
    """The page needs a log-in: go to /login and come back."""


class NotForRole(Exception):
    """The account's role may not open this page."""


def allow(*roles: Role) -> Callable[[Request], Account]:
    """A page dependency letting only these roles in (anonymous: to the log-in page)."""

    def check(request: Request) -> Account:
        account = current_account(request)
        if account is None:
            raise LoginNeeded()
        if account.role not in roles:
            raise NotForRole()
        return account

    return check


def centre_of(request: Request, asked: str) -> str:
    """The centre a page shows: staff always their own, others (admins) the one asked for."""
    account = current_account(request)
    if account is not None and account.role is Role.STAFF and account.centre:
        return account.centre
    return asked


def install_handlers(app: FastAPI) -> None:
    async def to_login(request: Request, _: Exception) -> Response:
        return RedirectResponse(f"/login?next={quote(here(request), safe='')}", status_code=303)

    async def forbidden(request: Request, _: Exception) -> Response:
        return render(request, "forbidden.html", {}, status_code=403)

    app.add_exception_handler(LoginNeeded, to_login)
    app.add_exception_handler(NotForRole, forbidden)
