"""End to end over HTTP with the real model: deletions and updates change the next ranking,
and `smartmatch serve --demo` loads the demo network before it serves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from matcher import Encoder
from service.api import create_app
from service.cli import app as cli
from service.config import Settings
from tests.api_helpers import match_ids, sign_in
from tests.conftest import cli_env

EXPERTS = [
    ("exp-food", "Food technologist: HACCP plans, ISO 22000 audits, olive oil quality."),
    ("exp-dairy", "Dairy scientist: cheese making, milk hygiene and food safety checks."),
    ("exp-solar", "Electrical engineer: solar photovoltaic plants and energy storage."),
    ("exp-web", "Software engineer: React web applications and cloud deployment."),
    ("exp-tour", "Tourism economist: hotel revenue management and destination marketing."),
]
PLACEMENTS = [
    ("plc-web", "Front-end intern", "Build dashboards in React and JavaScript.", ["React"]),
    ("plc-solar", "Solar intern", "Install and monitor photovoltaic panels.", ["solar energy"]),
    ("plc-lab", "Lab intern", "Laboratory tests of olive oil acidity.", ["laboratory tests"]),
]


@pytest.fixture
def client(settings: Settings, real_encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(settings, encoder=real_encoder)) as test_client:
        sign_in(test_client)
        yield test_client


@pytest.mark.slow
def test_deleted_experts_are_never_matched_again(client: TestClient) -> None:
    for expert_id, text in EXPERTS:
        assert client.post("/experts", json={"id": expert_id, "name": "X", "text": text}).is_success
    need = "We need a HACCP plan for our olive oil mill before an ISO 22000 audit."
    created = client.post("/requests", json={"id": "req-1", "name": "HACCP", "text": need})
    assert created.status_code == 201

    first = match_ids(client.get("/requests/req-1/experts", params={"k": 5}))
    assert first[0] == "exp-food" and len(first) == 5
    top = client.get("/requests/req-1/experts", params={"k": 1}).json()["matches"][0]
    assert "HACCP" in top["explanation"]["snippet"] and top["score"] > 0

    assert client.delete(f"/experts/{first[0]}").status_code == 204
    for k in (1, 5, 100):
        assert first[0] not in match_ids(client.get("/requests/req-1/experts", params={"k": k}))
    after = match_ids(client.get("/requests/req-1/experts", params={"k": 5}))
    assert after == first[1:]
    free_text = client.post("/match", json={"text": need, "target": "expert", "k": 10})
    assert first[0] not in match_ids(free_text)


@pytest.mark.slow
def test_new_skills_change_the_placement_ranking(client: TestClient) -> None:
    for placement_id, name, text, skills in PLACEMENTS:
        body = {"id": placement_id, "name": name, "text": text, "skills": skills}
        assert client.post("/placements", json=body).status_code == 201
    student = {
        "id": "stu-1",
        "name": "Ben H.",
        "text": "Third-year engineering student looking for a summer internship.",
        "skills": ["JavaScript", "React", "HTML"],
    }
    assert client.post("/students", json=student).status_code == 201
    before = match_ids(client.get("/students/stu-1/placements"))
    assert before[0] == "plc-web"

    patched = client.patch(
        "/students/stu-1", json={"skills": ["photovoltaic systems", "install solar panels"]}
    )
    assert patched.status_code == 200
    after = match_ids(client.get("/students/stu-1/placements"))
    assert after[0] == "plc-solar"
    assert after.index("plc-web") > before.index("plc-web")
    students = match_ids(client.get("/placements/plc-solar/students"))
    assert students == ["stu-1"]


def test_serve_demo_loads_the_network_then_serves(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_run(app: Any, *, host: str, port: int) -> None:
        served.update(app=app, host=host, port=port)

    monkeypatch.setattr("uvicorn.run", fake_run)
    env = cli_env(settings)
    result = CliRunner().invoke(cli, ["serve", "--demo", "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    assert "imported 145 profiles" in result.output
    assert "http://127.0.0.1:8123/docs" in result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    with TestClient(served["app"]) as client:
        sign_in(client)
        assert client.get("/ready").json()["profiles"] == 145
        assert match_ids(client.get("/requests/req-001/experts", params={"k": 3}))
    again = CliRunner().invoke(cli, ["serve", "--demo"], env=env)
    assert again.exit_code == 0 and "imported" not in again.output
