"""The evaluation queries, written as staff type them, and what makes a letter relevant to each.

A query names its relevant letters by construction, never by what a search engine returns:
- `cases`: the letters of these cases get the grade given; when the grade is 2, the quarterly reports
  that list the case get 1 (they mention it in passing). A query that names one step of a case
  ("penyerahan bantuan", "verifikasi usulan") has `focus`: only letters of those types get 2, the other
  letters of the case get 1, and reports get nothing.
- `routines`: letters made from these routine templates get the grade given.
- `number_of` + `number_form`: the query types (part of) the number of that letter, in that form;
  every letter whose number the typed text denotes gets 2, letters citing one of them get 1.
- `where` / `where_partial`: letters whose metadata (doc_type, unit, year, month, origin) match all
  pairs get 2 / 1; this is for queries that stand in for the search filters.
"""
from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("inflection", "number", "phrase", "misspelling", "topic", "filter-like")


@dataclass(frozen=True)
class QuerySpec:
    """One query and the rule that judges the collection for it."""

    group: str
    q: str
    cases: tuple[tuple[str, int], ...] = ()
    focus: tuple[str, ...] = ()
    routines: tuple[tuple[str, int], ...] = ()
    number_of: tuple[str, int] | None = None
    number_form: str = ""
    where: tuple[tuple[str, str], ...] = ()
    where_partial: tuple[tuple[str, str], ...] = ()
    note: str = ""


def _case(group: str, q: str, *cases: tuple[str, int], note: str = "", focus: tuple[str, ...] = (),
          routines: tuple[tuple[str, int], ...] = ()) -> QuerySpec:
    return QuerySpec(group=group, q=q, cases=tuple(cases), focus=focus, routines=routines, note=note)


def _number(q: str, case: str, index: int, form: str, note: str) -> QuerySpec:
    return QuerySpec(group="number", q=q, number_of=(case, index), number_form=form, note=note)


def _where(q: str, note: str, partial: tuple[tuple[str, str], ...] = (), **where: str) -> QuerySpec:
    return QuerySpec(group="filter-like", q=q, where=tuple(where.items()), where_partial=partial, note=note)


