"""Object-level authorisation for routes: the caller's relation to a profile, asked of the
one policy table (service/policy.py). A profile the caller may not read is 404, exactly as
an unknown id; an action they may not take on one they can read is 403."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from matcher import Kind, Match, Profile, UnknownProfileError
from service import consent
from service.accounts import Account, Role
from service.network import Network
from service.policy import STAFF_ROLES, Action, allows, may_create, may_receive, relation


def profile_for(
    network: Network, account: Account, *, kind: Kind, profile_id: str, action: Action
) -> Profile:
    """The profile if the caller may take `action` on it; else 404 (unseen) or 403."""
    profile = network.get(kind=kind, profile_id=profile_id)
    stands = relation(account, owner_id=network.owner_of(profile_id), centre=profile.centre)
    if not allows(account.role, Action.READ, stands):
        raise UnknownProfileError(profile_id)
    if not allows(account.role, action, stands):
        raise HTTPException(403, f"You may not {action.value} this profile.")
    return profile


def check_create(account: Account, *, kind: Kind, centre: str | None) -> None:
    if not may_create(account, kind=kind, centre=centre):
        where = f" outside {account.centre}" if account.centre else ""
        raise HTTPException(403, f"Your role may not create a {kind.value}{where}.")


def check_receives(account: Account, kind: Kind) -> None:
    if not may_receive(account.role, kind):
        raise HTTPException(403, f"Your role may not be shown {kind.value} profiles.")


def check_staff(account: Account) -> None:
    if account.role not in STAFF_ROLES:
        raise HTTPException(403, "Only centre staff and admins may do this.")


def listing_centres(account: Account, asked: list[str]) -> list[str]:
    """The centres a list may show: staff see their own centre only, admins what they ask."""
    check_staff(account)
    if account.centre is None:
        return asked
    return [account.centre] if not asked or account.centre in asked else ["\x00none"]


def visible_matches(account: Account, matches: list[Match]) -> list[Match]:
    """Matches as this caller may receive them (their kinds are checked before matching)."""
    return [found for found in matches if may_receive(account.role, found.profile.kind)]


def consent_gate(
    network: Network, account: Account, kind: Kind, fields: dict[str, Any]
) -> dict[str, Any]:
    """A student's own profile is visible exactly while they consent to matching: the
    `visible` they send is replaced by their consent (profiles staff manage keep theirs)."""
    if account.role is not Role.STUDENT or kind is not Kind.STUDENT:
        return fields
    with network.runtime.sessions() as session:
        allowed = consent.given(session, account_id=account.id, purpose=consent.Purpose.MATCHING)
    return {**fields, "visible": allowed}
