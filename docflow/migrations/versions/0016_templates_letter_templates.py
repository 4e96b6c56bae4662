"""letter templates per document type and unit, with a shipped default for each national type

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import docflow.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# The default templates shipped in docflow/drafting/defaults (scripts/make-default-templates writes them).
BUILTIN_TYPES = ("peraturan", "keputusan", "instruksi", "surat_edaran", "surat_perintah", "surat_tugas", "nota_dinas",
                 "memo", "surat_dinas", "surat_undangan", "perjanjian", "surat_kuasa", "berita_acara",
                 "surat_keterangan", "surat_pengantar", "pengumuman", "notula", "laporan", "telaahan_staf", "lainnya")


def upgrade() -> None:
    table = op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("builtin", sa.String(length=80), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", docflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["doc_type"], ["document_types.code"],
                                name=op.f("fk_letter_templates_doc_type_document_types")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_letter_templates_unit_id_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_letter_templates_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
    )
    op.create_index(op.f("ix_letter_templates_doc_type"), "letter_templates", ["doc_type"])
    op.create_index(op.f("ix_letter_templates_unit_id"), "letter_templates", ["unit_id"])
    types = sa.table("document_types", sa.column("code", sa.String), sa.column("name", sa.String))
    known = dict(op.get_bind().execute(sa.select(types.c.code, types.c.name)).all())
    now = datetime.now(UTC)
    op.bulk_insert(table, [
        {"doc_type": code, "unit_id": None, "name": f"{known[code]} (bawaan)", "builtin": f"{code}.docx",
         "storage_key": None, "sha256": None, "original_filename": f"{code}.docx", "is_active": True,
         "created_by_id": None, "created_at": now, "updated_at": now}
        for code in BUILTIN_TYPES if code in known])


def downgrade() -> None:
    op.drop_index(op.f("ix_letter_templates_unit_id"), table_name="letter_templates")
    op.drop_index(op.f("ix_letter_templates_doc_type"), table_name="letter_templates")
    op.drop_table("letter_templates")
