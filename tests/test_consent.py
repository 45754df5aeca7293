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


def test_a_business_never_receives_a_student_field(clients: tuple[TestClient, TestClient]) -> None:
    """Until a business view of students exists, businesses receive no student at all, even
    a consenting one: through no endpoint, match or explanation."""
    admin, student = clients
    decision = {"purpose": "matching", "given": True, "wording_version": WORDING_VERSION}
    student.post("/me/consents", json=decision)
    secret_name, secret_text = "Zyxwa Quorb", "Reach me at zyxwa.quorb@mail.example about React."
    assert (
        student.post(
            "/students", json={**STUDENT, "name": secret_name, "text": secret_text}
        ).status_code
        == 201
    )
    business = TestClient(admin.app)
    sign_in(business, Role.BUSINESS)
    assert business.post("/placements", json={**PLACEMENT, "id": "plc-own"}).status_code == 201
    assert (
        business.post(
            "/requests", json={"id": "req-own", "name": "Need", "text": "React developer"}
        ).status_code
        == 201
    )
    responses = [
        business.get("/students"),
        business.get("/students/stu-react"),
        business.get("/students/stu-react/placements"),
        business.get("/placements/plc-own/students"),
        business.post("/match", json={"text": secret_text, "target": "student"}),
        business.post("/match", json={"text": secret_text, "target": "expert"}),
        business.get("/requests/req-own/experts"),
        business.get("/me/export"),
    ]
    assert [r.status_code for r in responses] == [403, 404, 404, 403, 403, 200, 200, 200]
    for response in responses:
        assert secret_name not in response.text and "zyxwa" not in response.text.lower()
    assert "stu-react" in match_ids(admin.get("/placements/plc-web/students"))  # it is matchable
