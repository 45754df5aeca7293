"""The HTTP API's shapes, one model per purpose: XCreate, XUpdate, XPatch, XPublic.

Input models forbid unknown fields and take their limits from `matcher.Profile`'s own JSON
schema, so the API can never accept what the matcher would refuse. Integers and booleans are
strict (no `"5"` for 5) and dates must be `YYYY-MM-DD` strings: the request is read exactly
as its OpenAPI schema describes it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    MISSING,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)
from pydantic.config import JsonDict

from matcher import Explanation, Kind, Mode, Profile
from matcher.profiles import CountryCode, LanguageCode, ProfileId, SkillTag
from service.api import examples

_PROFILE_SCHEMA: dict[str, Any] = Profile.model_json_schema()["properties"]


def _limit(field: str, key: str, *, of_items: bool = False) -> int:
    """A limit (maxLength, maxItems) read from the Profile schema, never restated here."""
    schema = _PROFILE_SCHEMA[field]
    if of_items:
        schema = schema["items"]
    return int(schema[key])


def _iso_date(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date in YYYY-MM-DD form")
    if not isinstance(value, str | date):
        raise ValueError("must be a date in YYYY-MM-DD form")
    return value


def _json_integer(value: object) -> object:
    """A JSON integer: 5 or 5.0, never "5" or true (JSON Schema's reading of `integer`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


def _integer_text(value: object) -> object:
    """A query parameter's integer: digits only, never "0.0" or "1e3"."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value):
        raise ValueError("must be an integer")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# Strings need one character that Profile's whitespace stripping keeps: one outside Unicode's
# White_Space, spelled out because `\s` differs between JSON Schema (ECMA), Python and Rust.
VISIBLE = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=_limit("name", "maxLength"), pattern=VISIBLE)
]
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=_limit("text", "maxLength"), pattern=VISIBLE)
]
DocumentText = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=_limit("documents", "maxLength", of_items=True), pattern=VISIBLE
    ),
]
ShortText = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=_limit("skills", "maxLength", of_items=True), pattern=VISIBLE
    ),
]
# Constraints stand before the validator, or they leak into the JSON schema as `ge`/`le`.
Amount = Annotated[
    int, Field(ge=0, le=_limit("capacity_used", "maximum")), BeforeValidator(_json_integer)
]
MatchCount = Annotated[int, Field(ge=1, le=100), BeforeValidator(_json_integer)]
NetworkKind = Literal[Kind.BUSINESS, Kind.EXPERT, Kind.STUDENT, Kind.PLACEMENT, Kind.REQUEST]
INPUT = ConfigDict(extra="forbid")


def _list(field: str) -> Any:
    return Field(default_factory=list, max_length=_limit(field, "maxItems"))


def _max_items(field: str) -> Any:
    return Field(max_length=_limit(field, "maxItems"))


def _examples(*values: Any) -> JsonDict:
    return {"examples": list(values)}


class _ProfileFields(BaseModel):
    """Everything a profile says about itself, except its id and kind."""

    model_config = INPUT

    name: Name
    text: Text
    documents: list[DocumentText] = _list("documents")
    skills: list[ShortText] = _list("skills")
    country: CountryCode | None = None
    languages: list[LanguageCode] = _list("languages")
    centre: ProfileId | None = None
    domains: list[ShortText] = _list("domains")
    mode: Mode | None = None
    capacity: Amount | None = None
    capacity_used: Amount = 0
    start: IsoDate | None = None
    end: IsoDate | None = None
    owner: ProfileId | None = None
    visible: StrictBool = True
    language: LanguageCode | None = Field(
        default=None, description="The text's language; detected from the text when not given."
    )


class ProfileCreate(_ProfileFields):
    """A new profile; its kind is the collection it is posted to."""

    model_config = ConfigDict(json_schema_extra=_examples(examples.CREATE))

    id: ProfileId


class ProfileUpdate(_ProfileFields):
    """A full replacement of a profile (PUT); id and kind never change."""

    model_config = ConfigDict(json_schema_extra=_examples(examples.UPDATE))


class ProfilePatch(BaseModel):
    """A partial update (PATCH): only the fields sent change; `null` clears an optional one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_examples(examples.PATCH))

    name: Name | MISSING = MISSING
    text: Text | MISSING = MISSING
    documents: Annotated[list[DocumentText], _max_items("documents")] | MISSING = MISSING
    skills: Annotated[list[ShortText], _max_items("skills")] | MISSING = MISSING
    country: CountryCode | MISSING | None = MISSING
    languages: Annotated[list[LanguageCode], _max_items("languages")] | MISSING = MISSING
    centre: ProfileId | MISSING | None = MISSING
    domains: Annotated[list[ShortText], _max_items("domains")] | MISSING = MISSING
    mode: Mode | MISSING | None = MISSING
    capacity: Amount | MISSING | None = MISSING
    capacity_used: Amount | MISSING = MISSING
    start: IsoDate | MISSING | None = MISSING
    end: IsoDate | MISSING | None = MISSING
    owner: ProfileId | MISSING | None = MISSING
    visible: StrictBool | MISSING = MISSING
    language: LanguageCode | MISSING | None = MISSING


