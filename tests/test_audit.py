"""Every list of matches shown is logged (who, when, model, index, candidates, scores and
explanation parts), and staff and admins can read it per request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from matcher import Encoder
from service.accounts import Role
from service.api import create_app
from service.config import Settings
from tests.api_helpers import sign_in

EXPERT = {
    "id": "exp-olive",
    "name": "Dr. A",
    "text": "Food safety and HACCP plans for olive oil mills.",
    "skills": ["HACCP"],
    "centre": "centre-durres",
}
NEED = {
    "id": "req-olive",
    "name": "Olive mill",
    "text": "We need a HACCP plan for our olive oil mill.",
    "centre": "centre-tirana",
}


def test_recommendations_are_logged_and_queried(
    settings: Settings, hashing_encoder: Encoder
) -> None:
    with TestClient(create_app(settings, encoder=hashing_encoder)) as admin:
        me = sign_in(admin)
        staff, business = TestClient(admin.app), TestClient(admin.app)
        sign_in(staff, Role.STAFF, centre="centre-tirana")
        asker = sign_in(business, Role.BUSINESS)
        assert admin.post("/experts", json=EXPERT).status_code == 201
        assert business.post("/requests", json=NEED).status_code == 201
        shown = business.get("/requests/req-olive/experts").json()["matches"]
        assert (
            business.post("/match", json={"text": "HACCP", "target": "expert"}).status_code == 200
        )

        logged = admin.get("/audit/recommendations", params={"account_id": asker.id}).json()
        assert [entry["source_id"] for entry in logged] == [None, "req-olive"]  # newest first
        entry = logged[1]
        assert entry["role"] == "business" and entry["target_kind"] == "expert" and entry["at"]
        assert entry["model"] == hashing_encoder.name and entry["index_version"]
        assert [c["id"] for c in entry["candidates"]] == [m["profile"]["id"] for m in shown]
        assert [c["score"] for c in entry["candidates"]] == [m["score"] for m in shown]
        assert entry["candidates"][0]["shared_skills"] == shown[0]["explanation"]["shared_skills"]
        assert "snippet" not in entry["candidates"][0]  # no text in the audit

        by_staff = staff.get("/audit/recommendations", params={"source_id": "req-olive"})
        assert by_staff.status_code == 200 and len(by_staff.json()) == 1
        assert (
            staff.get("/audit/recommendations", params={"source_id": "exp-olive"}).status_code
            == 404
        )
        assert staff.get("/audit/recommendations", params={"account_id": me.id}).status_code == 403
        assert business.get("/audit/recommendations").status_code == 403
