"""Routine letters that belong to no case: the everyday traffic that case letters are found among.

Each template is written once and filled several times with different units, people and details.
Slots in braces are filled by make_collection: {person}, {year}, {month}, {city} and the template's
own `choices`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Routine:
    """A template for a routine letter; `variants` lists the slot values of each letter made from it."""

    subject: str
    doc_type: str
    topic: str
    kind: str
    perihal: str
    facts: tuple[str, ...]
    outcomes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    variants: tuple[dict[str, str], ...] = field(default_factory=lambda: ({},))


ROUTINES: tuple[Routine, ...] = (
    Routine(
        subject="libur-nasional", doc_type="pengumuman", topic="kepegawaian", kind="admin",
        perihal="Hari Libur Nasional dan Cuti Bersama Tahun {year}",
        facts=(
            "Berdasarkan Keputusan Bersama Menteri Agama, Menteri Ketenagakerjaan dan Menteri Pendayagunaan "
            "Aparatur Negara dan Reformasi Birokrasi telah ditetapkan hari libur nasional dan cuti bersama tahun "
            "{year}.",
            "Cuti bersama bagi aparatur sipil negara mengurangi hak cuti tahunan pegawai yang bersangkutan.",
            "Pelayanan yang bersifat mendesak seperti rumah sakit, puskesmas, pemadam kebakaran dan keamanan tetap "
            "berjalan dengan pengaturan jadwal piket.",
            "Kepala perangkat daerah mengatur jadwal piket pegawai selama hari libur dan cuti bersama.",
        ),
        units=("SETDA",),
        variants=({"year": "2025", "date": "2025-01-06"}, {"year": "2026", "date": "2026-01-07"}),
    ),
    Routine(
        subject="keterangan-aktif", doc_type="surat_keterangan", topic="kepegawaian", kind="admin",
        perihal="Keterangan Aktif Bekerja a.n. {person}",
        facts=(
            "Yang bersangkutan adalah benar pegawai yang masih aktif bekerja pada {unit_name} sampai dengan "
            "surat keterangan ini dibuat.",
            "Selama bekerja, yang bersangkutan tidak sedang menjalani hukuman disiplin tingkat sedang atau berat.",
            "Surat keterangan ini diberikan untuk keperluan {purpose}.",
        ),
        units=("DINKES", "DISDIK", "DPUPR", "BPBD", "DISHUB", "DLH"),
        variants=({"purpose": "pengajuan kredit pemilikan rumah"},
                  {"purpose": "persyaratan beasiswa pendidikan anak"},
                  {"purpose": "pendaftaran jaminan kesehatan anggota keluarga"},
                  {"purpose": "persyaratan pendaftaran program pendidikan lanjutan"},
                  {"purpose": "pengajuan kredit pemilikan rumah"},
                  {"purpose": "persyaratan pendaftaran sekolah anak"}),
    ),
    Routine(
        subject="ruang-rapat", doc_type="memo", topic="koordinasi", kind="admin",
        perihal="Peminjaman {room} untuk {purpose}",
        facts=(
            "Ruangan diperlukan untuk {purpose} yang akan diikuti sekitar 40 orang peserta.",
            "Kegiatan dimulai pukul 09.00 WIB sampai dengan pukul 15.00 WIB.",
            "Kami juga memerlukan dukungan pengeras suara, proyektor dan jaringan internet.",
            "Kebersihan dan kerapian ruangan setelah kegiatan menjadi tanggung jawab panitia.",
        ),
        units=("BAPPEDA", "DLH", "DINSOS", "DISDUKCAPIL"),
        variants=({"room": "Aula Bappeda", "purpose": "Forum Konsultasi Publik Rancangan Rencana Kerja"},
                  {"room": "Ruang Rapat Sekretariat Daerah", "purpose": "Rapat Penyusunan Dokumen Lingkungan"},
                  {"room": "Gedung Serbaguna", "purpose": "Pertemuan Pendamping Sosial Kecamatan"},
                  {"room": "Ruang Rapat Wali Kota", "purpose": "Penandatanganan Perjanjian Kerja Sama Data"}),
    ),
    Routine(
        subject="pengantar-dokumen", doc_type="surat_pengantar", topic="organisasi", kind="admin",
        perihal="Pengiriman {document}",
        facts=(
            "Bersama ini kami kirimkan {document} sebanyak satu eksemplar beserta salinan elektroniknya.",
            "Dokumen telah ditandatangani oleh kepala perangkat daerah dan diparaf oleh pejabat terkait.",
            "Apabila terdapat kekurangan, mohon kiranya dapat menghubungi subbagian umum dan kepegawaian.",
        ),
        units=("DISHUB", "DLH", "DISDUKCAPIL", "DPMPTSP"),
        variants=({"document": "Rencana Strategis Perangkat Daerah Tahun 2025-2029"},
                  {"document": "Laporan Kinerja Instansi Pemerintah Tahun 2024"},
                  {"document": "Daftar Urut Kepangkatan Pegawai Tahun 2026"},
                  {"document": "Rekapitulasi Daftar Hadir Pegawai Bulan {month}"}),
    ),
    Routine(
        subject="perbaikan-sarana", doc_type="nota_dinas", topic="aset", kind="admin",
        perihal="Permohonan Perbaikan {item}",
        facts=(
            "{item} di ruang kerja kami mengalami kerusakan sejak beberapa minggu terakhir.",
            "Kerusakan tersebut mengganggu kenyamanan dan kelancaran pelaksanaan tugas pegawai.",
            "Pemeriksaan awal oleh petugas pemeliharaan menunjukkan perlu penggantian suku cadang.",
            "Biaya perbaikan diusulkan dibebankan pada belanja pemeliharaan tahun berjalan.",
        ),
        units=("DISARPUS", "DINSOS", "KEC-UTARA", "DISHUB", "BKPSDM", "DPMPTSP"),
        variants=({"item": "Pendingin Ruangan"}, {"item": "Atap Ruang Penyimpanan"},
                  {"item": "Jaringan Telepon Kantor"}, {"item": "Mesin Fotokopi"},
                  {"item": "Mesin Antrean Ruang Pelayanan"}, {"item": "Pintu Ruang Server"}),
    ),
    Routine(
        subject="narasumber", doc_type="surat_dinas", topic="organisasi", kind="admin",
        perihal="Permohonan Narasumber {theme}",
        facts=(
            "Kami akan menyelenggarakan kegiatan {theme} bagi pegawai di lingkungan kami.",
            "Sehubungan dengan hal tersebut, kami mohon kesediaan Bapak/Ibu untuk menugaskan pejabat yang "
            "membidangi sebagai narasumber.",
            "Kegiatan direncanakan berlangsung selama satu hari di ruang rapat kantor kami.",
            "Materi paparan mohon dapat dikirimkan paling lambat tiga hari sebelum kegiatan.",
        ),
        units=("DISHUB", "DPUPR", "DLH", "DINKES", "KEC-UTARA"),
        variants=({"theme": "Penyusunan Standar Operasional Prosedur"},
                  {"theme": "Pengelolaan Pengaduan Masyarakat"},
                  {"theme": "Penerapan Manajemen Risiko"},
                  {"theme": "Pengelolaan Keuangan Badan Layanan Umum Daerah"},
                  {"theme": "Penyusunan Profil Kecamatan"}),
    ),
    Routine(
        subject="kuasa", doc_type="surat_kuasa", topic="kepegawaian", kind="admin",
        perihal="Kuasa Pengambilan {thing}",
        facts=(
            "Pemberi kuasa memberikan kuasa kepada penerima kuasa untuk mengambil {thing}.",
            "Penerima kuasa wajib menunjukkan kartu identitas dan surat kuasa asli kepada petugas.",
            "Surat kuasa ini berlaku sejak tanggal ditandatangani sampai dengan urusan selesai.",
        ),
        units=("DISDIK", "DINKES", "SETDA"),
        variants=({"thing": "Petikan Keputusan Kenaikan Pangkat"},
                  {"thing": "Kartu Pegawai Elektronik"},
                  {"thing": "Buku Pemilik Kendaraan Bermotor Kendaraan Dinas"}),
    ),
    Routine(
        subject="rapat-internal", doc_type="surat_undangan", topic="organisasi", kind="event",
        perihal="Undangan Rapat Evaluasi Kinerja Triwulan {quarter} Tahun {year}",
        facts=(
            "Rapat membahas capaian indikator kinerja dan realisasi anggaran triwulan {quarter}.",
            "Setiap kepala bidang menyiapkan bahan paparan capaian kinerja dan permasalahan yang dihadapi.",
            "Hasil rapat menjadi bahan penyusunan laporan kinerja dan rencana aksi triwulan berikutnya.",
        ),
        units=("DINKES", "BPBD", "DISARPUS", "DISKOMINFO", "DPUPR", "DLH"),
        variants=({"quarter": "I", "year": "2025", "date": "2025-04-07"},
                  {"quarter": "III", "year": "2025", "date": "2025-10-06"},
                  {"quarter": "IV", "year": "2025", "date": "2026-01-08"},
                  {"quarter": "I", "year": "2026", "date": "2026-04-09"},
                  {"quarter": "II", "year": "2025", "date": "2025-07-10"},
                  {"quarter": "II", "year": "2025", "date": "2025-07-14"}),
    ),
    Routine(
        subject="perjalanan-dinas", doc_type="laporan", topic="anggaran", kind="field",
        perihal="Laporan Hasil Perjalanan Dinas ke {city} dalam rangka {purpose}",
        facts=(
            "Perjalanan dinas dilaksanakan selama tiga hari dalam rangka {purpose}.",
            "Pegawai yang melaksanakan perjalanan dinas diterima oleh pejabat instansi tujuan di {city}.",
            "Hasil konsultasi akan ditindaklanjuti dalam penyusunan program kerja tahun berikutnya.",
            "Bukti perjalanan dinas berupa tiket, bukti penginapan dan surat perintah tugas yang telah disahkan "
            "terlampir.",
        ),
        units=("BPKAD", "DPMPTSP", "DISARPUS", "BKPSDM", "DINKES"),
        variants=({"city": "Jakarta", "purpose": "Konsultasi Penyusunan Anggaran"},
                  {"city": "Surabaya", "purpose": "Studi Tiru Mal Pelayanan Publik"},
                  {"city": "Yogyakarta", "purpose": "Rapat Kerja Teknis Kearsipan"},
                  {"city": "Jakarta", "purpose": "Konsultasi Formasi Pegawai"},
                  {"city": "Jakarta", "purpose": "Rapat Koordinasi Program Imunisasi Nasional"}),
    ),
    Routine(
        subject="jam-kerja-ramadan", doc_type="surat_edaran", topic="kepegawaian", kind="admin",
        perihal="Hari dan Jam Kerja Pegawai Selama Bulan Ramadan {hijri} Hijriah",
        facts=(
            "Selama bulan Ramadan, jam kerja pegawai pada hari Senin sampai dengan Kamis adalah pukul 08.00 sampai "
            "dengan 15.00 WIB.",
            "Pada hari Jumat, jam kerja pegawai adalah pukul 08.00 sampai dengan 15.30 WIB dengan waktu istirahat "
            "pukul 11.30 sampai dengan 13.00 WIB.",
            "Pengurangan jam kerja tidak boleh mengurangi kualitas pelayanan kepada masyarakat.",
            "Unit pelayanan yang bekerja dengan sistem giliran menyesuaikan jadwal masing-masing.",
        ),
        units=("SETDA",),
        variants=({"hijri": "1446", "date": "2025-02-24"}, {"hijri": "1447", "date": "2026-02-12"}),
    ),
    Routine(
        subject="pakaian-dinas", doc_type="surat_edaran", topic="kepegawaian", kind="admin",
        perihal="Penggunaan Pakaian Dinas dan Atribut Pegawai",
        facts=(
            "Pada hari Senin dan Selasa pegawai mengenakan pakaian dinas harian berwarna khaki.",
            "Pada hari Rabu pegawai mengenakan kemeja putih dan bawahan hitam.",
            "Pada hari Kamis pegawai mengenakan pakaian batik atau tenun khas daerah.",
            "Pada hari Jumat pegawai mengenakan pakaian olahraga pada pagi hari dan pakaian muslim atau pakaian "
            "bebas rapi setelahnya.",
            "Setiap pegawai wajib mengenakan tanda pengenal selama jam kerja.",
        ),
        units=("SETDA",),
        variants=({"date": "2025-06-16"},),
    ),
    Routine(
        subject="hasil-pppk", doc_type="pengumuman", topic="kepegawaian", kind="admin",
        perihal="Hasil Seleksi Kompetensi Pegawai Pemerintah dengan Perjanjian Kerja Tahun 2025",
        facts=(
            "Seleksi kompetensi pegawai pemerintah dengan perjanjian kerja dilaksanakan dengan sistem computer "
            "assisted test.",
            "Peserta yang dinyatakan lulus wajib melengkapi berkas usul penetapan nomor induk PPPK.",
            "Daftar peserta yang lulus tercantum dalam lampiran pengumuman ini.",
            "Keputusan panitia seleksi bersifat final dan tidak dapat diganggu gugat.",
        ),
        units=("BKPSDM",),
        variants=({"date": "2025-12-22"},),
    ),
    Routine(
        subject="permintaan-data", doc_type="surat_dinas", topic="perencanaan", kind="admin",
        perihal="Permintaan Data {data}",
        facts=(
            "Data {data} diperlukan sebagai bahan penyusunan dokumen perencanaan pembangunan daerah.",
            "Data mohon disampaikan dalam format lembar kerja sesuai contoh terlampir.",
            "Data dapat dikirimkan melalui pos-el bappeda@tirtamulyakota.go.id paling lambat dua minggu setelah "
            "surat ini diterima.",
        ),
        units=("BAPPEDA",),
        variants=({"data": "Jumlah Penduduk per Kelurahan Tahun 2025"},
                  {"data": "Jumlah Sekolah, Guru dan Murid Tahun 2025"},
                  {"data": "Sarana dan Tenaga Kesehatan Tahun 2025"},
                  {"data": "Panjang dan Kondisi Jalan Kota Tahun 2025"}),
    ),
    Routine(
        subject="mutasi", doc_type="nota_dinas", topic="kepegawaian", kind="admin",
        perihal="Usulan Mutasi Pegawai a.n. {person}",
        facts=(
            "Pegawai yang bersangkutan mengajukan permohonan pindah tugas untuk mengikuti domisili keluarga.",
            "Unit kerja yang dituju telah menyatakan kesediaan menerima pegawai yang bersangkutan.",
            "Beban kerja di unit asal masih dapat ditangani oleh pegawai yang ada.",
            "Berkas usulan terdiri atas surat permohonan, persetujuan atasan langsung dan analisis jabatan.",
        ),
        units=("DINKES", "DPUPR", "DISDIK", "SATPOLPP"),
        variants=({}, {}, {}, {}),
    ),
    Routine(
        subject="apel-gabungan", doc_type="memo", topic="kepegawaian", kind="admin",
        perihal="Pelaksanaan Apel Pagi Gabungan Bulan {month}",
        facts=(
            "Apel pagi gabungan dilaksanakan di halaman Balai Kota setiap Senin pertama setiap bulan.",
            "Seluruh pegawai hadir paling lambat pukul 07.15 WIB dengan mengenakan pakaian dinas harian.",
            "Daftar hadir apel dikumpulkan kepada Bagian Umum pada hari yang sama.",
        ),
        units=("SETDA", "BKPSDM", "SETDA"),
        variants=({}, {}, {}),
    ),
)
