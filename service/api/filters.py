"""The match filters as the API reads them, declared once in `FilterFields`.

The fields are `matcher.MatchFilters`' own (a test keeps the two in step). One scheme names
them everywhere: a JSON body spells each list filter in the plural, as `MatchFilters` does
(`"filters": {"countries": ["AL", "ME"]}`); a query string spells it in the singular and
repeats it (`?country=AL&country=ME`), and so does the command line (`--country AL
--country ME`). `query_name` turns one spelling into the other.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from matcher import MatchFilters, Mode
from matcher.profiles import CountryCode, LanguageCode, ProfileId
from service.api.fields import INPUT, IsoDate, ShortText, integer_text, json_integer

# A list filter's name in a query string or on the command line: one value per repetition.
SINGULAR = {
    "countries": "country",
    "languages": "language",
    "modes": "mode",
    "centres": "centre",
    "domains": "domain",
}
MAX_VALUES = 50


def query_name(field: str) -> str:
    """`countries` → `country`; fields that take one value keep their name."""
    return SINGULAR.get(field, field)


def _values() -> Any:
    return Field(default_factory=list, max_length=MAX_VALUES)


class FilterFields(BaseModel):
    """Every field narrows the candidates; an empty field does not filter."""

    model_config = INPUT

    countries: list[CountryCode] = _values()
    languages: list[LanguageCode] = _values()
    modes: list[Mode] = _values()
    centres: list[ProfileId] = _values()
    domains: list[ShortText] = _values()
    available_from: IsoDate | None = None
    available_until: IsoDate | None = None
    min_capacity_left: Annotated[int, Field(ge=0, le=10_000)] | None = None

    def to_filters(self) -> MatchFilters:
        """The matcher's filters (the fields are the same; `k` and the like are left out)."""
        return MatchFilters.model_validate(self.model_dump(include=set(MatchFilters.model_fields)))


class MatchFiltersIn(FilterFields):
    """The hard filters of a free-text match (JSON body); an empty field does not filter."""

    @field_validator("min_capacity_left", mode="before")
    @classmethod
    def _json_integer(cls, value: object) -> object:
        return None if value is None else json_integer(value)


class MatchParams(FilterFields):
    """How many matches and which filters, as query parameters (list ones are repeatable)."""

    model_config = ConfigDict(extra="forbid", alias_generator=query_name)

    k: Annotated[
        int,
        Field(ge=1, le=100, description="How many matches to return."),
        BeforeValidator(integer_text),
    ] = 10

    @field_validator("min_capacity_left", mode="before")
    @classmethod
    def _integer_text(cls, value: object) -> object:
        return integer_text(value)
