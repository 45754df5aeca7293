"""Student: a profile form → ranked placements with the explanation and the skill gap.

Plain GET form (works with JavaScript off); only the ESCO suggestions under the skill
fields use htmx. `?profile=stu-001` shows the placements of a saved student instead.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from matcher import Kind, Match, Mode, UnknownProfileError
from service.api.deps import NetworkDep
from service.web.forms import FormError, StudentForm
from service.web.i18n import _
from service.web.render import render, translating
from service.web.views import match_views

router = APIRouter()
SHOWN = 10
SKILL_FIELDS = 6
LANGUAGE_CHOICES = ("en", "sq", "bs", "hr", "sr", "de", "it")


@router.get("/student", response_class=HTMLResponse)
async def student(request: Request, network: NetworkDep) -> HTMLResponse:
    params = request.query_params
    data = {
        "field_of_study": params.get("field_of_study", ""),
        "about": params.get("about", ""),
        "skill": params.getlist("skill"),
        "language": params.getlist("language"),
        "mode": params.get("mode", ""),
        "start": params.get("start", ""),
        "end": params.get("end", ""),
    }
    errors: dict[str, str] = {}
    matches: list[Match] | None = None
    saved = params.get("profile", "")
    if saved:
        try:
            matches = await run_in_threadpool(
                lambda: network.match_profile(
                    kind=Kind.STUDENT, profile_id=saved, target=Kind.PLACEMENT, k=SHOWN
                )
            )
        except UnknownProfileError:
            with translating(request):
                errors["profile"] = _("There is no saved student with this id.")
    elif "field_of_study" in params:
        try:
            with translating(request):
                form = StudentForm.read(data)
            matches = await run_in_threadpool(
                lambda: network.match_text(
                    form.query(), target=Kind.PLACEMENT, k=SHOWN, filters=form.filters()
                )
            )
        except FormError as error:
            errors = error.errors
    skills = [*data["skill"], *[""] * SKILL_FIELDS][: max(SKILL_FIELDS, len(data["skill"]))]
    context = {
        "values": {**data, "skill": skills},
        "errors": errors,
        "saved": saved,
        "modes": [mode.value for mode in Mode],
        "language_choices": LANGUAGE_CHOICES,
        "matches": None if matches is None else match_views(matches),
    }
    return render(request, "student.html", context, status_code=422 if errors else 200)
