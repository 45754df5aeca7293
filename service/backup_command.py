"""`smartmatch backup FILE`: a consistent copy of the store while the service keeps running.

SQLite's online backup API copies the database page by page under its own locking, so
writes that commit during the copy are either in it or wait for it; a plain `cp` of a WAL
database can miss committed pages. The index is not copied: it is derived state, rebuilt
from the store at the next start when it is missing or disagrees.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from service.console import console
from service.startup_checks import checked_settings, sqlite_file


def backup_command(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (an SQLite file).")],
) -> None:
    """Copy the store to FILE with SQLite's online backup, safe while `serve` runs."""
    settings = checked_settings()
    store = sqlite_file(settings.database_url)
    if store is None:
        console.print("[red]error:[/red] only an SQLite store can be backed up by this command")
        raise typer.Exit(code=2)
    if file.exists():
        console.print(f"[red]error:[/red] {file} exists; give a new file")
        raise typer.Exit(code=2)
    with sqlite3.connect(store) as source, sqlite3.connect(file) as target:
        source.backup(target, pages=1024)
    source.close()
    target.close()
    console.print(f"store {store} backed up to {file}")
