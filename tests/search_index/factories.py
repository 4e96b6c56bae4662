"""Plain factories for search index tests: documents and a synthetic office-text corpus."""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from search_index import IndexedDocument

BASE_TIME = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def make_document(doc_id: int, **overrides: Any) -> IndexedDocument:
    """Return a readable-by-unit:1 nota dinas; keyword arguments replace any field."""
    created = overrides.pop("created", BASE_TIME + timedelta(days=doc_id))
    values: dict[str, Any] = {
        "id": doc_id,
        "title": f"Nota dinas {doc_id}",
        "body": "",
        "number": None,
        "doc_type": "nota_dinas",
        "unit": "DISKOMINFO",
        "state": "draft",
        "security_class": "biasa",
        "classification": "000.8.3.3",
        "author": "Budi Santoso",
        "created": created,
        "updated": created,
        "readers": ("unit:1",),
        "fingerprint": f"v1-{doc_id}",
    }
    values.update(overrides)
    return IndexedDocument(**values)


# Office vocabulary with affixed forms, so the stemmer and the ranking see realistic text.
OFFICE_WORDS = """
surat nota dinas undangan rapat koordinasi penugasan ditugaskan tugas bertugas pegawai
kearsipan arsip pengarsipan diarsipkan disposisi didisposisikan naskah paraf diparaf
tanda tangan ditandatangani penandatanganan pemberitahuan diberitahukan tindak lanjut
ditindaklanjuti menindaklanjuti keputusan peraturan walikota pemerintah kota sekretariat
daerah kepala bidang seksi subbagian umum kepegawaian keuangan anggaran pendapatan belanja
laporan pelaksanaan kegiatan program rencana kerja evaluasi monitoring pelayanan publik
masyarakat kecamatan kelurahan perizinan pengadaan barang jasa kontrak perjanjian
kerja sama pembangunan infrastruktur jalan jembatan drainase kesehatan pendidikan sekolah
puskesmas rumah sakit sosial bantuan penyaluran data informasi komunikasi aplikasi sistem
elektronik jaringan internet server keamanan verifikasi validasi penomoran klasifikasi
retensi pemusnahan penyimpanan dokumen berkas salinan lampiran perihal tembusan yth
hormat kami sampaikan bersama ini mohon kehadiran bapak ibu saudara pada hari tanggal
waktu tempat acara demikian atas perhatian kerjasama diucapkan terima kasih berdasarkan
sehubungan dengan dalam rangka untuk sebagai bahwa yang dan atau di ke dari oleh
""".split()


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "ri", "ta", "su", "ma", "ne", "lo", "pa", "di", "ra", "ba", "si", "ngu", "tan"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def synthetic_corpus(count: int, seed: int = 7, units: int = 40,
                     words: tuple[int, int] = (300, 800)) -> Iterator[IndexedDocument]:
    """Yield `count` documents of office-like Indonesian text, 300-800 words long by default."""
    rng = random.Random(seed)
    rare = _pseudo_words(rng, 8000)
    vocabulary = OFFICE_WORDS + rare
    # Zipf-like weights: a few words everywhere, a long tail of rare ones.
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
    doc_types = ["nota_dinas", "surat_dinas", "surat_undangan", "surat_tugas", "laporan", "keputusan"]
    states = ["draft", "verification", "approved", "signed", "sent", "filed"]
    classes = ["biasa"] * 8 + ["terbatas", "rahasia"]
    for doc_id in range(1, count + 1):
        unit = rng.randrange(units)
        body = rng.choices(vocabulary, weights=weights, k=rng.randint(*words))
        title_words = rng.choices(vocabulary[:200], k=rng.randint(3, 8))
        created = BASE_TIME - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        yield IndexedDocument(
            id=doc_id,
            title=" ".join(title_words).capitalize(),
            body=" ".join(body),
            number=f"000.{unit % 9}.{rng.randint(1, 9)}/{doc_id}/UNIT{unit}/{created.year}",
            doc_type=rng.choice(doc_types),
            unit=f"UNIT{unit}",
            state=rng.choice(states),
            security_class=rng.choice(classes),
            classification=f"000.{unit % 9}.{rng.randint(1, 9)}",
            author=f"Pegawai {rng.randrange(500)}",
            created=created,
            updated=created,
            readers=(f"unit:{unit}", f"user:{rng.randrange(2000)}", "role:arsiparis"),
            fingerprint=f"v1-{doc_id}",
        )
