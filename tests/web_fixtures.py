"""Fixtures for the browser tests of the web pages: a live server and Debian's Chromium.

The server is uvicorn in a thread, serving `create_app(settings)` on a free port of
127.0.0.1. Chromium is Debian's (`/usr/bin/chromium`), launched by path through Playwright:
no browser is ever downloaded. Without it the tests skip, except in CI (env CI set),
where a missing browser fails. Swap `browser` for the project-wide fixture once one exists.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from matcher import Encoder
from service.api.app import create_app
from service.config import Settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[1]
# Screenshots go to var/screenshots (ignored by git); WEB_SCREENSHOTS=docs/screenshots
# refreshes the ones the README shows.
SCREENSHOTS = REPO / os.environ.get("WEB_SCREENSHOTS", "var/screenshots")
PHONE = {"width": 375, "height": 812}


def require_chromium() -> None:
    """Skip without a browser locally; in CI a missing browser is a failure."""
    missing = [] if CHROMIUM.is_file() else [str(CHROMIUM)]
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        missing.append(str(error))
    if missing:
        message = f"browser tests need Debian's chromium and playwright: missing {missing}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def live_server(settings: Settings, encoder: Encoder | None = None) -> Iterator[str]:
    """The whole app on a free local port; yields its base URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings, encoder=encoder)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 600  # the real model encodes the network at start-up
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test module."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str, *, top: str | None = None) -> None:
    """Save the viewport (small: no full page) under SCREENSHOTS, `top` scrolled to its top."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if top:
        page.locator(top).first.evaluate("element => element.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
