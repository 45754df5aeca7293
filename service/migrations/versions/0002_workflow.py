"""The staff workflow's tables (service/workflow_tables.py): rounds, proposed pairs, events.

A store made between releases by `create_all` may already hold them: each is created only
when absent.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _absent(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _absent("suggestion_rounds"):
        op.create_table(
            "suggestion_rounds",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("centre", sa.String(128), nullable=True),
            sa.Column("params", sa.JSON(), nullable=False),
            sa.Column("summary", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
    if _absent("suggested_pairs"):
        op.create_table(
            "suggested_pairs",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column(
                "round_id", sa.Integer(), sa.ForeignKey("suggestion_rounds.id"), nullable=False
            ),
            sa.Column("source_id", sa.String(128), nullable=False),
            sa.Column("target_id", sa.String(128), nullable=False),
            sa.Column("source_kind", sa.String(16), nullable=False),
            sa.Column("target_kind", sa.String(16), nullable=False),
            sa.Column("fit", sa.Float(), nullable=False),
            sa.Column("units", sa.Integer(), nullable=False),
            sa.Column("features", sa.JSON(), nullable=False),
            sa.Column("alternatives", sa.JSON(), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("source_response", sa.String(16), nullable=True),
            sa.Column("target_response", sa.String(16), nullable=True),
            sa.Column("reason", sa.String(500), nullable=True),
            sa.Column("stage", sa.String(32), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
        for column in ("round_id", "source_id", "target_id", "status"):
            op.create_index(f"ix_suggested_pairs_{column}", "suggested_pairs", [column])
    if _absent("pair_events"):
        op.create_table(
            "pair_events",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("pair_id", sa.Integer(), sa.ForeignKey("suggested_pairs.id"), nullable=False),
            sa.Column("event", sa.String(32), nullable=False),
            sa.Column("actor", sa.String(16), nullable=False),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_pair_events_pair_id", "pair_events", ["pair_id"])


def downgrade() -> None:
    for table in ("pair_events", "suggested_pairs", "suggestion_rounds"):
        op.drop_table(table)
