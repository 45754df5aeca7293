"""The pages and their static files, added to the API's app by `install`, each router behind
the roles that may open it (service/web/access.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from service.web import (
    access,
    routes_business,
    routes_feedback,
    routes_login,
    routes_pages,
    routes_review,
    routes_staff,
    routes_student,
)

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    (routes_pages.router, ()),  # home, language, ESCO suggestions; profiles check themselves
    (routes_login.router, ()),
    (routes_business.router, access.BUSINESS_PAGES),
    (routes_student.router, access.STUDENT_PAGES),
    (routes_staff.router, access.STAFF_PAGES),
    (routes_review.router, access.STAFF_PAGES),
    (routes_feedback.router, access.STAFF_PAGES),
)


def install(app: FastAPI) -> None:
    """Add the pages and their static files (CSS, htmx) to the app; the API stays as it is."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    access.install_handlers(app)
    for router, roles in ROUTERS:
        dependencies = [Depends(access.allow(*roles))] if roles else []
        app.include_router(router, include_in_schema=False, dependencies=dependencies)
