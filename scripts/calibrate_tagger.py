"""Choose the tagger's minimum cosine on skills-jobads-dev (the benchmark meant for tuning).

    python scripts/calibrate_tagger.py [MODEL] [BENCH_DIR]

For each job-ad sentence the tagger's best skill is kept when its cosine reaches the
threshold; prints precision (kept tags that are gold) and recall (sentences with a gold
tag kept) per threshold, and writes them to benchmarks/results/tagger-<model>.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from matcher import load_encoder
from matcher.benchmarks import load_benchmark
from matcher.skills import ESCO_SKILL_URI, SkillTagger, load_esco_skills
from service.config import get_settings
from service.db import make_engine, session_factory
from service.embedding_store import SqlEmbeddingCache

REPO = Path(__file__).resolve().parents[1]


def main(model: str, bench: Path) -> None:
    encoder = load_encoder(model)
    benchmark = load_benchmark(bench)
    settings = get_settings()  # its database caches the skills' vectors between runs
    cache = SqlEmbeddingCache(session_factory(make_engine(settings.database_url)))
    tagger = SkillTagger(
        load_esco_skills(REPO / "data" / "esco" / "skills.csv.gz"),
        encoder,
        cache=cache,
        min_score=0.0,
        per_sentence=1,
        show_progress=True,
    )
    best = []
    for item in benchmark.queries:
        tags = tagger.tag([item.query.text.replace(".", ",")])  # the whole sentence as one piece
        gold = {
            ESCO_SKILL_URI + pid.removeprefix("skill-") for pid in benchmark.qrels.get(item.id, {})
        }
        top = tags[0] if tags else None
        best.append((top.confidence if top else 0.0, bool(top and top.uri in gold)))
    scores = np.array([s for s, _ in best])
    correct = np.array([c for _, c in best])
    rows = []
    for threshold in np.round(np.arange(0.3, 0.96, 0.05), 2):
        kept = scores >= threshold
        precision = float(correct[kept].mean()) if kept.any() else 0.0
        rows.append(
            {
                "threshold": float(threshold),
                "kept": int(kept.sum()),
                "precision": round(precision, 3),
                "recall": round(float((correct & kept).sum() / len(best)), 3),
            }
        )
        sys.stdout.write(
            f"{threshold:.2f} kept {kept.sum():4d} precision {precision:.3f}"
            f" recall {rows[-1]['recall']:.3f}\n"
        )
    out = REPO / "benchmarks" / "results" / f"tagger-{encoder.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"model": encoder.name, "benchmark": benchmark.name, "rows": rows}, indent=1)
    )


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "all-MiniLM-L6-v2",
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else REPO.parent / "shared" / "data" / "bench" / "skills-jobads-dev",
    )
