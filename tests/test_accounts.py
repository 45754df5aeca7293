"""Accounts: log-in by token and by cookie, log-out, rate limits, the secret check, and the
CLI that creates accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from matcher import Encoder
from service.accounts import Role
from service.api import create_app
from service.api.auth import SESSION_COOKIE
from service.cli import app as cli
from service.config import Settings, refuse_unsafe_secret
from service.login_limits import SlidingWindow
from tests.api_helpers import PASSWORD, new_account, sign_in
from tests.conftest import cli_env


@pytest.fixture
def client(settings: Settings, hashing_encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(settings, encoder=hashing_encoder)) as test_client:
        yield test_client


def test_anonymous_callers_reach_only_the_probes_docs_and_log_in(client: TestClient) -> None:
    for path in ("/health", "/ready", "/docs", "/openapi.json"):
        assert client.get(path).status_code == 200, path
    for method, path in [("GET", "/experts"), ("POST", "/match"), ("GET", "/auth/me")]:
        response = client.request(method, path, json={})
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_and_the_cookie_both_prove_the_log_in(client: TestClient) -> None:
    account = sign_in(client, Role.STAFF, centre="centre-tirana")
    me = client.get("/auth/me").json()
    assert me == {
        "id": account.id,
        "email": account.email,
        "role": "staff",
        "centre": "centre-tirana",
    }
    del client.headers["Authorization"]
    response = client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" in cookie  # the settings' environment is production: sent over HTTPS only
    client.cookies.set(SESSION_COOKIE, response.json()["access_token"])  # as a browser would
    assert client.get("/auth/me").json()["email"] == account.email  # by the cookie alone
    assert client.post("/auth/logout").status_code == 204
    client.cookies.set(SESSION_COOKIE, response.json()["access_token"])
    assert client.get("/auth/me").status_code == 401  # the logged-out token is dead


def test_only_a_digest_of_the_token_is_stored(client: TestClient) -> None:
    sign_in(client)
    token = client.headers["Authorization"].removeprefix("Bearer ")
    network = client.app.state.network  # type: ignore[attr-defined]
    with network.runtime.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT digest FROM auth_tokens").scalars().all()
        hashes = connection.exec_driver_sql("SELECT password_hash FROM accounts").scalars().all()
    assert token not in stored and len(stored[0]) == 64
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_failed_log_ins_are_limited_per_account(client: TestClient) -> None:
    account = new_account(client, Role.STUDENT)
    wrong = {"email": account.email, "password": "not the password"}
    assert [client.post("/auth/login", json=wrong).status_code for _ in range(5)] == [401] * 5
    limited = client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    other = new_account(client, Role.EXPERT)  # another account from the same address may
    ok = client.post("/auth/login", json={"email": other.email, "password": PASSWORD})
    assert ok.status_code == 200


def test_the_sliding_window_forgets_old_failures() -> None:
    now = [0.0]
    window = SlidingWindow(limit=2, seconds=10, clock=lambda: now[0])
    window.record("a")
    window.record("a")
    assert window.retry_after("a") == 10 and window.retry_after("b") == 0
    now[0] = 10.5
    assert window.retry_after("a") == 0


def test_production_refuses_a_missing_or_default_secret(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        refuse_unsafe_secret(settings)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    refuse_unsafe_secret(settings.model_copy(update={"secret": "x" * 32}))
    refuse_unsafe_secret(settings.model_copy(update={"environment": "development"}))


def test_serve_without_a_secret_exits_with_status_2(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["serve"], env=cli_env(settings))
    assert result.exit_code == 2


def test_create_admin_then_log_in(settings: Settings, hashing_encoder: Encoder) -> None:
    env = {**cli_env(settings), "SMARTMATCH_NEW_PASSWORD": "a fine admin password"}
    result = CliRunner().invoke(cli, ["create-admin", "--email", "Root@Uni.example"], env=env)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(cli, ["create-admin", "--email", "root@uni.example"], env=env)
    assert again.exit_code == 2 and "exists already" in again.output
    staff = CliRunner().invoke(
        cli, ["create-account", "--email", "s@uni.example", "--role", "staff"], env=env
    )
    assert staff.exit_code == 2 and "centre" in staff.output
    with TestClient(create_app(settings, encoder=hashing_encoder)) as client:
        body = {"email": "root@uni.example", "password": "a fine admin password"}
        assert client.post("/auth/login", json=body).json()["account"]["role"] == "admin"


def test_security_headers_and_cors_closed(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    sign_in(client)
    assert client.get("/auth/me").headers["cache-control"] == "no-store"
    preflight = client.options(
        "/experts",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_opens_only_for_configured_origins(
    settings: Settings, hashing_encoder: Encoder
) -> None:
    opened = settings.model_copy(update={"cors_origins": ["https://uni.example"]})
    with TestClient(create_app(opened, encoder=hashing_encoder)) as client:
        ok = client.get("/health", headers={"Origin": "https://uni.example"})
        assert ok.headers["access-control-allow-origin"] == "https://uni.example"
        other = client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
