"""The authorisation matrix, generated from one table: every role (and an anonymous caller) x
every endpoint x the caller's own object or another's -> the expected status.

"own" is a profile the caller's account owns (for centre staff: a profile of their centre;
for an admin: any); "other" is a profile another account of the same role owns, in another
centre. A profile the caller may not see answers 404, as an unknown id would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher import Kind
from service.accounts import Account, Role
from service.api import create_app
from service.api.collections import COLLECTIONS
from service.api.examples import create_body, update_body
from tests.api_helpers import new_account, sign_in
from tests.conftest import settings_in

ANON = "anonymous"
# The kind of profile each caller owns, and the kind its matches are asked for.
OWNS: dict[str, tuple[Kind, Kind]] = {
    ANON: (Kind.EXPERT, Kind.BUSINESS),
    "business": (Kind.BUSINESS, Kind.EXPERT),
    "student": (Kind.STUDENT, Kind.PLACEMENT),
    "expert": (Kind.EXPERT, Kind.BUSINESS),
    "staff": (Kind.STUDENT, Kind.PLACEMENT),
    "admin": (Kind.EXPERT, Kind.BUSINESS),
}
OBJECT_ENDPOINTS = ["read", "replace", "patch", "match", "delete"]
OWN_OK = {"read": 200, "replace": 200, "patch": 200, "match": 200, "delete": 204}
HIDDEN = dict.fromkeys(OBJECT_ENDPOINTS, 404)
UNAUTHENTICATED = dict.fromkeys(OBJECT_ENDPOINTS, 401)

# role -> relation -> endpoint -> status
OBJECTS: dict[str, dict[str, dict[str, int]]] = {
    ANON: {"own": UNAUTHENTICATED, "other": UNAUTHENTICATED},
    "business": {"own": OWN_OK, "other": HIDDEN},
    "student": {"own": OWN_OK, "other": HIDDEN},
    "expert": {"own": OWN_OK, "other": HIDDEN},
    "staff": {"own": OWN_OK, "other": HIDDEN},
    "admin": {"own": OWN_OK, "other": OWN_OK},
}
# role -> collection-level endpoint -> status
COLLECTION_ENDPOINTS: dict[str, dict[str, int]] = {
    ANON: {"list": 401, "create": 401, "match_text": 401, "import": 401, "workflow": 401},
    "business": {"list": 403, "create": 201, "match_text": 200, "import": 403, "workflow": 403},
    "student": {"list": 403, "create": 201, "match_text": 403, "import": 403, "workflow": 403},
    "expert": {"list": 403, "create": 201, "match_text": 403, "import": 403, "workflow": 403},
    "staff": {"list": 200, "create": 201, "match_text": 200, "import": 200, "workflow": 200},
    "admin": {"list": 200, "create": 201, "match_text": 200, "import": 200, "workflow": 200},
}
MY_CENTRE, OTHER_CENTRE = "centre-tirana", "centre-durres"
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app; a signed-in client per role, and for each role another account of it."""
    from matcher import HashingEncoder

    folder = tmp_path_factory.mktemp("authz")
    settings = settings_in(folder)
    with TestClient(create_app(settings, encoder=HashingEncoder())) as base:
        clients: dict[str, TestClient] = {ANON: base}
        accounts: dict[str, Account] = {}
        others: dict[str, Account] = {}
        for role in Role:
            client = TestClient(base.app)
            accounts[role.value] = sign_in(client, role, centre=MY_CENTRE)
            clients[role.value] = client
            others[role.value] = new_account(base, role, centre=OTHER_CENTRE)
        yield {"clients": clients, "accounts": accounts, "others": others, "base": base}


def _make_object(world: dict[str, Any], role: str, relation: str) -> tuple[Kind, str]:
    """A fresh profile of the role's kind, owned as the relation says."""
    kind, _ = OWNS[role]
    network = world["base"].app.state.network
    mine = relation == "own" and role != ANON
    owner = world["accounts"][role] if mine else world["others"].get(role)
    centre = MY_CENTRE if mine else OTHER_CENTRE
    owner_id = None if owner is None or owner.role is Role.STAFF else owner.id
    fields = {**create_body(kind), "id": f"authz-{next(_ids)}", "centre": centre}
    network.create(kind=kind, fields=fields, owner_id=owner_id)
    return kind, fields["id"]


def _call(client: TestClient, endpoint: str, kind: Kind, profile_id: str, target: Kind) -> int:
    path = f"/{COLLECTIONS[kind]}/{profile_id}"
    body = {**update_body(kind), "centre": MY_CENTRE}
    calls = {
        "read": lambda: client.get(path),
        "replace": lambda: client.put(path, json=body),
        "patch": lambda: client.patch(path, json={"skills": ["HACCP"]}),
        "match": lambda: client.get(f"{path}/{COLLECTIONS[target]}"),
        "delete": lambda: client.delete(path),
    }
    return calls[endpoint]().status_code


OBJECT_CASES = [
    (role, relation, endpoint, status)
    for role, relations in OBJECTS.items()
    for relation, endpoints in relations.items()
    for endpoint, status in endpoints.items()
]


@pytest.mark.parametrize(("role", "relation", "endpoint", "expected"), OBJECT_CASES)
def test_object_endpoints(
    world: dict[str, Any], role: str, relation: str, endpoint: str, expected: int
) -> None:
    kind, profile_id = _make_object(world, role, relation)
    status = _call(world["clients"][role], endpoint, kind, profile_id, OWNS[role][1])
    assert status == expected, (role, relation, endpoint)


def _collection_call(client: TestClient, role: str, endpoint: str) -> int:
    kind, _ = OWNS[role]
    body = {**create_body(kind), "id": f"authz-new-{next(_ids)}", "centre": MY_CENTRE}
    row = f'{{"id": "authz-imp-{next(_ids)}", "kind": "expert", "name": "A", "text": "Olives."}}\n'
    calls = {
        "list": lambda: client.get(f"/{COLLECTIONS[kind]}"),
        "create": lambda: client.post(f"/{COLLECTIONS[kind]}", json=body),
        "match_text": lambda: client.post("/match", json={"text": "olive oil", "target": "expert"}),
        "import": lambda: client.post(
            "/import", content=row, headers={"content-type": "application/x-ndjson"}
        ),
        "workflow": lambda: client.get("/workflow/pairs"),
    }
    return calls[endpoint]().status_code


COLLECTION_CASES = [
    (role, endpoint, status)
    for role, endpoints in COLLECTION_ENDPOINTS.items()
    for endpoint, status in endpoints.items()
]


@pytest.mark.parametrize(("role", "endpoint", "expected"), COLLECTION_CASES)
def test_collection_endpoints(
    world: dict[str, Any], role: str, endpoint: str, expected: int
) -> None:
    assert _collection_call(world["clients"][role], role, endpoint) == expected


def test_staff_lists_only_their_centre(world: dict[str, Any]) -> None:
    _make_object(world, "staff", "other")
    _make_object(world, "staff", "own")
    listed = world["clients"]["staff"].get("/students", params={"limit": 200}).json()["items"]
    assert listed and {item["centre"] for item in listed} == {MY_CENTRE}


def test_staff_may_not_create_outside_their_centre(world: dict[str, Any]) -> None:
    body = {**create_body(Kind.STUDENT), "id": "authz-elsewhere", "centre": OTHER_CENTRE}
    assert world["clients"]["staff"].post("/students", json=body).status_code == 403
    assert (
        world["clients"]["student"]
        .post("/experts", json={**create_body(Kind.EXPERT), "id": "authz-x"})
        .status_code
        == 403
    )
