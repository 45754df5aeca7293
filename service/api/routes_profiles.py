"""CRUD for each kind of profile: /businesses, /experts, /students, /placements, /requests.

Each route validates, calls one Network method, and shapes the response. A profile of another
kind under the wrong path is 404: the path names the kind.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from starlette.exceptions import HTTPException

from matcher import Kind
from matcher.profiles import ProfileId
from service.accounts import Account, Role
from service.api import examples
from service.api.access import check_create, consent_gate, listing_centres, profile_for
from service.api.auth import CallerDep
from service.api.collections import COLLECTIONS, links
from service.api.deps import NetworkDep, given_once
from service.api.errors import problems
from service.api.schemas import (
    ListParams,
    ProfileCreate,
    ProfilePage,
    ProfilePatch,
    ProfilePublic,
    ProfileUpdate,
)
from service.policy import STAFF_ROLES, Action


def example(value: Any, **extra: Any) -> dict[str, Any]:
    """An OpenAPI response entry with a JSON example."""
    return {"content": {"application/json": {"example": value}}, **extra}


def profile_router(kind: Kind) -> APIRouter:
    """The six operations on one kind's collection."""
    collection, noun = COLLECTIONS[kind], kind.value
    router = APIRouter(prefix=f"/{collection}", tags=[collection])
    shown = examples.public(kind)
    profile_id_param = Annotated[
        ProfileId,
        Path(description=f"The {noun}'s id.", examples=[examples.PROFILES[kind]["id"]]),
    ]
    create_body = Body(
        openapi_examples={noun: {"summary": f"A {noun}", "value": examples.create_body(kind)}}
    )
    update_body = Body(
        openapi_examples={noun: {"summary": f"A {noun}", "value": examples.update_body(kind)}}
    )
    patch_body = Body(
        openapi_examples={"skills": {"summary": "New skills", "value": examples.PATCH}}
    )
    links_from_path = links(kind, id_from="$request.path.profile_id")

    @router.post(
        "",
        status_code=201,
        operation_id=f"create_{noun}",
        summary=f"Create a {noun}",
        responses={
            201: example(shown, links=links(kind, id_from="$response.body#/id")),
            **problems(400, 403, 409, 413, 422, 503),
        },
    )
    def create(
        body: Annotated[ProfileCreate, create_body],
        network: NetworkDep,
        response: Response,
        account: CallerDep,
    ) -> ProfilePublic:
        fields = consent_gate(network, account, kind, body.model_dump(mode="json"))
        check_create(account, kind=kind, centre=fields.get("centre"))
        owner = None if account.role in STAFF_ROLES else account.id
        profile = network.create(kind=kind, fields=fields, owner_id=owner)
        response.headers["Location"] = f"/{collection}/{profile.id}"
        return ProfilePublic.of(profile)

    @router.get(
        "",
        operation_id=f"list_{collection}",
        dependencies=[given_once(ListParams)],
        summary=f"List {collection}, a page at a time",
        responses={200: example({**examples.PAGE, "items": [shown]}), **problems(403, 422, 503)},
    )
    def list_profiles(
        params: Annotated[ListParams, Query()], network: NetworkDep, account: CallerDep
    ) -> ProfilePage:
        found, total = network.page(
            kind=kind,
            offset=params.offset,
            limit=params.limit,
            countries=params.country,
            centres=listing_centres(account, params.centre),
        )
        items = [ProfilePublic.of(profile) for profile in found]
        return ProfilePage(items=items, total=total, offset=params.offset, limit=params.limit)

    @router.get(
        "/{profile_id}",
        operation_id=f"get_{noun}",
        summary=f"Read a {noun}",
        responses={200: example(shown), **problems(403, 404, 422, 503)},
    )
    def read(
        profile_id: profile_id_param, network: NetworkDep, account: CallerDep
    ) -> ProfilePublic:
        return ProfilePublic.of(
            profile_for(network, account, kind=kind, profile_id=profile_id, action=Action.READ)
        )

    @router.put(
        "/{profile_id}",
        operation_id=f"replace_{noun}",
        summary=f"Replace a {noun} (all fields but id and kind)",
        responses={
            200: example(shown, links=links_from_path),
            **problems(400, 403, 404, 413, 422, 503),
        },
    )
    def replace(
        profile_id: profile_id_param,
        body: Annotated[ProfileUpdate, update_body],
        network: NetworkDep,
        account: CallerDep,
    ) -> ProfilePublic:
        profile_for(network, account, kind=kind, profile_id=profile_id, action=Action.CHANGE)
        fields = consent_gate(network, account, kind, body.model_dump(mode="json"))
        _keep_in_centre(account, fields)
        return ProfilePublic.of(network.replace(kind=kind, profile_id=profile_id, fields=fields))

    @router.patch(
        "/{profile_id}",
        operation_id=f"patch_{noun}",
        summary=f"Change some fields of a {noun}",
        responses={
            200: example(shown, links=links_from_path),
            **problems(400, 403, 404, 413, 422, 503),
        },
    )
    def patch(
        profile_id: profile_id_param,
        body: Annotated[ProfilePatch, patch_body],
        network: NetworkDep,
        account: CallerDep,
    ) -> ProfilePublic:
        profile_for(network, account, kind=kind, profile_id=profile_id, action=Action.CHANGE)
        changes = body.model_dump(mode="json", exclude_unset=True)
        changes = consent_gate(network, account, kind, changes)
        _keep_in_centre(account, changes)
        return ProfilePublic.of(network.patch(kind=kind, profile_id=profile_id, changes=changes))

    @router.delete(
        "/{profile_id}",
        status_code=204,
        operation_id=f"delete_{noun}",
        summary=f"Delete a {noun}; it is never matched again",
        responses={204: {"links": links_from_path}, **problems(403, 404, 422, 503)},
    )
    def delete(profile_id: profile_id_param, network: NetworkDep, account: CallerDep) -> None:
        profile_for(network, account, kind=kind, profile_id=profile_id, action=Action.DELETE)
        network.delete(kind=kind, profile_id=profile_id)

    return router


def _keep_in_centre(account: Account, fields: dict[str, Any]) -> None:
    """Centre staff may not move a profile out of their centre."""
    if account.role is Role.STAFF and "centre" in fields and fields["centre"] != account.centre:
        raise HTTPException(403, f"Staff may not move a profile out of {account.centre}.")


def profile_routers() -> list[APIRouter]:
    return [profile_router(kind) for kind in COLLECTIONS]
