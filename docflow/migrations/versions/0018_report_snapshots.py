"""the paperless report's snapshots (periods counted ahead by the worker); disposisi indexed by time

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("computed_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("period_start", "period_end", "timezone",
                            name=op.f("uq_report_snapshots_period_start")),
    )
    op.create_index("ix_dispositions_created_at", "dispositions", ["created_at"])
    op.create_index("ix_dispositions_followed_up_at", "dispositions", ["followed_up_at"])


def downgrade() -> None:
    op.drop_index("ix_dispositions_followed_up_at", table_name="dispositions")
    op.drop_index("ix_dispositions_created_at", table_name="dispositions")
    op.drop_table("report_snapshots")
