"""Matching: ranked, explained matches for a stored profile or for free text.

GET /requests/{id}/experts, /businesses/{id}/experts, /experts/{id}/businesses,
/students/{id}/placements, /placements/{id}/students, and POST /match.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from matcher import Kind, Match
from matcher import Query as MatchQuery
from matcher.profiles import ProfileId
from service import audit
from service.api import examples
from service.api.access import check_receives, profile_for
from service.api.auth import CallerDep
from service.api.collections import COLLECTIONS, PAIRINGS, match_operation_id
from service.api.deps import NetworkDep, given_once
from service.api.errors import problems
from service.api.filters import MatchParams
from service.api.routes_profiles import example
from service.api.schemas import MatchPublic, MatchRequest, MatchResults, ProfilePublic
from service.policy import Action

router = APIRouter(tags=["matching"])


def results(target: Kind, matches: list[Match]) -> MatchResults:
    return MatchResults(
        target=target,
        matches=[
            MatchPublic(
                profile=ProfilePublic.of(found.profile),
                score=found.score,
                explanation=found.explanation,
            )
            for found in matches
        ],
    )


def add_profile_match(source: Kind, target: Kind) -> None:
    """GET /{source collection}/{id}/{target collection}."""
    profile_id_param = Annotated[
        ProfileId,
        Path(
            description=f"The {source.value} to find {COLLECTIONS[target]} for.",
            examples=[examples.PROFILES[source]["id"]],
        ),
    ]

    @router.get(
        f"/{COLLECTIONS[source]}/{{profile_id}}/{COLLECTIONS[target]}",
        operation_id=match_operation_id(source, target),
        dependencies=[given_once(MatchParams)],
        summary=f"Rank {COLLECTIONS[target]} for a {source.value}",
        responses={200: example(examples.results(target)), **problems(403, 404, 422, 503)},
    )
    def match_profile(
        profile_id: profile_id_param,
        params: Annotated[MatchParams, Query()],
        network: NetworkDep,
        account: CallerDep,
    ) -> MatchResults:
        profile_for(network, account, kind=source, profile_id=profile_id, action=Action.MATCH)
        check_receives(account, target)
        matches = network.match_profile(
            kind=source,
            profile_id=profile_id,
            target=target,
            k=params.k,
            filters=params.to_filters(),
        )
        audit.record(network, account, source_id=profile_id, target=target, matches=matches)
        return results(target, matches)


for _source, _target in PAIRINGS:
    add_profile_match(_source, _target)


@router.post(
    "/match",
    operation_id="match_text",
    summary="Rank profiles of a kind for a need that is not saved as a profile",
    responses={200: example(examples.RESULTS), **problems(400, 403, 413, 422, 503)},
)
def match_text(
    body: Annotated[
        MatchRequest,
        Body(openapi_examples={"haccp": {"summary": "A HACCP need", "value": examples.MATCH}}),
    ],
    network: NetworkDep,
    account: CallerDep,
) -> MatchResults:
    check_receives(account, body.target)
    query = MatchQuery(text=body.text, skills=body.skills)
    matches = network.match_text(
        query, target=body.target, k=body.k, filters=body.filters.to_filters()
    )
    audit.record(network, account, source_id=None, target=body.target, matches=matches)
    return results(body.target, matches)
