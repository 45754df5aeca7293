"""Helpers shared by the API tests."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from service.account_cli import account_with_token
from service.accounts import Account, Role, create_account
from service.config import Settings
from service.db import transaction

PASSWORD = "correct horse battery staple"
_emails = itertools.count(1)


def match_ids(response: Any) -> list[str]:
    """The ids of a match response, best first; the response must be a 200."""
    assert response.status_code == 200, response.text
    return [found["profile"]["id"] for found in response.json()["matches"]]


def new_account(client: TestClient, role: Role = Role.ADMIN, centre: str | None = None) -> Account:
    """An account of this role in the started app's store (password `PASSWORD`)."""
    network = client.app.state.network  # type: ignore[attr-defined]
    if role is Role.STAFF and centre is None:
        centre = "al-tirana"
    with transaction(network.runtime.sessions) as session:
        return create_account(
            session,
            email=f"{role.value}-{next(_emails)}@test.example",
            password=PASSWORD,
            role=role,
            centre=centre,
        )


def sign_in(client: TestClient, role: Role = Role.ADMIN, centre: str | None = None) -> Account:
    """Log a new account of this role in through POST /auth/login; the client sends its
    bearer token from then on. The one way tests get credentials."""
    account = new_account(client, role, centre)
    client.cookies.clear()
    response = client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # the bearer token alone, unless a test asks for the cookie
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return account


def admin_bearer(settings: Settings) -> dict[str, str]:
    """Headers with a new admin's bearer token, put straight into the store `settings` name:
    for a server in another thread or process, where no TestClient holds the app."""
    token = account_with_token(
        settings,
        email=f"admin-{next(_emails)}@test.example",
        password=PASSWORD,
        role=Role.ADMIN,
        lifetime=timedelta(1),
    )
    return {"Authorization": f"Bearer {token}"}
