"""Accounts: creating them, checking a password, and the tokens that prove a log-in.

Keyword-only functions over a session, no HTTP here (routes: service/api/routes_auth.py).
Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile).
A token is 32 random bytes, given to the client once; the store keeps only its HMAC-SHA-256
digest under the service's secret (`token_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.account_tables import AccountRow, TokenRow

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that a wrong address takes as long as a
# wrong password and does not tell which accounts exist.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class Role(StrEnum):
    BUSINESS = "business"
    STUDENT = "student"
    EXPERT = "expert"
    STAFF = "staff"  # centre staff, tied to one centre
    ADMIN = "admin"


class Account(BaseModel):
    """Who is calling: what routes and the policy (service/policy.py) decide by."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 2,
                    "email": "staff.tirana@demo.example",
                    "role": "staff",
                    "centre": "centre-tirana",
                }
            ]
        },
    )

    id: int
    email: str
    role: Role
    centre: str | None = None


class AccountError(ValueError):
    """An account that cannot be created as asked (duplicate e-mail, staff without centre)."""


def _account(row: AccountRow) -> Account:
    return Account(id=row.id, email=row.email, role=Role(row.role), centre=row.centre)


def create_account(
    session: Session, *, email: str, password: str, role: Role, centre: str | None = None
) -> Account:
    """A new account; centre staff must name their centre, and only they have one."""
    email = email.strip().lower()
    if role is Role.STAFF and not centre:
        raise AccountError("centre staff must belong to a centre")
    if role is not Role.STAFF:
        centre = None
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    if session.scalar(select(AccountRow.id).where(AccountRow.email == email)) is not None:
        raise AccountError(f"an account for {email} exists already")
    row = AccountRow(
        email=email, password_hash=_hasher.hash(password), role=role.value, centre=centre
    )
    session.add(row)
    session.flush()
    return _account(row)


def set_password(session: Session, *, email: str, password: str) -> Account | None:
    """Give an existing account a new password; None if there is no such account."""
    row = session.scalar(select(AccountRow).where(AccountRow.email == email.strip().lower()))
    if row is None:
        return None
    row.password_hash = _hasher.hash(password)
    session.flush()
    return _account(row)


def get_account(session: Session, *, account_id: int) -> Account | None:
    row = session.get(AccountRow, account_id)
    return None if row is None else _account(row)


def check_password(session: Session, *, email: str, password: str) -> Account | None:
    """The account if the password is right, else None (an unknown e-mail costs the same)."""
    row = session.scalar(select(AccountRow).where(AccountRow.email == email.strip().lower()))
    try:
        _hasher.verify(_DUMMY_HASH if row is None else row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return _account(row)


def token_digest(token: str, *, secret: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session, *, account_id: int, secret: str, lifetime: timedelta
) -> tuple[str, datetime]:
    """A new token for the account and when it expires; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + lifetime
    session.add(
        TokenRow(
            digest=token_digest(token, secret=secret), account_id=account_id, expires_at=expires
        )
    )
    session.flush()
    return token, expires


def account_for_token(session: Session, *, token: str, secret: str) -> Account | None:
    """The account a token proves, or None if it is unknown, revoked or expired."""
    row = session.get(TokenRow, token_digest(token, secret=secret))
    if row is None or _aware(row.expires_at) <= datetime.now(UTC):
        return None
    return get_account(session, account_id=row.account_id)


def revoke_token(session: Session, *, token: str, secret: str) -> None:
    session.execute(delete(TokenRow).where(TokenRow.digest == token_digest(token, secret=secret)))


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
