"""`smartmatch evaluate` and `smartmatch train-fusion`: benchmarks through the pipeline.

`evaluate` scores the shipped pipeline (and with `--baselines` the plain methods, the
configured encoder's own cosine among them) on each benchmark folder, with a row per
query language where queries carry languages. `--folds` prints the out-of-sample
figures: each benchmark ranked by a fusion model trained without it (leave one benchmark
out), by models trained without each fifth of its queries (query folds), and, for
contrast only, by one trained on everything. `train-fusion` writes the shipped model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matcher import Encoder, Matcher, MatcherError, RankingConfig, load_encoder
from matcher.benchmarks import Benchmark, load_benchmark
from matcher.crossval import (
    PoolTable,
    collect_pools,
    everything,
    fitted,
    in_sample_run,
    leave_one_out,
    query_fold_run,
)
from matcher.embedding_cache import EmbeddingCache
from matcher.evaluation import (
    BASELINES,
    MEASURES,
    EvaluationResult,
    Run,
    evaluate,
    score_by_language,
    score_run,
    write_trec_run,
)
from matcher.fusion import LearnedFusion
from service.config import Settings, get_settings
from service.console import console
from service.db import make_engine, session_factory
from service.embedding_store import SqlEmbeddingCache

Benchmarks = Annotated[list[Path], typer.Argument(help="Benchmark folders (shared format).")]
Model = Annotated[str | None, typer.Option(help="Encoder (default: the configured one).")]


def evaluate_command(
    bench_dirs: Benchmarks,
    run: Annotated[
        Path | None, typer.Option(help="Write the pipeline's TREC run file here (one folder).")
    ] = None,
    baselines: Annotated[bool, typer.Option(help="Also score the plain baseline methods.")] = False,
    folds: Annotated[
        bool, typer.Option(help="Out-of-sample figures: leave one benchmark out, query folds.")
    ] = False,
    model: Model = None,
) -> None:
    """Score the pipeline on benchmark folders: nDCG@10, recall@10/100, MRR@10, P@1."""
    settings = get_settings()
    if run is not None and len(bench_dirs) != 1:
        raise _usage("--run: give exactly one benchmark folder")
    if folds and len(bench_dirs) < 2:
        raise _usage("--folds: give at least two benchmark folders (one is held out)")
    benchmarks = _load_all(bench_dirs)
    encoder = load_encoder(model or settings.model)
    cache = _cache(settings)
    if folds:
        _print_folds(_pools(benchmarks, encoder, cache, settings), encoder.name)
        return
    fusion = LearnedFusion.load(settings.fusion_model)
    for benchmark in benchmarks:
        pipelines = {"smartmatch": RankingConfig(), **(BASELINES if baselines else {})}
        results = evaluate(
            benchmark,
            encoder,
            pipelines,
            backend=settings.index_backend,
            cache=cache,
            fusion=fusion,
            show_progress=True,
        )
        _print_results(benchmark, encoder.name, results)
        if run is not None:
            write_trec_run(run, results[0].run, tag=f"smartmatch-{encoder.name}")
            console.print(f"run written to {run}")


def train_fusion_command(
    bench_dirs: Benchmarks,
    out: Annotated[Path, typer.Option(help="Where to write the model (JSON).")] = Path(
        "models/fusion.json"
    ),
    model: Model = None,
) -> None:
    """Train the fusion model on every given benchmark and write it (see models/fusion.md)."""
    settings = get_settings()
    benchmarks = _load_all(bench_dirs)
    encoder = load_encoder(model or settings.model)
    tables = _pools(benchmarks, encoder, _cache(settings), settings)
    fusion = fitted(LearnedFusion(), tables, [everything(t) for t in tables])
    fusion.save(
        out,
        encoder=encoder.name,
        trained_on=[table.name for table in tables],
        queries=fusion.n_queries_,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    console.print(f"fusion model written to {out}:")
    for name, weight in fusion.weights().items():
        console.print(f"  {name:>14} {weight:+.3f}")


def _load_all(bench_dirs: list[Path]) -> list[Benchmark]:
    try:
        return [load_benchmark(folder) for folder in bench_dirs]
    except MatcherError as error:
        raise _usage(str(error)) from None


def _cache(settings: Settings) -> EmbeddingCache:
    return SqlEmbeddingCache(session_factory(make_engine(settings.database_url)))


def _pools(
    benchmarks: list[Benchmark], encoder: Encoder, cache: EmbeddingCache, settings: Settings
) -> list[PoolTable]:
    """Every benchmark's candidate pools, encoded through the store's embedding cache."""
    tables = []
    for benchmark in benchmarks:
        matcher = Matcher(encoder, backend=settings.index_backend, cache=cache)
        matcher.add(benchmark.profiles, show_progress=True)
        with console.status(f"{benchmark.name}: ranking {len(benchmark.queries)} queries") as s:
            tables.append(
                collect_pools(
                    benchmark,
                    matcher,
                    progress=lambda done, s=s, b=benchmark: s.update(  # type: ignore[misc]
                        f"{b.name}: {done}/{len(b.queries)} queries"
                    ),
                )
            )
    return tables


def _usage(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


def _print_folds(tables: list[PoolTable], encoder_name: str) -> None:
    table = Table(title=f"nDCG@10 out of sample · learned fusion · {encoder_name}")
    for column in ("benchmark", "leave one benchmark out", "query folds", "in-sample (contrast)"):
        table.add_column(column, justify="right" if column != "benchmark" else "left")
    for index, pools in enumerate(tables):
        runs: dict[str, Run] = {
            "lobo": leave_one_out(tables, index, LearnedFusion()),
            "folds": query_fold_run(tables, index, LearnedFusion()),
            "in": in_sample_run(tables, index, LearnedFusion()),
        }
        scores = {key: score_run(pools.qrels, r)["ndcg@10"] for key, r in runs.items()}
        table.add_row(pools.name, *(f"{scores[key]:.3f}" for key in runs))
        languages = dict(zip(pools.query_ids, pools.query_languages, strict=True))
        by_language = {key: score_by_language(pools.qrels, r, languages) for key, r in runs.items()}
        for language in by_language["lobo"]:
            table.add_row(
                f"  {language}",
                *(f"{by_language[key][language]['ndcg@10']:.3f}" for key in runs),
            )
    console.print(table)


def _print_results(
    benchmark: Benchmark, encoder_name: str, results: list[EvaluationResult]
) -> None:
    title = f"{benchmark.name} · {len(benchmark.queries)} queries · {encoder_name}"
    table = Table(title=title)
    table.add_column("pipeline")
    for name in MEASURES:
        table.add_column(name, justify="right")
    table.add_column("seconds", justify="right")
    languages = {item.id: item.query.language or "" for item in benchmark.queries}
    for result in results:
        table.add_row(
            result.pipeline,
            *(f"{result.metrics[m]:.3f}" for m in MEASURES),
            f"{result.seconds:.1f}",
        )
        for language, metrics in score_by_language(benchmark.qrels, result.run, languages).items():
            table.add_row(f"  {language}", *(f"{metrics[m]:.3f}" for m in MEASURES), "")
    console.print(table)
