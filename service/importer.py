"""Bulk import of profiles from CSV or JSON Lines, with a report of every bad row.

Good rows are stored, bad rows are reported with their line number and the field to fix;
one bad row never stops the others. In CSV, list fields (documents, skills, languages,
domains) hold their items separated by `|`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from matcher import DuplicateProfileError, Profile, ProfileError, parse_profile
from matcher.skills import SkillTagger
from service import profile_store
from service.enrichment import enrich

LIST_FIELDS = ("documents", "skills", "languages", "domains")
CSV_LIST_SEPARATOR = "|"


class RowError(BaseModel):
    line: int
    field: str
    message: str


class ImportReport(BaseModel):
    imported: list[str]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def rows_from_text(text: str, *, fmt: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(line number, raw row or a parse error) for every non-empty row."""
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, RowError(line=number, field="line", message=f"not JSON: {error.msg}")
                continue
            if not isinstance(row, dict):
                yield number, RowError(line=number, field="line", message="not a JSON object")
            else:
                yield number, row
    elif fmt == "csv":
        yield from _csv_rows(text)
    else:
        raise ValueError(f"unknown format {fmt!r}: use csv or jsonl")


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """CSV rows; a line the csv module cannot parse (a stray quote, a carriage return inside
    an unquoted field) is reported as that line's error and reading goes on."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        reader.fieldnames  # noqa: B018 - reads the header, so that line numbers count it
    except csv.Error as error:
        yield 1, RowError(line=1, field="line", message=f"not CSV: {error}")
        return
    while True:
        starts_at = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield starts_at, RowError(line=starts_at, field="line", message=f"not CSV: {error}")
            continue
        yield reader.line_num, _csv_row(row)


def _csv_row(row: dict[str | Any, str | Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        if key in LIST_FIELDS:
            data[key] = [
                item.strip() for item in str(value).split(CSV_LIST_SEPARATOR) if item.strip()
            ]
        else:
            data[key] = value
    return data


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"{path.name}: expected a .csv or .jsonl file")


def import_profiles(
    session: Session, text: str, *, fmt: str, tagger: SkillTagger | None = None
) -> tuple[ImportReport, list[Profile]]:
    """Validate, enrich and store every good row in this session's transaction."""
    imported: list[Profile] = []
    errors: list[RowError] = []
    for number, row in rows_from_text(text, fmt=fmt):
        if isinstance(row, RowError):
            errors.append(row)
            continue
        try:
            profile = parse_profile(row)
            if profile_store.exists(session, profile_id=profile.id):
                raise DuplicateProfileError(profile.id)
            profile = profile_store.create_profile(session, profile=enrich(profile, tagger))
        except ProfileError as error:
            errors.append(RowError(line=number, field=error.field, message=error.message))
        except DuplicateProfileError:
            errors.append(
                RowError(line=number, field="id", message="a profile with this id already exists")
            )
        else:
            imported.append(profile)
    return ImportReport(imported=[p.id for p in imported], errors=errors), imported
