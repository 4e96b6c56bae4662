"""retention (JRA): custody of letters, destroyed versions, legal holds, transfer and destruction batches

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa

import docflow.db
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("custody", sa.String(20), nullable=False, server_default="unit"))
        batch.create_index("ix_documents_custody", ["custody"])
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("destroyed_at", docflow.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("placed_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("lifted_at", docflow.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "retention_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True, index=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("proposed_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reviewed_at", docflow.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", docflow.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("berita_acara_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=True, unique=True),
        sa.Column("done_at", docflow.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "retention_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("retention_batches.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False, index=True),
        sa.Column("removed_at", docflow.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=False),
        sa.UniqueConstraint("batch_id", "document_id"),
    )


def downgrade() -> None:
    op.drop_table("retention_items")
    op.drop_table("retention_batches")
    op.drop_table("legal_holds")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("destroyed_at")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_custody")
        batch.drop_column("custody")
