"""Running a benchmark through a ranking pipeline and scoring it as trec_eval would.

Metrics come from ir-measures with the shared benchmarks' rules: results ordered by score
(ties by profile id, descending), the first 100 per query, averages over every query that
has qrels (a query with no results scores 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ir_measures
from ir_measures import RR, P, R, nDCG

from matcher.benchmarks import Benchmark
from matcher.embedding_cache import EmbeddingCache, MemoryEmbeddingCache
from matcher.encoders import Encoder
from matcher.engine import Matcher
from matcher.fusion import Scorer
from matcher.ranking import RankingConfig, plain_dense, plain_lexical

MEASURES = {
    "ndcg@10": nDCG @ 10,
    "recall@10": R @ 10,
    "recall@100": R @ 100,
    "mrr@10": RR @ 10,
    "p@1": P @ 1,
}
RUN_DEPTH = 100
QUERY_BATCH = 256
Run = dict[str, dict[str, float]]


# The plain methods of the shared BASELINES.md, as configurations of the same pipeline.
BASELINES: dict[str, RankingConfig] = {
    "tfidf": plain_lexical("tfidf"),
    "bm25": plain_lexical("bm25"),
    "dense": plain_dense(use_documents=False),
    "dense-maxsim": plain_dense(use_documents=True),
}


@dataclass(frozen=True)
class EvaluationResult:
    pipeline: str
    metrics: dict[str, float]
    seconds: float
    run: Run


def run_benchmark(
    benchmark: Benchmark,
    matcher: Matcher,
    *,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Rank every query's target kind and keep the first RUN_DEPTH results."""
    run: Run = {}
    for kind in sorted({item.target_kind for item in benchmark.queries}):
        items = [item for item in benchmark.queries if item.target_kind == kind]
        for start in range(0, len(items), QUERY_BATCH):
            batch = items[start : start + QUERY_BATCH]
            results = matcher.match_batch([i.query for i in batch], target_kind=kind, k=RUN_DEPTH)
            for item, matches in zip(batch, results, strict=True):
                run[item.id] = {match.profile.id: match.score for match in matches}
            if progress:
                progress(len(run))
    return run


def score_run(qrels: dict[str, dict[str, int]], run: Run) -> dict[str, float]:
    """Mean of each metric over all queries in qrels, as the shared score.py computes it."""
    per_query = score_per_query(qrels, run)
    count = max(len(per_query), 1)
    return {name: sum(values[name] for values in per_query.values()) / count for name in MEASURES}


def score_per_query(qrels: dict[str, dict[str, int]], run: Run) -> dict[str, dict[str, float]]:
    """Every metric for every query in qrels (0 for a query the run does not answer)."""
    per_query = {query_id: dict.fromkeys(MEASURES, 0.0) for query_id in qrels}
    names = {str(measure): name for name, measure in MEASURES.items()}
    judged = {q: strict_ranking(docs) for q, docs in run.items() if q in qrels and docs}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, judged):
        per_query[metric.query_id][names[str(metric.measure)]] = float(metric.value)
    return per_query


def strict_ranking(docs: dict[str, float]) -> dict[str, float]:
    """trec_eval's order made explicit as strictly falling scores (no tie-breaking ambiguity)."""
    ranked = sorted(docs.items(), key=lambda item: (item[1], item[0]), reverse=True)[:RUN_DEPTH]
    return {profile_id: float(RUN_DEPTH - i) for i, (profile_id, _) in enumerate(ranked)}


def score_by_language(
    qrels: dict[str, dict[str, int]], run: Run, languages: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Metrics per query language, when the queries name more than one language."""
    named = sorted({language for language in languages.values() if language})
    if len(named) < 2:
        return {}
    rows = {}
    for language in named:
        chosen = {q: docs for q, docs in qrels.items() if languages.get(q) == language}
        rows[language] = score_run(chosen, {q: r for q, r in run.items() if q in chosen})
    return rows


def evaluate(
    benchmark: Benchmark,
    encoder: Encoder,
    pipelines: dict[str, RankingConfig],
    *,
    backend: str = "faiss",
    cache: EmbeddingCache | None = None,
    fusion: Scorer | None = None,
    show_progress: bool = False,
) -> list[EvaluationResult]:
    """Each named pipeline on the benchmark; embeddings are shared through the cache."""
    shared_cache = cache if cache is not None else MemoryEmbeddingCache()
    results = []
    for name, config in pipelines.items():
        started = time.perf_counter()
        matcher = Matcher(
            encoder, config=config, backend=backend, cache=shared_cache, fusion=fusion
        )
        matcher.add(benchmark.profiles, show_progress=show_progress)
        run = run_benchmark(benchmark, matcher)
        seconds = time.perf_counter() - started
        results.append(EvaluationResult(name, score_run(benchmark.qrels, run), seconds, run))
    return results


def write_trec_run(path: Path, run: Run, tag: str) -> None:
    """`qid Q0 pid rank score tag`, scores strictly falling in rank order.

    Ties are broken as the scorer breaks them (profile id descending, `strict_ranking`),
    so the file scores exactly what `score_run` reported.
    """
    with path.open("w", encoding="utf-8") as out:
        for query_id, docs in run.items():
            ranked = strict_ranking(docs)
            for rank, profile_id in enumerate(ranked, 1):
                out.write(f"{query_id} Q0 {profile_id} {rank} {RUN_DEPTH + 1 - rank} {tag}\n")
