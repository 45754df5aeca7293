"""What gets embedded: the parts of a profile and the parts of a query.

A profile is its text (part 0), each document (parts 1..n) and, for kinds whose name says
what they are about (a placement, a request), its name alone (NAME_PART).
A query is its whole text plus, when it lists skills or has several sentences, each of
those: a profile must match the whole need and each piece of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from matcher.profiles import MAX_DOCUMENTS, NAMELESS_KINDS, Profile

if TYPE_CHECKING:
    from matcher.queries import Query
    from matcher.ranking import RankingConfig

PARTS_PER_PROFILE = 1024
NAME_PART = PARTS_PER_PROFILE - 1
assert MAX_DOCUMENTS < NAME_PART

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_SENTENCE_CHARS = 20
MAX_QUERY_PARTS = 16


def profile_parts(profile: Profile, config: RankingConfig) -> list[tuple[int, str]]:
    """(part number, text) of every vector the profile gets."""
    parts = [(0, profile.embedded_text())]
    if config.use_documents:
        parts += [(no, text) for no, text in enumerate(profile.documents, 1)]
    if config.name_weight > 0 and profile.kind not in NAMELESS_KINDS:
        parts.append((NAME_PART, profile.name))
    return parts


def lexical_text(profile: Profile, config: RankingConfig) -> str:
    documents = profile.documents if config.use_documents else []
    return " ".join([profile.embedded_text(), *documents])


def query_parts(query: Query) -> list[str]:
    """The pieces of a need: its skills, else its sentences when it has two or more."""
    if query.skills:
        return query.skills[:MAX_QUERY_PARTS]
    sentences = [s.strip() for s in _SENTENCE_END.split(query.text)]
    long_enough = [s for s in sentences if len(s) >= MIN_SENTENCE_CHARS]
    return long_enough[:MAX_QUERY_PARTS] if len(long_enough) >= 2 else []
