"""Helpers shared by the API tests."""

from __future__ import annotations

from typing import Any


def match_ids(response: Any) -> list[str]:
    """The ids of a match response, best first; the response must be a 200."""
    assert response.status_code == 200, response.text
    return [found["profile"]["id"] for found in response.json()["matches"]]
