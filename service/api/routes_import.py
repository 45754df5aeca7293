"""Bulk import: a CSV or JSON Lines body, or a file upload; the same report as the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from service.api import examples
from service.api.deps import NetworkDep
from service.api.errors import ApiProblem, FieldError, problems
from service.api.routes_profiles import example
from service.importer import ImportReport, RowError, format_of

router = APIRouter(tags=["import"])

FORMATS = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
_TEXT = {"type": "string"}
REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "Profiles as CSV (list fields separated by `|`) or JSON Lines (one profile a line), "
        "sent as the body or uploaded as the multipart field `file` (.csv or .jsonl)."
    ),
    "content": {
        "text/csv": {"schema": _TEXT, "example": examples.IMPORT_CSV},
        "application/x-ndjson": {"schema": _TEXT, "example": examples.IMPORT_JSONL},
        "application/jsonl": {"schema": _TEXT, "example": examples.IMPORT_JSONL},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "format": {
                        "type": "string",
                        "enum": ["csv", "jsonl"],
                        "description": "Defaults to the file name's suffix, else to its content.",
                    },
                },
                "required": ["file"],
                "additionalProperties": False,
            }
        },
    },
}


@router.post(
    "/import",
    operation_id="import_profiles",
    summary="Import profiles; good rows are stored and indexed, bad rows reported",
    openapi_extra={"requestBody": REQUEST_BODY},
    responses={200: example(examples.IMPORT_REPORT), **problems(400, 413, 415, 422, 503)},
)
async def import_profiles(request: Request, network: NetworkDep) -> ImportReport:
    raw, fmt = await _read_profiles(request)
    text, undecodable = decode_lines(raw)
    report = await run_in_threadpool(network.import_text, text, fmt=fmt)
    errors = sorted([*undecodable, *report.errors], key=lambda error: error.line)
    return ImportReport(imported=report.imported, errors=errors)


async def _read_profiles(request: Request) -> tuple[bytes, str]:
    """The uploaded bytes and their format (csv or jsonl)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        async with request.form(max_files=4, max_fields=4) as form:
            unknown = sorted(set(form.keys()) - {"file", "format"})
            if unknown:
                raise _invalid_field(unknown[0], "is not a field of the upload")
            upload, fmt = form.get("file"), form.get("format")
            if not isinstance(upload, UploadFile):
                raise _invalid_field("file", "Upload the profiles as the multipart field `file`.")
            if fmt is not None and fmt not in ("csv", "jsonl"):
                raise _invalid_field("format", "must be csv or jsonl")
            raw = await upload.read()
            return raw, str(fmt or _guess_format(upload.filename, raw))
    if media_type not in FORMATS:
        accepted = ", ".join([*FORMATS, "multipart/form-data"])
        raise ApiProblem(
            415, f"Send the profiles as one of: {accepted}.", kind="unsupported-format"
        )
    return await request.body(), FORMATS[media_type]


def _invalid_field(field: str, message: str) -> ApiProblem:
    error = FieldError(location="body", field=field, message=message)
    return ApiProblem(422, f"{field}: {message}", kind="validation-error", errors=[error])


def _guess_format(filename: str | None, raw: bytes) -> str:
    """The format a file's name says, else JSON Lines if it starts with `{`, else CSV."""
    try:
        return format_of(Path(filename or ""))
    except ValueError:
        return "jsonl" if raw.lstrip().startswith(b"{") else "csv"


def decode_lines(raw: bytes) -> tuple[str, list[RowError]]:
    """UTF-8 text, with each line that is not UTF-8 left empty and reported, like a bad row."""
    lines: list[str] = []
    errors: list[RowError] = []
    for number, line in enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            lines.append("")
            errors.append(RowError(line=number, field="line", message=f"not UTF-8: {error.reason}"))
    return "\n".join(lines), errors
