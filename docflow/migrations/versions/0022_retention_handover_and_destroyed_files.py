"""a hand-over batch's export package (penyerahan of permanent letters); the intake and follow-up files destroyed
with an incoming letter

Revision ID: 0022
Revises: 0021
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("retention_batches") as batch_op:
        batch_op.add_column(sa.Column("package_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("package_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("package_size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("package_at", docflow.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("follow_up_attachments") as batch_op:
        batch_op.add_column(sa.Column("destroyed_at", docflow.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("pending_registrations") as batch_op:
        batch_op.add_column(sa.Column("files_destroyed_at", docflow.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_registrations") as batch_op:
        batch_op.drop_column("files_destroyed_at")
    with op.batch_alter_table("follow_up_attachments") as batch_op:
        batch_op.drop_column("destroyed_at")
    with op.batch_alter_table("retention_batches") as batch_op:
        batch_op.drop_column("package_at")
        batch_op.drop_column("package_size")
        batch_op.drop_column("package_sha256")
        batch_op.drop_column("package_key")
