"""The audit of recommendations.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recommendation_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(128), nullable=True),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("index_version", sa.String(100), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
    )
    op.create_index("ix_recommendation_audit_account_id", "recommendation_audit", ["account_id"])
    op.create_index("ix_recommendation_audit_source_id", "recommendation_audit", ["source_id"])


def downgrade() -> None:
    op.drop_table("recommendation_audit")
