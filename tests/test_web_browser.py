"""The student and staff journeys, the language switch and accessibility, in real Chromium.

The hashing encoder keeps these fast (the business journey with the real model is in
test_web_business.py). ESCO tagging is on, so placements carry ESCO skills and the skill
gap has something to show. Every page is checked with axe-core (no serious or critical
violations) at a phone's width of 375 px, where no page may scroll sideways.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.accounts import Role, create_account
from service.api.auth import SESSION_COOKIE
from service.config import Settings
from service.db import make_engine, session_factory, transaction
from tests.api_helpers import PASSWORD, admin_bearer
from tests.browser import offline_page
from tests.conftest import DEMO_PROFILES, settings_in
from tests.web_fixtures import PHONE, browser, live_server, screenshot, serious_violations

__all__ = ["browser"]
AUTH: dict[str, str] = {}  # the admin's bearer header, set by the server fixture
STORE: dict[str, Settings] = {}

BAD_AND_GOOD_CSV = (
    "id,kind,name,text,country,centre,skills\n"
    "req-web-1,request,Cheese dairy traceability,We need lot traceability for our cheese dairy.,AL,centre-durres,food safety standards\n"
    "stu-web-1,student,Blerta K.,Food technology student looking for a quality lab placement.,Albania,centre-durres,HACCP\n"
    "stu-web-2,student,Dritan M.,Agronomy student who wants to work on olive groves.,AL,centre-durres,agronomy\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("web")
    settings = settings_in(folder, esco_tagging=True)
    with live_server(settings) as url:
        demo = DEMO_PROFILES.read_bytes()
        AUTH.update(admin_bearer(settings))
        STORE["settings"] = settings
        response = httpx.post(
            f"{url}/import",
            content=demo,
            headers={"content-type": "application/x-ndjson", **AUTH},
            timeout=600,
        )
        assert response.status_code == 200 and not response.json()["errors"]
        yield url


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A phone-sized page cut off from the outside network: it must need nothing from it."""
    with offline_page(browser, viewport=PHONE, locale="en-GB", base_url=server) as offline:
        log_in(offline.page.context, server)
        yield offline.page
        assert offline.blocked == [], f"the page tried to reach outside: {offline.blocked}"
        assert offline.errors == []


def log_in(context: Any, server: str, token: str | None = None) -> None:
    """Give the browser the session cookie of an admin (or of `token`'s account)."""
    value = token or AUTH["Authorization"].split()[1]
    context.add_cookies([{"name": SESSION_COOKIE, "value": value, "url": server}])


def check_page(page: Any) -> None:
    """No serious accessibility violation, and nothing wider than the phone's screen."""
    assert serious_violations(page) == [], page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_student_journey_profile_to_placements_with_skill_gap(page: Any) -> None:
    page.goto("/student")
    check_page(page)
    page.get_by_label("Field of study").fill("Computer science")
    page.get_by_label("What you would like to do").fill(
        "A junior frontend web developer internship"
    )
    page.get_by_label("Skill 1").press_sequentially("JavaScr", delay=30)
    suggestion = page.locator("#esco-skills option[value='JavaScript']")
    suggestion.wait_for(state="attached")  # htmx filled the datalist as the student typed
    page.get_by_label("Skill 1").fill("JavaScript")
    page.get_by_label("Skill 2").fill("React")
    page.get_by_role("button", name="Find placements").click()
    results = page.locator(".matches > li")
    results.first.wait_for()
    assert "skill=JavaScript" in page.url and "skill=React" in page.url
    first = results.first
    assert first.locator("mark").is_visible()
    gap = first.locator(".gap")
    assert "Skill gap" in gap.inner_text()
    links = gap.locator("a[href^='http://data.europa.eu/esco/skill/']")
    assert links.count() >= 1, gap.inner_html()
    labels = [label.casefold() for label in links.all_inner_texts()]
    assert "javascript" not in labels  # the student has it: not part of the gap
    screenshot(page, "student-placements", top=".results")
    check_page(page)


def test_forms_work_with_javascript_off(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, base_url=server)
    log_in(context, server)
    page = context.new_page()
    page.goto("/student")
    page.get_by_label("Field of study").fill("Food technology")
    page.get_by_label("Skill 1").fill("HACCP")
    page.get_by_role("button", name="Find placements").click()
    assert page.locator(".matches > li").count() >= 1
    page.goto("/business")
    page.get_by_label("…or pick one of your saved requests").select_option("req-001")
    page.get_by_role("button", name="Find experts").click()
    assert page.locator(".matches > li").count() >= 1
    context.close()


def test_student_form_errors_show_next_to_the_field(page: Any) -> None:
    page.goto("/student?field_of_study=x&start=2027-05-01&end=2027-01-01")
    study, end = page.get_by_label("Field of study"), page.get_by_label("Available until")
    assert study.get_attribute("aria-invalid") == "true"
    assert end.get_attribute("aria-invalid") == "true"
    assert "end date must not be before" in page.locator("#end-error").inner_text()
    assert page.locator("#field_of_study-error").is_visible()
    assert page.locator(".matches").count() == 0
    check_page(page)


