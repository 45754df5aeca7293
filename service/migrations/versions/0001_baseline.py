"""Baseline: the schema of the release at 1e1de38 (profiles, embedding cache, index state).

Stores created by that release (with `create_all`, before Alembic) already hold these tables,
so each is created only when absent: such a store is adopted as it is, every row kept.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _absent(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _absent("profiles"):
        op.create_table(
            "profiles",
            sa.Column("id", sa.String(128), primary_key=True),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("data", sa.JSON(), nullable=False),
            sa.Column("content_hash", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_profiles_kind", "profiles", ["kind"])
    if _absent("embeddings"):
        op.create_table(
            "embeddings",
            sa.Column("model", sa.String(200), primary_key=True),
            sa.Column("text_hash", sa.String(64), primary_key=True),
            sa.Column("dimension", sa.Integer(), nullable=False),
            sa.Column("vector", sa.LargeBinary(), nullable=False),
        )
    if _absent("index_state"):
        op.create_table(
            "index_state",
            sa.Column("path", sa.String(500), primary_key=True),
            sa.Column("model", sa.String(200), nullable=False),
            sa.Column("backend", sa.String(20), nullable=False),
            sa.Column("checksum", sa.String(64), nullable=False),
            sa.Column("vectors", sa.Integer(), nullable=False),
            sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    for table in ("index_state", "embeddings", "profiles"):
        op.drop_table(table)
