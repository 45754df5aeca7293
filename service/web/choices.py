"""The values the pages offer in their selects: the region's countries, the centres."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from service.config import Settings

# The network's countries; the matcher accepts any ISO code, the form offers these.
COUNTRIES = ("AL", "BA", "ME")


def countries() -> tuple[str, ...]:
    return COUNTRIES


def centres(settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of the centres listed beside the demo data (`centres.jsonl`), if any."""
    return list(_centres(settings.demo_data.parent / "centres.jsonl"))


@lru_cache(maxsize=4)
def _centres(path: Path) -> tuple[tuple[str, str], ...]:
    if not path.is_file():
        return ()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return tuple((row["id"], row.get("name", row["id"])) for row in rows)
