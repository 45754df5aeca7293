"""ESCO skill suggestions as a student types: labels and alternative labels, prefix first.

The shipped subset (`SMARTMATCH_ESCO_SKILLS`) is read once per file; a lookup is a scan of
~14k short strings, well under a millisecond per keystroke batch.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from matcher.skills import EscoSkill, load_esco_skills

MIN_CHARS = 2


@lru_cache(maxsize=2)
def _skills(path: Path) -> tuple[EscoSkill, ...]:
    return tuple(load_esco_skills(path))


def suggest(path: Path, typed: str, *, limit: int = 8) -> list[EscoSkill]:
    """ESCO skills whose label or an alternative label starts with, then contains, `typed`."""
    wanted = typed.strip().casefold()
    if len(wanted) < MIN_CHARS or not path.is_file():
        return []
    starts: list[EscoSkill] = []
    contains: list[EscoSkill] = []
    for skill in _skills(path):
        names = [skill.label.casefold(), *(alt.casefold() for alt in skill.alt_labels)]
        if any(name.startswith(wanted) for name in names):
            starts.append(skill)
        elif any(wanted in name for name in names):
            contains.append(skill)
        if len(starts) >= limit:
            break
    return [*starts, *contains][:limit]
