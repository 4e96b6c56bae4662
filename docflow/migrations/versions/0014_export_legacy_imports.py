"""legacy imports: which manifest rows of a legacy archive became which letters (resumable, no duplicates)

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from docflow.db import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE",
                                                             name="fk_legacy_imports_document_id_documents"),
                  nullable=False),
        sa.Column("original_number", sa.String(120), nullable=False),
        sa.Column("manifest", sa.String(500), nullable=False),
        sa.Column("manifest_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_legacy_imports"),
        sa.UniqueConstraint("source_key", name="uq_legacy_imports_source_key"),
    )
    op.create_index("ix_legacy_imports_document_id", "legacy_imports", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_legacy_imports_document_id", table_name="legacy_imports")
    op.drop_table("legacy_imports")
