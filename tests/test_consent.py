"""Consent: a student is matched only while they consent to matching; withdrawing hides
them from every match at once; each decision keeps its wording version and time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matcher import Encoder
from service.accounts import Role
from service.api import create_app
from service.config import Settings
from service.consent import WORDING_VERSION
from tests.api_helpers import match_ids, sign_in

STUDENT = {
    "id": "stu-react",
    "name": "Ana Hoxha",
    "text": "Student of computer science learning React and TypeScript for web apps.",
}
PLACEMENT = {
    "id": "plc-web",
    "name": "Web internship",
    "text": "Internship building React and TypeScript web apps.",
    "centre": "centre-tirana",
}


@pytest.fixture
def clients(
    settings: Settings, hashing_encoder: Encoder
) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(settings, encoder=hashing_encoder)) as admin:
        sign_in(admin)
        student = TestClient(admin.app)
        sign_in(student, Role.STUDENT)
        assert admin.post("/placements", json=PLACEMENT).status_code == 201
        yield admin, student


def _everywhere(admin: TestClient) -> set[str]:
    """Student ids in every match that can show students."""
    by_profile = match_ids(admin.get("/placements/plc-web/students"))
    by_text = match_ids(
        admin.post("/match", json={"text": "React TypeScript", "target": "student"})
    )
    return set(by_profile) | set(by_text)


def test_matched_only_while_consenting(clients: tuple[TestClient, TestClient]) -> None:
    admin, student = clients
    created = student.post("/students", json={**STUDENT, "visible": True})
    assert created.status_code == 201 and created.json()["visible"] is False  # no consent yet
    assert "stu-react" not in _everywhere(admin)

    decision = {"purpose": "matching", "given": True, "wording_version": WORDING_VERSION}
    given = student.post("/me/consents", json=decision).json()["consents"]
    matching = next(c for c in given if c["purpose"] == "matching")
    assert matching["given"] and matching["wording_version"] == WORDING_VERSION and matching["at"]
    assert "stu-react" in _everywhere(admin)

    withdrawn = student.delete("/me/consents/matching")
    assert withdrawn.status_code == 200
    assert not next(c for c in withdrawn.json()["consents"] if c["purpose"] == "matching")["given"]
    assert "stu-react" not in _everywhere(admin)
    # changing the profile does not make it visible again
    assert student.patch("/students/stu-react", json={"visible": True}).json()["visible"] is False
    assert "stu-react" not in _everywhere(admin)


def test_consents_need_a_log_in(clients: tuple[TestClient, TestClient]) -> None:
    admin, _ = clients
    del admin.headers["Authorization"]
    assert admin.get("/me/consents").status_code == 401
