"""Why a profile was matched: the score parts, its best-matching passage, shared skills.

An explanation is built only for the k profiles returned, from what ranking already
computed, so explaining costs no extra model call.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matcher.profiles import Profile
from matcher.stopwords import REGION_STOP_WORDS

if TYPE_CHECKING:
    from matcher.queries import Query

_SENTENCE_END = re.compile(r"(?<=[.!?;|])\s+")
_WORD = re.compile(r"\w\w+", re.UNICODE)
SNIPPET_CHARS = 300


class Explanation(BaseModel):
    """The parts of a match's score and the evidence behind it."""

    model_config = ConfigDict(frozen=True)

    score: float
    dense: float | None
    lexical: float | None
    best_part: str
    snippet: str
    shared_skills: list[str]
    shared_esco_skills: list[str]
    missing_skills: list[str]
    shared_terms: list[str]


def words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def part_label(part_no: int) -> str:
    """`text` for the profile's own text, `document N` (1-based) for its documents."""
    return "text" if part_no == 0 else f"document {part_no}"


def best_sentence(passage: str, query_words: set[str]) -> str:
    """The sentence of the passage that shares most words with the query (first on ties)."""
    sentences = [s for s in _SENTENCE_END.split(passage) if s.strip()] or [passage]
    best = max(sentences, key=lambda sentence: len(words(sentence) & query_words))
    return best if len(best) <= SNIPPET_CHARS else best[: SNIPPET_CHARS - 1] + "…"


def shared_skills(query_skills: list[str], query_text: str, profile: Profile) -> list[str]:
    """The profile's skills that the query names, as a skill or in its text."""
    wanted = {skill.casefold() for skill in query_skills}
    text = query_text.casefold()
    return [
        skill for skill in profile.skills if skill.casefold() in wanted or skill.casefold() in text
    ]


def esco_overlap(query: Query, profile: Profile) -> tuple[list[str], list[str]]:
    """ESCO skills both sides have, and the profile's ones the query lacks (the skill gap)."""
    asked = {tag.uri for tag in query.esco_skills}
    shared = [tag.label for tag in profile.esco_skills if tag.uri in asked]
    missing = [tag.label for tag in profile.esco_skills if tag.uri not in asked]
    return shared, missing


def explain(
    *,
    profile: Profile,
    part_no: int,
    query: Query,
    score: float,
    dense: float | None,
    lexical: float | None,
) -> Explanation:
    query_words = words(query.text) | words(" ".join(query.skills))
    passage = profile.parts()[part_no]
    profile_words = words(" ".join(profile.parts()))
    shared_esco, missing = esco_overlap(query, profile)
    return Explanation(
        score=round(score, 6),
        dense=None if dense is None else round(dense, 6),
        lexical=None if lexical is None else round(lexical, 6),
        best_part=part_label(part_no),
        snippet=best_sentence(passage, query_words),
        shared_skills=shared_skills(query.skills, query.text, profile),
        shared_esco_skills=shared_esco,
        missing_skills=missing,
        shared_terms=sorted(query_words & profile_words - _STOP_WORDS)[:20],
    )


_STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(REGION_STOP_WORDS)