QUERY_SPECS: tuple[QuerySpec, ...] = (
    # -- inflection: the query uses another form of the words than (most of) the letters -------
    _case("inflection", "penugasan pendataan", ("pendataan-non-asn", 2), focus=("surat_tugas", "nota_dinas"),
          note="the assignment and the request for staff are sought, the data report is partly relevant; letters "
               "say 'ditugaskan', 'Surat Tugas', other letters 'Penugasan ...'"),
    _case("inflection", "pengarsipan naskah dinas elektronik", ("srikandi", 2), ("bimtek-arsip", 1),
          note="SRIKANDI letters say 'diarsipkan'; the training letters 'mengarsipkan' (a part of the training)"),
    _case("inflection", "pemusnahan arsip keuangan", ("pemusnahan-arsip", 2),
          note="letters say 'dimusnahkan', 'usul musnah', 'Pemusnahan'"),
    _case("inflection", "penyerahan bantuan banjir", ("banjir-sukajadi", 2), focus=("berita_acara", "nota_dinas"),
          note="the aid handover record and the aid request are sought; letters say 'diserahkan', 'Serah "
               "Terima', 'disalurkan'"),
    _case("inflection", "verifikasi usulan kenaikan pangkat", ("kenaikan-pangkat", 2),
          focus=("berita_acara", "laporan"),
          note="the verification record and report are sought; letters say 'diusulkan', 'mengusulkan', 'usul'"),
    _case("inflection", "pemutakhiran data pegawai", ("pemutakhiran-data-asn", 2),
          note="letters say 'memutakhirkan', 'diperbarui', 'pemutakhiran data'"),
    _case("inflection", "pengangkatan pejabat pengawas", ("pelantikan", 2),
          note="letters say 'dilantik', 'diangkat', 'Pengangkatan dalam Jabatan'"),
    _case("inflection", "penyaluran beasiswa siswa", ("beasiswa", 2), focus=("laporan",),
          note="the distribution report is sought; letters say 'disalurkan', 'Penyaluran'"),
    _case("inflection", "pembongkaran reklame", ("reklame", 2), focus=("berita_acara", "laporan"),
          note="the removal record and report are sought; letters say 'dibongkar', 'Pembongkaran'"),
    _case("inflection", "pengungsi banjir", ("banjir-sukajadi", 2),
          note="letters say 'mengungsi', 'pengungsian'"),
    _case("inflection", "arsip inaktif dipindahkan", ("pemindahan-arsip", 2),
          note="letters say 'Pemindahan', 'dipindahkan'"),
    _case("inflection", "pelaporan realisasi anggaran semester", ("lra-semester", 2),
          note="letters say 'laporan realisasi', 'menyampaikan laporan'"),
    # -- number: (part of) a letter number, as typed ---------------------------------------------
    _number("{n}", "bimtek-arsip", 1, "full", "full number of the assignment letter"),
    _number("{n}", "kenaikan-pangkat", 1, "seq/unit", "sequence and unit only"),
    _number("{n}", "banjir-sukajadi", 3, "class/seq", "classification and sequence (the leading parts)"),
    _number("{n}", "tte", 0, "seq/unit/year", "number without its classification code"),
    _number("{n}", "stunting", 0, "decree", "decree number as written in the decree"),
    _number("keputusan {n}", "pemusnahan-arsip", 1, "decree", "decree number with the document type word"),
    _number("surat tugas {n}", "pkl", 1, "seq/unit", "type words and sequence/unit"),
    _number("{n}", "reklame", 2, "full", "full number of a berita acara"),
    _number("{n}", "dtks", 0, "seq/unit_lower", "sequence and unit, typed in lower case"),
    _number("{n}", "rka-2027", 0, "class/seq/unit", "number without the year"),
    _number("no {n}", "rehab-kelas", 1, "seq/unit/year", "'no' prefix and number without classification"),
    _number("kep {n}", "pelantikan", 0, "decree_short", "abbreviated 'kep' and '57 tahun 2025' form"),
    # -- phrase: fixed expressions, quoted or as typed -------------------------------------------
    _case("phrase", '"arsip inaktif"', ("pemindahan-arsip", 2), ("bimtek-arsip", 1), ("pengawasan-kearsipan", 1),
          note="training and supervision letters treat inactive archives as one item among several"),
    _case("phrase", '"tanda tangan elektronik"', ("tte", 2), ("srikandi", 1),
          note="every letter from April 2025 carries the 'ditandatangani secara elektronik' footer: not relevant"),
    _case("phrase", '"barang milik daerah"', ("rekonsiliasi-bmd", 2), ("kendaraan-dinas", 1), ("audit-dinsos", 1),
          note="procurement letters mention labelling items as BMD in passing: not judged"),
    _case("phrase", '"rencana kerja dan anggaran"', ("rka-2027", 2)),
    _case("phrase", '"seleksi terbuka"', ("seleksi-jpt", 2)),
    _case("phrase", '"pedagang kaki lima"', ("pkl", 2)),
    _case("phrase", '"demam berdarah"', ("dbd", 2)),
    _case("phrase", '"satu data"', ("satu-data", 2),
          note="'satu' is a stop word; DPMPTSP's name contains 'Terpadu Satu Pintu'"),
    _case("phrase", '"zona integritas"', ("zona-integritas", 2)),
    _case("phrase", '"penerimaan murid baru"', ("spmb", 2)),
    _case("phrase", '"tanah longsor"', ("longsor-cibeureum", 2), ("siaga-hujan", 1)),
    _case("phrase", '"pusat data"', ("server-pusat-data", 2), ("gangguan-jaringan", 2)),
    _case("phrase", "perjalanan dinas", ("sbu-perjalanan", 2), ("audit-dinsos", 1),
          routines=(("perjalanan-dinas", 1),),
          note="unquoted; travel reports and the audit finding on travel costs are partly relevant"),
    # -- misspelling: realistic typos of words the letters use ------------------------------------
    _case("misspelling", "penugasaan pendataan", ("pendataan-non-asn", 2), focus=("surat_tugas", "nota_dinas"),
          note="as 'penugasan pendataan'"),
    _case("misspelling", "undagan rapat koordinasi stunting", ("stunting", 2), focus=("surat_undangan",),
          note="the invitation is what is sought; the other stunting letters are partly relevant"),
    _case("misspelling", "reviu laporan keuanggan", ("reviu-lkpd", 2)),
    _case("misspelling", "pelatiahn pengadaan barang jasa", ("pelatihan-pbj", 2)),
    _case("misspelling", "anggran perubahan apbd", ("perubahan-apbd", 2)),
    _case("misspelling", "aplikasi srikandi kearsipn", ("srikandi", 2)),
    _case("misspelling", "pemusnahn arsip", ("pemusnahan-arsip", 2)),
    _case("misspelling", "imunisai anak sekolah", ("bias", 2)),
    _case("misspelling", "banjr sukajadi", ("banjir-sukajadi", 2)),
    _case("misspelling", "tanda tanggan elektronik", ("tte", 2), ("srikandi", 1)),
    _case("misspelling", "pedagang kaki lma", ("pkl", 2)),
    _case("misspelling", "penertipan reklame", ("reklame", 2)),
    _case("misspelling", "seleksi jabatan pimpinan tingi", ("seleksi-jpt", 2)),
    # -- topic: what the letter is about, in the staff member's words -----------------------------
    _case("topic", "stunting", ("stunting", 2)),
    _case("topic", "banjir", ("banjir-sukajadi", 2), ("siaga-hujan", 1), ("drainase", 1),
          note="the rainy-season preparedness and drainage letters deal with flood risk"),
    _case("topic", "laptop sekolah dasar", ("laptop-sd", 2)),
    _case("topic", "kebakaran pasar", ("kebakaran-pasar", 2)),
    _case("topic", "sampah liar", ("sampah-liar", 2)),
    _case("topic", "harga beras inflasi", ("inflasi", 2)),
    _case("topic", "gelandangan pengemis", ("gelandangan", 2)),
    _case("topic", "posko mudik lebaran", ("mudik", 2)),
    _case("topic", "akreditasi puskesmas", ("akreditasi-puskesmas", 2)),
    _case("topic", "beasiswa siswa miskin", ("beasiswa", 2)),
    _case("topic", "jalan rusak", ("jalan-merdeka", 2)),
    _case("topic", "keamanan siber", ("workshop-siber", 2)),
    _case("topic", "perekaman ktp sekolah", ("ktp-jemput-bola", 2)),
    # -- filter-like: document type, unit and date words typed into the search box ----------------
    _where("undangan dinkes", "invitations of the health office", doc_type="surat_undangan", unit="DINKES"),
    _where("surat tugas bpbd", "assignment letters of the disaster agency", doc_type="surat_tugas", unit="BPBD"),
    _where("nota dinas bpkad", "memos of the finance agency", doc_type="nota_dinas", unit="BPKAD"),
    _where("surat edaran bkpsdm 2025", "circulars of the personnel agency in 2025",
           partial=(("doc_type", "surat_edaran"), ("unit", "BKPSDM")),
           doc_type="surat_edaran", unit="BKPSDM", year="2025"),
    _where("keputusan wali kota 2026", "decrees of 2026", doc_type="keputusan", year="2026"),
    _where("berita acara dpupr", "records of the public works office", doc_type="berita_acara", unit="DPUPR"),
    _where("notula rapat diskominfo", "minutes of the communications office", doc_type="notula",
           unit="DISKOMINFO"),
    _where("laporan satpol pp", "reports of the civil service police", doc_type="laporan", unit="SATPOLPP"),
    _where("telaahan staf", "every staff analysis", doc_type="telaahan_staf"),
    _where("undangan rapat januari 2026", "invitations dated January 2026", doc_type="surat_undangan",
           month="2026-01"),
    _where("surat tugas inspektorat", "assignment letters of the inspectorate", doc_type="surat_tugas",
           unit="INSPEKTORAT"),
    _where("laporan triwulan disarpus", "quarterly reports of the archives office",
           partial=(("doc_type", "laporan"), ("unit", "DISARPUS")), origin="report", unit="DISARPUS"),
    _where("pengumuman bkpsdm", "announcements of the personnel agency", doc_type="pengumuman", unit="BKPSDM"),
)
