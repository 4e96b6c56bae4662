"""stored objects found corrupt, refused for download until a re-upload repairs them

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "damaged_objects",
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("found_by", sa.String(length=20), nullable=False),
        sa.Column("found_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("storage_key", name=op.f("pk_damaged_objects")),
    )


def downgrade() -> None:
    op.drop_table("damaged_objects")
