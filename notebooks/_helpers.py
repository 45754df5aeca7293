"""Helpers shared by the evaluation notebooks, so that each notebook stays a page of calls.

Nothing here is part of the matcher: it loads encoders, slices benchmarks, picks the worst
queries, scores runs per language, counts exposure and formats tables for people reading a
notebook.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from IPython.display import Markdown

from matcher import Encoder, Matcher, Profile, load_encoder, parse_profile
from matcher.benchmarks import Benchmark
from matcher.encoders import EnsembleEncoder
from matcher.evaluation import RUN_DEPTH, Run, score_by_language, score_per_query, score_run
from service.encoding import QueryMemo

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "data" / "bench"
DEMO_PROFILES = REPO / "data" / "demo" / "profiles.jsonl"


def count_or_all(text: str) -> int | None:
    """A notebook parameter such as "25", or None for "all"."""
    return None if text.strip().lower() in {"", "all"} else int(text)


def save(out_dir: str, name: str, content: dict[str, Any] | Any) -> None:
    """Write a summary (a dict, as JSON) or a matplotlib figure (as PNG) when out_dir is set."""
    if not out_dir:
        return
    path = Path(out_dir) / name
    if isinstance(content, dict):
        path.write_text(json.dumps(content, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        content.savefig(path, dpi=80, bbox_inches="tight")


def markdown_table(rows: Sequence[dict[str, Any]]) -> Markdown:
    """Rows with the same keys as a Markdown table; floats with 3 decimals."""
    if not rows:
        return Markdown("*(nothing to show)*")

    def cell(value: Any) -> str:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        return text.replace("|", "\\|").replace("\n", "<br>")

    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[column]) for column in columns) + " |" for row in rows]
    return Markdown("\n".join(lines))


def shorten(text: str, chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def label(profile: Profile, chars: int = 60) -> str:
    """A profile's name and the start of its text (benchmark experts' names say nothing)."""
    return shorten(f"{profile.name}: {profile.text}", chars)


# -- encoders ---------------------------------------------------------------------------


def load_encoders(*names: str) -> dict[str, Encoder]:
    """`load_encoder(name)` for each name, loading each model once: the default ensemble
    `all-MiniLM-L6-v2+e5` and `e5` alone share one e5."""
    models: dict[str, Encoder] = {}

    def model(name: str) -> Encoder:
        if name not in models:
            models[name] = load_encoder(name)
        return models[name]

    return {
        name: EnsembleEncoder([model(part) for part in name.split("+")])
        if "+" in name
        else model(name)
        for name in names
    }


def with_shared_query_memo(*encoders: Encoder, size: int = 100_000) -> list[Encoder]:
    """The encoders with one query memo per model, shared between them, so that the
    pipelines of a benchmark encode each query text once per model, also when the model is
    both alone and inside an ensemble. Members keep their names, so the embedding cache
    still shares their profile vectors. A fresh memo per benchmark keeps memory small."""
    memos: dict[str, Encoder] = {}

    def memo(encoder: Encoder) -> Encoder:
        if isinstance(encoder, EnsembleEncoder):
            return EnsembleEncoder([memo(member) for member in encoder.members])
        if encoder.name not in memos:
            memos[encoder.name] = QueryMemo(encoder, size=size)
        return memos[encoder.name]

    return [memo(encoder) for encoder in encoders]


# -- benchmarks -------------------------------------------------------------------------


def small_slice(
    benchmark: Benchmark, *, queries: int | None, distractors: int | None, seed: int = 0
) -> Benchmark:
    """The first `queries` queries with their qrels; every profile relevant to one of them
    and a fixed random sample of `distractors` other profiles. None keeps all."""
    kept = benchmark.queries[:queries] if queries is not None else benchmark.queries
    qrels = {q.id: benchmark.qrels[q.id] for q in kept if q.id in benchmark.qrels}
    profiles = benchmark.profiles
    if distractors is not None:
        relevant = {pid for docs in qrels.values() for pid in docs}
        others = sorted(p.id for p in profiles if p.id not in relevant)
        sample = random.Random(seed).sample(others, min(distractors, len(others)))
        keep = relevant | set(sample)
        profiles = [p for p in profiles if p.id in keep]
    return Benchmark(benchmark.name, profiles, kept, qrels)


def ranking(docs: dict[str, float]) -> list[str]:
    """A query's result ids in trec_eval order: score, then id, both descending."""
    ordered = sorted(docs.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return [pid for pid, _ in ordered]


def first_relevant(ranked: Sequence[str], relevant: Iterable[str]) -> tuple[str, int | None]:
    """The best-ranked relevant profile and its 1-based rank; (some relevant id, None)
    when none was returned."""
    wanted = set(relevant)
    for rank, pid in enumerate(ranked, 1):
        if pid in wanted:
            return pid, rank
    return min(wanted), None


def worst_queries(
    benchmark: Benchmark, run: Run, matcher: Matcher, n: int = 5
) -> list[dict[str, Any]]:
    """The n queries with the lowest nDCG@10 (ties: the deepest first relevant result), with
    the matcher's top 3 for each, the terms its #1 shares with the query, and where the
    first relevant profile came."""
    per_query = score_per_query(benchmark.qrels, run)
    queries = {item.id: item for item in benchmark.queries}
    profiles = {p.id: p for p in benchmark.profiles}

    def first(query_id: str) -> tuple[str, int | None]:
        return first_relevant(ranking(run.get(query_id, {})), benchmark.qrels[query_id])

    def badness(query_id: str) -> tuple[float, int, str]:
        rank = first(query_id)[1]
        return per_query[query_id]["ndcg@10"], -(rank or RUN_DEPTH + 1), query_id

    rows = []
    for query_id in sorted(per_query, key=badness)[:n]:
        item = queries[query_id]
        top = matcher.match(item.query, target_kind=item.target_kind, k=3)
        relevant_id, rank = first(query_id)
        rows.append(
            {
                "query": f"{query_id}: {shorten(item.query.text, 80)}",
                "nDCG@10": per_query[query_id]["ndcg@10"],
                "top 3": "\n".join(f"{i}. {label(m.profile)}" for i, m in enumerate(top, 1)),
                "#1 shares": ", ".join(top[0].explanation.shared_terms[:6]) if top else "",
                "first relevant": label(profiles[relevant_id]),
                "its rank": rank if rank is not None else f">{RUN_DEPTH}",
            }
        )
    return rows


LANGUAGE_NAMES = {
    "sq": "Albanian",
    "bs": "Bosnian",
    "hr": "Croatian",
    "sr": "Serbian (Cyrillic)",
    "mk": "Macedonian",
}


def ndcg_by_language(
    benchmark: Benchmark,
    runs: dict[str, Run],
    *,
    ours: str,
    reference: str,
    floor: float,
) -> list[dict[str, Any]]:
    """A row per query language (in the order the queries come), then one for all queries:
    each run's nDCG@10 and the ratio `ours` / `reference` with whether it reaches `floor`."""
    languages = {item.id: item.query.language or "" for item in benchmark.queries}
    scores = {
        name: {
            **score_by_language(benchmark.qrels, run, languages),
            "all": score_run(benchmark.qrels, run),
        }
        for name, run in runs.items()
    }
    counts = Counter(languages[query_id] for query_id in benchmark.qrels)
    in_query_order = [lang for lang in dict.fromkeys(languages.values()) if lang in scores[ours]]
    rows = []
    for language in [*in_query_order, "all"]:
        ndcg = {name: found[language]["ndcg@10"] for name, found in scores.items()}
        ratio = ndcg[ours] / ndcg[reference] if ndcg[reference] else 0.0
        spoken = LANGUAGE_NAMES.get(language, "")
        rows.append(
            {
                "language": f"{language} ({spoken})" if spoken else language,
                "queries": counts[language] if language != "all" else len(benchmark.qrels),
                **ndcg,
                f"{ours} / {reference}": ratio,
                f">= {floor}": "yes" if ratio >= floor else "**no**",
            }
        )
    return rows


def score_distributions(qrels: dict[str, dict[str, int]], run: Run) -> dict[str, list[float]]:
    """Per query: the #1 and #10 scores, the scores of relevant and other results in the top
    10, and the gap between the best relevant and the best other score in the top 100."""
    found: dict[str, list[float]] = {k: [] for k in ("top1", "top10", "relevant", "other", "gap")}
    for query_id, relevant in qrels.items():
        ranked = ranking(run.get(query_id, {}))
        scores = [run[query_id][pid] for pid in ranked]
        if not scores:
            continue
        found["top1"].append(scores[0])
        if len(scores) >= 10:
            found["top10"].append(scores[9])
        for pid, score in zip(ranked[:10], scores, strict=False):
            found["relevant" if pid in relevant else "other"].append(score)
        best_relevant = [s for pid, s in zip(ranked, scores, strict=True) if pid in relevant]
        best_other = [s for pid, s in zip(ranked, scores, strict=True) if pid not in relevant]
        if best_relevant and best_other:
            found["gap"].append(best_relevant[0] - best_other[0])
    return found


# -- exposure ---------------------------------------------------------------------------


def load_profiles(path: Path) -> list[Profile]:
    with path.open(encoding="utf-8") as lines:
        return [parse_profile(json.loads(line)) for line in lines if line.strip()]


def gini(values: Sequence[float]) -> float:
    """0 when every profile is shown equally often, towards 1 when a few get everything."""
    counts = np.sort(np.asarray(values, dtype=float))
    if len(counts) == 0 or counts.sum() == 0:
        return 0.0
    ranks = np.arange(1, len(counts) + 1)
    return float((2 * ranks - len(counts) - 1) @ counts / (len(counts) * counts.sum()))


def exposure_by(group: str, pool: Sequence[Profile], shown: Counter[str]) -> list[dict[str, Any]]:
    """For each value of `group` (country, centre): its share of the profiles that can be
    shown; its fair share, had every profile of a kind been shown equally often; and its
    share of the results actually shown."""
    total = sum(shown.values())
    per_kind = Counter(p.kind for p in pool)
    slots = Counter({kind: sum(shown[p.id] for p in pool if p.kind == kind) for kind in per_kind})
    rows: dict[str, dict[str, Any]] = {}
    for profile in pool:
        key = getattr(profile, group) or "(none)"
        row = rows.setdefault(
            key,
            {group: key, "profiles": 0, "profile share": 0.0, "fair share": 0.0, "shown": 0},
        )
        row["profiles"] += 1
        row["profile share"] += 1 / len(pool)
        row["fair share"] += slots[profile.kind] / per_kind[profile.kind] / total
        row["shown"] += shown[profile.id]
    for row in rows.values():
        row["exposure share"] = row["shown"] / total
        row["exposure / fair"] = row["exposure share"] / row["fair share"]
    return sorted(rows.values(), key=lambda row: str(row[group]))


def shown_row(profile: Profile, shown: Counter[str]) -> dict[str, Any]:
    """A profile as a table row with how often it was shown."""
    return {
        "id": profile.id,
        "kind": profile.kind.value,
        "name": profile.name,
        "country": profile.country,
        "centre": profile.centre,
        "shown": shown[profile.id],
    }
