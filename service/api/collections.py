"""The API's collections: one path per kind of profile, and which kinds are matched to which."""

from __future__ import annotations

from typing import Any

from matcher import Kind

COLLECTIONS: dict[Kind, str] = {
    Kind.BUSINESS: "businesses",
    Kind.EXPERT: "experts",
    Kind.STUDENT: "students",
    Kind.PLACEMENT: "placements",
    Kind.REQUEST: "requests",
}

# (the kind asking, the kind it is matched to): GET /{source}/{id}/{target}
PAIRINGS: list[tuple[Kind, Kind]] = [
    (Kind.REQUEST, Kind.EXPERT),
    (Kind.BUSINESS, Kind.EXPERT),
    (Kind.EXPERT, Kind.BUSINESS),
    (Kind.STUDENT, Kind.PLACEMENT),
    (Kind.PLACEMENT, Kind.STUDENT),
]


def match_operation_id(source: Kind, target: Kind) -> str:
    return f"match_{source.value}_{COLLECTIONS[target]}"


def operations_on(kind: Kind) -> dict[str, str]:
    """OpenAPI link names to every operation that takes this kind's id in its path."""
    noun = kind.value
    found = {
        f"get_{noun}": f"get_{noun}",
        f"replace_{noun}": f"replace_{noun}",
        f"patch_{noun}": f"patch_{noun}",
        f"delete_{noun}": f"delete_{noun}",
    }
    for source, target in PAIRINGS:
        if source == kind:
            found[match_operation_id(source, target)] = match_operation_id(source, target)
    return found


def links(kind: Kind, *, id_from: str) -> dict[str, Any]:
    """OpenAPI links from a response to the operations on the same profile, for clients and
    for stateful testing (create, then read, change, match and delete what was created)."""
    return {
        name: {"operationId": operation, "parameters": {"profile_id": id_from}}
        for name, operation in operations_on(kind).items()
    }
