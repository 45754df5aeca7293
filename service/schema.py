"""Schema migrations: every start-up upgrades the store in place to the newest revision.

The migrations live in service/migrations (Alembic, shipped in the package so that a wheel
can run them); their Config is built here in code, with no alembic.ini to find. A store made
by the release before Alembic (1e1de38) is adopted by the baseline revision, every row kept.
A new table or column needs a new revision: tests/test_migrations.py fails when the models
and the migrated schema disagree.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger("smartmatch.schema")


def alembic_config() -> Config:
    """Alembic's configuration for SMART Match's migrations, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "service/migrations has no revision"
    return head


def known_revisions() -> set[str]:
    """Every revision the code knows, to refuse a store made by a newer release."""
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at; None for an empty store or one from before Alembic."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_store(engine: Engine) -> None:
    """Bring the store to the newest revision, in place; a store already there is untouched."""
    head = head_revision()
    if current_revision(engine) == head:
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("store upgraded to revision %s", head)
