"""The web pages without a browser: every page in each UI language, the catalogues complete,
the language chosen from Accept-Language and remembered, bad input refused by the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.web import i18n
from tests.api_helpers import admin_bearer
from tests.conftest import DEMO_PROFILES, settings_in

WEB = Path(__file__).resolve().parents[1] / "service" / "web"
PAGES = (
    "/",
    "/business",
    "/business?text=HACCP+plan+for+olive+oil",
    "/business?request=req-001&country=AL",
    "/student",
    "/student?profile=stu-001",
    "/student?field_of_study=Computer+science&skill=JavaScript",
    "/centre",
    "/centre/import",
    "/centre/review",
    "/suggestions/req-001",
    "/profiles/expert/exp-001",
    "/profiles/expert/nobody",
)
# Words a template may show untranslated: names and formats.
UNTRANSLATED_WORDS = {"SMART", "Match", "API", "CSV", "JSON", "Lines"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("web")
    settings = settings_in(folder)
    with TestClient(create_app(settings)) as client:
        client.headers.update(admin_bearer(settings))  # for the API calls the tests make
        response = client.post(
            "/import",
            content=DEMO_PROFILES.read_bytes(),
            headers={"content-type": "application/x-ndjson"},
        )
        assert response.status_code == 200
        yield client


def extracted() -> set[str]:
    """Every message the templates and the web modules mark for translation."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB),
        method_map,
        options_map=options,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["sq", "bs"])
def test_every_marked_string_is_translated_and_compiled(locale: str) -> None:
    with (WEB / "locale" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0]): m
        for m in catalogue
        if m.id
        and "fuzzy" not in m.flags
        and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = extracted() - set(translated)
    assert not missing, f"untranslated in {locale}: {sorted(missing)} (pybabel update, see i18n.py)"
    compiled = i18n.translations(locale)
    stale = [
        key
        for key, m in translated.items()
        if isinstance(m.string, str) and compiled.gettext(key) != m.string
    ]
    assert not stale, f"the .mo of {locale} is older than its .po: pybabel compile (see i18n.py)"


def test_templates_hold_no_text_outside_gettext() -> None:
    for template in sorted((WEB / "templates").glob("*.html")):
        source = template.read_text(encoding="utf-8")
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", " ", source, flags=re.S)
        text = re.sub(r"<[^>]*>|&\w+;|\s[\w-]+=\"[^\"]*\"", " ", text)  # tags, attributes
        words = set(re.findall(r"[^\W\d_]{2,}", text)) - UNTRANSLATED_WORDS
        assert not words, f"{template.name} shows text that is not translated: {sorted(words)}"


@pytest.mark.parametrize("locale", ["en", "sq", "bs"])
def test_every_page_renders_in_each_language(client: TestClient, locale: str) -> None:
    heading = {"en": "Find an expert", "sq": "Gjeni një ekspert", "bs": "Pronađite stručnjaka"}
    for path in PAGES:
        response = client.get(path, cookies={i18n.COOKIE: locale})
        assert response.status_code in (200, 404), (path, response.text[:500])
        assert response.headers["content-language"] == locale
        assert f'<html lang="{locale}">' in response.text
        assert heading[locale] in response.text  # the navigation, on every page


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sq-AL,sq;q=0.9,en;q=0.8", "sq"),
        ("hr-HR,hr;q=0.9", "bs"),
        ("sr-Latn-ME", "bs"),
        ("cnr", "bs"),
        ("de-DE,en;q=0.5,bs;q=0.7", "bs"),
        ("fr", "en"),
        ("", "en"),
        ("sq;q=0, en", "en"),
    ],
)
def test_language_from_accept_language(header: str, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_switching_language_sets_a_cookie_and_goes_back(client: TestClient) -> None:
    response = client.get("/language/sq?next=/student%3Fprofile%3Dstu-001", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/student?profile=stu-001"
    assert response.cookies[i18n.COOKIE] == "sq"
    away = client.get("/language/bs?next=https://example.org/", follow_redirects=False)
    assert away.headers["location"] == "/"  # never redirect off the site
    assert client.get("/language/xx").status_code == 404
    client.cookies.clear()


def test_a_bad_upload_is_refused_by_its_field_and_stores_nothing(client: TestClient) -> None:
    before = client.get("/students?limit=1").json()["total"]
    empty = client.post("/centre/import", files={"file": ("none.csv", b"", "text/csv")})
    assert empty.status_code == 422
    assert 'id="file-error"' in empty.text and 'aria-invalid="true"' in empty.text
    bad = b"id,kind,name,text,country\nstu-bad,student,S,Studies things.,Albania\n"
    report = client.post("/centre/import", files={"file": ("bad.csv", bad, "text/csv")})
    assert report.status_code == 200
    assert "<td>2</td><td><code>country</code></td>" in report.text
    assert client.get("/students?limit=1").json()["total"] == before
    assert client.get("/students/stu-bad").status_code == 404


def test_bad_form_input_is_shown_by_its_field(client: TestClient) -> None:
    response = client.get(
        "/student?field_of_study=Biology&start=2027-13-01", cookies={i18n.COOKIE: "sq"}
    )
    assert response.status_code == 422
    assert '<p class="error" id="start-error">Shkruani datën si VVVV-MM-DD.</p>' in response.text
    unknown = client.get("/business?request=req-999")
    assert unknown.status_code == 422 and 'id="request-error"' in unknown.text
    filtered = client.get("/business?text=HACCP&mode=underwater")
    assert filtered.status_code == 422 and 'id="mode-error"' in filtered.text


def test_esco_suggestions_offer_matching_skills(client: TestClient) -> None:
    response = client.get("/esco/suggest", params={"skill": ["", "javascr"]})
    assert '<option value="JavaScript">' in response.text
    assert client.get("/esco/suggest?skill=j").text.strip() == ""  # one letter is too few


def test_form_errors_from_a_worker_thread_are_translated(client: TestClient) -> None:
    response = client.get("/business?text=HACCP&mode=underwater", cookies={i18n.COOKIE: "bs"})
    assert "Odaberite jednu od ponuđenih vrijednosti." in response.text
