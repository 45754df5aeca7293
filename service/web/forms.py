"""The pages' forms: what a business, a student and staff submit, and errors per field.

Each form is a pydantic model, so the rules are declared once; a `ValidationError` becomes
one message per field, in the page's language, shown next to that field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from matcher import MatchFilters, Mode
from matcher.profiles import LanguageCode
from matcher.queries import Query
from service.api.filters import MatchParams
from service.web.i18n import _

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
FILTER_FIELDS = ("country", "language", "mode", "centre", "domain")


class FormError(Exception):
    """A form that did not validate: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def message(error: Any) -> str:
    """A person's message for one pydantic error, in the page's language."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("Please fill in this field.")
    if kind == "string_too_short":
        return _("Please fill in this field.")
    if kind == "string_too_long":
        return _("Too long: at most %(count)s characters.") % {"count": context["max_length"]}
    if kind == "too_long":
        return _("Too many values: at most %(count)s.") % {"count": context["max_length"]}
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("enum", "literal_error", "string_pattern_mismatch"):
        return _("Choose one of the listed values.")
    if kind == "value_error" and "end" in str(context.get("error", "")):
        return _("The end date must not be before the start date.")
    return _("This value is not valid.")


def field_errors(error: ValidationError, *, rename: dict[str, str] | None = None) -> dict[str, str]:
    """The first message for each field named by a validation error."""
    found: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        found.setdefault((rename or {}).get(field, field), message(item))
    return found


def filters_from(values: dict[str, str]) -> MatchFilters:
    """The match filters of a page's query string, read by the API's own `MatchParams`."""
    given = {name: [values[name]] for name in FILTER_FIELDS if values.get(name)}
    try:
        return MatchParams.model_validate(given).to_filters()
    except ValidationError as error:
        raise FormError(field_errors(error)) from error


class NeedForm(BaseModel):
    """A business's need: free text or one of its saved requests, and filters."""

    model_config = ConfigDict(extra="ignore")

    text: LongText = ""
    request: Short = ""


class StudentForm(BaseModel):
    """A student's profile as the placement search reads it."""

    model_config = ConfigDict(extra="ignore")

    field_of_study: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)
    ]
    about: LongText = ""
    skill: list[Short] = Field(default_factory=list, max_length=12)
    language: list[LanguageCode] = Field(default_factory=list, max_length=10)
    mode: Mode | None = None
    start: date | None = None
    end: date | None = None

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if start and end and end < start:
            raise ValueError("end before start")
        return end

    @classmethod
    def read(cls, data: dict[str, Any]) -> StudentForm:
        """Validate the submitted fields (empty ones count as not given)."""
        cleaned = {
            name: [v for v in value if v.strip()] if isinstance(value, list) else value
            for name, value in data.items()
            if value not in ("", None)
        }
        try:
            return cls.model_validate(cleaned)
        except ValidationError as error:
            raise FormError(field_errors(error)) from error

    def query(self) -> Query:
        text = ". ".join(part for part in (self.field_of_study, self.about) if part)
        return Query(text=text, skills=self.skill)

    def filters(self) -> MatchFilters:
        return MatchFilters(
            languages=self.language,
            modes=[self.mode] if self.mode else [],
            available_from=self.start,
            available_until=self.end,
        )
