"""`/docs` renders every operation in headless Chromium with the outside network blocked:
Swagger UI's files ship with the service, nothing is fetched from a CDN."""

from __future__ import annotations

from typing import Any

import httpx

from service.config import Settings
from tests.browser import offline_page
from tests.web_fixtures import browser, live_server, screenshot

__all__ = ["browser"]

METHODS = {"get", "put", "post", "delete", "patch"}


def test_docs_render_their_operations_offline(browser: Any, settings: Settings) -> None:
    with live_server(settings) as url, offline_page(browser, base_url=url) as offline:
        schema = httpx.get(f"{url}/openapi.json").json()
        operations = [
            op["operationId"]
            for path in schema["paths"].values()
            for method, op in path.items()
            if method in METHODS
        ]
        page = offline.page
        page.goto("/docs")
        blocks = page.locator(".opblock")
        blocks.first.wait_for(timeout=30_000)
        assert blocks.count() == len(operations)
        assert page.locator(".opblock-summary-path", has_text="/ready").count() == 1
        assert "SMART Match" in page.locator(".info .title").inner_text()
        screenshot(page, "api-docs")
        page.locator(".opblock-summary", has_text="/ready").first.click()
        page.locator(".opblock-body").first.wait_for()
        assert offline.blocked == [], f"/docs tried to reach outside: {offline.blocked}"
        assert offline.errors == []
