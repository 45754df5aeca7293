"""Which language a profile is written in, detected with lingua (accurate on short texts).

Detection is limited to the region's languages and its neighbours, which keeps it fast
and avoids exotic guesses. Bosnian, Croatian, Serbian and Montenegrin are one
pluricentric language; lingua tells bs / hr / sr apart only roughly, so treat those
codes as one family when it matters.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from matcher.profiles import Profile

REGION_LANGUAGES = (
    Language.ALBANIAN,
    Language.BOSNIAN,
    Language.CROATIAN,
    Language.SERBIAN,
    Language.ENGLISH,
    Language.GERMAN,
    Language.ITALIAN,
    Language.FRENCH,
    Language.MACEDONIAN,
    Language.SLOVENE,
    Language.TURKISH,
    Language.GREEK,
)
MIN_CONFIDENCE = 0.35
BCMS = frozenset({"bs", "hr", "sr"})


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """Built once per process with every model loaded (~1 s): lingua otherwise loads a
    language's model the first time a text might be in it, inside some unlucky match."""
    languages = LanguageDetectorBuilder.from_languages(*REGION_LANGUAGES)
    return languages.with_preloaded_language_models().build()


def warm_up_language_detection() -> None:
    """Load the detector now (start-up), so that no request pays for it."""
    _detector()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when too unsure to say."""
    if len(text.strip()) < 3:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return str(values[0].language.iso_code_639_1.name.lower())


def language_group(profile: Profile) -> str:
    """The profile's text language, with Bosnian/Croatian/Serbian as one group."""
    language = profile.language or (profile.languages[0] if profile.languages else "")
    return "bcms" if language in BCMS else language
