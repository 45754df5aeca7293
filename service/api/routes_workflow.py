"""The staff workflow over HTTP: suggestion rounds, review before reveal, feedback, outcomes,
the re-ranker and centre analytics. Each route validates, calls one service function
(service/workflow*.py) and shapes the response; errors are mapped in `install`.

POST /workflow/rounds, GET /workflow/rounds/{id}, GET /workflow/pairs, GET /workflow/pairs/{id},
POST /workflow/pairs/{id}/review, /feedback, /outcome, GET /workflow/pairs/{id}/shared,
GET /workflow/shared/{profile_id}, GET /workflow/analytics, GET /workflow/reranker,
POST /workflow/reranker/train.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse

from matcher.profiles import ProfileId
from service import workflow_store as store
from service.api import workflow_schemas as shapes
from service.api.deps import NetworkDep, given_once
from service.api.errors import problem_response, problems
from service.api.routes_profiles import example
from service.workflow import RoundSettings, RoundSummary, run_round
from service.workflow_analytics import analytics
from service.workflow_ranking import reranker_status, train_reranker
from service.workflow_review import (
    Feedback,
    Review,
    SharedPair,
    Side,
    record_outcome,
    respond,
    review,
    shared_view,
    shared_with,
)

router = APIRouter(prefix="/workflow", tags=["workflow"])
PairIdPath = Annotated[shapes.PairId, Path(description="The pair's id.", examples=[7])]


@router.post(
    "/rounds",
    status_code=201,
    operation_id="run_round",
    summary="Propose pairs for every open request and student, within capacity",
    responses={201: example(shapes.ROUND_SUMMARY), **problems(400, 413, 422, 503)},
)
def create_round(
    body: Annotated[
        shapes.RoundCreate,
        Body(openapi_examples={"centre": {"summary": "One centre", "value": shapes.ROUND_BODY}}),
    ],
    network: NetworkDep,
) -> RoundSummary:
    return run_round(network, RoundSettings(**body.model_dump()))


@router.get(
    "/rounds/{round_id}",
    operation_id="get_round",
    summary="A round's scope, parameters and what it achieved",
    responses={200: example(shapes.ROUND), **problems(404, 422, 503)},
)
def get_round(
    round_id: Annotated[shapes.PairId, Path(examples=[1])], network: NetworkDep
) -> shapes.RoundPublic:
    with network.runtime.sessions() as session:
        row = store.get_round(session, round_id=round_id)
        return shapes.RoundPublic.model_validate(row, from_attributes=True)


@router.get(
    "/pairs",
    operation_id="list_pairs",
    dependencies=[given_once(shapes.PairParams)],
    summary="Proposed pairs, by round, review status and item (the staff's review list)",
    responses={200: example(shapes.PAIR_PAGE), **problems(422, 503)},
)
def list_pairs(
    params: Annotated[shapes.PairParams, Query()], network: NetworkDep
) -> shapes.PairPage:
    with network.runtime.sessions() as session:
        rows, total = store.list_pairs(session, **params.model_dump())
    items = [shapes.PairStaff.of(row) for row in rows]
    return shapes.PairPage(items=items, total=total, offset=params.offset, limit=params.limit)


@router.get(
    "/pairs/{pair_id}",
    operation_id="get_pair",
    summary="One pair as staff see it",
    responses={200: example(shapes.PAIR), **problems(404, 422, 503)},
)
def get_pair(pair_id: PairIdPath, network: NetworkDep) -> shapes.PairStaff:
    with network.runtime.sessions() as session:
        return shapes.PairStaff.of(store.get_pair(session, pair_id=pair_id))


@router.post(
    "/pairs/{pair_id}/review",
    operation_id="review_pair",
    summary="Staff approve, edit (another target) or reject a proposed pair",
    responses={200: example(shapes.PAIR), **problems(400, 404, 409, 413, 422, 503)},
)
def review_pair(
    pair_id: PairIdPath,
    body: Annotated[
        Review,
        Body(
            openapi_examples={
                "approve": {"summary": "Approve", "value": shapes.REVIEW},
                "edit": {"summary": "Propose another expert", "value": shapes.EDIT},
            }
        ),
    ],
    network: NetworkDep,
) -> shapes.PairStaff:
    return shapes.PairStaff.of(review(network, pair_id=pair_id, decision=body))


@router.post(
    "/pairs/{pair_id}/feedback",
    operation_id="pair_feedback",
    summary="One side accepts an approved pair or marks it not relevant",
    responses={200: example(shapes.SHARED), **problems(400, 404, 409, 413, 422, 503)},
)
def pair_feedback(
    pair_id: PairIdPath,
    body: Annotated[
        Feedback,
        Body(
            openapi_examples={
                "accept": {"summary": "Accept", "value": shapes.FEEDBACK},
                "not_relevant": {"summary": "Not relevant", "value": shapes.NOT_RELEVANT},
            }
        ),
    ],
    network: NetworkDep,
) -> SharedPair:
    respond(network, pair_id=pair_id, feedback=body)
    return shared_view(network, pair_id=pair_id, side=body.side)


@router.post(
    "/pairs/{pair_id}/outcome",
    operation_id="pair_outcome",
    summary="Record the stage an accepted pair reached (or that it was dropped)",
    responses={200: example(shapes.PAIR), **problems(400, 404, 409, 413, 422, 503)},
)
def pair_outcome(
    pair_id: PairIdPath, body: shapes.Outcome, network: NetworkDep
) -> shapes.PairStaff:
    return shapes.PairStaff.of(record_outcome(network, pair_id=pair_id, stage=body.stage))


@router.get(
    "/pairs/{pair_id}/shared",
    operation_id="shared_pair",
    summary="An approved pair as one side sees it; contact details once both accepted",
    responses={200: example(shapes.SHARED), **problems(404, 422, 503)},
)
def shared_pair(
    pair_id: PairIdPath,
    side: Annotated[Side, Query(description="Whose view: the item's or the target's.")],
    network: NetworkDep,
) -> SharedPair:
    return shared_view(network, pair_id=pair_id, side=side)


@router.get(
    "/shared/{profile_id}",
    operation_id="shared_with_profile",
    summary="Every approved pair a profile is on, as its side sees it",
    responses={200: example([shapes.SHARED]), **problems(404, 422, 503)},
)
def shared_with_profile(
    profile_id: Annotated[ProfileId, Path(examples=["req-001"])], network: NetworkDep
) -> list[SharedPair]:
    return shared_with(network, profile_id=profile_id)


@router.get(
    "/analytics",
    operation_id="centre_analytics",
    summary="Per centre and per country: profiles, suggestions, approvals, outcomes, exposure",
    responses={200: example(shapes.ANALYTICS), **problems(503)},
)
def centre_analytics(network: NetworkDep) -> dict[str, Any]:
    return analytics(network)


@router.get(
    "/reranker",
    operation_id="reranker_status",
    summary="Which ranking rounds use, and why",
    responses={200: example(shapes.RERANKER), **problems(503)},
)
def get_reranker(network: NetworkDep) -> shapes.RerankerStatus:
    return shapes.RerankerStatus.model_validate(reranker_status(network.runtime.settings))


@router.post(
    "/reranker/train",
    operation_id="train_reranker",
    summary="Train the re-ranker on stored feedback; it is used only if it wins grouped CV",
    responses={200: example(shapes.RERANKER), **problems(503)},
)
def train(network: NetworkDep) -> shapes.RerankerStatus:
    evaluation = train_reranker(network)
    return shapes.RerankerStatus(ranking=evaluation.pop("ranking"), evaluation=evaluation)


async def _unknown(_: Request, error: Exception) -> JSONResponse:
    return problem_response(404, str(error), kind="not-found")


async def _conflict(_: Request, error: Exception) -> JSONResponse:
    return problem_response(409, str(error), kind="workflow-conflict")


def install(app: FastAPI, *, dependencies: Sequence[Any] = ()) -> None:
    """Add the workflow's routes and map its errors (404 unknown pair, 409 wrong state);
    `dependencies` guard every route (who may use the workflow, service/api/app.py)."""
    app.include_router(router, dependencies=list(dependencies))
    app.add_exception_handler(store.UnknownPairError, _unknown)
    app.add_exception_handler(store.TransitionError, _conflict)
