"""Pages in Chromium with the outside network cut off: every request to a host other than
this machine is aborted and recorded, so a test can assert the page needed none.

Use with the `browser` fixture of tests/web_fixtures.py (Debian's Chromium through
Playwright, launched with its background networking switched off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class OfflinePage:
    """A page, the outside requests it attempted (all blocked) and its script errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def offline_page(browser: Any, **context_options: Any) -> Iterator[OfflinePage]:
    """A fresh browser context whose only network is 127.0.0.1 (and localhost)."""
    context = browser.new_context(**context_options)
    opened = OfflinePage(context.new_page())

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    opened.page.on("pageerror", lambda error: opened.errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()
