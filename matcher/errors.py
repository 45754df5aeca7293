"""One exception family for the matching core; the service maps each to an HTTP status.

MatcherError
├── ProfileError          a profile or query is invalid (names the field)
├── UnknownProfileError   an id that the matcher does not hold
├── DuplicateProfileError an id that the matcher already holds
├── IndexMismatchError    a saved index was built with another model or is damaged
└── BenchmarkError        a benchmark folder does not follow the shared format
"""

from __future__ import annotations


class MatcherError(Exception):
    """Base class of every error the matching core raises on purpose."""


class ProfileError(MatcherError, ValueError):
    """A profile or query is invalid; `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnknownProfileError(MatcherError, KeyError):
    """The id is not in the matcher."""

    def __init__(self, profile_id: str) -> None:
        super().__init__(profile_id)
        self.profile_id = profile_id

    def __str__(self) -> str:
        return f"unknown profile id {self.profile_id!r}"


class DuplicateProfileError(MatcherError):
    """The id is already taken."""

    def __init__(self, profile_id: str) -> None:
        super().__init__(f"profile id {profile_id!r} already exists")
        self.profile_id = profile_id


class IndexMismatchError(MatcherError):
    """A saved index cannot be trusted: another model, dimension, or a damaged file."""


class BenchmarkError(MatcherError):
    """A benchmark folder is missing a file or holds a malformed line."""