def test_staff_journey_import_with_a_bad_row_then_dashboard(page: Any, tmp_path: Path) -> None:
    upload = tmp_path / "profiles.csv"
    upload.write_text(BAD_AND_GOOD_CSV, encoding="utf-8")
    page.goto("/centre/import")
    check_page(page)
    page.get_by_role("button", name="Import").click()  # nothing chosen: an error by the field
    assert page.locator("#file-error").is_visible()
    assert page.get_by_label("File (.csv or .jsonl)").get_attribute("aria-invalid") == "true"
    page.get_by_label("File (.csv or .jsonl)").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    report = page.locator(".report")
    report.wait_for()
    assert "2 profiles imported" in report.inner_text()
    rows = report.locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_inner_texts()[:2] == ["3", "country"]
    screenshot(page, "staff-import-report", top=".report")
    check_page(page)

    page.goto("/centre?centre=centre-durres")
    assert page.locator("#item-req-web-1").is_visible()
    assert page.locator("#item-stu-web-2").is_visible()
    assert page.locator("#item-stu-web-1").count() == 0  # the bad row stored nothing
    assert page.locator("#item-req-web-1 .suggestions li a").count() == 3
    screenshot(page, "staff-dashboard")
    check_page(page)


def test_staff_review_a_round_approve_and_reject(page: Any, server: str) -> None:
    page.goto("/centre/review?centre=centre-tirana")
    check_page(page)
    page.get_by_role("button", name="Run a suggestion round").click()
    proposals = page.locator("li[id^='pair-']")
    proposals.first.wait_for()
    before = proposals.count()
    approved_id = proposals.first.get_attribute("id").removeprefix("pair-")
    proposals.first.get_by_role("button", name="Approve").click()
    assert page.locator(f"#pair-{approved_id}").count() == 0
    assert proposals.count() == before - 1
    check_page(page)
    rejected_id = proposals.first.get_attribute("id").removeprefix("pair-")
    proposals.first.get_by_role("button", name="Reject").click()
    assert proposals.count() == before - 2
    status = {
        pair: httpx.get(f"{server}/workflow/pairs/{pair}", headers=AUTH).json()["status"]
        for pair in (approved_id, rejected_id)
    }
    assert status == {approved_id: "approved", rejected_id: "rejected"}
    screenshot(page, "staff-review")

    pair = httpx.get(f"{server}/workflow/pairs/{approved_id}", headers=AUTH).json()
    for side in ("source_id", "target_id"):  # each side accepts; then both see the contact
        page.goto(f"/suggestions/{pair[side]}")
        card = page.locator(f"#pair-{approved_id}")
        assert card.locator(".contact-details").count() == 0
        card.get_by_role("button", name="Accept").click()
    assert page.locator(f"#pair-{approved_id} .contact-details").is_visible()
    check_page(page)


def test_every_page_is_accessible_and_keyboard_usable(page: Any) -> None:
    for path in (
        "/",
        "/business",
        "/business?text=HACCP+plan+for+olive+oil&country=AL",
        "/student?profile=stu-001",
        "/centre",
        "/centre/review",
        "/suggestions/req-001",
        "/profiles/expert/exp-001",
        "/profiles/request/req-001",
        "/profiles/expert/nobody",
    ):
        page.goto(path)
        check_page(page)
    page.goto("/business")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_label("Describe what you need").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_request_contact_saves_the_need_at_the_experts_centre(page: Any, server: str) -> None:
    page.goto("/business?text=HACCP+plan+for+olive+oil&country=AL")
    assert page.get_by_label("Country").input_value() == "AL"  # the filter kept from the URL
    page.locator(".matches > li").first.get_by_role("button").click()
    assert page.get_by_role("heading", name="Contact requested").is_visible()
    check_page(page)
    saved = page.locator("main a[href^='/profiles/request/']").get_attribute("href")
    stored = httpx.get(f"{server}/requests/{saved.rsplit('/', 1)[-1]}", headers=AUTH).json()
    assert stored["text"] == "HACCP plan for olive oil" and stored["centre"]


def test_language_switch_is_remembered(page: Any) -> None:
    page.goto("/student")
    page.get_by_role("link", name="Shqip").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gjeni një praktikë"
    assert page.url.endswith("/student")
    page.goto("/centre")
    assert page.locator("html").get_attribute("lang") == "sq"
    assert page.get_by_role("heading", level=1).inner_text() == "Paneli i qendrës"
    check_page(page)
    page.get_by_role("link", name="BCMS (bos/hrv/srp/cnr)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pregled centra"
    screenshot(page, "staff-dashboard-bcms")
    json.dumps(page.context.cookies())  # the cookie is plain data


def new_account(role: Role, centre: str | None = None) -> str:
    """An account in the server's store; returns its e-mail (password PASSWORD)."""
    engine = make_engine(STORE["settings"].database_url)
    try:
        with transaction(session_factory(engine)) as session:
            email = f"{role.value}-web@test.example"
            create_account(session, email=email, password=PASSWORD, role=role, centre=centre)
    finally:
        engine.dispose()
    return email


def test_log_in_page_and_each_role_on_its_own_pages(browser: Any, server: str) -> None:
    with offline_page(browser, viewport=PHONE, base_url=server) as offline:
        page = offline.page
        page.goto("/centre")  # anonymous: to the log-in page, and back after it
        assert "/login?next=" in page.url
        check_page(page)
        email = new_account(Role.STAFF, centre="centre-kotor")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill("not it at all")
        page.get_by_role("button", name="Log in").click()
        assert page.locator("#password-error").is_visible()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        assert page.url.endswith("/centre")
        assert page.get_by_label("Centre").input_value() == "centre-kotor"  # staff: own centre
        page.goto("/centre?centre=centre-durres")
        assert page.get_by_label("Centre").input_value() == "centre-kotor"
        page.get_by_role("button", name="Log out").click()
        page.goto("/student")
        assert "/login" in page.url

        student = new_account(Role.STUDENT)
        page.goto("/login?next=/centre")
        page.get_by_label("E-mail").fill(student)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Not for your role"
        page.goto("/student")
        assert page.get_by_role("heading", level=1).inner_text() == "Find a placement"
        page.goto("/business")
        assert page.get_by_role("heading", level=1).inner_text() == "Not for your role"
