"""The HTTP API of SMART Match, built by `create_app(settings)`.

The lifespan opens the store and loads the model and the index once (`open_runtime`) and
keeps them on `app.state.network`; at shutdown it saves the index and closes the store.
Routes live in routes_*.py, errors are mapped in errors.py, and every write and match goes
through `service.network`, the path the CLI and the benchmarks take too.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from matcher import Encoder
from service import __version__
from service.accounts import Role
from service.api import (
    examples,
    headers,
    routes_audit,
    routes_auth,
    routes_consent,
    routes_import,
    routes_matching,
    routes_privacy,
    routes_workflow,
)
from service.api.auth import document_auth, require_account, require_role
from service.api.docs import add_docs
from service.api.errors import (
    install_error_handlers,
    problem_media_types,
    problem_response,
    problems,
)
from service.api.limits import MAX_BODY_BYTES, BodySizeLimit
from service.api.routes_profiles import example, profile_routers
from service.api.schemas import Health, Readiness
from service.config import Settings, get_settings, refuse_unsafe_secret
from service.login_limits import LoginLimits
from service.network import Network, open_network

log = logging.getLogger("smartmatch.api")

DESCRIPTION = """Matching for the SMART Innovation Centres' Knowledge Exchange Network:
businesses and requests find academic experts, experts find businesses, students find
placements and placements find students. Every match comes with its explanation.

Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each field."""


def create_app(
    settings: Settings,
    *,
    encoder: Encoder | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The API over the store and index that `settings` name; `encoder` overrides the model."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        network = await run_in_threadpool(lambda: open_network(settings, encoder=encoder))
        app.state.network = network
        profiles, _ = network.counts()
        log.info("matcher ready: %d profiles, index %s", profiles, network.runtime.index_status)
        try:
            yield
        finally:
            app.state.network = None
            await run_in_threadpool(network.close)

    app = FastAPI(
        title="SMART Match",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from shipped files: service/api/docs.py
        redoc_url=None,
    )
    add_docs(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    headers.install(app, settings)  # security headers; CORS closed unless configured
    install_error_handlers(app)
    app.state.login_limits = LoginLimits()
    app.include_router(routes_auth.router)
    app.include_router(routes_consent.router)
    app.include_router(routes_privacy.router)
    app.include_router(routes_audit.router)
    signed_in = [Depends(require_account)]  # anonymous callers: probes, docs and log-in only
    for router in profile_routers():
        app.include_router(router, dependencies=signed_in)
    app.include_router(routes_matching.router, dependencies=signed_in)
    staff_only = [Depends(require_role(Role.STAFF, Role.ADMIN))]
    app.include_router(routes_import.router, dependencies=staff_only)
    routes_workflow.install(app, dependencies=staff_only)
    _add_probes(app)
    from service.web import site  # here: the pages import the API's modules

    site.install(app)  # the pages at /, for people (service/web)
    _problem_openapi(app)
    return app


def app_from_environment() -> FastAPI:
    """The API with settings read from the environment: `uvicorn --factory` calls this.
    Outside development it refuses to start without a proper secret."""
    settings = get_settings()
    refuse_unsafe_secret(settings)
    return create_app(settings)


def _add_probes(app: FastAPI) -> None:
    @app.get("/health", tags=["operations"], operation_id="health", summary="The process is alive")
    def health() -> Health:
        return Health()

    @app.get(
        "/ready",
        tags=["operations"],
        operation_id="ready",
        summary="The model and the index are loaded (503 until they are)",
        responses={
            200: example(examples.READY),
            **problems(503),
        },
        response_model=Readiness,
    )
    def ready(request: Request) -> Readiness | JSONResponse:
        network: Network | None = getattr(request.app.state, "network", None)
        if network is None or network.stale:
            return problem_response(503, "The matcher is not ready.", kind="not-ready")
        profiles, vectors = network.counts()
        return Readiness.model_validate(
            {
                "profiles": profiles,
                "vectors": vectors,
                "index": network.runtime.index_status,
                "indexes": network.index_backends(),
            }
        )


def _problem_openapi(app: FastAPI) -> None:
    """Generate the OpenAPI document once, with errors documented as problem+json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = problem_media_types(document_auth(schema))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
