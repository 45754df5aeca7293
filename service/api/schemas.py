"""The HTTP API's shapes, one model per purpose: XCreate, XUpdate, XPatch, XPublic.

Input models forbid unknown fields; their field types (fields.py) take their limits from
`matcher.Profile`'s own JSON schema, and the match filters are declared once (filters.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import MISSING, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from pydantic.config import JsonDict

from matcher import Explanation, Kind, Mode, Profile
from matcher.profiles import CountryCode, LanguageCode, ProfileId, SkillTag
from service.api import examples
from service.api.fields import (
    INPUT,
    Amount,
    DocumentText,
    IsoDate,
    MatchCount,
    Name,
    NetworkKind,
    ShortText,
    Text,
    integer_text,
    limit,
)
from service.api.filters import MatchFiltersIn


def _list(field: str) -> Any:
    return Field(default_factory=list, max_length=limit(field, "maxItems"))


def _max_items(field: str) -> Any:
    return Field(max_length=limit(field, "maxItems"))


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

    offset: Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(integer_text)] = 0
    limit: Annotated[int, Field(ge=1, le=200), BeforeValidator(integer_text)] = 50
    country: list[CountryCode] = Field(default_factory=list, max_length=50)
    centre: list[ProfileId] = Field(default_factory=list, max_length=50)


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
    indexes: dict[Kind, Literal["exact", "faiss", "ivf"]] = Field(
        description=(
            "The vector index each kind that holds profiles searches: `exact` (NumPy),"
            " `faiss` (exact) or `ivf` (approximate, above `SMARTMATCH_ANN_THRESHOLD` vectors)."
        )
    )
