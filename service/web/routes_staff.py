"""Centre staff: the dashboard of open requests and students, and the import page.

The import page takes the same CSV or JSON Lines files as `POST /import` and the CLI, and
shows the same report: good rows are stored, each bad line is listed with its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from matcher import Kind, Match, Profile
from service.api.deps import NetworkDep
from service.api.routes_import import _guess_format as guess_format
from service.api.routes_import import decode_lines
from service.importer import ImportReport
from service.network import Network
from service.web.access import centre_of
from service.web.choices import centres
from service.web.i18n import _
from service.web.render import render, translating

router = APIRouter()
SUGGESTIONS = 3
LISTED = 50
TARGETS = {Kind.REQUEST: Kind.EXPERT, Kind.STUDENT: Kind.PLACEMENT}


@dataclass(frozen=True)
class Item:
    """An open request or a student, with its top suggestions."""

    profile: Profile
    suggestions: list[Match]


@router.get("/centre", response_class=HTMLResponse)
async def dashboard(request: Request, network: NetworkDep, centre: str = "") -> HTMLResponse:
    centre = centre_of(request, centre)
    sections = await run_in_threadpool(_sections, network, centre)
    context = {
        "centre": centre,
        "centres": centres(network.runtime.settings),
        "sections": sections,
    }
    return render(request, "dashboard.html", context)


def _sections(network: Network, centre: str) -> dict[str, list[Item]]:
    """The centre's visible requests and students, each with its top suggestions."""
    found: dict[str, list[Item]] = {}
    for kind, target in TARGETS.items():
        profiles, _total = network.page(
            kind=kind, offset=0, limit=LISTED, countries=[], centres=[centre] if centre else []
        )
        found[kind.value] = [
            Item(
                profile,
                network.match_profile(
                    kind=kind, profile_id=profile.id, target=target, k=SUGGESTIONS
                ),
            )
            for profile in profiles
            if profile.visible
        ]
    return found


@router.get("/centre/import", response_class=HTMLResponse)
def import_form(request: Request) -> HTMLResponse:
    return render(request, "import.html", {"errors": {}, "report": None})


@router.post("/centre/import", response_class=HTMLResponse)
async def import_upload(request: Request, network: NetworkDep) -> HTMLResponse:
    async with request.form(max_files=1, max_fields=2) as form:
        upload, chosen = form.get("file"), str(form.get("format") or "auto")
        raw = await upload.read() if isinstance(upload, UploadFile) else b""
        name = upload.filename if isinstance(upload, UploadFile) else None
    errors: dict[str, str] = {}
    with translating(request):
        if not raw.strip():
            errors["file"] = _("Choose a CSV or JSON Lines file that is not empty.")
        elif chosen not in ("auto", "csv", "jsonl"):
            errors["format"] = _("Choose one of the listed values.")
    if errors:
        return render(request, "import.html", {"errors": errors, "report": None}, status_code=422)
    fmt = chosen if chosen != "auto" else guess_format(name, raw)
    text, undecodable = decode_lines(raw)
    report = await run_in_threadpool(network.import_text, text, fmt=fmt)
    report = ImportReport(
        imported=report.imported,
        errors=sorted([*undecodable, *report.errors], key=lambda error: error.line),
    )
    return render(request, "import.html", {"errors": {}, "report": report, "format": fmt})
