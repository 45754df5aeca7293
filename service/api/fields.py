"""The API's field types: strings, amounts and dates exactly as its OpenAPI schema says.

Limits come from `matcher.Profile`'s own JSON schema, so the API can never accept what the
matcher would refuse. Integers and booleans are strict (no `"5"` for 5) and dates must be
`YYYY-MM-DD` strings.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from matcher import Kind, Profile

_PROFILE_SCHEMA: dict[str, Any] = Profile.model_json_schema()["properties"]


def limit(field: str, key: str, *, of_items: bool = False) -> int:
    """A limit (maxLength, maxItems) read from the Profile schema, never restated here."""
    schema = _PROFILE_SCHEMA[field]
    if of_items:
        schema = schema["items"]
    return int(schema[key])


def iso_date(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date in YYYY-MM-DD form")
    if not isinstance(value, str | date):
        raise ValueError("must be a date in YYYY-MM-DD form")
    return value


def json_integer(value: object) -> object:
    """A JSON integer: 5 or 5.0, never "5" or true (JSON Schema's reading of `integer`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


def integer_text(value: object) -> object:
    """A query parameter's integer: digits only, never "0.0" or "1e3"."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value):
        raise ValueError("must be an integer")
    return value


IsoDate = Annotated[date, BeforeValidator(iso_date)]
# Strings need one character that Profile's whitespace stripping keeps: one outside Unicode's
# White_Space, spelled out because `\s` differs between JSON Schema (ECMA), Python and Rust.
VISIBLE = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=limit("name", "maxLength"), pattern=VISIBLE)
]
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=limit("text", "maxLength"), pattern=VISIBLE)
]
DocumentText = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=limit("documents", "maxLength", of_items=True), pattern=VISIBLE
    ),
]
ShortText = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=limit("skills", "maxLength", of_items=True), pattern=VISIBLE
    ),
]
# Constraints stand before the validator, or they leak into the JSON schema as `ge`/`le`.
Amount = Annotated[
    int, Field(ge=0, le=limit("capacity_used", "maximum")), BeforeValidator(json_integer)
]
MatchCount = Annotated[int, Field(ge=1, le=100), BeforeValidator(json_integer)]
NetworkKind = Literal[Kind.BUSINESS, Kind.EXPERT, Kind.STUDENT, Kind.PLACEMENT, Kind.REQUEST]
INPUT = ConfigDict(extra="forbid")
