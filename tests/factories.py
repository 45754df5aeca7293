"""Factories for test data, instead of copy-pasted dictionaries."""

from __future__ import annotations

import itertools
from typing import Any

from matcher import Profile

_ids = itertools.count(1)


def make_profile(**fields: Any) -> Profile:
    """A valid expert unless told otherwise; every call gets a fresh id."""
    data: dict[str, Any] = {
        "id": f"p-{next(_ids)}",
        "kind": "expert",
        "name": "Someone",
        "text": "General consulting.",
    }
    data.update(fields)
    return Profile.model_validate(data)
