"""classification codes with their retention rule (JRA), seeded with national codes a city edits

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Seed data after the pattern of Permendagri 83/2022 (Pedoman Klasifikasi Arsip): the ten national top
# levels and a working set of lower codes. Names and retention periods are a starting point that each
# city's archives unit reviews and edits; they are not a legal transcription.
# (code, name, active years, inactive years, final fate)
SEED: list[tuple[str, str, int, int, str]] = [
    ("000", "Umum", 2, 3, "review"),
    ("000.1", "Ketatausahaan dan Kerumahtanggaan", 2, 3, "destroy"),
    ("000.1.1", "Telekomunikasi", 2, 1, "destroy"),
    ("000.1.2", "Perjalanan Dinas", 2, 3, "destroy"),
    ("000.1.3", "Rapat Pimpinan", 2, 3, "review"),
    ("000.1.4", "Tata Naskah Dinas", 2, 3, "destroy"),
    ("000.1.5", "Penggunaan Fasilitas Kantor", 2, 1, "destroy"),
    ("000.2", "Perlengkapan", 2, 3, "destroy"),
    ("000.2.1", "Inventarisasi Barang Milik Daerah", 3, 5, "review"),
    ("000.2.2", "Pemeliharaan", 2, 3, "destroy"),
    ("000.3", "Pengadaan", 2, 8, "review"),
    ("000.4", "Perpustakaan", 2, 3, "destroy"),
    ("000.5", "Kearsipan", 2, 3, "review"),
    ("000.5.1", "Pengelolaan Arsip Dinamis", 2, 3, "review"),
    ("000.5.2", "Penyusutan Arsip", 2, 8, "permanent"),
    ("000.6", "Persandian", 2, 3, "review"),
    ("000.7", "Perencanaan Pembangunan", 2, 5, "permanent"),
    ("000.8", "Organisasi dan Tata Laksana", 2, 5, "review"),
    ("000.8.1", "Organisasi", 2, 5, "permanent"),
    ("000.8.2", "Tata Laksana", 2, 3, "review"),
    ("000.8.3", "Reformasi Birokrasi", 2, 3, "review"),
    ("000.8.3.3", "Pelayanan Publik", 2, 3, "review"),
    ("000.9", "Penelitian, Pengkajian dan Pengembangan", 2, 3, "review"),
    ("100", "Pemerintahan", 2, 5, "review"),
    ("100.1", "Otonomi Daerah", 2, 5, "permanent"),
    ("100.2", "Pemerintahan Umum", 2, 5, "review"),
    ("100.3", "Hukum", 2, 5, "permanent"),
    ("100.3.1", "Produk Hukum Daerah", 3, 7, "permanent"),
    ("100.4", "Kependudukan dan Pencatatan Sipil", 2, 5, "review"),
    ("200", "Politik", 2, 3, "review"),
    ("200.1", "Kesatuan Bangsa dan Politik", 2, 3, "review"),
    ("200.2", "Pemilihan Umum", 2, 5, "permanent"),
    ("300", "Keamanan dan Ketertiban", 2, 3, "review"),
    ("300.1", "Ketenteraman dan Ketertiban Umum", 2, 3, "destroy"),
    ("300.2", "Penanggulangan Bencana", 2, 5, "permanent"),
    ("300.3", "Pemadam Kebakaran", 2, 3, "destroy"),
    ("400", "Kesejahteraan Rakyat", 2, 3, "review"),
    ("400.2", "Sosial", 2, 3, "review"),
    ("400.3", "Pendidikan", 2, 5, "review"),
    ("400.7", "Kesehatan", 2, 5, "review"),
    ("500", "Perekonomian", 2, 3, "review"),
    ("500.1", "Perencanaan Ekonomi", 2, 3, "review"),
    ("500.2", "Perdagangan", 2, 3, "destroy"),
    ("500.3", "Koperasi dan Usaha Kecil", 2, 3, "destroy"),
    ("600", "Pekerjaan Umum dan Ketenagaan", 2, 5, "review"),
    ("600.1", "Tata Ruang", 3, 7, "permanent"),
    ("600.2", "Jalan dan Jembatan", 3, 7, "review"),
    ("600.3", "Perumahan dan Permukiman", 2, 5, "review"),
    ("700", "Pengawasan", 2, 5, "review"),
    ("700.1", "Pemeriksaan", 2, 5, "review"),
    ("700.2", "Tindak Lanjut Hasil Pemeriksaan", 2, 5, "permanent"),
    ("800", "Kepegawaian", 2, 3, "review"),
    ("800.1", "Pengadaan dan Pengangkatan Pegawai", 2, 5, "review"),
    ("800.1.11", "Cuti", 1, 1, "destroy"),
    ("800.2", "Pengembangan Kompetensi", 2, 3, "destroy"),
    ("800.3", "Mutasi dan Promosi", 2, 5, "review"),
    ("800.4", "Penilaian Kinerja", 2, 3, "destroy"),
    ("800.5", "Disiplin Pegawai", 2, 5, "review"),
    ("900", "Keuangan", 2, 10, "review"),
    ("900.1", "Pengelolaan Keuangan Daerah", 2, 10, "review"),
    ("900.1.1", "Anggaran Pendapatan dan Belanja Daerah", 2, 10, "permanent"),
    ("900.1.2", "Pelaksanaan Anggaran", 2, 10, "destroy"),
    ("900.1.3", "Pertanggungjawaban Keuangan", 2, 10, "review"),
    ("900.2", "Pendapatan Daerah", 2, 10, "review"),
]


def _parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def upgrade() -> None:
    table = op.create_table(
        "classification_codes",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("active_years", sa.Integer(), nullable=False),
        sa.Column("inactive_years", sa.Integer(), nullable=False),
        sa.Column("final_fate", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["parent_code"], ["classification_codes.code"],
                                name=op.f("fk_classification_codes_parent_code_classification_codes")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_classification_codes")),
    )
    op.create_index(op.f("ix_classification_codes_parent_code"), "classification_codes", ["parent_code"],
                    unique=False)
    # Parents come before children in SEED, so the self-reference holds row by row.
    op.bulk_insert(table, [
        {"code": code, "name": name, "parent_code": _parent(code), "active_years": active,
         "inactive_years": inactive, "final_fate": fate}
        for code, name, active, inactive, fate in SEED
    ])


def downgrade() -> None:
    op.drop_index(op.f("ix_classification_codes_parent_code"), table_name="classification_codes")
    op.drop_table("classification_codes")
