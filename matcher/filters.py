"""Hard filters, applied to candidate profiles before anything is ranked.

Ranking first and filtering afterwards can return nothing when the top-k is cut before the
filter; here the filter decides which profiles may be scored at all.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from matcher.profiles import CountryCode, LanguageCode, Mode, Profile, ShortText


def _filter_list() -> Any:
    return Field(default_factory=list, max_length=50)


class MatchFilters(BaseModel):
    """Every field narrows the candidates; an empty field does not filter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: list[CountryCode] = _filter_list()
    languages: list[LanguageCode] = _filter_list()
    modes: list[Mode] = _filter_list()
    centres: list[ShortText] = _filter_list()
    domains: list[ShortText] = _filter_list()
    available_from: date | None = None
    available_until: date | None = None
    min_capacity_left: Annotated[int, Field(ge=0, le=10_000)] | None = None

    def admits(self, profile: Profile) -> bool:
        """True when the profile passes every filter that is set."""
        return (
            _in(profile.country, self.countries)
            and _overlaps(profile.languages, self.languages)
            and _mode_fits(profile.mode, self.modes)
            and _in(profile.centre, self.centres)
            and _overlaps(profile.domains, self.domains)
            and _dates_overlap(profile, self.available_from, self.available_until)
            and _capacity_fits(profile, self.min_capacity_left)
        )

    def is_empty(self) -> bool:
        return self == MatchFilters()


def _in(value: str | None, allowed: list[str]) -> bool:
    return not allowed or value in allowed


def _overlaps(values: list[str], allowed: list[str]) -> bool:
    return not allowed or bool(set(values) & set(allowed))


def _mode_fits(mode: Mode | None, allowed: list[Mode]) -> bool:
    """A hybrid offer suits someone who asks for on-site or for virtual work."""
    if not allowed:
        return True
    return mode is not None and (mode in allowed or mode is Mode.HYBRID)


def _dates_overlap(profile: Profile, start: date | None, end: date | None) -> bool:
    """Open-ended dates overlap everything on their open side."""
    if start and profile.end and profile.end < start:
        return False
    return not (end and profile.start and profile.start > end)


def _capacity_fits(profile: Profile, minimum: int | None) -> bool:
    left = profile.capacity_left
    return minimum is None or left is None or left >= minimum
