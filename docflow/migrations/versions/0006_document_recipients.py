"""a letter's recipients: addressees (Yth.) and copies (tembusan), internal positions or external lines

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
        "document_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=2), nullable=False),
        sa.Column("ordering", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_recipients_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"],
                                name=op.f("fk_document_recipients_position_id_positions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_recipients")),
        sa.UniqueConstraint("document_id", "kind", "ordering",
                            name=op.f("uq_document_recipients_document_id")),
    )
    op.create_index(op.f("ix_document_recipients_document_id"), "document_recipients", ["document_id"], unique=False)
    op.create_index(op.f("ix_document_recipients_position_id"), "document_recipients", ["position_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_recipients_position_id"), table_name="document_recipients")
    op.drop_index(op.f("ix_document_recipients_document_id"), table_name="document_recipients")
    op.drop_table("document_recipients")
