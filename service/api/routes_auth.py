"""Log-in and log-out: POST /auth/login, POST /auth/logout, GET /auth/me.

A log-in answers with a bearer token for API clients and sets the same token as an HttpOnly,
SameSite=Lax session cookie for the web pages. Failed log-ins are limited per account and per
address (service/login_limits.py); past the limit the answer is 429 with Retry-After.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from service.accounts import Account, check_password, issue_token, revoke_token
from service.api.auth import SESSION_COOKIE, CallerDep, presented_token
from service.api.deps import NetworkDep
from service.api.errors import problems
from service.db import transaction
from service.login_limits import LoginLimits

router = APIRouter(prefix="/auth", tags=["accounts"])


class LoginBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "staff.tirana@demo.example", "password": "a long passphrase"}]
        },
    )

    email: str = Field(min_length=3, max_length=254, examples=["staff@demo.example"])
    password: str = Field(min_length=1, max_length=1024, examples=["a long passphrase"])


class LoginResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "qVh3o1Zt0mJ6bq2e5c0b9dXo1uS4M7x8n2Yk3pR6wE0",
                    "token_type": "bearer",
                    "expires_at": "2026-11-28T18:00:00Z",
                    "account": {
                        "id": 2,
                        "email": "staff.tirana@demo.example",
                        "role": "staff",
                        "centre": "centre-tirana",
                    },
                }
            ]
        }
    )

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    account: Account


@router.post(
    "/login",
    operation_id="log_in",
    summary="Log in: a bearer token for the API and a session cookie for the pages",
    responses=problems(400, 401, 413, 422, 429),
)
def log_in(
    body: Annotated[LoginBody, Body()], request: Request, response: Response, network: NetworkDep
) -> LoginResult:
    limits: LoginLimits = request.app.state.login_limits
    address = request.client.host if request.client else "unknown"
    wait = limits.retry_after(email=body.email, address=address)
    if wait > 0:
        raise HTTPException(
            429,
            "Too many failed log-ins; try later.",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    settings = network.runtime.settings
    with transaction(network.runtime.sessions) as session:
        account = check_password(session, email=body.email, password=body.password)
        if account is not None:
            token, expires = issue_token(
                session,
                account_id=account.id,
                secret=settings.auth_secret(),
                lifetime=timedelta(hours=settings.session_hours),
            )
    if account is None:
        limits.failed(email=body.email, address=address)
        raise HTTPException(401, "Wrong e-mail or password.")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )
    return LoginResult(access_token=token, expires_at=expires, account=account)


@router.post(
    "/logout",
    status_code=204,
    operation_id="log_out",
    summary="Log out: the token (or cookie) presented stops working",
    responses=problems(401),
)
def log_out(_: CallerDep, request: Request, response: Response, network: NetworkDep) -> None:
    token = presented_token(request)
    if token is not None:
        with transaction(network.runtime.sessions) as session:
            revoke_token(session, token=token, secret=network.runtime.settings.auth_secret())
    response.delete_cookie(SESSION_COOKIE)


@router.get(
    "/me",
    operation_id="who_am_i",
    summary="The account that is logged in",
    responses=problems(401),
)
def who_am_i(account: CallerDep) -> Account:
    return account
