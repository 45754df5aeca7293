"""Every error the API returns, as application/problem+json (RFC 9457), mapped in one place.

| raised                        | status | type                    |
|-------------------------------|--------|-------------------------|
| RequestValidationError        | 422    | validation-error        |
| matcher.ProfileError          | 422    | validation-error        |
| matcher.UnknownProfileError   | 404    | not-found               |
| matcher.DuplicateProfileError | 409    | duplicate-id            |
| ApiProblem                    | its own status (400, 413, 415, 503)        |
| HTTPException (routing, 405)  | its own status, type about:blank          |
| anything else                 | 500    | about:blank (no detail leaks)             |
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from matcher import DuplicateProfileError, ProfileError, UnknownProfileError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://smartmatch.example/problems/"
log = logging.getLogger("smartmatch.api")


class FieldError(BaseModel):
    """One thing to fix: where it is (`body`, `query`, `path`), which field, and why."""

    location: str
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem detail, with the fields to fix in `errors`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": PROBLEM_BASE + "validation-error",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "The request has 1 invalid field.",
                    "errors": [
                        {
                            "location": "body",
                            "field": "country",
                            "message": "String should match pattern '^[A-Z]{2}$'",
                        }
                    ],
                }
            ]
        }
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """An error the API raises itself, with its status and a human-readable detail."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str = "about:blank",
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind, self.errors = status, detail, kind, errors


class BodyTooLarge(StarletteHTTPException):
    """Raised while the body is read, so that the framework never swallows it into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str = "about:blank",
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=kind if kind == "about:blank" else PROBLEM_BASE + kind,
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=errors or [],
    )
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_errors(raw: list[Any]) -> list[FieldError]:
    found = []
    for error in raw:
        location, *path = [str(part) for part in error.get("loc", ())] or ["request"]
        found.append(
            FieldError(location=location, field=".".join(path) or location, message=error["msg"])
        )
    return found


async def _validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = _field_errors(list(error.errors()))
    noun = "field" if len(errors) == 1 else "fields"
    detail = f"The request has {len(errors)} invalid {noun}."
    return problem_response(422, detail, kind="validation-error", errors=errors)


async def _profile(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProfileError)
    field_error = FieldError(location="body", field=error.field, message=error.message)
    return problem_response(
        422, f"{error.field}: {error.message}", kind="validation-error", errors=[field_error]
    )


async def _unknown(_: Request, error: Exception) -> JSONResponse:
    return problem_response(404, str(error), kind="not-found")


async def _duplicate(_: Request, error: Exception) -> JSONResponse:
    return problem_response(409, str(error), kind="duplicate-id")


async def _api_problem(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiProblem)
    return problem_response(error.status, error.detail, kind=error.kind, errors=error.errors)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(error.status_code, detail, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method of every route on this path (the router names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(request.scope)[0] != Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _unexpected(_: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=error)
    return problem_response(500, "The server could not complete the request.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ProfileError, _profile)
    app.add_exception_handler(UnknownProfileError, _unknown)
    app.add_exception_handler(DuplicateProfileError, _duplicate)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, each a Problem."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }


def problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Document every error response as application/problem+json, as it is sent."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return schema
