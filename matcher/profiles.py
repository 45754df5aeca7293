"""Profiles of the network's stakeholders, one validated schema for every kind.

A profile is what the matcher ranks: an academic expert, a business, a student, a
placement offer, a counselling or collaboration request. Validation errors name the field
so that an import report or an HTTP error can say exactly what to fix.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from matcher.errors import ProfileError


class Kind(StrEnum):
    BUSINESS = "business"
    EXPERT = "expert"
    STUDENT = "student"
    PLACEMENT = "placement"
    REQUEST = "request"


class Mode(StrEnum):
    ON_SITE = "on-site"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


# Kinds that describe a person or an organisation: their name carries no topic, so it is
# left out of the text that is embedded (an expert called "Ana" is not about "Ana").
NAMELESS_KINDS = frozenset({Kind.EXPERT, Kind.STUDENT, Kind.BUSINESS})

MAX_TEXT_CHARS = 20_000
MAX_DOCUMENTS = 200
MAX_LIST_ITEMS = 100

ProfileId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Document = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]


class SkillTag(BaseModel):
    """An ESCO skill attached to a profile, with how sure the tagger was (1 = named exactly)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uri: Annotated[
        str, StringConstraints(pattern=r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]+$")
    ]
    label: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]


class Profile(BaseModel):
    """One stakeholder of the network, or one thing they offer or ask for."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: ProfileId
    kind: Kind
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]
    documents: list[Document] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    skills: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    country: CountryCode | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    centre: ProfileId | None = None
    domains: list[ShortText] = Field(default_factory=list, max_length=20)
    mode: Mode | None = None
    capacity: Annotated[int, Field(ge=0, le=10_000)] | None = None
    capacity_used: Annotated[int, Field(ge=0, le=10_000)] = 0
    start: date | None = None
    end: date | None = None
    owner: ProfileId | None = None
    visible: bool = True
    language: LanguageCode | None = None
    esco_skills: list[SkillTag] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Profile:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end: must not be before start")
        return self

    @property
    def capacity_left(self) -> int | None:
        """Counselling hours or placement slots still free; None when unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.capacity_used, 0)

    def embedded_text(self) -> str:
        """The text that represents the whole profile: `name. text`, or `text` for people."""
        if self.kind in NAMELESS_KINDS or self.text == self.name:
            return self.text
        return f"{self.name}. {self.text}"

    def parts(self) -> list[str]:
        """Every text the matcher embeds for this profile: the profile text, then each document."""
        return [self.embedded_text(), *self.documents]

    def content_hash(self) -> str:
        """A digest of everything that changes how the profile is matched."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parse_profile(data: dict[str, Any]) -> Profile:
    """Validate a raw mapping into a Profile, or raise ProfileError naming the first bad field."""
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "profile"
        message = first["msg"]
        if message.startswith("Value error, ") and ": " in message:
            field, message = message.removeprefix("Value error, ").split(": ", 1)
        raise ProfileError(field, message) from None


def profiles_checksum(profiles: Iterable[Profile]) -> str:
    """A digest of which profiles exist and what they say; an index must agree with it."""
    digest = hashlib.sha256()
    for profile_id, content in sorted((p.id, p.content_hash()) for p in profiles):
        digest.update(f"{profile_id}\t{content}\n".encode())
    return digest.hexdigest()
