"""Synthetic Indonesian official letters (naskah dinas) for the benchmarks.

Each letter is rebuilt from (seed, ordinal) alone, so an instance can be extended later and
two runs see the same text. The text is made of sentences in the register of city-government
letters, with the inflected forms a searcher expects to meet ("tugas", "ditugaskan",
"penugasan"), letter numbers, dates, regulation citations, and a long Zipf-like tail of
proper names (streets, kampung, vendors, people) that gives rare words.
"""
from __future__ import annotations

import bisect
import itertools
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

logger = logging.getLogger(__name__)

# (code, name) of the units (OPD) of a mid-sized city.
UNITS: tuple[tuple[str, str], ...] = (
    ("SETDA", "Sekretariat Daerah"),
    ("SETWAN", "Sekretariat DPRD"),
    ("INSPEKTORAT", "Inspektorat Daerah"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("BPBD", "Badan Penanggulangan Bencana Daerah"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("DINKES", "Dinas Kesehatan"),
    ("DISDIK", "Dinas Pendidikan"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DINSOS", "Dinas Sosial"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISHUB", "Dinas Perhubungan"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("DISARPUS", "Dinas Kearsipan dan Perpustakaan"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja"),
    ("KEC-UTARA", "Kecamatan Kota Utara"),
    ("KEC-SELATAN", "Kecamatan Kota Selatan"),
)

# (doc_type code, title word, weight)
DOC_TYPES: tuple[tuple[str, str, int], ...] = (
    ("nota_dinas", "Nota Dinas", 28),
    ("surat_dinas", "Surat Dinas", 18),
    ("surat_undangan", "Surat Undangan", 14),
    ("surat_tugas", "Surat Tugas", 10),
    ("laporan", "Laporan", 7),
    ("berita_acara", "Berita Acara", 5),
    ("surat_edaran", "Surat Edaran", 4),
    ("keputusan", "Keputusan", 3),
    ("memo", "Memo", 4),
    ("notula", "Notula", 4),
    ("surat_keterangan", "Surat Keterangan", 3),
)
# (state, weight, carries a number)
STATES: tuple[tuple[str, int, bool], ...] = (
    ("draft", 18, False), ("in_verification", 8, False), ("returned", 3, False), ("approved", 4, False),
    ("signed", 15, True), ("sent", 27, True), ("filed", 25, True),
)
SECURITY: tuple[tuple[str, int], ...] = (("biasa", 85), ("terbatas", 10), ("rahasia", 5))
CLASSIFICATIONS: tuple[str, ...] = (
    "000.1.2", "000.8.3.3", "000.5.2", "000.2.3", "000.9.1", "100.3.1", "100.2.2", "400.7.22",
    "400.14.2", "500.10.1", "600.1.15", "800.1.11.1", "800.2.3", "900.1.3.2", "900.1.15",
)

# Topics: (title phrase, words that go with it in sentences).
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Rapat Koordinasi Pengelolaan Kearsipan",
     ("pengelolaan arsip dinamis", "penataan berkas", "jadwal retensi arsip", "pemindahan arsip inaktif",
      "unit kearsipan", "daftar arsip aktif", "pengarsipan naskah dinas", "arsip vital")),
    ("Penugasan Pegawai dalam Kegiatan Pendataan",
     ("penugasan pegawai", "petugas pendataan", "pendataan penduduk", "surat perintah tugas",
      "pegawai yang ditugaskan", "laporan hasil penugasan", "bertugas di lapangan")),
    ("Penyusunan Rencana Kerja dan Anggaran",
     ("rencana kerja dan anggaran", "penyusunan anggaran", "pagu indikatif", "belanja modal",
      "belanja barang dan jasa", "pergeseran anggaran", "dokumen pelaksanaan anggaran", "realisasi anggaran")),
    ("Pengadaan Barang dan Jasa",
     ("pengadaan barang dan jasa", "pejabat pembuat komitmen", "kontrak pengadaan", "katalog elektronik",
      "penyedia jasa", "serah terima pekerjaan", "harga perkiraan sendiri")),
    ("Peningkatan Pelayanan Publik",
     ("standar pelayanan", "pelayanan publik", "pengaduan masyarakat", "survei kepuasan masyarakat",
      "mal pelayanan publik", "waktu penyelesaian layanan")),
    ("Penerapan Sistem Pemerintahan Berbasis Elektronik",
     ("sistem pemerintahan berbasis elektronik", "aplikasi layanan", "pusat data", "keamanan informasi",
      "jaringan intra pemerintah", "tanda tangan elektronik", "sertifikat elektronik")),
    ("Kesiapsiagaan Penanggulangan Bencana",
     ("penanggulangan bencana", "posko siaga", "daerah rawan banjir", "logistik bencana",
      "rencana kontinjensi", "simulasi evakuasi")),
    ("Pembangunan dan Pemeliharaan Jalan Kota",
     ("pemeliharaan jalan", "pembangunan drainase", "peningkatan jalan lingkungan", "pengawasan pekerjaan",
      "jembatan penghubung", "penataan trotoar")),
    ("Pelaksanaan Imunisasi dan Pelayanan Kesehatan",
     ("pelayanan kesehatan", "imunisasi dasar lengkap", "puskesmas", "posyandu", "pencegahan stunting",
      "tenaga kesehatan", "pemeriksaan kesehatan")),
    ("Penerimaan Peserta Didik Baru",
     ("penerimaan peserta didik baru", "satuan pendidikan", "zonasi sekolah", "kurikulum", "tenaga pendidik",
      "bantuan operasional sekolah")),
    ("Evaluasi Kinerja Perangkat Daerah",
     ("evaluasi kinerja", "indikator kinerja utama", "laporan kinerja", "capaian kinerja", "monitoring dan evaluasi",
      "reformasi birokrasi")),
    ("Penertiban dan Ketertiban Umum",
     ("ketertiban umum", "penertiban pedagang kaki lima", "patroli wilayah", "penegakan peraturan daerah",
      "pengamanan kegiatan")),
    ("Pengembangan Kompetensi Aparatur",
     ("pengembangan kompetensi", "pendidikan dan pelatihan", "bimbingan teknis", "aparatur sipil negara",
      "kenaikan pangkat", "penilaian kinerja pegawai")),
    ("Penyaluran Bantuan Sosial",
     ("bantuan sosial", "penyaluran bantuan", "data terpadu kesejahteraan sosial", "keluarga penerima manfaat",
      "verifikasi dan validasi data", "pendamping sosial")),
    ("Pengelolaan Sampah dan Lingkungan Hidup",
     ("pengelolaan sampah", "bank sampah", "tempat pemrosesan akhir", "ruang terbuka hijau", "kualitas udara",
      "izin lingkungan")),
)

# Inflected families: the same root in the forms letters use.
FAMILIES: tuple[tuple[str, ...], ...] = (
    ("tugas", "bertugas", "ditugaskan", "menugaskan", "penugasan", "petugas"),
    ("arsip", "kearsipan", "pengarsipan", "diarsipkan", "mengarsipkan"),
    ("laksana", "pelaksanaan", "dilaksanakan", "melaksanakan", "pelaksana", "terlaksana"),
    ("koordinasi", "berkoordinasi", "dikoordinasikan", "mengoordinasikan"),
    ("anggaran", "penganggaran", "dianggarkan", "menganggarkan"),
    ("sampaikan", "disampaikan", "menyampaikan", "penyampaian"),
    ("hadir", "kehadiran", "menghadiri", "dihadiri"),
    ("laporan", "melaporkan", "dilaporkan", "pelaporan"),
    ("tindak lanjut", "ditindaklanjuti", "menindaklanjuti"),
    ("tanda tangan", "ditandatangani", "penandatanganan", "menandatangani"),
    ("susun", "penyusunan", "disusun", "menyusun", "tersusun"),
    ("periksa", "pemeriksaan", "diperiksa", "memeriksa", "pemeriksa"),
    ("verifikasi", "diverifikasi", "memverifikasi"),
    ("beritahu", "pemberitahuan", "diberitahukan", "memberitahukan"),
    ("kelola", "pengelolaan", "dikelola", "mengelola", "pengelola"),
    ("usul", "usulan", "diusulkan", "mengusulkan", "pengusulan"),
    ("setuju", "persetujuan", "disetujui", "menyetujui"),
    ("tetap", "penetapan", "ditetapkan", "menetapkan"),
)

OPENINGS: tuple[str, ...] = (
    "Sehubungan dengan {topic}, bersama ini kami sampaikan hal-hal sebagai berikut.",
    "Dalam rangka {topic} di lingkungan Pemerintah Kota, dengan hormat kami {sampaikan} beberapa hal.",
    "Berdasarkan {regulation} tentang {topic}, perlu kami {sampaikan} hal-hal berikut.",
    "Menindaklanjuti surat {unit_name} Nomor {ref_number} tanggal {date} perihal {topic}, "
    "bersama ini kami sampaikan tanggapan.",
    "Memperhatikan hasil rapat koordinasi tanggal {date} mengenai {topic}, dengan ini kami {sampaikan} "
    "langkah tindak lanjut.",
)
SENTENCES: tuple[str, ...] = (
    "Kegiatan {topic} {laksana} oleh {unit_name} bersama pihak terkait sesuai jadwal yang telah {tetap}.",
    "Pegawai yang {tugas} wajib {hadir} rapat koordinasi pada hari {day}, tanggal {date}, pukul {time} WIB "
    "bertempat di {place}.",
    "Hasil {periksa} terhadap {topic} agar {laporan} kepada Kepala {unit_name} paling lambat tanggal {date}.",
    "Untuk kelancaran {topic}, setiap perangkat daerah diminta {susun} rencana tindak lanjut dan {kelola} "
    "data pendukung secara tertib.",
    "Anggaran kegiatan sebesar Rp{amount} {anggaran} pada dokumen pelaksanaan anggaran Tahun Anggaran {year}.",
    "Berkas {topic} yang telah selesai diproses agar {arsip} sesuai jadwal retensi arsip dan klasifikasi "
    "{classification}.",
    "Sdr. {person}, NIP {nip}, {tugas} sebagai penanggung jawab {topic} di wilayah {kelurahan}.",
    "Mohon agar data {topic} {verifikasi} oleh petugas sebelum {sampaikan} melalui aplikasi layanan.",
    "Usulan perubahan {topic} {usul} oleh {unit_name} dan memerlukan {setuju} Sekretaris Daerah.",
    "Naskah dinas terkait {topic} {tanda tangan} secara elektronik menggunakan sertifikat elektronik.",
    "Koordinasi lapangan dengan pihak kecamatan dan kelurahan {koordinasi} oleh {person} di Jalan {street} "
    "Nomor {house}.",
    "Pekerjaan oleh {vendor} pada lokasi Jalan {street} {laksana} dengan nilai kontrak Rp{amount}.",
    "Sesuai {regulation}, seluruh kegiatan {topic} harus {tindak lanjut} dengan laporan tertulis.",
    "Rincian {topic} sebagaimana tercantum dalam lampiran surat ini yang merupakan bagian tidak terpisahkan.",
    "Perlu {beritahu} bahwa batas waktu penyampaian dokumen {topic} adalah tanggal {date}.",
    "Sebagai referensi, agar memperhatikan surat Nomor {ref_number} tentang {topic} di kawasan {kampung}.",
)
CLOSINGS: tuple[str, ...] = (
    "Demikian {doc_name} ini kami sampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
    "Demikian untuk menjadi perhatian dan dilaksanakan dengan penuh tanggung jawab.",
    "Atas perhatian Bapak/Ibu, kami ucapkan terima kasih.",
)
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
PLACES = ("Ruang Rapat Wali Kota", "Aula Balai Kota", "Ruang Rapat Sekretariat Daerah", "Gedung Command Center",
          "Aula Kantor Kecamatan", "Ruang Rapat Bappeda", "Gedung Serbaguna")
REGULATIONS = (
    "Peraturan Wali Kota Nomor {n} Tahun {y}", "Peraturan Daerah Nomor {n} Tahun {y}",
    "Peraturan Menteri Dalam Negeri Nomor {n} Tahun {y}", "Keputusan Wali Kota Nomor {n} Tahun {y}",
    "Undang-Undang Nomor {n} Tahun {y}", "Peraturan Pemerintah Nomor {n} Tahun {y}",
)
FIRST_NAMES = ("Budi", "Siti", "Agus", "Dewi", "Rina", "Hendra", "Sri", "Wahyu", "Andi", "Nur", "Eko", "Fitri",
               "Yusuf", "Ratna", "Joko", "Indah", "Bambang", "Lestari", "Rudi", "Maya", "Dian", "Ahmad", "Putri",
               "Teguh", "Wulan", "Arif", "Nanda", "Irwan", "Yuni", "Fajar")
LAST_NAMES = ("Santoso", "Wijaya", "Hidayat", "Lestari", "Saputra", "Nugroho", "Kurniawan", "Pratama",
              "Rahayu", "Setiawan", "Siregar", "Harahap", "Simanjuntak", "Sitompul", "Wibowo", "Susanto",
              "Permana", "Gunawan", "Syahputra", "Maharani")
_SYLLABLES = ("ka", "ri", "ta", "su", "ma", "ne", "lo", "pa", "di", "ra", "ba", "si", "ngu", "tan", "jo",
              "we", "ha", "mu", "lan", "gi", "bu", "so", "ran", "ke", "wa", "dang", "pu", "sar")
_FAMILY_OF = {family[0]: family for family in FAMILIES}
TAIL_SIZE = 40_000
NAME_POOL_SEED = 20260101


@dataclass(frozen=True)
class SyntheticLetter:
    """One generated letter: describing fields and the extracted text of its only version."""

    ordinal: int
    title: str
    body: str
    doc_type: str
    unit_index: int
    security_class: str
    state: str
    number: str | None
    classification: str
    created: datetime

    @property
    def unit_code(self) -> str:
        """Return the code of the letter's unit."""
        return UNITS[self.unit_index][0]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def tail_names(size: int = TAIL_SIZE) -> list[str]:
    """Return the fixed pool of made-up proper names (streets, kampung, vendors), commonest first."""
    rng = random.Random(NAME_POOL_SEED)
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < size:
        word = _pseudo_word(rng)
        if word not in seen:
            seen.add(word)
            names.append(word)
    return names


class LetterGenerator:
    """Builds letter number `i` of a corpus deterministically from (seed, i)."""

    def __init__(self, seed: int = 7, units: int = len(UNITS)) -> None:
        if not 1 <= units <= len(UNITS):
            raise ValueError(f"units must be between 1 and {len(UNITS)}")
        self.seed = seed
        self.units = units
        self.tail = tail_names()
        # Zipf-like: a few names recur in many letters, most in a handful (the rare words).
        self._tail_cum = list(itertools.accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(len(self.tail))))
        self._type_cum = list(itertools.accumulate(w for _, _, w in DOC_TYPES))
        self._state_cum = list(itertools.accumulate(w for _, w, _ in STATES))
        self._security_cum = list(itertools.accumulate(w for _, w in SECURITY))
        self._start = datetime(2024, 1, 2, tzinfo=UTC)

    def _pick(self, rng: random.Random, cum: Sequence[float]) -> int:
        return bisect.bisect_right(cum, rng.random() * cum[-1])

    def _tail(self, rng: random.Random) -> str:
        return self.tail[min(self._pick(rng, self._tail_cum), len(self.tail) - 1)]

    def _date(self, rng: random.Random, year: int) -> str:
        return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"

    def letter(self, ordinal: int) -> SyntheticLetter:
        """Return letter number `ordinal` (the same letter on every call)."""
        rng = random.Random(self.seed * 1_000_003 + ordinal)
        unit_index = rng.randrange(self.units)
        unit_code, unit_name = UNITS[unit_index]
        type_code, type_name, _ = DOC_TYPES[self._pick(rng, self._type_cum)]
        state, _, numbered = STATES[self._pick(rng, self._state_cum)]
        security = SECURITY[self._pick(rng, self._security_cum)][0]
        classification = rng.choice(CLASSIFICATIONS)
        created = self._start + timedelta(minutes=rng.randrange(int(2.9 * 365 * 24 * 60)))
        year = created.year
        number = f"{classification}/{rng.randint(1, 2500)}/{unit_code}/{year}" if numbered else None
        topic_title, topic_words = rng.choice(TOPICS)
        target = rng.randint(300, 800)

        def fill(template: str) -> str:
            slots: dict[str, str] = {}
            for key in _slots(template):
                slots[key] = self._slot(rng, key, topic_words, unit_name, type_name, year, classification)
            return template.format(**slots)

        sentences = [fill(rng.choice(OPENINGS))]
        words = len(sentences[0].split())
        while words < target - 20:
            sentence = fill(rng.choice(SENTENCES))
            sentences.append(sentence)
            words += len(sentence.split())
        sentences.append(fill(rng.choice(CLOSINGS)))
        title = f"{type_name} tentang {topic_title}"
        if rng.random() < 0.5:
            title += f" di {unit_name}"
        return SyntheticLetter(
            ordinal=ordinal, title=title, body=" ".join(sentences), doc_type=type_code, unit_index=unit_index,
            security_class=security, state=state, number=number, classification=classification, created=created,
        )

    def _slot(self, rng: random.Random, key: str, topic_words: Sequence[str], unit_name: str, type_name: str,
              year: int, classification: str) -> str:
        family = _FAMILY_OF.get(key)
        if family is not None:
            return rng.choice(family[1:]) if len(family) > 1 else family[0]
        if key == "topic":
            return rng.choice(topic_words)
        if key == "unit_name":
            return unit_name if rng.random() < 0.6 else rng.choice(UNITS)[1]
        if key == "doc_name":
            return type_name.lower()
        if key == "date":
            return self._date(rng, year)
        if key == "day":
            return rng.choice(DAYS)
        if key == "time":
            return f"{rng.randint(7, 15):02d}.{rng.choice(('00', '30'))}"
        if key == "place":
            return rng.choice(PLACES)
        if key == "regulation":
            return rng.choice(REGULATIONS).format(n=rng.randint(1, 60), y=rng.randint(2008, year))
        if key == "ref_number":
            return f"{rng.choice(CLASSIFICATIONS)}/{rng.randint(1, 2500)}/{rng.choice(UNITS)[0]}/{year}"
        if key == "amount":
            return f"{rng.randint(5, 950)}.{rng.randint(0, 999):03d}.000,00"
        if key == "year":
            return str(year)
        if key == "classification":
            return classification
        if key == "person":
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if key == "nip":
            return f"19{rng.randint(65, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
                   f"{rng.randint(2000, 2022)}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
        if key in {"street", "kampung", "kelurahan"}:
            return self._tail(rng).capitalize() + ("" if rng.random() < 0.7 else " " + self._tail(rng).capitalize())
        if key == "vendor":
            # Drawn in this order so that the corpus stays the one the published figures used.
            form = rng.choice(("CV", "PT"))
            name = self._tail(rng).capitalize()
            return f"{form} {name} {rng.choice(('Jaya', 'Abadi', 'Mandiri', 'Karya', 'Utama'))}"
        if key == "house":
            return str(rng.randint(1, 250))
        raise KeyError(f"unknown slot {key!r}")


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name]


class _Formatter:
    """Caches the slot names of each template (string.Formatter.parse is slow to repeat)."""

    def __init__(self) -> None:
        import string

        self._formatter = string.Formatter()
        self._cache: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}

    def parse(self, template: str) -> list[tuple[str, str | None, str | None, str | None]]:
        """Return the parsed pieces of a template."""
        found = self._cache.get(template)
        if found is None:
            found = self._cache[template] = list(self._formatter.parse(template))
        return found


_FORMATTER = _Formatter()
