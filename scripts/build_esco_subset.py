"""Build data/esco/skills.csv.gz, the compact ESCO subset SMART Match ships, from ../shared.

    python scripts/build_esco_subset.py [../shared/data/esco/skills_en.csv]

Keeps, per skill: the id (the URI without its common prefix), preferred label, skill type,
reuse level, up to 3 alternative labels and the first sentence of the description.
ESCO classification, European Commission, v1.1.1, CC BY 4.0.
The occupation-skill relations are not used anywhere.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

PREFIX = "http://data.europa.eu/esco/skill/"
MAX_ALT_LABELS = 3
OUT = Path(__file__).resolve().parents[1] / "data" / "esco" / "skills.csv.gz"


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end == -1 else text[: end + 1]


def main(source: Path) -> None:
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with gzip.open(OUT, "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "label", "type", "reuse", "alt_labels", "description"])
        for row in sorted(rows, key=lambda r: r["conceptUri"]):
            alt = [a.strip() for a in row["altLabels"].split("\n") if a.strip()][:MAX_ALT_LABELS]
            writer.writerow(
                [
                    row["conceptUri"].removeprefix(PREFIX),
                    " ".join(row["preferredLabel"].split()),
                    row["skillType"],
                    row["reuseLevel"],
                    "|".join(alt),
                    first_sentence(row["description"]),
                ]
            )
    sys.stdout.write(f"{len(rows)} skills -> {OUT}\n")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco" / "skills_en.csv"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
