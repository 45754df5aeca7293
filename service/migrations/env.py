"""Alembic's environment: migrations run on the connection service/schema.py hands over, in
batch mode so that SQLite can alter tables (it copies and swaps them)."""

from __future__ import annotations

from alembic import context

import service.account_tables
import service.audit_tables
import service.consent_tables
import service.erasure_tables
import service.workflow_tables  # noqa: F401  (their tables join Base.metadata)
from service.db import Base


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
