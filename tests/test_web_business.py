"""The business journey in real Chromium with the real default model (slow).

An olive-oil producer in Vlorë describes its need in Albanian; the English food-safety
expert (exp-001 of the demo network) must come first with its explanation visible, the
filters must stay in the URL, and a contact request must reach the expert's centre.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from service.api.auth import SESSION_COOKIE
from service.config import Settings
from tests.api_helpers import admin_bearer
from tests.conftest import DEMO_PROFILES, settings_in
from tests.web_fixtures import PHONE, browser, live_server, screenshot, serious_violations

__all__ = ["browser"]
AUTH: dict[str, str] = {}  # an admin's bearer header, set by the server fixture
pytestmark = pytest.mark.slow

ALBANIAN_NEED = (
    "Jemi një prodhues i vogël i vajit të ullirit në Vlorë. Kërkojmë një ekspert në sigurinë "
    "ushqimore për planin HACCP, certifikimin ISO 22000 dhe analizat e aciditetit."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Experts and requests of the demo network, encoded by the default ensemble."""
    folder = tmp_path_factory.mktemp("web-business")
    settings = settings_in(folder, model=Settings.model_fields["model"].default)
    lines = [
        line
        for line in DEMO_PROFILES.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["kind"] in ("expert", "request")
    ]
    with live_server(settings) as url:
        AUTH.update(admin_bearer(settings))
        response = httpx.post(
            f"{url}/import",
            content="\n".join(lines).encode(),
            headers={"content-type": "application/x-ndjson", **AUTH},
            timeout=900,
        )
        assert response.status_code == 200 and not response.json()["errors"]
        yield url


def log_in(context: Any, server: str) -> None:
    """The admin's session cookie, as the log-in page would set it."""
    token = AUTH["Authorization"].split()[1]
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": server}])


def test_albanian_need_finds_the_english_expert_first(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="sq-AL", base_url=server)
    log_in(context, server)
    page = context.new_page()
    page.goto("/business")
    assert page.locator("html").get_attribute("lang") == "sq"  # from Accept-Language
    page.get_by_label("Përshkruani çfarë ju nevojitet").fill(ALBANIAN_NEED)
    page.get_by_label("Shteti").select_option("AL")
    page.get_by_role("button", name="Gjeni ekspertë").click()
    first = page.locator(".matches > li").first
    first.wait_for()
    assert first.locator("h3").inner_text().endswith("Dr. Elira Marku")
    assert first.locator("mark").is_visible()  # the best-matching sentence, highlighted
    assert first.locator(".band").inner_text() == "përputhje e fortë"
    query = parse_qs(urlsplit(page.url).query)
    assert query["country"] == ["AL"] and query["text"] == [ALBANIAN_NEED]
    screenshot(page, "business-experts", top=".results")
    assert serious_violations(page) == []

    page.reload()  # the filters live in the URL
    assert page.get_by_label("Shteti").input_value() == "AL"
    first.get_by_role("button").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kontakti u kërkua"
    href = page.locator("main a[href^='/profiles/request/']").get_attribute("href")
    stored = httpx.get(f"{server}/requests/{href.rsplit('/', 1)[-1]}", headers=AUTH).json()
    assert stored["centre"] == "centre-durres" and stored["text"] == ALBANIAN_NEED
    context.close()


def test_saved_request_lists_its_expert_first(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-GB", base_url=server)
    log_in(context, server)
    page = context.new_page()
    page.goto("/business")
    page.get_by_label("…or pick one of your saved requests").select_option("req-003")
    page.get_by_role("button", name="Find experts").click()
    first = page.locator(".matches > li").first
    first.wait_for()
    assert "request=req-003" in page.url
    assert first.locator("h3 a").get_attribute("href") == "/profiles/expert/exp-003"
    context.close()
