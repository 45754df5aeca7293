"""Hard filters, applied to candidate profiles before anything is ranked.

Ranking first and filtering afterwards can return nothing when the top-k is cut before the
filter; here the filter decides which profiles may be scored at all. A filter is a
vectorised mask over the catalogue's columns (matcher/catalogue.py), so filtering a kind
of 100,000 profiles costs a few array operations; each field is defined once, in `mask`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Protocol

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from matcher.profiles import CountryCode, LanguageCode, Mode, Profile, ShortText

Mask = NDArray[np.bool_]


class FilterColumns(Protocol):
    """What a filter reads: the catalogue's columns of one kind (matcher/catalogue.py)."""

    def __len__(self) -> int: ...

    def is_in(self, field: str, values: Sequence[str]) -> Mask:
        """Rows whose single-valued field is one of the values (never a missing one)."""
        ...

    def has_any(self, field: str, values: Sequence[str]) -> Mask:
        """Rows whose many-valued field shares at least one of the values."""
        ...

    def day(self, field: str) -> NDArray[np.int64]:
        """`start` or `end` as day numbers; a missing date is open (far past / far future)."""
        ...

    def capacity_left(self) -> NDArray[np.int64]:
        """Places left; unlimited capacity is a very large number."""
        ...


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

    def mask(self, columns: FilterColumns) -> Mask:
        """True for every row that passes each filter that is set."""
        passes = np.ones(len(columns), dtype=np.bool_)
        if self.countries:
            passes &= columns.is_in("country", self.countries)
        if self.languages:
            passes &= columns.has_any("languages", self.languages)
        if self.modes:  # a hybrid offer suits someone who asks for on-site or virtual work
            passes &= columns.is_in("mode", [*self.modes, Mode.HYBRID])
        if self.centres:
            passes &= columns.is_in("centre", self.centres)
        if self.domains:
            passes &= columns.has_any("domains", self.domains)
        if self.available_from:  # open-ended dates overlap everything on their open side
            passes &= columns.day("end") >= self.available_from.toordinal()
        if self.available_until:
            passes &= columns.day("start") <= self.available_until.toordinal()
        if self.min_capacity_left is not None:
            passes &= columns.capacity_left() >= self.min_capacity_left
        return passes

    def admits(self, profile: Profile) -> bool:
        """True when the profile passes every filter (the mask of a one-profile catalogue)."""
        from matcher.catalogue import FilterTable

        table = FilterTable()
        table.append([profile])
        return bool(self.mask(table)[0])

    def is_empty(self) -> bool:
        return self == MatchFilters()