class ProfilePublic(BaseModel):
    """A profile as the API shows it."""

    model_config = ConfigDict(json_schema_extra=_examples(examples.PUBLIC))

    id: str
    kind: Kind
    name: str
    text: str
    documents: list[str]
    skills: list[str]
    country: str | None
    languages: list[str]
    centre: str | None
    domains: list[str]
    mode: Mode | None
    capacity: int | None
    capacity_used: int
    capacity_left: int | None
    start: date | None
    end: date | None
    owner: str | None
    visible: bool
    language: str | None
    esco_skills: list[SkillTag] = Field(description="ESCO skills tagged from the profile.")

    @classmethod
    def of(cls, profile: Profile) -> ProfilePublic:
        return cls(**profile.model_dump(), capacity_left=profile.capacity_left)


class ProfilePage(BaseModel):
    """One page of a collection, in id order."""

    model_config = ConfigDict(json_schema_extra=_examples(examples.PAGE))

    items: list[ProfilePublic]
    total: int = Field(description="How many profiles match the filters in all pages.")
    offset: int
    limit: int


class ListParams(BaseModel):
    """Paging and filters of a collection listing."""

    model_config = INPUT

    offset: Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_integer_text)] = 0
    limit: Annotated[int, Field(ge=1, le=200), BeforeValidator(_integer_text)] = 50
    country: list[CountryCode] = Field(default_factory=list, max_length=50)
    centre: list[ProfileId] = Field(default_factory=list, max_length=50)


class MatchParams(BaseModel):
    """How many matches and which filters, as query parameters (list ones are repeatable)."""

    model_config = INPUT

    k: Annotated[
        int,
        Field(ge=1, le=100, description="How many matches to return."),
        BeforeValidator(_integer_text),
    ] = 10
    country: list[CountryCode] = Field(default_factory=list, max_length=50)
    language: list[LanguageCode] = Field(default_factory=list, max_length=50)
    mode: list[Mode] = Field(default_factory=list, max_length=50)
    centre: list[ProfileId] = Field(default_factory=list, max_length=50)
    domain: list[ShortText] = Field(default_factory=list, max_length=50)
    available_from: IsoDate | None = None
    available_until: IsoDate | None = None
    min_capacity_left: (
        Annotated[int, Field(ge=0, le=10_000), BeforeValidator(_integer_text)] | None
    ) = None


class MatchFiltersIn(BaseModel):
    """The hard filters of a free-text match; an empty field does not filter."""

    model_config = INPUT

    countries: list[CountryCode] = Field(default_factory=list, max_length=50)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=50)
    modes: list[Mode] = Field(default_factory=list, max_length=50)
    centres: list[ProfileId] = Field(default_factory=list, max_length=50)
    domains: list[ShortText] = Field(default_factory=list, max_length=50)
    available_from: IsoDate | None = None
    available_until: IsoDate | None = None
    min_capacity_left: Amount | None = None


class MatchRequest(BaseModel):
    """A need that is not saved as a profile: free text, the kind wanted, filters and k."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_examples(examples.MATCH))

    text: Text
    skills: list[ShortText] = _list("skills")
    target: NetworkKind
    filters: MatchFiltersIn = Field(default_factory=MatchFiltersIn)
    k: MatchCount = 10


class MatchPublic(BaseModel):
    """One ranked match: the profile, its score and why it was matched."""

    profile: ProfilePublic
    score: float
    explanation: Explanation


class MatchResults(BaseModel):
    """Ranked matches, best first."""

    model_config = ConfigDict(json_schema_extra=_examples(examples.RESULTS))

    target: Kind
    matches: list[MatchPublic]


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra=_examples({"status": "ok"}))

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    model_config = ConfigDict(json_schema_extra=_examples(examples.READY))

    status: Literal["ready"] = "ready"
    profiles: int
    vectors: int
    index: str = Field(description="`loaded` from disk or `rebuilt` from the store at start-up.")
