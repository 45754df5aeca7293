"""The `smartmatch` command: import, match, index, evaluate, demo and serve."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matcher import Kind, Match, MatcherError, MatchFilters, Mode, Query
from service import __version__
from service.account_cli import demo_accounts, print_logins
from service.account_cli import register as register_account_commands
from service.backup_command import backup_command
from service.config import Settings, refuse_unsafe_secret
from service.console import console, log_to_stderr
from service.db import make_engine, session_factory
from service.evaluate_command import evaluate_command, train_fusion_command
from service.importer import ImportReport, format_of
from service.network import Network, open_network
from service.profile_store import count_profiles, get_profile
from service.startup_checks import checked_settings, log_start
from service.workflow_cli import register as register_workflow_commands

app = typer.Typer(help="SMART Match: match businesses, experts, students and placements.")

Country = Annotated[
    list[str] | None, typer.Option("--country", help="ISO country code, repeatable.")
]
Language = Annotated[
    list[str] | None, typer.Option("--language", help="ISO 639-1 code, repeatable.")
]
Day = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD.")]


def _show_version(show: bool) -> None:
    if show:
        console.print(f"smartmatch {__version__}")
        raise typer.Exit()


@app.callback()
def _offline(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    log_to_stderr()


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


@app.command("import")
def import_command(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import profiles from a CSV or JSONL file; bad rows are reported, good rows kept."""
    settings = checked_settings()
    try:
        report = import_file(settings, file)
    except (OSError, ValueError) as error:
        raise _fail(str(error)) from None
    if as_json:
        console.print_json(report.model_dump_json())
    else:
        print_report(report)
    if report.errors:
        raise typer.Exit(code=1)


def import_file(settings: Settings, file: Path) -> ImportReport:
    """Store the file's good rows and index them, through the network as the API does."""
    text = file.read_text(encoding="utf-8")
    fmt = format_of(file)
    with open_network(settings, show_progress=True) as network:
        return network.import_text(text, fmt=fmt, show_progress=True)


def print_report(report: ImportReport) -> None:
    console.print(f"imported {len(report.imported)} profiles, {len(report.errors)} bad rows")
    for error in report.errors:
        console.print(f"  line {error.line}: {error.field}: {error.message}")


@app.command()
def match(
    text: Annotated[str | None, typer.Argument(help="Free text describing the need.")] = None,
    profile: Annotated[str | None, typer.Option(help="Match a stored profile by id.")] = None,
    target: Annotated[Kind, typer.Option(help="Kind of profile to return.")] = Kind.EXPERT,
    k: Annotated[int, typer.Option(min=1, max=100)] = 5,
    country: Country = None,
    language: Language = None,
    mode: Annotated[list[Mode] | None, typer.Option()] = None,
    centre: Annotated[list[str] | None, typer.Option()] = None,
    domain: Annotated[list[str] | None, typer.Option()] = None,
    available_from: Day = None,
    available_until: Day = None,
    min_capacity_left: Annotated[int | None, typer.Option(min=0)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Rank profiles of the target kind for free text or a stored profile.

    Filters are spelled as the API's query parameters: list ones are repeatable."""
    if (text is None) == (profile is None):
        raise _fail("give either TEXT or --profile ID")
    try:
        filters = MatchFilters(
            countries=country or [],
            languages=language or [],
            modes=mode or [],
            centres=centre or [],
            domains=domain or [],
            available_from=available_from and available_from.date(),
            available_until=available_until and available_until.date(),
            min_capacity_left=min_capacity_left,
        )
        with open_network(checked_settings()) as network:
            if profile is not None:
                matches = network.match_profile(
                    kind=_kind_of(network, profile),
                    profile_id=profile,
                    target=target,
                    k=k,
                    filters=filters,
                )
            else:
                query = Query(text=text or "")
                matches = network.match_text(query, target=target, k=k, filters=filters)
    except (MatcherError, ValueError) as error:
        raise _fail(str(error)) from None
    if as_json:
        console.print_json(json.dumps([m.model_dump(mode="json") for m in matches]))
    else:
        print_matches(matches, title=f"{target.value} matches for {profile or repr(text)}")


def print_matches(matches: list[Match], *, title: str) -> None:
    table = Table(title=title, show_lines=True)
    for column in ("#", "id", "name", "score", "why"):
        table.add_column(column)
    for rank, found in enumerate(matches, 1):
        why = found.explanation
        reasons = [f"{why.best_part}: “{why.snippet}”"]
        if why.shared_skills:
            reasons.append("shared skills: " + ", ".join(why.shared_skills))
        parts = [
            f"dense {why.dense:.3f}" if why.dense is not None else "",
            f"lexical {why.lexical:.2f}" if why.lexical is not None else "",
        ]
        reasons.append(" · ".join(p for p in parts if p))
        table.add_row(
            str(rank),
            found.profile.id,
            found.profile.name,
            f"{found.score:.3f}",
            "\n".join(reasons),
        )
    console.print(table)


def _kind_of(network: Network, profile_id: str) -> Kind:
    """The kind of a stored profile (the command line names a profile by its id alone)."""
    with network.runtime.sessions() as session:
        return get_profile(session, profile_id=profile_id).kind


@app.command()
def index() -> None:
    """Rebuild the vector index from the store (vectors come from the embedding cache)."""
    settings = checked_settings()
    with open_network(settings, show_progress=True) as network:
        network.rebuild_index(show_progress=True)
        profiles, vectors = network.counts()
    console.print(f"index rebuilt: {profiles} profiles, {vectors} vectors → {settings.index_path}")


@app.command()
def demo(
    request: Annotated[str, typer.Option(help="The sample request to match.")] = "req-001",
) -> None:
    """Load the fictional demo network (once) and print explained matches for a sample request."""
    settings = checked_settings(demo=True)
    with open_network(settings, show_progress=True) as network:
        if request not in network:
            text = settings.demo_data.read_text(encoding="utf-8")
            print_report(network.import_text(text, fmt=format_of(settings.demo_data)))
        asked = network.get(kind=Kind.REQUEST, profile_id=request)
        console.print(f"[bold]{asked.id}[/bold] ({asked.name}): {asked.text}")
        matches = network.match_profile(
            kind=Kind.REQUEST, profile_id=request, target=Kind.EXPERT, k=5
        )
    print_matches(matches, title=f"experts for {request}")
    print_logins(demo_accounts(settings))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo network first if the store is empty.")
    ] = False,
) -> None:
    """Serve the web pages at / and the HTTP API; its interactive docs are at /docs.
    `--demo` runs in development mode (a public secret) and prints one log-in per role."""
    import uvicorn

    from service.api import create_app

    settings = checked_settings(demo=demo)
    if demo:
        settings = settings.model_copy(update={"environment": "development"})
    refuse_unsafe_secret(settings)
    log_start(settings)
    if demo and store_is_empty(settings):
        print_report(import_file(settings, settings.demo_data))
    if demo:
        print_logins(demo_accounts(settings))
    url = f"http://{host}:{port}"
    console.print(f"SMART Match pages on {url}/ · API docs: {url}/docs")
    uvicorn.run(create_app(settings), host=host, port=port)


def store_is_empty(settings: Settings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            return count_profiles(session) == 0
    finally:
        engine.dispose()


app.command("backup")(backup_command)
app.command("evaluate")(evaluate_command)
app.command("train-fusion")(train_fusion_command)
register_workflow_commands(app)
register_account_commands(app)


def main() -> None:
    app()
