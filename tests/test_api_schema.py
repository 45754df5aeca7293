"""The API against its own OpenAPI document, with schemathesis: every operation, positive and
negative data, and stateful runs (create → read/change/match → delete → use after delete),
with an admin's bearer token; and every operation again without credentials.

Checks: all of schemathesis' checks (not_a_server_error, status_code_conformance,
content_type_conformance, response_headers_conformance, response_schema_conformance,
negative_data_rejection, positive_data_acceptance, missing_required_header,
unsupported_method, use_after_free, ensure_resource_availability, ...). The hashing encoder
keeps it fast; each operation gets at most MAX_EXAMPLES generated cases per phase.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python.asgi import shutdown_lifespans

from matcher import HashingEncoder
from service.api import create_app
from service.network import Network
from tests.api_helpers import admin_bearer
from tests.conftest import settings_in

MAX_EXAMPLES = 25
STATEFUL_SCENARIOS = 40

# The import operation takes CSV and JSON Lines bodies: send generated strings as they are.
TEXT_MEDIA_TYPES = ("text/csv", "application/x-ndjson", "application/jsonl")
for _media_type in TEXT_MEDIA_TYPES:
    schemathesis.serializer.alias(_media_type, "text/plain")

FOLDER = Path(tempfile.gettempdir()) / f"smartmatch-api-schema-{uuid.uuid4().hex}"
SETTINGS = settings_in(FOLDER)
APP = create_app(SETTINGS, encoder=HashingEncoder())


AUTH = admin_bearer(SETTINGS)
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
        "checks": {"enabled": True},
        "phases": {"stateful": {"max-steps": 8}},
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
# DELETE /me would erase the admin whose token the runs use: tests/test_erasure.py covers it;
# the anonymous run below still sends it.
signed_in = schema.exclude(operation_id="erase_me")


@pytest.fixture(scope="module", autouse=True)
def _app_lifespan() -> Iterator[None]:
    """Schemathesis starts the app's lifespan on the first call; stop it when done."""
    yield
    shutdown_lifespans()
    shutil.rmtree(FOLDER, ignore_errors=True)


@signed_in.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much],
)
def test_every_operation(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH)


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    max_examples=5,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much],
)
def test_every_operation_without_credentials(case: schemathesis.Case) -> None:
    """Anonymous: 401 on every operation but the probes, the docs and log-in (a body that
    is not JSON at all is refused before the log-in is checked: 400, 413 or 422)."""
    response = case.call_and_validate()
    public = {"/health", "/ready", "/auth/login"}
    same_method = case.method.upper() == case.operation.method.upper()
    if case.operation.path not in public and same_method:
        unreadable_body = case.body is not None and response.status_code in (400, 413, 422)
        assert response.status_code == 401 or unreadable_body, (case.operation.path, response.text)


def test_stateful_links_with_use_after_free() -> None:
    """Chains of calls along the OpenAPI links (create → read, change, match → delete → read,
    match again); a deleted profile must be 404 everywhere (the use_after_free check)."""

    class Workflow(signed_in.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": AUTH}

        def setup(self) -> None:
            # Each scenario starts from an empty network, so that replays are reproducible.
            _empty_the_network()

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def _empty_the_network(app: FastAPI = APP) -> None:
    network: Network | None = getattr(app.state, "network", None)
    if network is None:
        return  # not started yet: the store is empty
    for profile in network.runtime.matcher.profiles():
        network.delete(kind=profile.kind, profile_id=profile.id)


# A CSV or JSON Lines body is text on the wire whatever was generated: `{}` sent as
# application/jsonl is one valid line, not a schema violation. Only text is sent there.
@schema.hook("filter_case")
def _raw_text_bodies_are_text(context: Any, case: schemathesis.Case) -> bool:
    return case.media_type not in TEXT_MEDIA_TYPES or isinstance(case.body, str)


# What the OpenAPI document cannot say, told to the generator: a profile's `end` is never
# before its `start` (a PATCH that sets one date may clash with the stored other one, so it
# sets both or neither).
@schema.hook("filter_body")
def _bodies_the_schema_cannot_rule_out(context: Any, body: Any) -> bool:
    if not isinstance(body, dict):
        return True
    start, end = body.get("start"), body.get("end")
    if isinstance(start, str) and isinstance(end, str):
        return end >= start
    if context.operation is not None and context.operation.method.upper() == "PATCH":
        return not (isinstance(start, str) or isinstance(end, str))
    return True
