"""Who is calling: a bearer token (API clients) or the session cookie (web pages), read by one
dependency, so that the API and the pages decide by the same account.

- `current_account(request)`: the caller's Account, or None for an anonymous caller.
- `CallerDep` (= `require_account`): the Account; 401 with `WWW-Authenticate: Bearer` without.
- `require_role(Role.STAFF, Role.ADMIN)`: a dependency refusing other roles with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from service.accounts import Account, Role, account_for_token
from service.api.deps import NetworkDep
from service.network import Network

SESSION_COOKIE = "smartmatch_session"
# Declares the bearer scheme in the OpenAPI document; the token itself is read below, so that
# the cookie works where the header is absent.
_bearer = HTTPBearer(auto_error=False, description="The token POST /auth/login answers with.")


def presented_token(request: Request) -> str | None:
    """The token the request carries: the Authorization header first, else the cookie."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(SESSION_COOKIE) or None


def current_account(request: Request) -> Account | None:
    """The account whose token the request carries, or None (anonymous or expired)."""
    token = presented_token(request)
    network: Network | None = getattr(request.app.state, "network", None)
    if token is None or network is None or len(token) > 200:
        return None
    secret = network.runtime.settings.auth_secret()
    with network.runtime.sessions() as session:
        return account_for_token(session, token=token, secret=secret)


def require_account(
    account: Annotated[Account | None, Depends(current_account)],
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    __: NetworkDep,
) -> Account:
    """The caller's account; 401 for an anonymous caller (503 first while the store is not
    open: no token can be checked then)."""
    if account is None:
        raise HTTPException(
            401, "Log in first (POST /auth/login).", headers={"WWW-Authenticate": "Bearer"}
        )
    return account


CallerDep = Annotated[Account, Depends(require_account)]


def require_role(*roles: Role) -> Callable[[Account], Account]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(account: CallerDep) -> Account:
        if account.role not in roles:
            raise HTTPException(403, "Your role may not do this.")
        return account

    return check


def document_auth(schema: dict[str, Any]) -> dict[str, Any]:
    """Document 401 (and 403) on every operation that needs a log-in."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if operation.get("security"):
                responses = operation.setdefault("responses", {})
                for status, phrase in (("401", "Unauthorized"), ("403", "Forbidden")):
                    responses.setdefault(
                        status,
                        {
                            "description": phrase,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            },
                        },
                    )
    return schema
