"""Account commands: `smartmatch create-admin`, `smartmatch create-account`, and the demo's
one account per role (`demo_accounts`, called by `demo` and `serve --demo`)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy import update

from service.accounts import AccountError, Role, create_account, issue_token, set_password
from service.config import Settings, get_settings
from service.console import console
from service.db import ProfileRow, make_engine, session_factory, transaction

Password = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="SMARTMATCH_NEW_PASSWORD",
        help="At least 8 characters; asked for when not given.",
    ),
]

# The demo's log-ins: e-mail, role, centre, and the demo profile the account owns.
DEMO_ACCOUNTS: list[tuple[str, Role, str | None, str | None]] = [
    ("admin@demo.example", Role.ADMIN, None, None),
    ("staff.tirana@demo.example", Role.STAFF, "centre-tirana", None),
    ("business@demo.example", Role.BUSINESS, None, "biz-001"),
    ("student@demo.example", Role.STUDENT, None, "stu-001"),
    ("expert@demo.example", Role.EXPERT, None, "exp-001"),
]


def add_account(
    settings: Settings, *, email: str, password: str, role: Role, centre: str | None
) -> None:
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            account = create_account(
                session, email=email, password=password, role=role, centre=centre
            )
    finally:
        engine.dispose()
    where = f" of {account.centre}" if account.centre else ""
    console.print(f"created {account.role.value}{where}: {account.email}")


def account_with_token(
    settings: Settings, *, email: str, password: str, role: Role, lifetime: timedelta
) -> str:
    """A new account and a bearer token for it, written straight into the store: for the
    operator's own scripts (benchmarks, tests of a server in another process)."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            account = create_account(session, email=email, password=password, role=role)
            token, _ = issue_token(
                session, account_id=account.id, secret=settings.auth_secret(), lifetime=lifetime
            )
    finally:
        engine.dispose()
    return token


def demo_accounts(settings: Settings) -> list[tuple[str, Role, str]]:
    """One account per role, each with a new random password (an account that exists gets a
    new one), owning a demo profile where the role has one; the log-ins to print."""
    logins: list[tuple[str, Role, str]] = []
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            for email, role, centre, owns in DEMO_ACCOUNTS:
                password = secrets.token_urlsafe(9)
                account = set_password(session, email=email, password=password)
                if account is None:
                    account = create_account(
                        session, email=email, password=password, role=role, centre=centre
                    )
                if owns is not None:
                    session.execute(
                        update(ProfileRow).where(ProfileRow.id == owns).values(owner_id=account.id)
                    )
                logins.append((email, role, password))
    finally:
        engine.dispose()
    return logins


def print_logins(logins: list[tuple[str, Role, str]]) -> None:
    console.print("demo log-ins (POST /auth/login, or the pages' log-in):")
    for email, role, password in logins:
        console.print(f"  {role.value:<9} {email:<28} {password}")


def register(app: typer.Typer) -> None:
    @app.command("create-admin")
    def create_admin(
        email: Annotated[str, typer.Option(help="The admin's e-mail, their log-in.")],
        password: Password,
    ) -> None:
        """Create an admin account (the first one, on a new store)."""
        try:
            add_account(
                get_settings(), email=email, password=password, role=Role.ADMIN, centre=None
            )
        except AccountError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(code=2) from None

    @app.command("create-account")
    def create_account_command(
        email: Annotated[str, typer.Option(help="The e-mail, their log-in.")],
        role: Annotated[Role, typer.Option(help="What the account may do (README, Accounts).")],
        password: Password,
        centre: Annotated[
            str | None, typer.Option(help="The centre of a staff account (required for staff).")
        ] = None,
    ) -> None:
        """Create an account of any role."""
        try:
            add_account(get_settings(), email=email, password=password, role=role, centre=centre)
        except AccountError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(code=2) from None
