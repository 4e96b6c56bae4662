"""The matters (cases) the collection's letters are about, written for this collection.

A case is one piece of work of one unit, such as a training, a procurement or a flood response, and
yields several letters of different types (the invitation, the assignment, the minutes, the report).
Relevance judgements come from this structure: a letter is about the case it was generated
for, and a quarterly report that lists the case mentions it in passing.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One matter of one unit, and the letters it produced."""

    key: str
    unit: str
    topic: str
    # "event": people are invited to attend; "field": staff are sent to do work somewhere;
    # "admin": paperwork between offices.
    kind: str
    start: str  # ISO date of the first letter; later letters follow within weeks
    title: str
    place: str
    docs: tuple[tuple[str, str], ...]  # (doc_type, perihal), in the order they were written
    facts: tuple[str, ...]
    outcomes: tuple[str, ...]
    summary: str  # how the quarterly report of the unit mentions the case
    partners: tuple[str, ...] = ()  # other units involved (addressees, participants)
    security_class: str = "biasa"


CASES: tuple[Case, ...] = (
    # -- kepegawaian ---------------------------------------------------------------------------
    Case(
        key="kenaikan-pangkat", unit="BKPSDM", topic="kepegawaian", kind="admin", start="2026-01-19",
        title="Usul Kenaikan Pangkat Pegawai Negeri Sipil Periode April 2026",
        place="Ruang Pelayanan BKPSDM",
        docs=(
            ("surat_edaran", "Penyampaian Usul Kenaikan Pangkat Periode April 2026"),
            ("nota_dinas", "Berkas Usul Kenaikan Pangkat yang Belum Lengkap"),
            ("berita_acara", "Verifikasi Berkas Usul Kenaikan Pangkat Periode April 2026"),
            ("laporan", "Laporan Hasil Verifikasi Usul Kenaikan Pangkat Periode April 2026"),
        ),
        facts=(
            "Usul kenaikan pangkat reguler maupun pilihan disampaikan melalui aplikasi Sistem Informasi ASN "
            "paling lambat tanggal 15 Februari 2026.",
            "Berkas yang diunggah meliputi keputusan pangkat terakhir, penilaian kinerja dua tahun terakhir dan "
            "ijazah bagi pegawai yang diusulkan naik pangkat karena penyesuaian ijazah.",
            "Pengelola kepegawaian pada setiap perangkat daerah diminta memeriksa kelengkapan berkas sebelum "
            "mengusulkan kenaikan pangkat pegawai di unit kerjanya.",
            "Usulan yang tidak lengkap atau terlambat akan diproses pada periode kenaikan pangkat berikutnya.",
            "Sebanyak 214 pegawai diusulkan naik pangkat, terdiri atas 162 usulan reguler dan 52 usulan pilihan.",
            "Tim verifikator mencocokkan dokumen yang diunggah dengan data pada aplikasi dan mencatat setiap "
            "kekurangan berkas.",
        ),
        outcomes=(
            "Sebanyak 187 usulan dinyatakan lengkap dan diteruskan ke Kantor Regional Badan Kepegawaian Negara.",
            "Sebanyak 27 usulan dikembalikan kepada perangkat daerah untuk dilengkapi, sebagian besar karena "
            "penilaian kinerja belum diunggah.",
            "Keputusan kenaikan pangkat dijadwalkan terbit paling lambat akhir Maret 2026.",
        ),
        summary="verifikasi berkas usul kenaikan pangkat periode April 2026 bagi 214 pegawai",
    ),
    Case(
        key="pemutakhiran-data-asn", unit="BKPSDM", topic="kepegawaian", kind="event", start="2025-09-29",
        title="Pemutakhiran Data Mandiri Aparatur Sipil Negara",
        place="Gedung Serbaguna Pemerintah Kota Tirtamulya",
        docs=(
            ("surat_edaran", "Pemutakhiran Data Mandiri Aparatur Sipil Negara Tahun 2025"),
            ("surat_undangan", "Undangan Sosialisasi Pemutakhiran Data Mandiri ASN"),
            ("notula", "Notula Sosialisasi Pemutakhiran Data Mandiri ASN"),
            ("laporan", "Laporan Capaian Pemutakhiran Data Mandiri ASN Tahun 2025"),
        ),
        facts=(
            "Setiap pegawai wajib memutakhirkan data pribadi, riwayat pendidikan, riwayat jabatan dan data "
            "keluarga secara mandiri melalui akun Sistem Informasi ASN masing-masing.",
            "Data yang telah diperbarui pegawai diverifikasi oleh pengelola kepegawaian sebelum disetujui BKPSDM.",
            "Pemutakhiran data dilaksanakan mulai tanggal 6 Oktober sampai dengan 31 Oktober 2025.",
            "Pegawai yang mengalami kendala masuk ke akun dapat menghubungi layanan bantuan di ruang pelayanan "
            "BKPSDM.",
            "Hasil pemutakhiran data menjadi dasar penyusunan formasi dan perencanaan kebutuhan pegawai.",
        ),
        outcomes=(
            "Sampai dengan batas waktu, 3.412 dari 3.876 pegawai atau 88 persen telah menyelesaikan "
            "pemutakhiran data.",
            "Perangkat daerah dengan capaian terendah diminta mendampingi pegawai yang belum memperbarui data.",
            "Kendala utama adalah lupa kata sandi dan ketidaksesuaian nomor induk kependudukan.",
        ),
        summary="pemutakhiran data mandiri ASN dengan capaian 88 persen pegawai",
    ),
    Case(
        key="pendataan-non-asn", unit="BKPSDM", topic="kepegawaian", kind="field", start="2025-08-04",
        title="Pendataan Tenaga Non-ASN di Lingkungan Pemerintah Kota Tirtamulya",
        place="seluruh perangkat daerah, kecamatan dan kelurahan",
        docs=(
            ("nota_dinas", "Permohonan Petugas Pendataan Tenaga Non-ASN"),
            ("surat_tugas", "Surat Tugas Pendataan Tenaga Non-ASN"),
            ("laporan", "Laporan Hasil Pendataan Tenaga Non-ASN Tahun 2025"),
        ),
        facts=(
            "Pendataan dilakukan terhadap seluruh tenaga non-ASN yang bekerja pada perangkat daerah, kecamatan "
            "dan kelurahan.",
            "Petugas yang ditugaskan memvalidasi daftar nama, masa kerja, sumber penghasilan dan ijazah terakhir "
            "tenaga non-ASN.",
            "Data hasil pendataan dicocokkan dengan daftar honorarium yang dibayarkan melalui belanja pegawai dan "
            "belanja jasa.",
            "Setiap perangkat daerah menunjuk satu orang penanggung jawab data yang mendampingi petugas pendataan.",
            "Tugas pendataan dilaksanakan selama sepuluh hari kerja.",
        ),
        outcomes=(
            "Tercatat 1.926 tenaga non-ASN, di antaranya 412 orang bertugas di sekolah dan 287 orang di puskesmas.",
            "Sebanyak 64 orang tidak memenuhi syarat masa kerja minimal dua tahun.",
            "Hasil pendataan telah diunggah ke portal pendataan nasional sebelum batas waktu.",
        ),
        summary="pendataan 1.926 tenaga non-ASN di seluruh perangkat daerah",
    ),
    Case(
        key="seleksi-jpt", unit="BKPSDM", topic="kepegawaian", kind="event", start="2026-02-16",
        title="Seleksi Terbuka Jabatan Pimpinan Tinggi Pratama Tahun 2026",
        place="Ruang Rapat Sekretariat Daerah Lantai 2",
        docs=(
            ("keputusan", "Pembentukan Panitia Seleksi Terbuka Jabatan Pimpinan Tinggi Pratama di Lingkungan "
                          "Pemerintah Kota Tirtamulya Tahun 2026"),
            ("pengumuman", "Pengumuman Seleksi Terbuka Jabatan Pimpinan Tinggi Pratama Tahun 2026"),
            ("surat_undangan", "Undangan Wawancara dan Presentasi Makalah Seleksi Terbuka JPT Pratama"),
            ("berita_acara", "Hasil Seleksi Terbuka Jabatan Pimpinan Tinggi Pratama Tahun 2026"),
        ),
        facts=(
            "Seleksi terbuka dilaksanakan untuk mengisi jabatan Kepala Dinas Lingkungan Hidup, Kepala Dinas "
            "Perhubungan dan Kepala Badan Perencanaan Pembangunan Daerah yang lowong.",
            "Tahapan seleksi meliputi seleksi administrasi, uji kompetensi manajerial, penulisan makalah, "
            "wawancara dan penelusuran rekam jejak.",
            "Panitia seleksi terdiri atas unsur internal pemerintah daerah dan unsur akademisi.",
            "Pelamar wajib berstatus pegawai negeri sipil dengan pangkat paling rendah Pembina Tingkat I "
            "golongan ruang IV/b.",
            "Tiga nama calon terbaik untuk setiap jabatan disampaikan kepada Wali Kota selaku pejabat pembina "
            "kepegawaian.",
        ),
        outcomes=(
            "Sebanyak 17 pelamar dinyatakan lulus seleksi administrasi.",
            "Tiga calon terbaik untuk setiap jabatan ditetapkan berdasarkan nilai akhir seleksi.",
            "Hasil seleksi diumumkan melalui laman resmi BKPSDM.",
        ),
        summary="seleksi terbuka jabatan pimpinan tinggi pratama untuk tiga jabatan kepala perangkat daerah",
        security_class="terbatas",
    ),
    Case(
        key="disiplin-lebaran", unit="BKPSDM", topic="kepegawaian", kind="admin", start="2025-03-24",
        title="Peningkatan Disiplin Pegawai Setelah Cuti Bersama Hari Raya Idul Fitri 1446 Hijriah",
        place="seluruh perangkat daerah",
        docs=(
            ("surat_edaran", "Peningkatan Disiplin Pegawai Setelah Cuti Bersama Idul Fitri 1446 H"),
            ("nota_dinas", "Rekapitulasi Kehadiran Pegawai pada Hari Pertama Kerja Setelah Cuti Bersama"),
            ("laporan", "Laporan Pemantauan Kehadiran Pegawai Setelah Cuti Bersama Idul Fitri"),
        ),
        facts=(
            "Seluruh pegawai wajib masuk kerja dan mengisi daftar hadir elektronik pada hari pertama kerja "
            "setelah cuti bersama.",
            "Pegawai yang tidak masuk kerja tanpa alasan yang sah dijatuhi hukuman disiplin sesuai ketentuan.",
            "Kepala perangkat daerah memantau kehadiran dan melaporkan rekapitulasi kehadiran paling lambat "
            "pukul 12.00.",
            "Inspeksi mendadak dilakukan oleh tim gabungan BKPSDM dan Inspektorat ke beberapa perangkat daerah.",
            "Pegawai dilarang menambah libur atau mengajukan cuti tahunan sebelum dan sesudah cuti bersama "
            "kecuali dalam keadaan mendesak.",
        ),
        outcomes=(
            "Tingkat kehadiran pegawai pada hari pertama kerja mencapai 96,8 persen.",
            "Sebanyak 41 pegawai tidak hadir tanpa keterangan dan telah dipanggil oleh atasan langsung.",
            "Tiga perangkat daerah belum menyampaikan rekapitulasi kehadiran tepat waktu.",
        ),
        summary="pemantauan disiplin dan kehadiran pegawai setelah cuti bersama Idul Fitri",
        partners=("INSPEKTORAT",),
    ),
    Case(
        key="pelantikan", unit="BKPSDM", topic="kepegawaian", kind="event", start="2025-12-08",
        title="Pelantikan Pejabat Administrator dan Pejabat Pengawas",
        place="Ruang Rapat Wali Kota, Balai Kota Tirtamulya",
        docs=(
            ("keputusan", "Pengangkatan dalam Jabatan Administrator dan Jabatan Pengawas di Lingkungan "
                          "Pemerintah Kota Tirtamulya"),
            ("surat_undangan", "Undangan Pelantikan dan Pengambilan Sumpah Jabatan Administrator dan Pengawas"),
            ("berita_acara", "Pengambilan Sumpah Jabatan Administrator dan Pengawas"),
        ),
        facts=(
            "Sebanyak 23 pejabat administrator dan 41 pejabat pengawas dilantik dan diambil sumpahnya oleh "
            "Wali Kota.",
            "Pejabat yang akan dilantik wajib hadir mengenakan pakaian sipil lengkap dan membawa petikan keputusan.",
            "Pengangkatan dalam jabatan didasarkan pada hasil uji kompetensi dan pertimbangan tim penilai kinerja.",
            "Pengambilan sumpah disaksikan oleh dua orang saksi dan didampingi rohaniwan sesuai agama masing-masing.",
            "Pejabat yang dilantik melaksanakan serah terima jabatan paling lambat tujuh hari setelah pelantikan.",
        ),
        outcomes=(
            "Pelantikan berjalan tertib dan dihadiri oleh seluruh pejabat yang diangkat.",
            "Berita acara pengambilan sumpah ditandatangani oleh pejabat yang dilantik, saksi dan Wali Kota.",
        ),
        summary="pelantikan 23 pejabat administrator dan 41 pejabat pengawas",
        security_class="terbatas",
    ),
    # -- pelatihan -----------------------------------------------------------------------------
    Case(
        key="latsar-cpns", unit="BKPSDM", topic="pelatihan", kind="event", start="2025-05-26",
        title="Pelatihan Dasar Calon Pegawai Negeri Sipil Golongan III Tahun 2025",
        place="Gedung Pengembangan Kompetensi BKPSDM",
        docs=(
            ("surat_undangan", "Undangan Pembukaan Pelatihan Dasar CPNS Golongan III Tahun 2025"),
            ("surat_tugas", "Penugasan Peserta Pelatihan Dasar CPNS Golongan III"),
            ("laporan", "Laporan Penyelenggaraan Pelatihan Dasar CPNS Golongan III Tahun 2025"),
        ),
        facts=(
            "Pelatihan dasar diikuti oleh 80 orang calon pegawai negeri sipil yang terbagi dalam dua angkatan.",
            "Pelatihan dilaksanakan secara blended learning, yaitu pembelajaran jarak jauh selama 21 hari dan "
            "pembelajaran klasikal selama 30 hari.",
            "Peserta dibebaskan dari tugas kedinasan selama mengikuti pelatihan dan wajib tinggal di asrama.",
            "Materi pelatihan meliputi wawasan kebangsaan, nilai dasar ASN BerAKHLAK, manajemen ASN dan "
            "aktualisasi.",
            "Setiap peserta menyusun rancangan aktualisasi yang diterapkan di unit kerja masing-masing.",
        ),
        outcomes=(
            "Sebanyak 78 peserta dinyatakan lulus dengan predikat memuaskan dan dua peserta wajib mengulang.",
            "Rancangan aktualisasi terbaik diusulkan untuk direplikasi di perangkat daerah lain.",
        ),
        summary="pelatihan dasar bagi 80 CPNS golongan III dalam dua angkatan",
    ),
    Case(
        key="bimtek-arsip", unit="DISARPUS", topic="kearsipan", kind="event", start="2026-02-02",
        title="Bimbingan Teknis Pengelolaan Arsip Dinamis bagi Pengelola Arsip Perangkat Daerah",
        place="Aula Dinas Kearsipan dan Perpustakaan, Jalan Veteran Nomor 12",
        docs=(
            ("surat_undangan", "Undangan Bimbingan Teknis Pengelolaan Arsip Dinamis"),
            ("surat_tugas", "Penugasan Narasumber dan Panitia Bimbingan Teknis Pengelolaan Arsip Dinamis"),
            ("laporan", "Laporan Pelaksanaan Bimbingan Teknis Pengelolaan Arsip Dinamis Tahun 2026"),
        ),
        facts=(
            "Bimbingan teknis diikuti oleh pengelola arsip dan operator naskah dinas dari 32 perangkat daerah.",
            "Materi meliputi penataan arsip aktif, penggunaan klasifikasi arsip, pemberkasan dan penyimpanan "
            "arsip inaktif.",
            "Peserta berlatih mengarsipkan naskah dinas elektronik sesuai klasifikasi dan jadwal retensi arsip.",
            "Setiap peserta membawa laptop dan contoh daftar arsip aktif dari unit kerjanya.",
            "Narasumber berasal dari Arsip Nasional Republik Indonesia dan Dinas Kearsipan dan Perpustakaan.",
        ),
        outcomes=(
            "Sebanyak 64 peserta mengikuti seluruh rangkaian bimbingan teknis.",
            "Hasil uji akhir menunjukkan peningkatan pemahaman peserta tentang pemberkasan arsip dari rata-rata "
            "58 menjadi 81.",
            "Peserta diminta menyusun daftar arsip aktif unit kerjanya paling lambat akhir Maret 2026.",
        ),
        summary="bimbingan teknis pengelolaan arsip dinamis bagi 64 pengelola arsip",
    ),
    Case(
        key="pelatihan-pbj", unit="SETDA", topic="pengadaan", kind="event", start="2025-09-08",
        title="Pelatihan dan Ujian Sertifikasi Kompetensi Pengadaan Barang/Jasa Tingkat Dasar",
        place="Hotel Griya Tirta, Jalan Sudirman Nomor 120",
        docs=(
            ("surat_undangan", "Undangan Pelatihan Pengadaan Barang/Jasa Tingkat Dasar"),
            ("surat_tugas", "Surat Tugas Peserta Pelatihan Pengadaan Barang/Jasa"),
            ("laporan", "Laporan Pelaksanaan Pelatihan dan Ujian Sertifikasi Pengadaan Barang/Jasa"),
        ),
        facts=(
            "Pelatihan pengadaan barang/jasa tingkat dasar diselenggarakan oleh Bagian Pengadaan Barang dan Jasa "
            "Sekretariat Daerah.",
            "Peserta adalah pegawai yang akan ditetapkan sebagai pejabat pengadaan atau anggota kelompok kerja "
            "pemilihan.",
            "Materi pelatihan meliputi perencanaan pengadaan, persiapan pemilihan penyedia, pengelolaan kontrak "
            "dan swakelola.",
            "Pelatihan diakhiri dengan ujian sertifikasi kompetensi berbasis komputer.",
            "Peserta yang lulus memperoleh sertifikat kompetensi pengadaan barang/jasa tingkat dasar.",
        ),
        outcomes=(
            "Dari 40 peserta, sebanyak 29 orang dinyatakan lulus ujian sertifikasi.",
            "Peserta yang belum lulus dapat mengikuti ujian ulang pada periode berikutnya.",
        ),
        summary="pelatihan dan ujian sertifikasi pengadaan barang/jasa tingkat dasar bagi 40 pegawai",
    ),
    Case(
        key="simulasi-gempa", unit="BPBD", topic="bencana", kind="event", start="2025-11-03",
        title="Pelatihan Kesiapsiagaan dan Simulasi Evakuasi Gempa Bumi bagi Pegawai Balai Kota",
        place="Halaman Balai Kota Tirtamulya",
        docs=(
            ("surat_undangan", "Undangan Pelatihan Kesiapsiagaan dan Simulasi Evakuasi Gempa Bumi"),
            ("nota_dinas", "Kebutuhan Peralatan untuk Simulasi Evakuasi Gempa Bumi"),
            ("laporan", "Laporan Pelaksanaan Simulasi Evakuasi Gempa Bumi di Balai Kota"),
        ),
        facts=(
            "Simulasi evakuasi melibatkan seluruh pegawai yang berkantor di kompleks Balai Kota.",
            "Peserta dilatih mengenali tanda bahaya, berlindung di bawah meja dan menuju titik kumpul melalui "
            "jalur evakuasi.",
            "Setiap lantai menunjuk petugas pengarah evakuasi yang memastikan seluruh ruangan kosong.",
            "Tim medis dan petugas pemadam kebakaran disiagakan selama simulasi berlangsung.",
            "Peralatan yang diperlukan antara lain sirene, pengeras suara, tandu dan rompi petugas.",
        ),
        outcomes=(
            "Seluruh pegawai berhasil dievakuasi ke titik kumpul dalam waktu 6 menit 40 detik.",
            "Jalur evakuasi di lantai tiga perlu diberi rambu tambahan karena peserta sempat salah arah.",
        ),
        summary="simulasi evakuasi gempa bumi bagi pegawai Balai Kota",
    ),
    Case(
        key="workshop-siber", unit="DISKOMINFO", topic="spbe", kind="event", start="2026-01-12",
        title="Workshop Keamanan Informasi dan Penanganan Insiden Siber",
        place="Ruang Rapat Command Center, Dinas Komunikasi dan Informatika",
        docs=(
            ("surat_undangan", "Undangan Workshop Keamanan Informasi dan Penanganan Insiden Siber"),
            ("surat_tugas", "Penugasan Tim Tanggap Insiden Siber sebagai Fasilitator Workshop"),
            ("notula", "Notula Diskusi Workshop Keamanan Informasi"),
            ("laporan", "Laporan Workshop Keamanan Informasi dan Penanganan Insiden Siber"),
        ),
        facts=(
            "Workshop diikuti oleh administrator sistem dan pengelola aplikasi dari seluruh perangkat daerah.",
            "Peserta mempelajari pengamanan kata sandi, autentikasi dua faktor, pencadangan data dan pengenalan "
            "serangan phishing.",
            "Tim tanggap insiden siber memaparkan prosedur pelaporan insiden dan pemulihan layanan.",
            "Serangan perangkat pemeras yang menimpa sejumlah instansi menjadi contoh kasus dalam diskusi.",
            "Setiap perangkat daerah diminta menunjuk penanggung jawab keamanan informasi.",
        ),
        outcomes=(
            "Disepakati bahwa seluruh akun administrator wajib menggunakan autentikasi dua faktor mulai Maret 2026.",
            "Diskominfo akan melakukan uji kerentanan terhadap aplikasi perangkat daerah secara bertahap.",
            "Peserta meminta simulasi penanganan insiden diselenggarakan setiap semester.",
        ),
        summary="workshop keamanan informasi dan penanganan insiden siber",
    ),
    # -- kearsipan -----------------------------------------------------------------------------
    Case(
        key="pemindahan-arsip", unit="DISARPUS", topic="kearsipan", kind="field", start="2025-07-07",
        title="Pemindahan Arsip Inaktif dari Unit Pengolah ke Pusat Arsip Daerah",
        place="Pusat Arsip Daerah, Jalan Veteran Nomor 14",
        docs=(
            ("nota_dinas", "Jadwal Pemindahan Arsip Inaktif Tahun 2025"),
            ("berita_acara", "Pemindahan Arsip Inaktif Dinas Pendidikan ke Pusat Arsip Daerah"),
            ("laporan", "Laporan Pemindahan Arsip Inaktif Tahun 2025"),
        ),
        facts=(
            "Arsip yang dipindahkan adalah arsip inaktif yang telah melewati masa aktif sesuai jadwal retensi arsip.",
            "Setiap unit pengolah menyiapkan daftar arsip inaktif yang akan dipindahkan, lengkap dengan kode "
            "klasifikasi dan kurun waktunya.",
            "Arsip dikemas dalam boks arsip standar dan diberi label sebelum diangkut ke Pusat Arsip Daerah.",
            "Pemindahan dilaksanakan secara bertahap sesuai jadwal yang disusun oleh unit kearsipan.",
            "Serah terima arsip dituangkan dalam berita acara yang ditandatangani pimpinan unit pengolah dan "
            "Kepala Dinas Kearsipan dan Perpustakaan.",
        ),
        outcomes=(
            "Sebanyak 1.240 boks arsip inaktif dari sembilan perangkat daerah telah dipindahkan.",
            "Arsip Dinas Pendidikan kurun waktu 2012 sampai dengan 2018 sebanyak 312 boks diterima dalam keadaan "
            "baik.",
            "Ruang simpan Pusat Arsip Daerah telah terisi 78 persen sehingga perlu penambahan rak.",
        ),
        summary="pemindahan 1.240 boks arsip inaktif ke Pusat Arsip Daerah",
        partners=("DISDIK",),
    ),
    Case(
        key="pemusnahan-arsip", unit="DISARPUS", topic="kearsipan", kind="admin", start="2025-10-20",
        title="Pemusnahan Arsip yang Telah Habis Masa Retensinya",
        place="Pusat Arsip Daerah, Jalan Veteran Nomor 14",
        docs=(
            ("telaahan_staf", "Usul Pemusnahan Arsip Keuangan Tahun 2008 sampai dengan 2013"),
            ("keputusan", "Pembentukan Panitia Penilai Arsip Pemerintah Kota Tirtamulya"),
            ("berita_acara", "Pemusnahan Arsip Pemerintah Kota Tirtamulya Tahun 2025"),
        ),
        facts=(
            "Arsip yang diusulkan untuk dimusnahkan adalah arsip keuangan yang telah habis masa retensinya dan "
            "berketerangan musnah dalam jadwal retensi arsip.",
            "Panitia penilai arsip menilai daftar arsip usul musnah sebelum dimintakan persetujuan Kepala Arsip "
            "Nasional Republik Indonesia.",
            "Arsip yang masih berkaitan dengan perkara hukum yang belum selesai tidak boleh dimusnahkan.",
            "Pemusnahan dilakukan dengan cara pencacahan sehingga fisik dan informasinya tidak dapat dikenali lagi.",
            "Pelaksanaan pemusnahan disaksikan oleh unsur Inspektorat dan unit hukum.",
        ),
        outcomes=(
            "Sebanyak 486 boks arsip keuangan kurun waktu 2008 sampai dengan 2013 telah dimusnahkan dengan cara "
            "dicacah.",
            "Daftar arsip yang dimusnahkan disimpan secara permanen sebagai bukti pemusnahan.",
        ),
        summary="pemusnahan 486 boks arsip keuangan yang telah habis masa retensinya",
        partners=("INSPEKTORAT", "BPKAD"),
    ),
    Case(
        key="srikandi", unit="DISARPUS", topic="kearsipan", kind="event", start="2025-02-24",
        title="Implementasi Aplikasi Umum Bidang Kearsipan Dinamis SRIKANDI",
        place="Ruang Rapat Command Center, Dinas Komunikasi dan Informatika",
        docs=(
            ("surat_edaran", "Penggunaan Aplikasi SRIKANDI dalam Pengelolaan Naskah Dinas Elektronik"),
            ("surat_undangan", "Undangan Sosialisasi Implementasi Aplikasi SRIKANDI"),
            ("notula", "Notula Sosialisasi Implementasi Aplikasi SRIKANDI"),
            ("laporan", "Laporan Implementasi Aplikasi SRIKANDI Triwulan I Tahun 2025"),
        ),
        facts=(
            "Mulai 1 April 2025 seluruh naskah dinas dibuat, dikirim dan disimpan melalui aplikasi SRIKANDI.",
            "Naskah dinas yang telah ditandatangani secara elektronik otomatis diarsipkan sesuai klasifikasi arsip.",
            "Setiap perangkat daerah menunjuk admin SRIKANDI yang mengelola akun pengguna dan struktur jabatan.",
            "Surat masuk dalam bentuk kertas dipindai dan diregistrasi ke dalam aplikasi oleh petugas tata usaha.",
            "Diskominfo menyediakan jaringan dan layanan bantuan teknis selama masa transisi.",
        ),
        outcomes=(
            "Sebanyak 29 dari 32 perangkat daerah telah menggunakan SRIKANDI untuk seluruh naskah dinas keluar.",
            "Kendala yang dilaporkan antara lain struktur jabatan yang belum sesuai dan pejabat yang belum "
            "memiliki sertifikat elektronik.",
            "Pendampingan akan dilanjutkan bagi tiga perangkat daerah yang belum menerapkan SRIKANDI.",
        ),
        summary="implementasi aplikasi SRIKANDI untuk naskah dinas elektronik di 29 perangkat daerah",
        partners=("DISKOMINFO",),
    ),
    Case(
        key="pengawasan-kearsipan", unit="DISARPUS", topic="kearsipan", kind="field", start="2026-04-06",
        title="Pengawasan Kearsipan Internal pada Perangkat Daerah Tahun 2026",
        place="perangkat daerah yang menjadi sampel pengawasan",
        docs=(
            ("surat_tugas", "Penugasan Tim Pengawasan Kearsipan Internal Tahun 2026"),
            ("nota_dinas", "Jadwal Pengawasan Kearsipan Internal pada Perangkat Daerah"),
            ("laporan", "Laporan Hasil Pengawasan Kearsipan Internal Tahun 2026"),
        ),
        facts=(
            "Pengawasan kearsipan internal menilai aspek pengelolaan arsip dinamis, sumber daya manusia kearsipan, "
            "prasarana dan sarana, serta pendanaan.",
            "Tim pengawas memeriksa daftar arsip aktif, daftar arsip inaktif dan tata naskah dinas di setiap "
            "perangkat daerah sampel.",
            "Penilaian menggunakan lembar kendali audit kearsipan internal.",
            "Perangkat daerah sampel ditetapkan sebanyak 12 perangkat daerah dan 4 kecamatan.",
        ),
        outcomes=(
            "Nilai rata-rata hasil pengawasan kearsipan internal adalah 68,4 dengan kategori baik.",
            "Sebagian besar perangkat daerah belum menyusun daftar arsip vital.",
            "Rekomendasi disampaikan kepada setiap perangkat daerah untuk ditindaklanjuti dalam 60 hari.",
        ),
        summary="pengawasan kearsipan internal pada 12 perangkat daerah dan 4 kecamatan",
    ),
    # -- anggaran, aset, perencanaan -----------------------------------------------------------
    Case(
        key="rka-2027", unit="BPKAD", topic="anggaran", kind="event", start="2026-05-11",
        title="Penyusunan Rencana Kerja dan Anggaran Perangkat Daerah Tahun Anggaran 2027",
        place="Aula Badan Perencanaan Pembangunan Daerah",
        docs=(
            ("surat_edaran", "Pedoman Penyusunan Rencana Kerja dan Anggaran Perangkat Daerah Tahun Anggaran 2027"),
            ("surat_undangan", "Undangan Asistensi Penyusunan RKA Perangkat Daerah Tahun Anggaran 2027"),
            ("notula", "Notula Asistensi Penyusunan RKA Perangkat Daerah Tahun Anggaran 2027"),
        ),
        facts=(
            "Rencana kerja dan anggaran perangkat daerah disusun berdasarkan pagu indikatif yang ditetapkan dalam "
            "kebijakan umum anggaran.",
            "Setiap program dan kegiatan wajib memuat indikator kinerja, target dan lokasi yang terukur.",
            "Penganggaran belanja menggunakan standar harga satuan dan analisis standar belanja yang berlaku.",
            "Dokumen RKA diinput melalui Sistem Informasi Pemerintahan Daerah paling lambat 30 Juni 2026.",
            "Tim anggaran pemerintah daerah melakukan asistensi terhadap RKA setiap perangkat daerah.",
        ),
        outcomes=(
            "Sebanyak 11 perangkat daerah diminta menyesuaikan belanja dengan pagu indikatif.",
            "Belanja perjalanan dinas dan belanja makan minum rapat diminta dikurangi sekurang-kurangnya 10 persen.",
        ),
        summary="asistensi penyusunan rencana kerja dan anggaran tahun anggaran 2027",
        partners=("BAPPEDA",),
    ),
    Case(
        key="perubahan-apbd", unit="BPKAD", topic="anggaran", kind="event", start="2025-08-11",
        title="Pergeseran Anggaran dan Rancangan Perubahan APBD Tahun Anggaran 2025",
        place="Ruang Rapat Sekretariat Daerah Lantai 2",
        docs=(
            ("nota_dinas", "Usulan Pergeseran Anggaran Antarkegiatan Tahun Anggaran 2025"),
            ("telaahan_staf", "Kebutuhan Perubahan Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2025"),
            ("surat_undangan", "Undangan Rapat Pembahasan Rancangan Perubahan APBD Tahun Anggaran 2025"),
            ("notula", "Notula Rapat Pembahasan Rancangan Perubahan APBD Tahun Anggaran 2025"),
        ),
        facts=(
            "Perubahan anggaran diperlukan karena pendapatan asli daerah melampaui target dan terdapat sisa lebih "
            "pembiayaan anggaran tahun sebelumnya.",
            "Pergeseran anggaran antarkegiatan diajukan oleh perangkat daerah dengan disertai alasan dan rincian "
            "belanja.",
            "Tambahan anggaran diprioritaskan untuk belanja wajib dan kegiatan yang mendukung pelayanan dasar.",
            "Rancangan perubahan APBD disampaikan kepada DPRD paling lambat akhir September 2025.",
            "Perangkat daerah dilarang menganggarkan kegiatan baru yang tidak tercantum dalam rencana kerja "
            "pemerintah daerah.",
        ),
        outcomes=(
            "Tambahan belanja sebesar Rp38,6 miliar dialokasikan untuk pendidikan, kesehatan dan perbaikan jalan.",
            "Sebanyak 46 usulan pergeseran anggaran disetujui dan 9 usulan ditolak.",
        ),
        summary="pembahasan pergeseran anggaran dan rancangan perubahan APBD 2025",
        partners=("BAPPEDA", "SETDA"),
    ),
    Case(
        key="lra-semester", unit="BPKAD", topic="anggaran", kind="admin", start="2025-07-01",
        title="Laporan Realisasi Anggaran Semester Pertama Tahun Anggaran 2025",
        place="Badan Pengelolaan Keuangan dan Aset Daerah",
        docs=(
            ("surat_dinas", "Permintaan Laporan Realisasi Anggaran Semester Pertama Tahun Anggaran 2025"),
            ("nota_dinas", "Perangkat Daerah yang Belum Menyampaikan Laporan Realisasi Anggaran Semester I"),
            ("laporan", "Laporan Realisasi Semester Pertama APBD Kota Tirtamulya Tahun Anggaran 2025"),
        ),
        facts=(
            "Setiap perangkat daerah menyampaikan laporan realisasi anggaran semester pertama beserta prognosis "
            "enam bulan berikutnya.",
            "Laporan ditandatangani oleh kepala perangkat daerah selaku pengguna anggaran.",
            "Realisasi pendapatan dan belanja direkonsiliasi dengan data kas daerah sebelum laporan disampaikan.",
            "Batas waktu penyampaian laporan realisasi adalah tanggal 10 Juli 2025.",
        ),
        outcomes=(
            "Realisasi pendapatan daerah sampai dengan 30 Juni 2025 mencapai 47,2 persen dari target.",
            "Realisasi belanja daerah baru mencapai 38,9 persen, terutama karena belanja modal belum dilaksanakan.",
            "Lima perangkat daerah terlambat menyampaikan laporan realisasi.",
        ),
        summary="penyusunan laporan realisasi anggaran semester pertama 2025",
    ),
    Case(
        key="rekonsiliasi-bmd", unit="BPKAD", topic="aset", kind="admin", start="2025-12-01",
        title="Inventarisasi dan Rekonsiliasi Barang Milik Daerah Akhir Tahun 2025",
        place="Badan Pengelolaan Keuangan dan Aset Daerah",
        docs=(
            ("surat_edaran", "Inventarisasi dan Rekonsiliasi Barang Milik Daerah Semester II Tahun 2025"),
            ("berita_acara", "Rekonsiliasi Barang Milik Daerah Semester II Tahun 2025"),
            ("laporan", "Laporan Hasil Inventarisasi Barang Milik Daerah Tahun 2025"),
        ),
        facts=(
            "Setiap pengguna barang melakukan inventarisasi fisik terhadap seluruh barang milik daerah yang "
            "dikuasainya.",
            "Hasil inventarisasi direkonsiliasi dengan catatan pada aplikasi penatausahaan barang milik daerah.",
            "Barang yang rusak berat atau hilang diusulkan untuk dihapus sesuai ketentuan.",
            "Kendaraan dinas dan tanah menjadi prioritas karena sering menjadi temuan pemeriksaan.",
            "Rekonsiliasi dilaksanakan antara pengurus barang perangkat daerah dan Bidang Aset BPKAD.",
        ),
        outcomes=(
            "Nilai barang milik daerah per 31 Desember 2025 tercatat sebesar Rp4,87 triliun.",
            "Sebanyak 138 unit barang rusak berat diusulkan untuk dihapus.",
            "Tujuh bidang tanah belum bersertifikat dan sedang diproses di kantor pertanahan.",
        ),
        summary="inventarisasi dan rekonsiliasi barang milik daerah akhir tahun 2025",
    ),
    Case(
        key="musrenbang-utara", unit="KEC-UTARA", topic="perencanaan", kind="event", start="2026-01-26",
        title="Musyawarah Perencanaan Pembangunan Kecamatan Tirtamulya Utara Tahun 2026",
        place="Gedung Serbaguna Kecamatan Tirtamulya Utara",
        docs=(
            ("surat_undangan", "Undangan Musrenbang Kecamatan Tirtamulya Utara Tahun 2026"),
            ("surat_tugas", "Penugasan Fasilitator Musrenbang Kecamatan Tirtamulya Utara"),
            ("notula", "Notula Musrenbang Kecamatan Tirtamulya Utara Tahun 2026"),
            ("laporan", "Laporan Hasil Musrenbang Kecamatan Tirtamulya Utara untuk RKPD 2027"),
        ),
        facts=(
            "Musrenbang kecamatan membahas usulan kegiatan yang dihasilkan musrenbang kelurahan untuk rencana "
            "kerja pemerintah daerah tahun 2027.",
            "Peserta terdiri atas lurah, ketua lembaga pemberdayaan masyarakat, tokoh masyarakat, perwakilan "
            "perempuan dan anggota DPRD daerah pemilihan setempat.",
            "Usulan diprioritaskan berdasarkan kriteria kemendesakan, manfaat dan kesesuaian dengan prioritas "
            "pembangunan daerah.",
            "Usulan perbaikan jalan lingkungan, drainase dan penerangan jalan umum mendominasi musyawarah.",
        ),
        outcomes=(
            "Musrenbang menyepakati 42 usulan prioritas dari tujuh kelurahan.",
            "Usulan prioritas diinput ke Sistem Informasi Pemerintahan Daerah untuk dibahas pada forum "
            "perangkat daerah.",
        ),
        summary="musrenbang kecamatan dengan 42 usulan prioritas untuk RKPD 2027",
        partners=("BAPPEDA",),
    ),
    Case(
        key="sbu-perjalanan", unit="BPKAD", topic="anggaran", kind="admin", start="2026-01-05",
        title="Standar Biaya Perjalanan Dinas Tahun Anggaran 2026",
        place="Badan Pengelolaan Keuangan dan Aset Daerah",
        docs=(
            ("surat_edaran", "Pelaksanaan Perjalanan Dinas dan Standar Biaya Tahun Anggaran 2026"),
            ("nota_dinas", "Penjelasan Pertanggungjawaban Biaya Perjalanan Dinas Dalam Daerah"),
        ),
        facts=(
            "Perjalanan dinas dilaksanakan secara selektif, hanya untuk kegiatan yang berkaitan langsung dengan "
            "tugas dan fungsi.",
            "Biaya perjalanan dinas dibayarkan sesuai standar biaya umum yang ditetapkan dengan Peraturan Wali Kota.",
            "Uang harian perjalanan dinas dalam daerah lebih dari delapan jam dibayarkan secara lumpsum.",
            "Pertanggungjawaban perjalanan dinas dilengkapi surat perintah tugas, tiket, bukti penginapan dan "
            "laporan hasil perjalanan.",
            "Perjalanan dinas luar daerah wajib mendapat persetujuan Sekretaris Daerah.",
        ),
        outcomes=(
            "Perangkat daerah diminta menyesuaikan rencana perjalanan dinas dengan standar biaya tahun 2026.",
        ),
        summary="penetapan standar biaya perjalanan dinas tahun anggaran 2026",
    ),
    # -- pengadaan -----------------------------------------------------------------------------
    Case(
        key="laptop-sd", unit="DISDIK", topic="pengadaan", kind="admin", start="2025-09-15",
        title="Pengadaan Laptop untuk Sekolah Dasar Negeri",
        place="Dinas Pendidikan",
        docs=(
            ("nota_dinas", "Usulan Pengadaan Laptop untuk Sekolah Dasar Negeri"),
            ("telaahan_staf", "Pengadaan Laptop Pembelajaran melalui Katalog Elektronik"),
            ("berita_acara", "Serah Terima Laptop kepada Sekolah Dasar Negeri"),
            ("laporan", "Laporan Penyaluran Laptop ke Sekolah Dasar Negeri Tahun 2025"),
        ),
        facts=(
            "Sebanyak 420 unit laptop diadakan untuk menunjang pembelajaran dan asesmen berbasis komputer di 35 "
            "sekolah dasar negeri.",
            "Pengadaan dilakukan melalui katalog elektronik dengan metode e-purchasing.",
            "Spesifikasi laptop mengacu pada petunjuk teknis dana alokasi khusus bidang pendidikan.",
            "Setiap laptop diberi label barang milik daerah dan dicatat dalam kartu inventaris sekolah.",
            "Penyedia wajib memberikan garansi resmi selama tiga tahun dan pelatihan penggunaan bagi guru.",
        ),
        outcomes=(
            "Seluruh laptop telah diserahterimakan kepada kepala sekolah dalam keadaan baik dan lengkap.",
            "Dua sekolah melaporkan unit yang tidak dapat menyala dan telah diganti oleh penyedia.",
        ),
        summary="pengadaan dan penyaluran 420 unit laptop untuk 35 sekolah dasar negeri",
    ),
    Case(
        key="ambulans", unit="DINKES", topic="pengadaan", kind="admin", start="2026-02-23",
        title="Pengadaan Ambulans untuk Puskesmas",
        place="Dinas Kesehatan",
        docs=(
            ("nota_dinas", "Kebutuhan Ambulans untuk Puskesmas Rawat Inap"),
            ("berita_acara", "Pemeriksaan Hasil Pekerjaan Pengadaan Ambulans Puskesmas"),
            ("berita_acara", "Serah Terima Ambulans kepada Puskesmas"),
        ),
        facts=(
            "Empat unit ambulans diadakan untuk Puskesmas Sukajadi, Puskesmas Cibeureum, Puskesmas Margasari dan "
            "Puskesmas Wates.",
            "Ambulans dilengkapi tabung oksigen, tandu, lampu isyarat, sirene dan peralatan pertolongan pertama.",
            "Tim pemeriksa hasil pekerjaan memeriksa kesesuaian spesifikasi, kelengkapan dokumen kendaraan dan "
            "uji jalan.",
            "Kendaraan diserahkan oleh penyedia kepada pejabat pembuat komitmen dan selanjutnya kepada kepala "
            "puskesmas.",
            "Pengadaan dibiayai dari dana alokasi khusus bidang kesehatan tahun 2026.",
        ),
        outcomes=(
            "Hasil pemeriksaan menyatakan keempat ambulans sesuai spesifikasi dalam kontrak.",
            "Ambulans telah diterima oleh kepala puskesmas dan dicatat sebagai barang milik daerah.",
        ),
        summary="pengadaan empat unit ambulans untuk puskesmas",
    ),
    Case(
        key="konsultan-jembatan", unit="DPUPR", topic="pengadaan", kind="event", start="2025-04-21",
        title="Pengadaan Jasa Konsultansi Perencanaan Jembatan Cikapundung",
        place="Ruang Rapat Dinas Pekerjaan Umum dan Penataan Ruang",
        docs=(
            ("surat_undangan", "Undangan Rapat Penjelasan Dokumen Pemilihan Jasa Konsultansi Perencanaan Jembatan"),
            ("berita_acara", "Hasil Pemilihan Penyedia Jasa Konsultansi Perencanaan Jembatan Cikapundung"),
            ("laporan", "Laporan Pendahuluan Perencanaan Teknis Jembatan Cikapundung"),
        ),
        facts=(
            "Jasa konsultansi perencanaan diperlukan untuk penggantian Jembatan Cikapundung yang mengalami retak "
            "pada gelagar.",
            "Pemilihan penyedia dilakukan melalui seleksi dengan metode evaluasi kualitas dan biaya.",
            "Ruang lingkup pekerjaan meliputi survei topografi, penyelidikan tanah, perencanaan struktur dan "
            "penyusunan rencana anggaran biaya.",
            "Jangka waktu pelaksanaan pekerjaan perencanaan adalah 120 hari kalender.",
        ),
        outcomes=(
            "PT Rekayasa Sarana Mandiri ditetapkan sebagai pemenang seleksi dengan nilai kombinasi tertinggi.",
            "Laporan pendahuluan merekomendasikan jembatan rangka baja dengan bentang 40 meter.",
        ),
        summary="pemilihan konsultan perencanaan penggantian Jembatan Cikapundung",
    ),
    Case(
        key="server-pusat-data", unit="DISKOMINFO", topic="pengadaan", kind="admin", start="2025-10-06",
        title="Pengadaan Server dan Perangkat Jaringan Pusat Data Pemerintah Daerah",
        place="Pusat Data Pemerintah Kota Tirtamulya",
        docs=(
            ("telaahan_staf", "Kebutuhan Peremajaan Server Pusat Data"),
            ("nota_dinas", "Permohonan Persetujuan Pengadaan Server dan Perangkat Jaringan"),
            ("berita_acara", "Serah Terima Server dan Perangkat Jaringan Pusat Data"),
        ),
        facts=(
            "Server pusat data yang digunakan sejak 2017 telah melewati masa dukungan pabrikan dan sering "
            "mengalami gangguan.",
            "Pengadaan meliputi empat unit server, dua unit penyimpanan data, perangkat penyeimbang beban dan "
            "sakelar jaringan inti.",
            "Perangkat baru memungkinkan seluruh aplikasi perangkat daerah dipindahkan ke lingkungan virtual.",
            "Pemasangan dilakukan di luar jam kerja agar tidak mengganggu layanan.",
        ),
        outcomes=(
            "Seluruh perangkat telah terpasang, diuji dan diserahterimakan dalam keadaan berfungsi baik.",
            "Kapasitas penyimpanan pusat data meningkat dari 40 terabita menjadi 160 terabita.",
        ),
        summary="peremajaan server dan perangkat jaringan pusat data",
    ),
    Case(
        key="atk-katalog", unit="SETDA", topic="pengadaan", kind="admin", start="2026-01-19",
        title="Pengadaan Alat Tulis Kantor melalui Katalog Elektronik",
        place="Bagian Umum Sekretariat Daerah",
        docs=(
            ("nota_dinas", "Kebutuhan Alat Tulis Kantor Triwulan I Tahun 2026"),
            ("berita_acara", "Penerimaan Alat Tulis Kantor Bagian Umum"),
        ),
        facts=(
            "Kebutuhan alat tulis kantor dihimpun dari setiap bagian di lingkungan Sekretariat Daerah.",
            "Pembelian dilakukan melalui katalog elektronik lokal dengan penyedia usaha kecil.",
            "Barang yang diterima dicatat dalam buku persediaan dan didistribusikan berdasarkan permintaan "
            "tertulis.",
            "Jenis barang meliputi kertas HVS, map, tinta pencetak, ordner dan alat tulis.",
        ),
        outcomes=(
            "Barang diterima lengkap sesuai pesanan dan disimpan di gudang persediaan Bagian Umum.",
        ),
        summary="pengadaan alat tulis kantor triwulan pertama melalui katalog elektronik",
    ),
    # -- kesehatan -----------------------------------------------------------------------------
    Case(
        key="stunting", unit="DINKES", topic="kesehatan", kind="event", start="2026-02-09",
        title="Percepatan Penurunan Stunting Kota Tirtamulya Tahun 2026",
        place="Ruang Rapat Wali Kota, Balai Kota Tirtamulya",
        docs=(
            ("keputusan", "Tim Percepatan Penurunan Stunting Kota Tirtamulya Tahun 2026"),
            ("surat_undangan", "Undangan Rapat Koordinasi Tim Percepatan Penurunan Stunting"),
            ("notula", "Notula Rapat Koordinasi Tim Percepatan Penurunan Stunting"),
            ("laporan", "Laporan Pelaksanaan Aksi Konvergensi Percepatan Penurunan Stunting Semester I"),
        ),
        facts=(
            "Prevalensi stunting Kota Tirtamulya berdasarkan survei status gizi tahun 2025 sebesar 18,7 persen.",
            "Tim percepatan penurunan stunting diketuai oleh Wakil Wali Kota dengan anggota dari perangkat daerah "
            "terkait.",
            "Intervensi spesifik meliputi pemberian tablet tambah darah bagi remaja putri, pemantauan "
            "pertumbuhan balita dan pemberian makanan tambahan.",
            "Intervensi sensitif meliputi penyediaan air minum, sanitasi dan pendampingan keluarga berisiko stunting.",
            "Data keluarga berisiko stunting dimutakhirkan setiap bulan oleh tim pendamping keluarga.",
        ),
        outcomes=(
            "Disepakati lokasi fokus intervensi di 14 kelurahan dengan prevalensi stunting tertinggi.",
            "Jumlah balita stunting yang ditimbang di posyandu turun dari 2.140 menjadi 1.892 anak.",
            "Setiap perangkat daerah menyampaikan laporan pelaksanaan aksi konvergensi setiap triwulan.",
        ),
        summary="rapat koordinasi dan aksi konvergensi percepatan penurunan stunting",
        partners=("BAPPEDA", "DINSOS", "DPUPR"),
    ),
    Case(
        key="bias", unit="DINKES", topic="kesehatan", kind="field", start="2025-10-27",
        title="Bulan Imunisasi Anak Sekolah Tahun 2025",
        place="sekolah dasar dan madrasah ibtidaiyah di Kota Tirtamulya",
        docs=(
            ("surat_dinas", "Permohonan Dukungan Pelaksanaan Bulan Imunisasi Anak Sekolah"),
            ("surat_tugas", "Penugasan Vaksinator Bulan Imunisasi Anak Sekolah"),
            ("laporan", "Laporan Cakupan Bulan Imunisasi Anak Sekolah Tahun 2025"),
        ),
        facts=(
            "Bulan Imunisasi Anak Sekolah dilaksanakan pada bulan November 2025 di seluruh sekolah dasar dan "
            "madrasah ibtidaiyah.",
            "Siswa kelas 1 diberikan imunisasi campak rubela dan difteri tetanus, sedangkan siswa kelas 2 dan 5 "
            "diberikan imunisasi tetanus difteri.",
            "Siswi kelas 5 dan 6 juga diberikan imunisasi human papillomavirus untuk mencegah kanker leher rahim.",
            "Sekolah diminta menyiapkan ruangan dan daftar siswa serta menyampaikan pemberitahuan kepada orang tua.",
            "Vaksinator puskesmas didampingi guru usaha kesehatan sekolah selama pelaksanaan imunisasi.",
        ),
        outcomes=(
            "Cakupan imunisasi campak rubela siswa kelas 1 mencapai 96,1 persen.",
            "Tidak dilaporkan kejadian ikutan pasca imunisasi yang serius.",
        ),
        summary="Bulan Imunisasi Anak Sekolah di seluruh sekolah dasar",
        partners=("DISDIK",),
    ),
    Case(
        key="dbd", unit="DINKES", topic="kesehatan", kind="field", start="2026-01-05",
        title="Penanggulangan Demam Berdarah Dengue",
        place="Kelurahan Margasari, Kelurahan Tegalsari dan Kelurahan Pasirjaya",
        docs=(
            ("nota_dinas", "Peningkatan Kasus Demam Berdarah Dengue pada Awal Musim Hujan"),
            ("surat_edaran", "Gerakan Pemberantasan Sarang Nyamuk 3M Plus"),
            ("surat_tugas", "Penugasan Tim Penyelidikan Epidemiologi dan Pengasapan"),
            ("laporan", "Laporan Penanggulangan Demam Berdarah Dengue Januari 2026"),
        ),
        facts=(
            "Kasus demam berdarah dengue meningkat menjadi 87 kasus pada dua minggu pertama Januari 2026.",
            "Tim puskesmas melakukan penyelidikan epidemiologi di sekitar rumah penderita dalam radius 100 meter.",
            "Pengasapan atau fogging fokus dilakukan apabila ditemukan penderita lain atau jentik nyamuk di "
            "lingkungan tersebut.",
            "Masyarakat diajak melaksanakan pemberantasan sarang nyamuk dengan menguras, menutup dan mendaur ulang "
            "barang bekas.",
            "Setiap rumah diharapkan memiliki satu juru pemantau jentik.",
        ),
        outcomes=(
            "Pengasapan fokus dilaksanakan di 23 titik pada tiga kelurahan.",
            "Angka bebas jentik meningkat dari 81 persen menjadi 93 persen setelah gerakan serentak.",
            "Tidak terdapat kasus kematian akibat demam berdarah selama Januari 2026.",
        ),
        summary="penanggulangan demam berdarah dengue di tiga kelurahan",
    ),
    Case(
        key="akreditasi-puskesmas", unit="DINKES", topic="kesehatan", kind="event", start="2025-05-19",
        title="Survei Akreditasi Puskesmas Tahun 2025",
        place="Puskesmas Kebonjati dan Puskesmas Sindangrasa",
        docs=(
            ("surat_undangan", "Undangan Pembukaan Survei Akreditasi Puskesmas"),
            ("surat_tugas", "Penugasan Pendamping Survei Akreditasi Puskesmas"),
            ("laporan", "Laporan Hasil Survei Akreditasi Puskesmas Tahun 2025"),
        ),
        facts=(
            "Survei akreditasi dilaksanakan oleh lembaga penyelenggara akreditasi yang ditetapkan Kementerian "
            "Kesehatan.",
            "Penilaian mencakup standar kepemimpinan dan manajemen puskesmas, upaya kesehatan masyarakat dan "
            "upaya kesehatan perseorangan.",
            "Tim pendamping dinas membantu puskesmas menyiapkan dokumen dan telusur lapangan.",
            "Survei berlangsung selama dua hari di setiap puskesmas.",
        ),
        outcomes=(
            "Puskesmas Kebonjati memperoleh status akreditasi paripurna.",
            "Puskesmas Sindangrasa memperoleh status akreditasi utama dengan catatan perbaikan pada manajemen "
            "risiko.",
        ),
        summary="survei akreditasi Puskesmas Kebonjati dan Puskesmas Sindangrasa",
    ),
    # -- pendidikan ----------------------------------------------------------------------------
    Case(
        key="spmb", unit="DISDIK", topic="pendidikan", kind="event", start="2026-04-13",
        title="Sistem Penerimaan Murid Baru Tahun Ajaran 2026/2027",
        place="Aula Dinas Pendidikan",
        docs=(
            ("keputusan", "Petunjuk Teknis Sistem Penerimaan Murid Baru Jenjang SD dan SMP Tahun Ajaran "
                          "2026/2027"),
            ("surat_edaran", "Jadwal Pelaksanaan Penerimaan Murid Baru Tahun Ajaran 2026/2027"),
            ("surat_undangan", "Undangan Sosialisasi Sistem Penerimaan Murid Baru Tahun 2026"),
            ("notula", "Notula Sosialisasi Sistem Penerimaan Murid Baru Tahun 2026"),
        ),
        facts=(
            "Penerimaan murid baru jenjang SD dan SMP dilaksanakan melalui jalur domisili, afirmasi, mutasi dan "
            "prestasi.",
            "Kuota jalur domisili paling sedikit 40 persen dari daya tampung sekolah.",
            "Pendaftaran dilakukan secara daring melalui laman resmi penerimaan murid baru mulai 15 Juni 2026.",
            "Calon murid dari keluarga tidak mampu yang terdaftar dalam data terpadu dapat mendaftar melalui jalur "
            "afirmasi.",
            "Sekolah dilarang memungut biaya pendaftaran dan menjual seragam kepada calon murid.",
        ),
        outcomes=(
            "Kepala sekolah diminta memperbarui data daya tampung paling lambat 20 Mei 2026.",
            "Posko pengaduan penerimaan murid baru dibuka di Dinas Pendidikan selama masa pendaftaran.",
        ),
        summary="penyusunan petunjuk teknis dan sosialisasi penerimaan murid baru 2026",
    ),
    Case(
        key="anbk", unit="DISDIK", topic="pendidikan", kind="field", start="2025-08-04",
        title="Asesmen Nasional Berbasis Komputer Jenjang SD dan SMP Tahun 2025",
        place="sekolah penyelenggara asesmen",
        docs=(
            ("surat_dinas", "Persiapan Asesmen Nasional Berbasis Komputer Tahun 2025"),
            ("surat_tugas", "Penugasan Proktor dan Teknisi Asesmen Nasional Berbasis Komputer"),
            ("laporan", "Laporan Pelaksanaan Asesmen Nasional Berbasis Komputer Tahun 2025"),
        ),
        facts=(
            "Asesmen nasional diikuti oleh murid kelas 5 SD dan kelas 8 SMP yang dipilih secara acak.",
            "Asesmen terdiri atas asesmen kompetensi minimum, survei karakter dan survei lingkungan belajar.",
            "Sekolah yang tidak memiliki komputer memadai menumpang di sekolah lain yang menjadi penyelenggara.",
            "Proktor bertugas menyiapkan server lokal, mengelola sinkronisasi dan mengawasi jalannya asesmen.",
            "Gladi bersih dilaksanakan satu minggu sebelum pelaksanaan asesmen.",
        ),
        outcomes=(
            "Sebanyak 218 sekolah melaksanakan asesmen dengan tingkat kehadiran peserta 99,2 persen.",
            "Gangguan listrik di dua sekolah diatasi dengan genset sehingga asesmen tetap berjalan.",
        ),
        summary="pelaksanaan asesmen nasional berbasis komputer di 218 sekolah",
    ),
    Case(
        key="rehab-kelas", unit="DISDIK", topic="pendidikan", kind="admin", start="2025-10-13",
        title="Rehabilitasi Ruang Kelas Rusak Berat Sekolah Dasar",
        place="SD Negeri 4 Karanganyar, SD Negeri 2 Cipadung dan SD Negeri 7 Wates",
        docs=(
            ("nota_dinas", "Data Ruang Kelas Rusak Berat untuk Rehabilitasi Tahun 2025"),
            ("berita_acara", "Serah Terima Pekerjaan Rehabilitasi Ruang Kelas"),
            ("laporan", "Laporan Rehabilitasi Ruang Kelas Sekolah Dasar Tahun 2025"),
        ),
        facts=(
            "Sebanyak 18 ruang kelas di tiga sekolah dasar mengalami rusak berat pada rangka atap dan dinding.",
            "Rehabilitasi meliputi penggantian rangka atap baja ringan, perbaikan dinding, lantai keramik dan "
            "kusen.",
            "Selama rehabilitasi, kegiatan belajar dipindahkan ke ruang perpustakaan dan ruang guru.",
            "Pengawasan teknis dilakukan oleh konsultan pengawas bersama pejabat pembuat komitmen.",
        ),
        outcomes=(
            "Seluruh ruang kelas selesai diperbaiki tepat waktu dan diserahterimakan kepada sekolah.",
            "Terdapat pekerjaan tambah berupa perbaikan talang air di SD Negeri 2 Cipadung.",
        ),
        summary="rehabilitasi 18 ruang kelas rusak berat di tiga sekolah dasar",
        partners=("DPUPR",),
    ),
    Case(
        key="beasiswa", unit="DISDIK", topic="pendidikan", kind="admin", start="2025-11-24",
        title="Beasiswa Pendidikan bagi Siswa dari Keluarga Kurang Mampu Tahun 2025",
        place="Dinas Pendidikan",
        docs=(
            ("keputusan", "Penerima Beasiswa Pendidikan bagi Siswa dari Keluarga Kurang Mampu Tahun 2025"),
            ("pengumuman", "Pengumuman Penerima Beasiswa Siswa Kurang Mampu Tahun 2025"),
            ("laporan", "Laporan Penyaluran Beasiswa Siswa Kurang Mampu Tahun 2025"),
        ),
        facts=(
            "Beasiswa diberikan kepada 1.500 siswa SD dan SMP dari keluarga miskin dan rentan miskin.",
            "Calon penerima diusulkan oleh sekolah dan diverifikasi dengan data terpadu kesejahteraan sosial.",
            "Besaran beasiswa adalah Rp750.000 untuk siswa SD dan Rp1.000.000 untuk siswa SMP per tahun.",
            "Dana beasiswa disalurkan langsung ke rekening tabungan siswa.",
        ),
        outcomes=(
            "Seluruh dana beasiswa telah disalurkan kepada 1.500 siswa penerima.",
            "Sebanyak 37 siswa diganti karena pindah sekolah atau tidak lagi memenuhi syarat.",
        ),
        summary="penyaluran beasiswa kepada 1.500 siswa dari keluarga kurang mampu",
        partners=("DINSOS",),
    ),
    # -- perizinan -----------------------------------------------------------------------------
    Case(
        key="reklame", unit="DPMPTSP", topic="perizinan", kind="field", start="2026-02-02",
        title="Penertiban Reklame Tanpa Izin di Ruas Jalan Protokol",
        place="Jalan Sudirman, Jalan Ahmad Yani dan Jalan Merdeka",
        docs=(
            ("nota_dinas", "Data Reklame Tanpa Izin dan Reklame Habis Masa Berlaku"),
            ("surat_tugas", "Penugasan Tim Terpadu Penertiban Reklame"),
            ("berita_acara", "Penertiban dan Pembongkaran Reklame Tanpa Izin"),
            ("laporan", "Laporan Pelaksanaan Penertiban Reklame Bulan Februari 2026"),
        ),
        facts=(
            "Hasil pendataan menemukan 146 reklame tanpa izin dan 58 reklame yang izinnya telah habis masa berlaku.",
            "Pemilik reklame telah diberi surat peringatan sebanyak tiga kali sebelum penertiban dilakukan.",
            "Tim terpadu terdiri atas DPMPTSP, Satpol PP, Bapenda dan DPUPR.",
            "Reklame yang dibongkar diangkut ke gudang Satpol PP dan dapat diambil pemiliknya setelah memenuhi "
            "kewajiban.",
            "Penertiban dilakukan pada malam hari untuk menghindari kemacetan lalu lintas.",
        ),
        outcomes=(
            "Sebanyak 121 reklame ditertibkan, terdiri atas 98 spanduk dan baliho serta 23 papan reklame.",
            "Sebanyak 35 pemilik reklame segera mengurus perizinan setelah penertiban.",
        ),
        summary="penertiban 121 reklame tanpa izin di ruas jalan protokol",
        partners=("SATPOLPP",),
    ),
    Case(
        key="pbg", unit="DPMPTSP", topic="perizinan", kind="event", start="2025-09-22",
        title="Sosialisasi Persetujuan Bangunan Gedung dan Sertifikat Laik Fungsi",
        place="Aula Kecamatan Tirtamulya Utara",
        docs=(
            ("surat_undangan", "Undangan Sosialisasi Persetujuan Bangunan Gedung"),
            ("notula", "Notula Sosialisasi Persetujuan Bangunan Gedung dan Sertifikat Laik Fungsi"),
        ),
        facts=(
            "Persetujuan bangunan gedung menggantikan izin mendirikan bangunan sejak berlakunya peraturan "
            "pelaksanaan Undang-Undang Cipta Kerja.",
            "Permohonan persetujuan bangunan gedung diajukan melalui Sistem Informasi Manajemen Bangunan Gedung.",
            "Bangunan gedung yang telah selesai dibangun wajib memiliki sertifikat laik fungsi sebelum digunakan.",
            "Retribusi persetujuan bangunan gedung dihitung berdasarkan luas, fungsi dan indeks lokasi bangunan.",
        ),
        outcomes=(
            "Peserta meminta pendampingan pengisian permohonan bagi rumah tinggal sederhana.",
            "DPMPTSP akan membuka layanan konsultasi persetujuan bangunan gedung setiap hari Rabu.",
        ),
        summary="sosialisasi persetujuan bangunan gedung dan sertifikat laik fungsi",
        partners=("DPUPR", "KEC-UTARA"),
    ),
    Case(
        key="oss", unit="DPMPTSP", topic="perizinan", kind="event", start="2025-05-05",
        title="Pelayanan Perizinan Berusaha Berbasis Risiko melalui Sistem OSS",
        place="Mal Pelayanan Publik Kota Tirtamulya",
        docs=(
            ("surat_edaran", "Pelayanan Perizinan Berusaha Berbasis Risiko melalui Sistem OSS"),
            ("surat_undangan", "Undangan Rapat Koordinasi Verifikasi Perizinan Berusaha Berbasis Risiko"),
            ("laporan", "Laporan Pelayanan Perizinan Berusaha Triwulan II Tahun 2025"),
        ),
        facts=(
            "Perizinan berusaha diterbitkan melalui sistem Online Single Submission berdasarkan tingkat risiko "
            "kegiatan usaha.",
            "Usaha berisiko rendah cukup memiliki nomor induk berusaha, sedangkan usaha berisiko menengah dan "
            "tinggi memerlukan sertifikat standar atau izin.",
            "Perangkat daerah teknis wajib memverifikasi persyaratan perizinan sesuai kewenangannya dalam batas "
            "waktu yang ditentukan.",
            "Permohonan yang tidak diverifikasi dalam batas waktu diproses secara otomatis oleh sistem.",
        ),
        outcomes=(
            "Selama triwulan II diterbitkan 2.318 nomor induk berusaha dan 164 sertifikat standar.",
            "Rata-rata waktu verifikasi perangkat daerah teknis adalah 4,2 hari kerja.",
        ),
        summary="pelayanan perizinan berusaha berbasis risiko melalui OSS",
        partners=("DINKES", "DPUPR", "DLH"),
    ),
    Case(
        key="nib-mikro", unit="DPMPTSP", topic="perizinan", kind="field", start="2026-05-04",
        title="Pendampingan Penerbitan Nomor Induk Berusaha bagi Usaha Mikro",
        place="kantor kelurahan di Kecamatan Tirtamulya Utara",
        docs=(
            ("surat_tugas", "Penugasan Petugas Pendamping Penerbitan NIB Usaha Mikro"),
            ("laporan", "Laporan Pendampingan Penerbitan NIB bagi Usaha Mikro Bulan Mei 2026"),
        ),
        facts=(
            "Petugas mendatangi kantor kelurahan untuk membantu pelaku usaha mikro membuat akun dan mengisi data "
            "usaha.",
            "Pelaku usaha cukup membawa kartu tanda penduduk elektronik, nomor telepon aktif dan alamat pos-el.",
            "Pendampingan dilaksanakan bekerja sama dengan kelurahan dan pendamping koperasi.",
            "Nomor induk berusaha yang terbit langsung dicetak dan diserahkan kepada pelaku usaha.",
        ),
        outcomes=(
            "Sebanyak 684 pelaku usaha mikro memperoleh nomor induk berusaha selama pendampingan.",
            "Sebagian pelaku usaha belum memiliki alamat pos-el sehingga dibuatkan oleh petugas.",
        ),
        summary="pendampingan penerbitan NIB bagi 684 pelaku usaha mikro",
        partners=("KEC-UTARA",),
    ),
    # -- rapat koordinasi ----------------------------------------------------------------------
    Case(
        key="hari-jadi", unit="SETDA", topic="koordinasi", kind="event", start="2025-08-25",
        title="Persiapan Peringatan Hari Jadi Kota Tirtamulya ke-79",
        place="Ruang Rapat Sekretariat Daerah Lantai 2",
        docs=(
            ("surat_undangan", "Undangan Rapat Persiapan Peringatan Hari Jadi Kota Tirtamulya ke-79"),
            ("notula", "Notula Rapat Persiapan Peringatan Hari Jadi Kota Tirtamulya ke-79"),
            ("nota_dinas", "Pembagian Tugas Perangkat Daerah pada Peringatan Hari Jadi Kota"),
            ("surat_tugas", "Penugasan Panitia Pelaksana Peringatan Hari Jadi Kota Tirtamulya ke-79"),
        ),
        facts=(
            "Peringatan Hari Jadi Kota Tirtamulya ke-79 jatuh pada tanggal 28 September 2025.",
            "Rangkaian kegiatan meliputi ziarah ke makam pendiri kota, rapat paripurna istimewa DPRD, upacara, "
            "pawai budaya dan bazar usaha mikro.",
            "Bagian Protokol dan Komunikasi Pimpinan menyiapkan susunan acara dan undangan tamu kehormatan.",
            "Dinas Perhubungan dan Satpol PP mengatur lalu lintas dan keamanan selama pawai budaya.",
            "Seluruh pegawai mengenakan pakaian adat daerah pada hari peringatan.",
        ),
        outcomes=(
            "Disepakati rute pawai budaya dari Alun-Alun menuju Balai Kota sepanjang 2,5 kilometer.",
            "Setiap perangkat daerah menampilkan satu kendaraan hias dalam pawai budaya.",
        ),
        summary="rapat persiapan peringatan Hari Jadi Kota Tirtamulya ke-79",
        partners=("DISHUB", "SATPOLPP", "DISKOMINFO"),
    ),
    Case(
        key="hut-ri", unit="SETDA", topic="koordinasi", kind="event", start="2025-07-21",
        title="Persiapan Upacara Peringatan Hari Ulang Tahun ke-80 Kemerdekaan Republik Indonesia",
        place="Ruang Rapat Wali Kota, Balai Kota Tirtamulya",
        docs=(
            ("surat_undangan", "Undangan Rapat Persiapan Peringatan HUT ke-80 Kemerdekaan RI"),
            ("notula", "Notula Rapat Persiapan Peringatan HUT ke-80 Kemerdekaan Republik Indonesia"),
            ("surat_edaran", "Pemasangan Bendera Merah Putih dan Umbul-Umbul dalam rangka HUT ke-80 "
                             "Kemerdekaan RI"),
        ),
        facts=(
            "Upacara peringatan detik-detik proklamasi dilaksanakan pada tanggal 17 Agustus 2025 di Alun-Alun "
            "Kota Tirtamulya.",
            "Pasukan pengibar bendera dilatih oleh unsur TNI sejak akhir Juli.",
            "Instansi pemerintah, sekolah dan masyarakat diimbau memasang bendera Merah Putih mulai 1 sampai "
            "dengan 31 Agustus 2025.",
            "Perangkat daerah menghias kantor dan memasang umbul-umbul di sepanjang jalan protokol.",
            "Malam renungan suci dilaksanakan di Taman Makam Pahlawan pada tanggal 16 Agustus 2025.",
        ),
        outcomes=(
            "Disepakati pembagian tugas antara Bagian Umum, Bagian Protokol, Dinas Perhubungan dan Satpol PP.",
        ),
        summary="persiapan upacara peringatan HUT ke-80 Kemerdekaan Republik Indonesia",
        partners=("DISHUB", "SATPOLPP", "DISDIK"),
    ),
    Case(
        key="inflasi", unit="SETDA", topic="koordinasi", kind="event", start="2026-02-16",
        title="Rapat Koordinasi Pengendalian Inflasi Daerah",
        place="Ruang Rapat Wali Kota, Balai Kota Tirtamulya",
        docs=(
            ("surat_undangan", "Undangan Rapat Koordinasi Tim Pengendalian Inflasi Daerah"),
            ("notula", "Notula Rapat Koordinasi Tim Pengendalian Inflasi Daerah"),
            ("laporan", "Laporan Perkembangan Harga Bahan Pokok dan Langkah Pengendalian Inflasi"),
        ),
        facts=(
            "Inflasi tahunan Kota Tirtamulya pada Januari 2026 tercatat 3,1 persen, di atas rata-rata provinsi.",
            "Kenaikan harga beras, cabai merah dan bawang merah menjadi penyumbang utama inflasi.",
            "Operasi pasar murah dilaksanakan di tujuh kecamatan bekerja sama dengan Perum Bulog.",
            "Tim pengendalian inflasi daerah memantau harga bahan pokok di tiga pasar tradisional setiap hari.",
            "Gerakan menanam cabai di pekarangan rumah didorong melalui kelompok wanita tani.",
        ),
        outcomes=(
            "Operasi pasar murah diperpanjang sampai menjelang Hari Raya Idul Fitri.",
            "Dinas terkait diminta memastikan ketersediaan stok beras cukup untuk tiga bulan.",
        ),
        summary="rapat koordinasi pengendalian inflasi daerah dan operasi pasar murah",
        partners=("BAPPEDA", "DINSOS"),
    ),
    Case(
        key="mudik", unit="DISHUB", topic="perhubungan", kind="field", start="2026-03-02",
        title="Posko Angkutan Lebaran Tahun 2026",
        place="Terminal Tipe A Tirtamulya dan Stasiun Tirtamulya",
        docs=(
            ("surat_undangan", "Undangan Rapat Koordinasi Persiapan Angkutan Lebaran Tahun 2026"),
            ("surat_tugas", "Penugasan Petugas Posko Angkutan Lebaran Tahun 2026"),
            ("laporan", "Laporan Penyelenggaraan Posko Angkutan Lebaran Tahun 2026"),
        ),
        facts=(
            "Posko angkutan lebaran dibuka selama 18 hari, mulai H-10 sampai dengan H+7 Hari Raya Idul Fitri.",
            "Petugas posko melakukan pemeriksaan kelaikan kendaraan angkutan umum atau ramp check di terminal.",
            "Arus mudik dan arus balik dipantau bersama kepolisian, puskesmas dan Satpol PP.",
            "Petugas dibagi dalam tiga regu yang bergantian setiap delapan jam.",
        ),
        outcomes=(
            "Jumlah penumpang yang berangkat dari Terminal Tirtamulya selama masa angkutan lebaran sebanyak "
            "61.240 orang.",
            "Sebanyak 14 bus dinyatakan tidak laik jalan dan dilarang beroperasi.",
        ),
        summary="penyelenggaraan posko angkutan lebaran di terminal dan stasiun",
        partners=("DINKES", "SATPOLPP"),
    ),
    # -- bencana -------------------------------------------------------------------------------
    Case(
        key="banjir-sukajadi", unit="BPBD", topic="bencana", kind="field", start="2026-01-19",
        title="Penanganan Banjir di Kelurahan Sukajadi",
        place="Kelurahan Sukajadi, Kecamatan Tirtamulya Utara",
        docs=(
            ("laporan", "Laporan Kaji Cepat Bencana Banjir Kelurahan Sukajadi"),
            ("surat_tugas", "Penugasan Tim Reaksi Cepat Penanganan Banjir Kelurahan Sukajadi"),
            ("nota_dinas", "Kebutuhan Bantuan Logistik bagi Warga Terdampak Banjir Sukajadi"),
            ("berita_acara", "Serah Terima Bantuan Logistik Korban Banjir Kelurahan Sukajadi"),
        ),
        facts=(
            "Hujan deras selama enam jam menyebabkan Sungai Cikapundung meluap dan merendam permukiman di "
            "Kelurahan Sukajadi.",
            "Ketinggian air mencapai 50 sampai 120 sentimeter dan merendam 412 rumah di lima RW.",
            "Sebanyak 1.386 jiwa terdampak dan 214 jiwa mengungsi ke masjid dan gedung sekolah terdekat.",
            "Tim reaksi cepat mengevakuasi warga lanjut usia, anak-anak dan penyandang disabilitas dengan perahu "
            "karet.",
            "Bantuan logistik berupa beras, makanan siap saji, selimut, tikar dan perlengkapan bayi disalurkan ke "
            "posko pengungsian.",
        ),
        outcomes=(
            "Air surut sepenuhnya pada hari ketiga dan warga kembali ke rumah masing-masing.",
            "Bantuan logistik senilai Rp186 juta telah diserahkan kepada Lurah Sukajadi untuk dibagikan kepada "
            "warga.",
            "Normalisasi sungai dan perbaikan tanggul diusulkan kepada DPUPR.",
        ),
        summary="penanganan darurat banjir yang merendam 412 rumah di Kelurahan Sukajadi",
        partners=("DINSOS", "DINKES", "KEC-UTARA"),
    ),
    Case(
        key="longsor-cibeureum", unit="BPBD", topic="bencana", kind="field", start="2025-12-15",
        title="Penanganan Tanah Longsor di Kelurahan Cibeureum",
        place="RW 07 Kelurahan Cibeureum",
        docs=(
            ("laporan", "Laporan Kejadian Tanah Longsor di Kelurahan Cibeureum"),
            ("surat_tugas", "Penugasan Tim Kaji Cepat dan Pembersihan Material Longsor"),
            ("nota_dinas", "Usulan Relokasi Warga di Zona Rawan Longsor Cibeureum"),
        ),
        facts=(
            "Tebing setinggi 15 meter longsor setelah hujan lebat dan menimpa tiga rumah di RW 07 Kelurahan "
            "Cibeureum.",
            "Tidak terdapat korban jiwa, namun dua warga mengalami luka ringan dan dirawat di puskesmas.",
            "Material longsor menutup jalan lingkungan sepanjang 30 meter dan dibersihkan menggunakan alat berat.",
            "Hasil kajian geologi menunjukkan lereng masih labil sehingga 11 rumah di sekitarnya terancam.",
        ),
        outcomes=(
            "Sebelas keluarga diungsikan sementara ke rumah kerabat dan diberikan bantuan sewa rumah.",
            "Relokasi warga dari zona rawan longsor diusulkan masuk dalam rencana aksi rehabilitasi dan "
            "rekonstruksi.",
        ),
        summary="penanganan tanah longsor yang menimpa tiga rumah di Kelurahan Cibeureum",
        partners=("DPUPR", "DINSOS"),
    ),
    Case(
        key="siaga-hujan", unit="BPBD", topic="bencana", kind="event", start="2025-10-13",
        title="Kesiapsiagaan Menghadapi Musim Hujan dan Potensi Bencana Hidrometeorologi",
        place="Halaman Balai Kota Tirtamulya",
        docs=(
            ("surat_edaran", "Kesiapsiagaan Menghadapi Musim Hujan Tahun 2025/2026"),
            ("surat_undangan", "Undangan Apel Kesiapsiagaan Bencana Menghadapi Musim Hujan"),
            ("notula", "Notula Rapat Koordinasi Kesiapsiagaan Musim Hujan"),
        ),
        facts=(
            "Badan Meteorologi, Klimatologi, dan Geofisika memprakirakan puncak musim hujan terjadi pada Januari "
            "dan Februari.",
            "Camat dan lurah diminta mengaktifkan kelompok siaga bencana dan memantau titik rawan banjir serta "
            "longsor.",
            "Saluran drainase dan gorong-gorong dibersihkan dari sampah sebelum puncak musim hujan.",
            "Peralatan evakuasi seperti perahu karet, pompa air dan gergaji mesin diperiksa kesiapannya.",
            "Pohon yang rawan tumbang di sepanjang jalan utama dipangkas oleh Dinas Lingkungan Hidup.",
        ),
        outcomes=(
            "Apel siaga diikuti 650 personel dari unsur pemerintah, TNI, Polri dan relawan.",
            "Disepakati posko siaga bencana di setiap kecamatan selama musim hujan.",
        ),
        summary="apel dan rapat kesiapsiagaan menghadapi musim hujan",
        partners=("DLH", "DPUPR", "KEC-UTARA"),
    ),
    Case(
        key="kebakaran-pasar", unit="BPBD", topic="bencana", kind="field", start="2025-08-18",
        title="Kebakaran Pasar Induk Tirtamulya",
        place="Pasar Induk Tirtamulya, Jalan Pahlawan",
        docs=(
            ("laporan", "Laporan Kejadian Kebakaran Pasar Induk Tirtamulya"),
            ("berita_acara", "Pendataan Kios dan Pedagang Terdampak Kebakaran Pasar Induk"),
            ("surat_dinas", "Permohonan Bantuan Penanganan Pedagang Korban Kebakaran Pasar Induk"),
        ),
        facts=(
            "Kebakaran terjadi pada dini hari dan menghanguskan blok B dan blok C Pasar Induk Tirtamulya.",
            "Api diduga berasal dari hubungan arus pendek listrik di salah satu kios.",
            "Sebanyak 11 unit mobil pemadam kebakaran dikerahkan dan api berhasil dipadamkan setelah empat jam.",
            "Tidak ada korban jiwa, namun 236 kios dan los pedagang terbakar.",
            "Pedagang terdampak untuk sementara berjualan di lahan parkir pasar yang ditata sebagai pasar darurat.",
        ),
        outcomes=(
            "Kerugian ditaksir mencapai Rp14,5 miliar.",
            "Pemerintah daerah memohon bantuan pemerintah provinsi untuk pembangunan kembali pasar.",
        ),
        summary="penanganan kebakaran Pasar Induk yang menghanguskan 236 kios",
        partners=("SATPOLPP", "DINSOS"),
    ),
    # -- SPBE, informatika ---------------------------------------------------------------------
    Case(
        key="tte", unit="DISKOMINFO", topic="spbe", kind="event", start="2025-06-02",
        title="Penerapan Tanda Tangan Elektronik bagi Pejabat Penandatangan Naskah Dinas",
        place="Ruang Rapat Command Center, Dinas Komunikasi dan Informatika",
        docs=(
            ("surat_edaran", "Penggunaan Tanda Tangan Elektronik Tersertifikasi pada Naskah Dinas"),
            ("surat_undangan", "Undangan Pendaftaran dan Aktivasi Sertifikat Elektronik bagi Pejabat"),
            ("notula", "Notula Rapat Evaluasi Penerapan Tanda Tangan Elektronik"),
            ("laporan", "Laporan Penerapan Tanda Tangan Elektronik Semester I Tahun 2025"),
        ),
        facts=(
            "Naskah dinas ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan "
            "Balai Sertifikasi Elektronik.",
            "Setiap pejabat penandatangan wajib mendaftarkan diri dan mengaktivasi sertifikat elektronik.",
            "Naskah dinas yang ditandatangani secara elektronik memiliki kekuatan hukum yang sama dengan tanda "
            "tangan basah.",
            "Kode QR pada naskah hanya berfungsi untuk memverifikasi keaslian dokumen dan bukan merupakan tanda "
            "tangan.",
            "Pejabat dilarang menyerahkan kata sandi sertifikat elektronik kepada orang lain.",
        ),
        outcomes=(
            "Sebanyak 412 pejabat telah memiliki sertifikat elektronik aktif.",
            "Penandatanganan naskah dinas secara elektronik mempercepat penyelesaian surat rata-rata dari empat "
            "hari menjadi satu hari.",
            "Sertifikat yang akan habis masa berlakunya diperpanjang melalui Diskominfo.",
        ),
        summary="penerapan tanda tangan elektronik bagi 412 pejabat penandatangan",
    ),
    Case(
        key="satu-data", unit="DISKOMINFO", topic="spbe", kind="event", start="2025-04-07",
        title="Forum Satu Data Kota Tirtamulya Tahun 2025",
        place="Aula Badan Perencanaan Pembangunan Daerah",
        docs=(
            ("surat_undangan", "Undangan Forum Satu Data Kota Tirtamulya Tahun 2025"),
            ("notula", "Notula Forum Satu Data Kota Tirtamulya Tahun 2025"),
            ("surat_dinas", "Permintaan Data Statistik Sektoral untuk Portal Satu Data"),
        ),
        facts=(
            "Forum satu data membahas daftar data prioritas yang akan dikumpulkan dan dipublikasikan tahun 2025.",
            "Diskominfo bertindak sebagai walidata, sedangkan setiap perangkat daerah bertindak sebagai produsen "
            "data.",
            "Data statistik sektoral wajib memenuhi standar data, metadata dan kode referensi.",
            "Data yang telah diperiksa walidata dipublikasikan melalui portal satu data daerah.",
        ),
        outcomes=(
            "Ditetapkan 286 data prioritas dari 28 perangkat daerah.",
            "Perangkat daerah diminta mengunggah data tahun 2024 paling lambat 30 Mei 2025.",
        ),
        summary="forum satu data dan penetapan 286 data prioritas",
        partners=("BAPPEDA",),
    ),
    Case(
        key="gangguan-jaringan", unit="DISKOMINFO", topic="spbe", kind="admin", start="2026-02-23",
        title="Pemeliharaan Pusat Data dan Gangguan Layanan Jaringan",
        place="Pusat Data Pemerintah Kota Tirtamulya",
        docs=(
            ("surat_dinas", "Pemberitahuan Pemeliharaan Pusat Data dan Penghentian Sementara Layanan"),
            ("nota_dinas", "Gangguan Jaringan Internet di Kompleks Balai Kota"),
            ("laporan", "Laporan Penanganan Gangguan Jaringan dan Pemeliharaan Pusat Data"),
        ),
        facts=(
            "Pemeliharaan pusat data dilaksanakan pada hari Sabtu pukul 20.00 sampai dengan Minggu pukul 06.00.",
            "Selama pemeliharaan, layanan surel, aplikasi kepegawaian dan portal layanan publik tidak dapat "
            "diakses.",
            "Gangguan jaringan internet di kompleks Balai Kota disebabkan kabel serat optik yang terputus akibat "
            "galian saluran.",
            "Tim jaringan memasang jalur cadangan sementara sambil menunggu perbaikan kabel.",
        ),
        outcomes=(
            "Layanan kembali normal setelah gangguan selama 9 jam.",
            "Diskominfo akan membangun jalur serat optik cadangan melalui rute yang berbeda.",
        ),
        summary="pemeliharaan pusat data dan penanganan gangguan jaringan",
    ),
    Case(
        key="ppid", unit="DISKOMINFO", topic="spbe", kind="event", start="2025-03-03",
        title="Pengelolaan Layanan Informasi Publik oleh Pejabat Pengelola Informasi dan Dokumentasi",
        place="Ruang Rapat Command Center, Dinas Komunikasi dan Informatika",
        docs=(
            ("keputusan", "Pejabat Pengelola Informasi dan Dokumentasi di Lingkungan Pemerintah Kota "
                          "Tirtamulya"),
            ("surat_undangan", "Undangan Rapat Koordinasi PPID Utama dan PPID Pelaksana"),
            ("laporan", "Laporan Layanan Informasi Publik Tahun 2024"),
        ),
        facts=(
            "PPID utama berkedudukan di Diskominfo, sedangkan setiap perangkat daerah memiliki PPID pelaksana.",
            "Daftar informasi publik dimutakhirkan setiap tahun dan dipublikasikan di laman resmi.",
            "Permohonan informasi publik wajib dijawab paling lambat sepuluh hari kerja dan dapat diperpanjang "
            "tujuh hari kerja.",
            "Informasi yang dikecualikan ditetapkan melalui uji konsekuensi oleh PPID.",
        ),
        outcomes=(
            "Selama tahun 2024 diterima 318 permohonan informasi publik, 296 di antaranya dipenuhi.",
            "Terdapat dua sengketa informasi yang diselesaikan melalui mediasi di Komisi Informasi.",
        ),
        summary="koordinasi PPID dan laporan layanan informasi publik",
    ),
    # -- sosial, lingkungan, pekerjaan umum, ketertiban -----------------------------------------
    Case(
        key="dtks", unit="DINSOS", topic="sosial", kind="field", start="2025-05-12",
        title="Verifikasi dan Validasi Data Terpadu Kesejahteraan Sosial",
        place="seluruh kelurahan di Kota Tirtamulya",
        docs=(
            ("surat_tugas", "Penugasan Petugas Verifikasi dan Validasi DTKS"),
            ("berita_acara", "Hasil Musyawarah Kelurahan Verifikasi dan Validasi DTKS"),
            ("laporan", "Laporan Verifikasi dan Validasi Data Terpadu Kesejahteraan Sosial Tahun 2025"),
        ),
        facts=(
            "Verifikasi dan validasi dilakukan terhadap keluarga penerima bantuan sosial program keluarga harapan "
            "dan bantuan pangan.",
            "Petugas mengunjungi rumah keluarga sasaran untuk mencocokkan kondisi sosial ekonomi dengan data.",
            "Hasil verifikasi dibahas dalam musyawarah kelurahan sebelum diusulkan ke Kementerian Sosial.",
            "Keluarga yang sudah mampu, pindah atau meninggal dunia diusulkan untuk dikeluarkan dari data.",
        ),
        outcomes=(
            "Sebanyak 4.218 keluarga diverifikasi; 3.604 tetap layak, 402 diusulkan keluar dan 212 diusulkan "
            "sebagai penerima baru.",
            "Penyaluran bantuan sosial selanjutnya mengacu pada data hasil verifikasi dan validasi.",
        ),
        summary="verifikasi dan validasi DTKS terhadap 4.218 keluarga",
    ),
    Case(
        key="gelandangan", unit="DINSOS", topic="sosial", kind="field", start="2026-03-30",
        title="Penjangkauan Gelandangan, Pengemis dan Anak Jalanan",
        place="persimpangan jalan dan kawasan Alun-Alun",
        docs=(
            ("nota_dinas", "Rencana Penjangkauan Gelandangan dan Pengemis Menjelang Lebaran"),
            ("berita_acara", "Penyerahan Gelandangan dan Pengemis Hasil Penjangkauan ke Rumah Singgah"),
            ("laporan", "Laporan Penjangkauan Gelandangan, Pengemis dan Anak Jalanan"),
        ),
        facts=(
            "Penjangkauan dilakukan oleh Dinas Sosial bersama Satpol PP di persimpangan jalan dan kawasan "
            "Alun-Alun.",
            "Gelandangan dan pengemis yang terjaring didata dan dibawa ke rumah singgah untuk asesmen.",
            "Anak jalanan dikembalikan kepada orang tuanya dengan pendampingan pekerja sosial.",
            "Warga luar daerah dipulangkan ke daerah asal bekerja sama dengan dinas sosial daerah asal.",
        ),
        outcomes=(
            "Sebanyak 46 orang terjangkau, terdiri atas 19 pengemis, 12 gelandangan dan 15 anak jalanan.",
            "Sebanyak 9 orang warga luar daerah dipulangkan ke daerah asal.",
        ),
        summary="penjangkauan 46 gelandangan, pengemis dan anak jalanan",
        partners=("SATPOLPP",),
    ),
    Case(
        key="sampah-liar", unit="DLH", topic="lingkungan", kind="field", start="2025-11-10",
        title="Penanganan Tempat Pembuangan Sampah Liar",
        place="bantaran Sungai Cikapundung dan lahan kosong di Kelurahan Mekarwangi",
        docs=(
            ("surat_edaran", "Larangan Membuang Sampah di Sembarang Tempat"),
            ("nota_dinas", "Lokasi Tempat Pembuangan Sampah Liar yang Perlu Segera Ditangani"),
            ("laporan", "Laporan Pembersihan Tempat Pembuangan Sampah Liar"),
        ),
        facts=(
            "Ditemukan 17 titik pembuangan sampah liar, sebagian besar di bantaran sungai dan lahan kosong.",
            "Sampah diangkut menggunakan truk dan alat berat ke tempat pemrosesan akhir.",
            "Papan larangan dan kamera pengawas dipasang di titik yang sering dijadikan tempat pembuangan.",
            "Warga yang tertangkap membuang sampah sembarangan dikenai sanksi sesuai peraturan daerah.",
            "Lurah diminta menggerakkan warga membentuk bank sampah di setiap RW.",
        ),
        outcomes=(
            "Sebanyak 312 ton sampah diangkut dari 17 titik pembuangan liar.",
            "Dua belas titik telah dialihfungsikan menjadi taman dan tempat penampungan sementara resmi.",
        ),
        summary="pembersihan 17 titik tempat pembuangan sampah liar",
    ),
    Case(
        key="adipura", unit="DLH", topic="lingkungan", kind="event", start="2026-04-27",
        title="Persiapan Penilaian Adipura Tahun 2026",
        place="Ruang Rapat Sekretariat Daerah Lantai 2",
        docs=(
            ("surat_undangan", "Undangan Rapat Persiapan Penilaian Adipura Tahun 2026"),
            ("surat_tugas", "Penugasan Tim Pemantau Titik Pantau Adipura"),
            ("notula", "Notula Rapat Persiapan Penilaian Adipura Tahun 2026"),
        ),
        facts=(
            "Penilaian Adipura dilakukan oleh tim dari Kementerian Lingkungan Hidup terhadap titik pantau seperti "
            "pasar, terminal, sekolah, puskesmas dan taman kota.",
            "Setiap perangkat daerah bertanggung jawab atas kebersihan titik pantau yang dikelolanya.",
            "Pengelolaan sampah di tempat pemrosesan akhir menjadi komponen penilaian dengan bobot terbesar.",
            "Tim pemantau melakukan pengecekan kesiapan titik pantau setiap minggu.",
        ),
        outcomes=(
            "Disepakati gerakan bersih serentak setiap Jumat pagi sampai penilaian selesai.",
            "Terminal dan pasar tradisional menjadi prioritas perbaikan kebersihan.",
        ),
        summary="persiapan penilaian Adipura dan pemantauan titik pantau",
        partners=("DISHUB", "DINKES", "DISDIK"),
    ),
    Case(
        key="jalan-merdeka", unit="DPUPR", topic="pu", kind="field", start="2026-03-09",
        title="Perbaikan Jalan Rusak di Ruas Jalan Merdeka",
        place="ruas Jalan Merdeka sepanjang 1,8 kilometer",
        docs=(
            ("nota_dinas", "Kerusakan Jalan di Ruas Jalan Merdeka Akibat Genangan Air"),
            ("berita_acara", "Pemeriksaan Pekerjaan Pemeliharaan Berkala Jalan Merdeka"),
            ("laporan", "Laporan Perbaikan Jalan Merdeka Bulan Maret 2026"),
        ),
        facts=(
            "Ruas Jalan Merdeka mengalami kerusakan berupa lubang dan retak buaya sepanjang 1,8 kilometer.",
            "Kerusakan diperparah oleh genangan air akibat saluran samping jalan yang tersumbat.",
            "Perbaikan dilakukan dengan penambalan, pelapisan ulang aspal dan pembersihan saluran samping.",
            "Pekerjaan dilaksanakan pada malam hari dengan sistem buka tutup lajur.",
        ),
        outcomes=(
            "Seluruh lubang telah ditambal dan pelapisan ulang aspal selesai sepanjang 1,2 kilometer.",
            "Sisa pekerjaan pelapisan dijadwalkan pada anggaran perubahan tahun 2026.",
        ),
        summary="perbaikan jalan rusak di ruas Jalan Merdeka",
    ),
    Case(
        key="drainase", unit="DPUPR", topic="pu", kind="field", start="2025-11-03",
        title="Normalisasi Saluran Drainase Jalan Diponegoro",
        place="Jalan Diponegoro",
        docs=(
            ("surat_dinas", "Pemberitahuan Pekerjaan Normalisasi Saluran Drainase Jalan Diponegoro"),
            ("berita_acara", "Serah Terima Pekerjaan Normalisasi Saluran Drainase"),
            ("laporan", "Laporan Normalisasi Saluran Drainase Jalan Diponegoro"),
        ),
        facts=(
            "Saluran drainase di sepanjang Jalan Diponegoro mengalami pendangkalan sehingga sering menimbulkan "
            "genangan saat hujan.",
            "Normalisasi meliputi pengerukan sedimen, perbaikan dinding saluran dan penggantian tutup saluran.",
            "Pedagang dan pemilik toko diminta tidak menutup saluran dengan bangunan permanen.",
            "Pekerjaan dilaksanakan sebelum puncak musim hujan untuk mengurangi risiko banjir.",
        ),
        outcomes=(
            "Sebanyak 860 meter kubik sedimen diangkat dari saluran drainase.",
            "Genangan di depan Pasar Induk tidak lagi terjadi pada hujan dengan intensitas sedang.",
        ),
        summary="normalisasi saluran drainase Jalan Diponegoro",
    ),
    Case(
        key="pkl", unit="SATPOLPP", topic="ketertiban", kind="field", start="2025-07-14",
        title="Penataan dan Penertiban Pedagang Kaki Lima di Kawasan Alun-Alun",
        place="kawasan Alun-Alun Kota Tirtamulya",
        docs=(
            ("nota_dinas", "Rencana Penertiban Pedagang Kaki Lima Kawasan Alun-Alun"),
            ("surat_tugas", "Penugasan Personel Penertiban Pedagang Kaki Lima"),
            ("berita_acara", "Penertiban Pedagang Kaki Lima di Kawasan Alun-Alun"),
            ("laporan", "Laporan Hasil Penataan Pedagang Kaki Lima Kawasan Alun-Alun"),
        ),
        facts=(
            "Pedagang kaki lima yang berjualan di trotoar dan badan jalan kawasan Alun-Alun mengganggu pejalan kaki "
            "dan arus lalu lintas.",
            "Sebelum penertiban, pedagang telah diberikan sosialisasi dan teguran tertulis.",
            "Pedagang direlokasi ke lokasi binaan di Jalan Kebonjati yang telah disediakan pemerintah daerah.",
            "Penertiban melibatkan personel Satpol PP, Dinas Perhubungan dan Kepolisian.",
            "Barang dagangan yang ditinggalkan diamankan dan dapat diambil kembali oleh pemiliknya.",
        ),
        outcomes=(
            "Sebanyak 87 pedagang kaki lima telah pindah ke lokasi binaan Jalan Kebonjati.",
            "Trotoar kawasan Alun-Alun kembali berfungsi untuk pejalan kaki.",
        ),
        summary="penataan dan penertiban 87 pedagang kaki lima di kawasan Alun-Alun",
        partners=("DISHUB",),
    ),
    # -- pengawasan, kecamatan, kependudukan, organisasi ---------------------------------------
    Case(
        key="audit-dinsos", unit="INSPEKTORAT", topic="pengawasan", kind="field", start="2025-09-01",
        title="Pemeriksaan Reguler pada Dinas Sosial Tahun 2025",
        place="Dinas Sosial",
        docs=(
            ("surat_tugas", "Penugasan Tim Pemeriksaan Reguler pada Dinas Sosial"),
            ("notula", "Notula Pertemuan Awal Pemeriksaan Reguler Dinas Sosial"),
            ("laporan", "Laporan Hasil Pemeriksaan Reguler pada Dinas Sosial Tahun 2025"),
        ),
        facts=(
            "Pemeriksaan reguler mencakup pengelolaan keuangan, barang milik daerah, kepegawaian dan kinerja "
            "program.",
            "Tim pemeriksa menguji bukti pertanggungjawaban belanja bantuan sosial dan belanja perjalanan dinas.",
            "Pertemuan awal dengan pimpinan auditan menjelaskan ruang lingkup, jadwal dan dokumen yang diperlukan.",
            "Pemeriksaan dilaksanakan selama 15 hari kerja.",
        ),
        outcomes=(
            "Ditemukan kelebihan pembayaran perjalanan dinas sebesar Rp23,4 juta yang harus disetor ke kas daerah.",
            "Pencatatan barang milik daerah belum tertib karena kartu inventaris ruangan belum dimutakhirkan.",
            "Dinas Sosial wajib menindaklanjuti rekomendasi paling lambat 60 hari.",
        ),
        summary="pemeriksaan reguler pada Dinas Sosial",
        partners=("DINSOS",),
        security_class="rahasia",
    ),
    Case(
        key="reviu-lkpd", unit="INSPEKTORAT", topic="pengawasan", kind="field", start="2026-02-09",
        title="Reviu atas Laporan Keuangan Pemerintah Daerah Tahun 2025",
        place="Badan Pengelolaan Keuangan dan Aset Daerah",
        docs=(
            ("surat_tugas", "Penugasan Tim Reviu Laporan Keuangan Pemerintah Daerah Tahun 2025"),
            ("laporan", "Laporan Hasil Reviu atas Laporan Keuangan Pemerintah Daerah Tahun 2025"),
        ),
        facts=(
            "Reviu dilakukan untuk memberikan keyakinan terbatas atas keandalan laporan keuangan sebelum diserahkan "
            "kepada Badan Pemeriksa Keuangan.",
            "Reviu mencakup neraca, laporan realisasi anggaran, laporan operasional dan catatan atas laporan "
            "keuangan.",
            "Tim reviu menelaah kesesuaian penyajian dengan standar akuntansi pemerintahan.",
            "Koreksi yang diperlukan dibahas bersama Bidang Akuntansi BPKAD.",
        ),
        outcomes=(
            "Laporan keuangan telah disajikan sesuai standar akuntansi pemerintahan setelah dilakukan koreksi.",
            "Saldo persediaan dan aset tetap memerlukan penjelasan tambahan dalam catatan atas laporan keuangan.",
        ),
        summary="reviu laporan keuangan pemerintah daerah tahun 2025",
        partners=("BPKAD",),
    ),
    Case(
        key="lomba-kelurahan", unit="KEC-UTARA", topic="koordinasi", kind="event", start="2025-06-09",
        title="Lomba Kelurahan Tingkat Kecamatan Tirtamulya Utara Tahun 2025",
        place="kelurahan di Kecamatan Tirtamulya Utara",
        docs=(
            ("surat_undangan", "Undangan Rapat Persiapan Lomba Kelurahan Tahun 2025"),
            ("nota_dinas", "Jadwal Penilaian Lapangan Lomba Kelurahan"),
            ("laporan", "Laporan Hasil Penilaian Lomba Kelurahan Tingkat Kecamatan Tirtamulya Utara"),
        ),
        facts=(
            "Lomba kelurahan menilai bidang pemerintahan, kewilayahan, kemasyarakatan dan pemberdayaan masyarakat.",
            "Tim penilai kecamatan melakukan penilaian administrasi dan peninjauan lapangan ke setiap kelurahan.",
            "Kelurahan diminta menyiapkan profil kelurahan, data monografi dan dokumentasi kegiatan.",
            "Pemenang tingkat kecamatan mewakili Kecamatan Tirtamulya Utara pada lomba tingkat kota.",
        ),
        outcomes=(
            "Kelurahan Sukajadi meraih juara pertama, disusul Kelurahan Karanganyar dan Kelurahan Mekarwangi.",
        ),
        summary="penilaian lomba kelurahan tingkat kecamatan",
    ),
    Case(
        key="ktp-jemput-bola", unit="DISDUKCAPIL", topic="kependudukan", kind="field", start="2025-10-06",
        title="Pelayanan Perekaman KTP Elektronik Jemput Bola",
        place="sekolah menengah atas, panti sosial dan rumah warga lanjut usia",
        docs=(
            ("surat_dinas", "Jadwal Perekaman KTP Elektronik bagi Pemilih Pemula di Sekolah"),
            ("surat_tugas", "Penugasan Petugas Perekaman KTP Elektronik Jemput Bola"),
            ("laporan", "Laporan Pelayanan Perekaman KTP Elektronik Jemput Bola Tahun 2025"),
        ),
        facts=(
            "Perekaman KTP elektronik jemput bola menyasar siswa yang telah berusia 17 tahun, warga lanjut usia "
            "dan penyandang disabilitas.",
            "Petugas membawa perangkat perekaman bergerak yang terdiri atas pemindai sidik jari, kamera dan "
            "alat perekam iris mata.",
            "Sekolah diminta menyiapkan daftar siswa yang telah berusia 17 tahun beserta kartu keluarga.",
            "KTP elektronik yang telah dicetak diantarkan kembali ke sekolah atau rumah warga.",
        ),
        outcomes=(
            "Sebanyak 3.126 penduduk telah direkam, terdiri atas 2.874 siswa dan 252 warga lanjut usia serta "
            "penyandang disabilitas.",
        ),
        summary="perekaman KTP elektronik jemput bola bagi 3.126 penduduk",
        partners=("DISDIK",),
    ),
    Case(
        key="sakip", unit="SETDA", topic="organisasi", kind="event", start="2026-04-20",
        title="Evaluasi Sistem Akuntabilitas Kinerja Instansi Pemerintah Tahun 2026",
        place="Aula Badan Perencanaan Pembangunan Daerah",
        docs=(
            ("surat_undangan", "Undangan Evaluasi Implementasi SAKIP Perangkat Daerah Tahun 2026"),
            ("notula", "Notula Evaluasi Implementasi SAKIP Perangkat Daerah"),
            ("laporan", "Laporan Hasil Evaluasi Implementasi SAKIP Perangkat Daerah Tahun 2026"),
        ),
        facts=(
            "Evaluasi akuntabilitas kinerja menilai perencanaan kinerja, pengukuran kinerja, pelaporan kinerja "
            "dan evaluasi internal.",
            "Setiap perangkat daerah memaparkan perjanjian kinerja, rencana aksi dan capaian indikator kinerja "
            "utama.",
            "Evaluasi dilaksanakan oleh Bagian Organisasi bersama Inspektorat dan Bappeda.",
            "Hasil evaluasi menjadi dasar pemberian penghargaan dan perbaikan akuntabilitas kinerja.",
        ),
        outcomes=(
            "Nilai rata-rata SAKIP perangkat daerah adalah 67,9 dengan predikat B.",
            "Indikator kinerja sebagian perangkat daerah masih berupa keluaran dan belum menggambarkan hasil.",
        ),
        summary="evaluasi implementasi SAKIP perangkat daerah",
        partners=("INSPEKTORAT", "BAPPEDA"),
    ),
    Case(
        key="zona-integritas", unit="SETDA", topic="organisasi", kind="event", start="2025-02-10",
        title="Pembangunan Zona Integritas Menuju Wilayah Bebas dari Korupsi",
        place="Ruang Rapat Sekretariat Daerah Lantai 2",
        docs=(
            ("keputusan", "Tim Pembangunan Zona Integritas Menuju Wilayah Bebas dari Korupsi dan Wilayah "
                          "Birokrasi Bersih dan Melayani"),
            ("surat_undangan", "Undangan Pencanangan Pembangunan Zona Integritas"),
            ("notula", "Notula Rapat Tim Pembangunan Zona Integritas"),
        ),
        facts=(
            "Pembangunan zona integritas diprioritaskan pada unit layanan seperti DPMPTSP, Disdukcapil dan RSUD.",
            "Komponen pengungkit meliputi manajemen perubahan, penataan tata laksana, penataan sistem manajemen "
            "SDM, penguatan akuntabilitas, penguatan pengawasan dan peningkatan kualitas pelayanan publik.",
            "Pencanangan ditandai dengan penandatanganan pakta integritas oleh seluruh pegawai unit layanan.",
            "Tim penilai internal melakukan penilaian mandiri sebelum unit diusulkan ke kementerian.",
        ),
        outcomes=(
            "Tiga unit layanan diusulkan untuk dinilai menuju Wilayah Bebas dari Korupsi tahun 2025.",
            "Setiap unit menyusun rencana kerja pembangunan zona integritas dengan target terukur.",
        ),
        summary="pencanangan dan rapat tim pembangunan zona integritas",
        partners=("DPMPTSP", "DISDUKCAPIL", "INSPEKTORAT"),
    ),
    Case(
        key="kendaraan-dinas", unit="BPKAD", topic="aset", kind="admin", start="2025-03-17",
        title="Penggunaan Kendaraan Dinas Selama Libur Hari Raya Idul Fitri",
        place="seluruh perangkat daerah",
        docs=(
            ("surat_edaran", "Larangan Penggunaan Kendaraan Dinas untuk Mudik Lebaran"),
            ("nota_dinas", "Pengumpulan Kendaraan Dinas Operasional Selama Libur Lebaran"),
        ),
        facts=(
            "Kendaraan dinas hanya digunakan untuk kepentingan dinas dan dilarang digunakan untuk mudik lebaran.",
            "Kendaraan dinas operasional dikumpulkan di kantor masing-masing selama libur dan cuti bersama.",
            "Pengurus barang mencatat kendaraan yang dikumpulkan beserta kunci dan surat tanda nomor kendaraan.",
            "Pelanggaran terhadap ketentuan ini dikenai sanksi sesuai peraturan disiplin pegawai.",
        ),
        outcomes=(
            "Sebanyak 412 kendaraan dinas operasional dikumpulkan di kantor perangkat daerah selama libur.",
        ),
        summary="pengaturan penggunaan kendaraan dinas selama libur lebaran",
    ),
    Case(
        key="pelatihan-disabilitas", unit="DINSOS", topic="pelatihan", kind="event", start="2025-11-17",
        title="Pelatihan Pelayanan Publik Ramah Disabilitas bagi Petugas Layanan",
        place="Mal Pelayanan Publik Kota Tirtamulya",
        docs=(
            ("surat_undangan", "Undangan Pelatihan Pelayanan Publik Ramah Disabilitas"),
            ("surat_tugas", "Penugasan Juru Bahasa Isyarat sebagai Narasumber Pelatihan"),
            ("laporan", "Laporan Pelatihan Pelayanan Publik Ramah Disabilitas"),
        ),
        facts=(
            "Pelatihan diikuti oleh petugas garda depan dari Mal Pelayanan Publik, puskesmas dan kantor kelurahan.",
            "Peserta belajar dasar bahasa isyarat, etika berinteraksi dengan penyandang disabilitas dan "
            "pendampingan pengguna kursi roda.",
            "Narasumber terdiri atas juru bahasa isyarat dan perwakilan organisasi penyandang disabilitas.",
            "Setiap unit layanan diminta menyediakan jalur landai, toilet aksesibel dan loket prioritas.",
        ),
        outcomes=(
            "Sebanyak 56 petugas layanan telah mengikuti pelatihan.",
            "Lima unit layanan belum memiliki jalur landai dan diusulkan untuk diperbaiki.",
        ),
        summary="pelatihan pelayanan publik ramah disabilitas bagi 56 petugas layanan",
    ),
)
