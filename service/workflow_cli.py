"""The staff workflow on the command line: `smartmatch round`, `smartmatch analytics` and
`smartmatch train-reranker`, each one call to the service the API uses too."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from service.config import get_settings
from service.console import console
from service.network import open_network
from service.workflow import RoundSettings, RoundSummary, run_round
from service.workflow_analytics import analytics
from service.workflow_ranking import train_reranker

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def round_command(
    centre: Annotated[str | None, typer.Option(help="Only this centre's items.")] = None,
    hours_per_request: Annotated[
        int, typer.Option(min=1, max=1000, help="Counselling hours one request takes.")
    ] = 4,
    k: Annotated[int, typer.Option(min=1, max=100, help="Engine candidates per item.")] = 20,
    as_json: AsJson = False,
) -> None:
    """Run a suggestion round: pairs for every open request and student, within capacity."""
    try:
        options = RoundSettings(centre=centre, hours_per_request=hours_per_request, k=k)
    except ValidationError as error:
        console.print(f"[red]error:[/red] {error.errors()[0]['msg']}")
        raise typer.Exit(code=2) from None
    with open_network(get_settings(), show_progress=True) as network:
        console.print("planning the round (one engine match per open item)…")
        summary = run_round(network, options, show_progress=True)
    if as_json:
        console.print_json(summary.model_dump_json())
    else:
        print_round(summary)


def print_round(summary: RoundSummary) -> None:
    table = Table(title=f"round {summary.round_id} · {summary.centre or 'whole network'}")
    for column in ("kind", "open items", "paired", "total fit", "greedy paired", "greedy fit"):
        table.add_column(column)
    for kind, got in summary.kinds.items():
        table.add_row(
            kind,
            str(got.items),
            str(got.covered),
            f"{got.total_fit:.3f}",
            str(got.greedy_covered),
            f"{got.greedy_total_fit:.3f}",
        )
    console.print(table)
    console.print(f"ranking: {summary.ranking}; review the pairs at GET /workflow/pairs")


def analytics_command(as_json: AsJson = False) -> None:
    """Centre analytics: profiles, suggestions, approvals, outcomes and exposure."""
    with open_network(get_settings()) as network:
        report = analytics(network)
    if as_json:
        console.print_json(json.dumps(report))
        return
    console.print(
        f"experts never suggested: {report['experts']['share_never_suggested']:.0%}"
        f" of {report['experts']['experts']}"
    )
    for place in ("centre", "country"):
        print_places(place, report[f"by_{place}"])


def print_places(place: str, rows: dict[str, Any]) -> None:
    table = Table(title=f"by {place}")
    for column in (
        place,
        "profiles",
        "suggested",
        "approved",
        "outcomes",
        "days to meet",
        "share of suggestions / profiles",
    ):
        table.add_column(column)
    for name, row in rows.items():
        exposure = row["exposure"]
        days = row["median_days_to_first_meeting"]
        table.add_row(
            name,
            ", ".join(f"{kind} {count}" for kind, count in sorted(row["profiles"].items())),
            str(row["suggestions"]),
            str(row["approved"]),
            ", ".join(f"{stage} {count}" for stage, count in row["outcomes"].items()),
            "" if days is None else f"{days:.1f}",
            f"{exposure['share_of_suggestions']:.0%} / {exposure['share_of_profiles']:.0%}",
        )
    console.print(table)


def train_reranker_command(as_json: AsJson = False) -> None:
    """Train the re-ranker on stored feedback; rounds use it only if it wins grouped CV."""
    with open_network(get_settings()) as network:
        evaluation = train_reranker(network)
    if as_json:
        console.print_json(json.dumps(evaluation))
    else:
        console.print(f"ranking: {evaluation.pop('ranking')}")
        console.print(evaluation)


def register(app: typer.Typer) -> None:
    app.command("round")(round_command)
    app.command("analytics")(analytics_command)
    app.command("train-reranker")(train_reranker_command)
