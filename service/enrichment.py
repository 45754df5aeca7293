"""What SMART Match adds to a profile before storing it: its language and its ESCO skills."""

from __future__ import annotations

from matcher import Profile
from matcher.languages import detect_language
from matcher.skills import SkillTagger


def enrich(profile: Profile, tagger: SkillTagger | None) -> Profile:
    """Detect the text's language (unless given) and tag ESCO skills (when a tagger runs).

    Tags are recomputed on every write, so they always describe the current text.
    """
    if profile.language is None:
        language = detect_language(profile.text)
        if language is not None:
            profile = profile.model_copy(update={"language": language})
    if tagger is not None:
        profile = tagger.tag_profile(profile)
    return profile
