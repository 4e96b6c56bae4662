"""legacy imports: which manifest rows of a legacy archive became which letters (resumable, no duplicates), and
the register sequences their numbers hold

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from docflow.db import UTCDateTime

revision = "0017"
down_revision = "0016"
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
    op.create_table(
        "held_numbers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope_key", sa.String(40), nullable=False),
        sa.Column("doc_type", sa.String(40), sa.ForeignKey("document_types.code",
                                                           name="fk_held_numbers_doc_type_document_types"),
                  nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(120), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE",
                                                             name="fk_held_numbers_document_id_documents"),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_held_numbers"),
        sa.UniqueConstraint("document_id", name="uq_held_numbers_document_id"),
    )
    op.create_index("ix_held_numbers_register", "held_numbers", ["scope_key", "doc_type", "year", "seq"])


def downgrade() -> None:
    op.drop_index("ix_held_numbers_register", table_name="held_numbers")
    op.drop_table("held_numbers")
    op.drop_index("ix_legacy_imports_document_id", table_name="legacy_imports")
    op.drop_table("legacy_imports")
