"""The pages' language: chosen from Accept-Language, switched by a link, kept in a cookie.

UI text lives in gettext catalogues (service/web/locale/<code>/LC_MESSAGES/messages.po,
compiled to .mo and committed, so an editable install and a wheel read the same files).
`sq` is Albanian; `bs` covers Bosnian, Croatian, Serbian and Montenegrin in Latin script,
which a browser may ask for as bs, hr, sr or cnr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
LANGUAGES = {"en": "English", "sq": "Shqip", "bs": "BCMS (bos/hrv/srp/cnr)"}
COOKIE = "smartmatch_lang"
# Browser language tags that read the `bs` catalogue: one Latin-script BCMS text serves all.
ALIASES = {"en": "en", "sq": "sq", "bs": "bs", "hr": "bs", "sr": "bs", "cnr": "bs", "me": "bs"}

_current: ContextVar[NullTranslations] = ContextVar("smartmatch_translations")


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of a UI language (English is the templates' own text)."""
    if locale == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def negotiate(accept_language: str | None) -> str:
    """The best UI language for an Accept-Language header (RFC 9110 q-values), else English."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ALIASES and quality > 0:
            ranked.append((-quality, position, ALIASES[primary]))
    return min(ranked)[2] if ranked else DEFAULT


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if it names one we have, else the browser's."""
    return cookie if cookie in LANGUAGES else negotiate(accept_language)


@contextmanager
def using(locale: str) -> Iterator[None]:
    """Make `gettext` in templates and in `_()` translate into `locale` for this render."""
    token = _current.set(translations(locale))
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """Translate `message` into the language of the page being rendered."""
    return _current.get(NullTranslations()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.get(NullTranslations()).ngettext(singular, plural, count)
