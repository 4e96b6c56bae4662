"""Document types (jenis naskah dinas) grouped as the national rules group them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str
    group: str


DOCUMENT_TYPES: dict[str, DocumentType] = {
    t.code: t
    for t in (
        DocumentType("peraturan", "Peraturan", "directive"),
        DocumentType("keputusan", "Keputusan", "directive"),
        DocumentType("instruksi", "Instruksi", "directive"),
        DocumentType("surat_edaran", "Surat Edaran", "directive"),
        DocumentType("surat_perintah", "Surat Perintah", "directive"),
        DocumentType("surat_tugas", "Surat Tugas", "directive"),
        DocumentType("nota_dinas", "Nota Dinas", "correspondence"),
        DocumentType("memo", "Memo", "correspondence"),
        DocumentType("surat_dinas", "Surat Dinas", "correspondence"),
        DocumentType("surat_undangan", "Surat Undangan", "correspondence"),
        DocumentType("perjanjian", "Perjanjian", "special"),
        DocumentType("surat_kuasa", "Surat Kuasa", "special"),
        DocumentType("berita_acara", "Berita Acara", "special"),
        DocumentType("surat_keterangan", "Surat Keterangan", "special"),
        DocumentType("surat_pengantar", "Surat Pengantar", "special"),
        DocumentType("pengumuman", "Pengumuman", "special"),
        DocumentType("notula", "Notula", "other"),
        DocumentType("laporan", "Laporan", "other"),
        DocumentType("telaahan_staf", "Telaahan Staf", "other"),
        DocumentType("lainnya", "Lainnya", "other"),
    )
}
DEFAULT_DOCUMENT_TYPE = "nota_dinas"
