"""Who may do what to which profile: one table of role, action and relation, and nothing else.

Pure: no HTTP, no database. Routes (service/api/access.py) work out the caller's relation to
a profile and ask `allows`; a profile the caller may not read answers 404, as if it did not
exist (OWASP API1:2023), an action they may not take on a profile they can read 403.

Relations: `own` (the caller's account owns the profile), `centre` (centre staff and a
profile of their centre), `other` (anything else, including profiles without an owner).
"""

from __future__ import annotations

from enum import StrEnum

from matcher import Kind
from service.accounts import Account, Role


class Action(StrEnum):
    READ = "read"
    CHANGE = "change"  # PUT and PATCH
    DELETE = "delete"
    MATCH = "match"  # ranked matches for the profile


class Relation(StrEnum):
    OWN = "own"
    CENTRE = "centre"
    OTHER = "other"


_ON_ANY = frozenset(Relation)
_OWN = frozenset({Relation.OWN})
_OWN_OR_CENTRE = frozenset({Relation.OWN, Relation.CENTRE})

# role → action → the relations under which it is allowed
TABLE: dict[Role, dict[Action, frozenset[Relation]]] = {
    Role.ADMIN: {action: _ON_ANY for action in Action},
    Role.STAFF: {action: _OWN_OR_CENTRE for action in Action},
    Role.BUSINESS: {action: _OWN for action in Action},
    Role.STUDENT: {action: _OWN for action in Action},
    Role.EXPERT: {action: _OWN for action in Action},
}

# Which kinds each role may create (staff: of their centre only; see `may_create`)
CREATES: dict[Role, frozenset[Kind]] = {
    Role.ADMIN: frozenset(Kind),
    Role.STAFF: frozenset(Kind),
    Role.BUSINESS: frozenset({Kind.BUSINESS, Kind.REQUEST, Kind.PLACEMENT}),
    Role.STUDENT: frozenset({Kind.STUDENT}),
    Role.EXPERT: frozenset({Kind.EXPERT}),
}

# Which kinds of profile each role may receive as matches (POST /match and GET …/{target}).
# Students reach businesses' placements only; businesses do not receive students until the
# students' consent and a business view of them exist (issue 10, field-level visibility).
MATCHES: dict[Role, frozenset[Kind]] = {
    Role.ADMIN: frozenset(Kind),
    Role.STAFF: frozenset(Kind),
    Role.BUSINESS: frozenset({Kind.EXPERT}),
    Role.STUDENT: frozenset({Kind.PLACEMENT}),
    Role.EXPERT: frozenset({Kind.BUSINESS, Kind.REQUEST}),
}

# Roles that may list whole collections, import, and run the staff workflow
STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def relation(account: Account, *, owner_id: int | None, centre: str | None) -> Relation:
    """How the caller stands to a profile with this owner and centre."""
    if owner_id is not None and owner_id == account.id:
        return Relation.OWN
    if account.role is Role.STAFF and centre is not None and centre == account.centre:
        return Relation.CENTRE
    return Relation.OTHER


def allows(role: Role, action: Action, relation: Relation) -> bool:
    return relation in TABLE[role][action]


def may_create(account: Account, *, kind: Kind, centre: str | None) -> bool:
    """Creating a profile: its kind must be the role's; staff create only in their centre."""
    if kind not in CREATES[account.role]:
        return False
    return account.role is not Role.STAFF or centre == account.centre


def may_receive(role: Role, kind: Kind) -> bool:
    """May this role be shown profiles of this kind as matches?"""
    return kind in MATCHES[role]
