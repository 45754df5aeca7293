"""The staff workflow over HTTP, as staff and the two sides would use it on the demo network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher import Encoder
from service.api import create_app
from service.config import Settings
from tests.api_helpers import sign_in
from tests.conftest import DEMO_PROFILES


@pytest.fixture
def client(settings: Settings, hashing_encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(settings, encoder=hashing_encoder)) as test_client:
        sign_in(test_client)
        body = Path(DEMO_PROFILES).read_text(encoding="utf-8")
        imported = test_client.post(
            "/import", content=body, headers={"content-type": "application/x-ndjson"}
        )
        assert imported.status_code == 200, imported.text
        yield test_client


def test_round_review_feedback_reveal_outcome_analytics(client: TestClient) -> None:
    made = client.post("/workflow/rounds", json={"hours_per_request": 4})
    assert made.status_code == 201, made.text
    summary = made.json()["kinds"]
    assert summary["request"]["covered"] >= summary["request"]["greedy_covered"]
    assert summary["student"]["total_fit"] >= summary["student"]["greedy_total_fit"]
    page = client.get("/workflow/pairs", params={"status": "proposed", "limit": 200}).json()
    assert page["total"] == summary["request"]["covered"] + summary["student"]["covered"]
    pair = page["items"][0]
    pid = pair["id"]
    assert client.get(f"/workflow/pairs/{pid}/shared", params={"side": "source"}).status_code == 404
    approved = client.post(f"/workflow/pairs/{pid}/review", json={"action": "approve"})
    assert approved.json()["status"] == "approved"
    again = client.post(f"/workflow/pairs/{pid}/review", json={"action": "reject"})
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    seen = client.post(
        f"/workflow/pairs/{pid}/feedback", json={"side": "source", "answer": "accepted"}
    )
    assert seen.status_code == 200 and seen.json()["contact"] is None
    seen = client.post(
        f"/workflow/pairs/{pid}/feedback", json={"side": "target", "answer": "accepted"}
    )
    assert seen.json()["contact"]["name"]
    assert (
        client.post(f"/workflow/pairs/{pid}/outcome", json={"stage": "met"}).json()["stage"]
        == "met"
    )
    report = client.get("/workflow/analytics").json()
    assert report["experts"]["experts"] == 40
    assert sum(c["approved"] for c in report["by_centre"].values()) == 1
    assert client.get(f"/workflow/rounds/{made.json()['round_id']}").status_code == 200
    status = client.get("/workflow/reranker").json()
    assert status["ranking"].startswith("unlearned")
    trained = client.post("/workflow/reranker/train").json()
    assert trained["ranking"].startswith("unlearned") and trained["evaluation"]["wins"] is False


def test_bad_input_is_a_4xx_naming_the_field(client: TestClient) -> None:
    assert client.get("/workflow/pairs/999").status_code == 404
    bad = client.post("/workflow/rounds", json={"k": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "k"
    assert client.post("/workflow/pairs/1/outcome", json={"stage": "married"}).status_code == 422
    assert client.get("/workflow/pairs/1/shared", params={"side": "staff"}).status_code == 422
    assert client.get("/workflow/pairs/99999999999").status_code == 422
