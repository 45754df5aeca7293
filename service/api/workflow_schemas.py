"""The staff workflow's HTTP shapes: pairs as staff see them, pages, outcome bodies, and
examples for the OpenAPI document (valid requests, drawn from the demo network)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from matcher.profiles import ProfileId
from service.api.fields import integer_text, json_integer
from service.workflow_review import Stage
from service.workflow_tables import PairRow

# SQLite gives back the stored UTC times without their zone: say it again.
UtcTime = Annotated[
    datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=UTC))
]
PairId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Status = Literal["proposed", "approved", "rejected", "superseded"]

ROUND_BODY: dict[str, Any] = {
    "centre": "centre-durres",
    "hours_per_request": 4,
    "k": 20,
    "alternatives": 5,
}
ROUND_SUMMARY = {
    "round_id": 1,
    "centre": None,
    "ranking": "unlearned (dense cosine): no re-ranker trained yet",
    "superseded": 0,
    "kinds": {
        "request": {
            "items": 15,
            "covered": 14,
            "total_fit": 8.91,
            "greedy_covered": 12,
            "greedy_total_fit": 7.88,
        }
    },
}
PAIR: dict[str, Any] = {
    "id": 7,
    "round_id": 1,
    "source_id": "req-001",
    "target_id": "exp-001",
    "source_kind": "request",
    "target_kind": "expert",
    "fit": 0.71,
    "units": 4,
    "status": "proposed",
    "source_response": None,
    "target_response": None,
    "reason": None,
    "stage": None,
    "alternatives": [{"target": "exp-017", "fit": 0.64}],
    "created_at": "2026-11-28T05:00:00Z",
    "updated_at": "2026-11-28T05:00:00Z",
}
PAIR_PAGE = {"items": [PAIR], "total": 1, "offset": 0, "limit": 50}
ROUND = {
    "id": 1,
    "centre": None,
    "params": {**ROUND_BODY, "centre": None, "ranking": ROUND_SUMMARY["ranking"]},
    "summary": ROUND_SUMMARY["kinds"],
    "created_at": "2026-11-28T05:00:00Z",
}
REVIEW = {"action": "approve", "note": "Good fit for the HACCP audit."}
EDIT = {"action": "edit", "target_id": "exp-017", "note": "exp-001 is on leave."}
FEEDBACK = {"side": "source", "answer": "accepted"}
NOT_RELEVANT = {"side": "target", "answer": "not_relevant", "reason": "outside my field"}
SHARED = {
    "pair_id": 7,
    "side": "source",
    "other_id": "exp-001",
    "other_kind": "expert",
    "text": "Food technologist: HACCP plans, ISO 22000 audits and olive oil quality.",
    "skills": ["HACCP"],
    "country": "AL",
    "languages": ["en", "sq"],
    "mode": "hybrid",
    "your_answer": "accepted",
    "their_answer": None,
    "contact": None,
}
RERANKER = {
    "ranking": "unlearned (dense cosine): too little feedback",
    "evaluation": {"pairs": 12, "wins": False, "reason": "too little feedback"},
}
ANALYTICS = {
    "experts": {"experts": 40, "experts_suggested": 14, "share_never_suggested": 0.65},
    "by_centre": {
        "centre-durres": {
            "profiles": {"expert": 8, "request": 3},
            "suggestions": 3,
            "approved": 2,
            "rejected": 0,
            "outcomes": {"met": 1},
            "median_days_to_first_meeting": 6.5,
            "exposure": {"share_of_suggestions": 0.21, "share_of_profiles": 0.13},
        }
    },
    "by_country": {},
}


def _count(low: int, high: int, default: int, description: str) -> Any:
    return Field(default=default, ge=low, le=high, description=description)


class RoundCreate(BaseModel):
    """A suggestion round to run: the whole network, or one centre."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ROUND_BODY]})

    centre: ProfileId | None = Field(default=None, description="Only this centre's items.")
    hours_per_request: Annotated[int, BeforeValidator(json_integer)] = _count(
        1, 1000, 4, "Counselling hours one request takes from an expert."
    )
    k: Annotated[int, BeforeValidator(json_integer)] = _count(
        1, 100, 20, "Engine candidates per item."
    )
    alternatives: Annotated[int, BeforeValidator(json_integer)] = _count(
        0, 20, 5, "Alternatives kept per item."
    )


class Alternative(BaseModel):
    target: str
    fit: float


class PairStaff(BaseModel):
    """A proposed pair as staff see it: both ids, the fit, the review, answers and stage."""

    model_config = ConfigDict(json_schema_extra={"examples": [PAIR]})

    id: int
    round_id: int
    source_id: str
    target_id: str
    source_kind: str
    target_kind: str
    fit: float
    units: int
    status: str
    source_response: str | None
    target_response: str | None
    reason: str | None
    stage: str | None
    alternatives: list[Alternative]
    created_at: UtcTime
    updated_at: UtcTime

    @classmethod
    def of(cls, row: PairRow) -> PairStaff:
        data: dict[str, Any] = {name: getattr(row, name) for name in cls.model_fields}
        return cls.model_validate(data)


class PairPage(BaseModel):
    items: list[PairStaff]
    total: int
    offset: int
    limit: int


class PairParams(BaseModel):
    """Which pairs to list: by round, review status and item, one page at a time."""

    model_config = ConfigDict(extra="forbid")

    round_id: Annotated[PairId, BeforeValidator(integer_text)] | None = None
    status: Status | None = None
    source_id: ProfileId | None = None
    offset: Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(integer_text)] = 0
    limit: Annotated[int, Field(ge=1, le=200), BeforeValidator(integer_text)] = 50


class Outcome(BaseModel):
    """The outcome stage a pair reached."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"stage": "met"}]}
    )

    stage: Stage


class RoundPublic(BaseModel):
    id: int
    centre: str | None
    params: dict[str, Any]
    summary: dict[str, Any]
    created_at: UtcTime


class RerankerStatus(BaseModel):
    """Which ranking rounds use, and the grouped cross-validation that decided it."""

    ranking: str
    evaluation: dict[str, Any]
