"""The pages and their static files, added to the API's app by `install`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.web import (
    routes_business,
    routes_feedback,
    routes_pages,
    routes_review,
    routes_staff,
    routes_student,
)

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages and their static files (CSS, htmx) to the app; the API stays as it is."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        routes_pages,
        routes_business,
        routes_student,
        routes_staff,
        routes_review,
        routes_feedback,
    ):
        app.include_router(module.router, include_in_schema=False)
