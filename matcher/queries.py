"""What the matcher is asked: a need as text and skills, or a stored profile's own need."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matcher.profiles import MAX_TEXT_CHARS, LanguageCode, Profile, SkillTag


class Query(BaseModel):
    """A need to match: free text, and the skills it names if they are known."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    skills: list[str] = Field(default_factory=list, max_length=100)
    esco_skills: list[SkillTag] = Field(default_factory=list, max_length=100)
    language: LanguageCode | None = None  # detected from the text when not given


def query_for(profile: Profile) -> Query:
    """What a profile asks for when it is itself the query: its text and its skills."""
    text = profile.embedded_text()
    if profile.skills:
        text = f"{text} Skills: {'; '.join(profile.skills)}."
    return Query(
        text=text[:MAX_TEXT_CHARS],
        skills=profile.skills,
        esco_skills=profile.esco_skills,
        language=profile.language or (profile.languages[0] if profile.languages else None),
    )
