"""The HTTP API's contract: resources, errors as problem+json, consistency with matching,
import, probes and the OpenAPI document. Uses the hashing encoder, so it is fast."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from matcher import Encoder, MatchFilters, Profile
from service import runtime as rt
from service.api import create_app
from service.api.filters import FilterFields, MatchParams, query_name
from service.api.schemas import MatchRequest, ProfileCreate
from service.cli import app as cli
from service.config import Settings
from tests.api_helpers import match_ids, sign_in
from tests.conftest import cli_env

PROBLEM = "application/problem+json"
OLIVE = {"id": "exp-1", "name": "Ana", "text": "Olive oil food safety and HACCP plans."}
SOLAR = {"id": "exp-2", "name": "Ben", "text": "Solar panels and photovoltaic energy."}
NEED = {"id": "req-1", "name": "HACCP for a mill", "text": "HACCP plan for our olive oil mill."}


@pytest.fixture
def client(settings: Settings, hashing_encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(settings, encoder=hashing_encoder)) as test_client:
        sign_in(test_client)
        yield test_client


def assert_problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)
    named = {error["field"] for error in problem["errors"]}
    assert set(fields) <= named, problem
    return problem


def test_create_read_update_patch_list_delete(client: TestClient) -> None:
    created = client.post("/experts", json={**OLIVE, "country": "AL", "capacity": 5})
    assert created.status_code == 201 and created.headers["location"] == "/experts/exp-1"
    assert created.json()["kind"] == "expert" and created.json()["capacity_left"] == 5
    assert client.get("/experts/exp-1").json() == created.json()

    replaced = client.put("/experts/exp-1", json={"name": "Ana M.", "text": "Dairy quality."})
    assert replaced.json()["name"] == "Ana M." and replaced.json()["country"] is None
    patched = client.patch("/experts/exp-1", json={"country": "ME", "skills": ["HACCP"]})
    assert patched.json()["text"] == "Dairy quality." and patched.json()["skills"] == ["HACCP"]
    assert client.patch("/experts/exp-1", json={"country": None}).json()["country"] is None

    client.post("/experts", json={**SOLAR, "country": "AL", "centre": "centre-durres"})
    page = client.get("/experts", params={"limit": 1}).json()
    assert page["total"] == 2 and [p["id"] for p in page["items"]] == ["exp-1"]
    assert client.get("/experts", params={"offset": 1}).json()["items"][0]["id"] == "exp-2"
    by_country = client.get("/experts", params=[("country", "AL"), ("country", "BA")]).json()
    assert [p["id"] for p in by_country["items"]] == ["exp-2"]
    assert client.get("/experts", params={"centre": "centre-x"}).json()["total"] == 0

    assert client.delete("/experts/exp-1").status_code == 204
    assert_problem(client.get("/experts/exp-1"), 404)
    assert_problem(client.delete("/experts/exp-1"), 404)


def test_each_path_is_one_kind(client: TestClient) -> None:
    client.post("/experts", json=OLIVE)
    assert client.post("/requests", json=NEED).json()["kind"] == "request"
    assert_problem(client.get("/students/exp-1"), 404)
    assert_problem(client.put("/businesses/exp-1", json={"name": "x", "text": "y"}), 404)
    assert_problem(client.delete("/requests/exp-1"), 404)
    assert_problem(client.get("/businesses/exp-1/experts"), 404)
    assert client.get("/experts/exp-1").status_code == 200


def test_id_and_kind_cannot_change_and_unknown_fields_are_rejected(client: TestClient) -> None:
    client.post("/experts", json=OLIVE)
    assert_problem(client.put("/experts/exp-1", json={**OLIVE}), 422, "id")
    assert_problem(client.patch("/experts/exp-1", json={"kind": "student"}), 422, "kind")
    assert_problem(client.post("/experts", json={**SOLAR, "colour": "red"}), 422, "colour")
    assert_problem(client.post("/experts", json={**SOLAR, "kind": "expert"}), 422, "kind")


def test_validation_errors_name_every_field(client: TestClient) -> None:
    bad = {**SOLAR, "country": "Albania", "capacity": "5", "skills": ["ok", " "], "text": ""}
    problem = assert_problem(
        client.post("/experts", json=bad), 422, "country", "capacity", "skills.1", "text"
    )
    assert {error["location"] for error in problem["errors"]} == {"body"}
    dates = {**SOLAR, "start": "2025-05-01", "end": "2025-01-01"}
    assert_problem(client.post("/experts", json=dates), 422, "end")
    assert_problem(client.post("/experts", json={**SOLAR, "start": "1 May"}), 422, "start")
    assert_problem(client.get("/requests/x/experts", params={"k": 0}), 422, "k")
    assert_problem(client.get("/requests/x/experts", params={"k": 101}), 422, "k")
    assert_problem(client.get("/experts/bad id!"), 422, "profile_id")
    assert_problem(client.post("/experts", content=b"{not json"), 422)
    assert_problem(client.post("/experts", json={**SOLAR, "text": "x" * 20_001}), 422, "text")
    assert_problem(client.post("/experts", json={**SOLAR, "skills": ["s"] * 101}), 422, "skills")


def test_duplicate_id_is_409(client: TestClient) -> None:
    assert client.post("/experts", json=OLIVE).status_code == 201
    assert_problem(client.post("/experts", json=OLIVE), 409)
    assert_problem(client.post("/students", json=OLIVE), 409)  # ids are unique network-wide


def test_body_over_the_limit_is_413(settings: Settings, hashing_encoder: Encoder) -> None:
    app = create_app(settings, encoder=hashing_encoder, max_body_bytes=1_000)
    with TestClient(app) as small:
        sign_in(small)
        too_big = {**OLIVE, "text": "olive " * 200}
        assert_problem(small.post("/experts", json=too_big), 413)
        streamed = iter([b'{"id": "x", ', b'"text": "' + b"a" * 2_000 + b'"}'])
        assert_problem(small.post("/experts", content=streamed), 413)
        assert small.post("/experts", json=OLIVE).status_code == 201


def test_every_write_shows_in_the_next_match(client: TestClient) -> None:
    client.post("/experts", json=OLIVE)
    client.post("/requests", json=NEED)
    assert match_ids(client.get("/requests/req-1/experts")) == ["exp-1"]
    client.post("/experts", json=SOLAR)
    assert match_ids(client.get("/requests/req-1/experts"))[0] == "exp-1"
    client.put("/experts/exp-2", json=_fields(OLIVE))  # the solar expert turns to olive oil
    assert set(match_ids(client.get("/requests/req-1/experts"))) == {"exp-1", "exp-2"}
    client.patch("/experts/exp-1", json={"visible": False})
    assert match_ids(client.get("/requests/req-1/experts")) == ["exp-2"]
    client.delete("/experts/exp-2")
    assert match_ids(client.get("/requests/req-1/experts")) == []
    assert_problem(client.get("/experts/exp-2/businesses"), 404)
    found = client.post("/match", json={"text": "olive oil", "target": "request", "k": 1})
    assert match_ids(found) == ["req-1"]


def _fields(profile: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in profile.items() if key != "id"}


def test_match_filters_and_k(client: TestClient) -> None:
    for number, country in enumerate(["AL", "BA", "ME"]):
        client.post("/experts", json={**OLIVE, "id": f"exp-{country}", "country": country})
        client.post("/businesses", json={**NEED, "id": f"biz-{number}", "languages": ["en"]})
    client.post("/requests", json=NEED)
    some = client.get("/requests/req-1/experts", params=[("country", "AL"), ("country", "ME")])
    assert sorted(match_ids(some)) == ["exp-AL", "exp-ME"]
    assert len(match_ids(client.get("/requests/req-1/experts", params={"k": 1}))) == 1
    body = {"text": "olive oil", "target": "expert", "filters": {"countries": ["BA"]}}
    assert match_ids(client.post("/match", json=body)) == ["exp-BA"]
    assert match_ids(client.get("/experts/exp-AL/businesses", params={"language": "sq"})) == []
    assert len(match_ids(client.get("/experts/exp-AL/businesses", params={"language": "en"}))) == 3
    assert_problem(client.post("/match", json={**body, "target": "skill"}), 422, "target")


def test_import_reports_like_the_cli(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    rows = [{**OLIVE, "kind": "expert"}, {**SOLAR, "kind": "expert", "country": "Albania"}]
    text = "\n".join(json.dumps(row) for row in rows) + "\n{broken\n"
    file = tmp_path / "profiles.jsonl"
    file.write_text(text)
    uploaded = client.post("/import", files={"file": ("profiles.jsonl", text.encode())})
    elsewhere = settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'cli.db'}",
            "index_path": tmp_path / "cli.npz",
        }
    )
    from_cli = CliRunner().invoke(cli, ["import", str(file), "--json"], env=cli_env(elsewhere))
    assert uploaded.status_code == 200
    assert uploaded.json() == json.loads(from_cli.stdout)  # log lines go to stderr
    assert [(e["line"], e["field"]) for e in uploaded.json()["errors"]] == [
        (2, "country"),
        (3, "line"),
    ]
    csv = "id,kind,name,text,skills\nstu-1,student,Ben,Learning React,JavaScript|React\n"
    as_csv = client.post("/import", content=csv, headers={"content-type": "text/csv"})
    assert as_csv.json() == {"imported": ["stu-1"], "errors": []}
    assert client.get("/students/stu-1").json()["skills"] == ["JavaScript", "React"]
    assert match_ids(client.post("/match", json={"text": "HACCP", "target": "expert"})) == ["exp-1"]
    raw = b"\xff\xfe\n" + json.dumps({**SOLAR, "id": "exp-3", "kind": "expert"}).encode()
    mixed = client.post("/import", content=raw, headers={"content-type": "application/x-ndjson"})
    assert mixed.json()["imported"] == ["exp-3"] and mixed.json()["errors"][0]["line"] == 1
    assert_problem(client.post("/import", content=csv, headers={"content-type": "text/plain"}), 415)


def test_probes_and_index_saved_at_shutdown(settings: Settings, hashing_encoder: Encoder) -> None:
    app = create_app(settings, encoder=hashing_encoder)
    not_started = TestClient(app)
    assert not_started.get("/health").json() == {"status": "ok"}
    assert_problem(not_started.get("/ready"), 503)
    assert_problem(not_started.get("/experts/exp-1"), 503)
    with TestClient(app) as started:
        sign_in(started)
        assert started.get("/ready").json()["index"] == "rebuilt"
        started.post("/experts", json=OLIVE)
        assert started.get("/ready").json()["profiles"] == 1
    with rt.open_runtime(settings, encoder=hashing_encoder) as reopened:
        assert reopened.index_status == "loaded" and "exp-1" in reopened.matcher


def test_ready_reports_the_index_of_each_kind(settings: Settings, hashing_encoder: Encoder) -> None:
    small = settings.model_copy(update={"ann_threshold": 2})
    with TestClient(create_app(small, encoder=hashing_encoder)) as client:
        sign_in(client)
        assert client.get("/ready").json()["indexes"] == {}
        client.post("/experts", json=OLIVE)
        client.post("/requests", json=NEED)  # its text and its name: two vectors
        assert client.get("/ready").json()["indexes"] == {"expert": "faiss", "request": "faiss"}
        for number in (2, 3):
            client.post("/experts", json={**SOLAR, "id": f"exp-{number}"})
        assert client.get("/ready").json()["indexes"] == {"expert": "ivf", "request": "faiss"}


def test_concurrent_writes_and_matches_stay_consistent(client: TestClient) -> None:
    client.post("/requests", json=NEED)

    def work(number: int) -> None:
        profile = {**OLIVE, "id": f"exp-{number}"}
        assert client.post("/experts", json=profile).status_code == 201
        assert f"exp-{number}" in match_ids(
            client.get("/requests/req-1/experts", params={"k": 100})
        )
        if number % 2:
            assert client.delete(f"/experts/exp-{number}").status_code == 204

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(20)))
    expected = [f"exp-{number}" for number in range(0, 20, 2)]
    found = match_ids(client.get("/requests/req-1/experts", params={"k": 100}))
    assert sorted(found) == sorted(expected)
    assert client.get("/experts").json()["total"] == len(expected)


def test_openapi_has_an_example_for_every_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert len(operations) == 60  # 51 + log-in, log-out, me, consents (3), export, erase, audit
    for operation in operations:
        body = operation.get("requestBody", {}).get("content", {})
        for media in body.values():
            assert _has_example(media, spec) or "multipart" in str(body), operation["operationId"]
        ok = next(r for status, r in operation["responses"].items() if status.startswith("2"))
        for media in ok.get("content", {}).values():
            assert _has_example(media, spec), operation["operationId"]
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert list(response["content"]) == [PROBLEM], operation["operationId"]


def _has_example(media: dict[str, Any], spec: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    ref = media.get("schema", {}).get("$ref", "")
    return bool(ref) and "examples" in spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_input_limits_come_from_the_profile_schema() -> None:
    ours = ProfileCreate.model_json_schema()["properties"]
    theirs = Profile.model_json_schema()["properties"]
    derived = {"kind", "esco_skills"}  # the path gives the kind; ESCO skills are tagged
    assert set(ours) == set(theirs) - derived
    for field, schema in theirs.items():
        if field in derived:
            continue
        for key in ("maxLength", "maxItems", "maximum"):
            if key in schema:
                assert ours[field][key] == schema[key], (field, key)
        if "maxLength" in schema.get("items", {}):
            assert ours[field]["items"]["maxLength"] == schema["items"]["maxLength"], field


def test_filter_fields_are_declared_once_and_spelled_one_way() -> None:
    """Bodies use MatchFilters' names; query strings and the CLI the singular, repeatable."""
    fields = set(MatchFilters.model_fields)
    assert set(FilterFields.model_fields) == fields
    body = MatchRequest.model_json_schema()["$defs"]["MatchFiltersIn"]["properties"]
    assert set(body) == fields
    in_query = {field.alias or name for name, field in MatchParams.model_fields.items()}
    assert in_query == {query_name(field) for field in fields} | {"k"}
    match_command = typer.main.get_command(cli).commands["match"]
    options = {option for param in match_command.params for option in param.opts}
    assert {f"--{query_name(field).replace('_', '-')}" for field in fields} <= options
