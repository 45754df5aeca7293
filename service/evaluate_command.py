"""`smartmatch evaluate`: a benchmark folder through the configured pipeline and the baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matcher import MatcherError, RankingConfig, load_encoder
from matcher.benchmarks import load_benchmark
from matcher.evaluation import BASELINES, MEASURES, evaluate, write_trec_run
from service.config import get_settings
from service.console import console
from service.db import make_engine, session_factory
from service.embedding_store import SqlEmbeddingCache


def evaluate_command(
    bench_dir: Path,
    run: Annotated[
        Path | None, typer.Option(help="Write the pipeline's TREC run file here.")
    ] = None,
    baselines: Annotated[bool, typer.Option(help="Also score the plain baseline methods.")] = False,
    model: Annotated[
        str | None, typer.Option(help="Encoder (default: the configured one).")
    ] = None,
) -> None:
    """Score the default pipeline on a benchmark folder: nDCG@10, recall@10/100, MRR@10, P@1."""
    settings = get_settings()
    try:
        benchmark = load_benchmark(bench_dir)
    except MatcherError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=2) from None
    encoder = load_encoder(model or settings.model)
    cache = SqlEmbeddingCache(session_factory(make_engine(settings.database_url)))
    pipelines = {"smartmatch": RankingConfig(), **(BASELINES if baselines else {})}
    results = evaluate(
        benchmark,
        encoder,
        pipelines,
        backend=settings.index_backend,
        cache=cache,
        show_progress=True,
    )
    table = Table(title=f"{benchmark.name} · {len(benchmark.queries)} queries · {encoder.name}")
    table.add_column("pipeline")
    for name in MEASURES:
        table.add_column(name, justify="right")
    table.add_column("seconds", justify="right")
    for result in results:
        table.add_row(
            result.pipeline,
            *(f"{result.metrics[m]:.3f}" for m in MEASURES),
            f"{result.seconds:.1f}",
        )
    console.print(table)
    if run is not None:
        write_trec_run(run, results[0].run, tag=f"smartmatch-{encoder.name}")
        console.print(f"run written to {run}")
