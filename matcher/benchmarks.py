"""Reading a benchmark folder in the shared format (profiles, queries, qrels)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import BenchmarkError, ProfileError
from matcher.profiles import Kind, Profile, parse_profile
from matcher.queries import Query

PROFILE_FIELDS = ("id", "kind", "name", "text", "documents", "skills", "country", "languages")


@dataclass(frozen=True)
class BenchmarkQuery:
    id: str
    target_kind: Kind
    query: Query


@dataclass(frozen=True)
class Benchmark:
    name: str
    profiles: list[Profile]
    queries: list[BenchmarkQuery]
    qrels: dict[str, dict[str, int]]


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise BenchmarkError(f"{path} is missing")
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    rows.append((number, _skill_as_placement(json.loads(line))))
                except json.JSONDecodeError as error:
                    raise BenchmarkError(f"{path}:{number}: not JSON ({error.msg})") from None
    return rows


def _skill_as_placement(row: dict[str, Any]) -> dict[str, Any]:
    """ESCO skills (skills-jobads-dev) play the role of offers with topical names: the
    domain has no `skill` kind, so they are read as placements."""
    kinds = ("kind", "target_kind")
    return {k: "placement" if k in kinds and v == "skill" else v for k, v in row.items()}


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.is_file():
        raise BenchmarkError(f"{path} is missing")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as lines:
        header = lines.readline().rstrip("\n").split("\t")
        if header != ["query-id", "profile-id", "score"]:
            raise BenchmarkError(f"{path}: bad header {header}")
        for number, line in enumerate(lines, 2):
            try:
                query_id, profile_id, score = line.rstrip("\n").split("\t")
                qrels.setdefault(query_id, {})[profile_id] = int(score)
            except ValueError:
                raise BenchmarkError(
                    f"{path}:{number}: expected 'query-id<TAB>profile-id<TAB>score'"
                ) from None
    return qrels


def load_benchmark(folder: Path) -> Benchmark:
    """Read and validate a benchmark folder; only the fields the rules allow are kept."""
    profiles = []
    for number, row in _read_jsonl(folder / "profiles.jsonl"):
        try:
            profiles.append(parse_profile({k: row[k] for k in PROFILE_FIELDS if k in row}))
        except ProfileError as error:
            raise BenchmarkError(f"{folder / 'profiles.jsonl'}:{number}: {error}") from None
    queries = []
    for number, row in _read_jsonl(folder / "queries.jsonl"):
        try:
            queries.append(
                BenchmarkQuery(
                    id=str(row["id"]),
                    target_kind=Kind(row["target_kind"]),
                    query=Query(
                        text=row["text"],
                        skills=row.get("skills", []),
                        language=(row.get("languages") or [None])[0],
                    ),
                )
            )
        except (KeyError, ValueError) as error:
            raise BenchmarkError(f"{folder / 'queries.jsonl'}:{number}: {error}") from None
    return Benchmark(folder.name, profiles, queries, read_qrels(folder / "qrels.tsv"))
