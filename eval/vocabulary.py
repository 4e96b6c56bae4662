"""The fictional city the collection is set in: units, people, places and the regulations letters cite.

Everything here is written for this collection. Regulation titles are citations of real, public
Indonesian legislation (public domain under UU 28/2014 Pasal 42); local ones (Peraturan Daerah,
Peraturan Wali Kota of "Kota Tirtamulya") are invented.
"""
from __future__ import annotations

from dataclasses import dataclass

CITY = "Tirtamulya"
CITY_FULL = "Kota Tirtamulya"
DOMAIN = "tirtamulyakota.go.id"
MAYOR_TITLE = "Wali Kota Tirtamulya"
MAYOR_NAME = "H. Arif Rahmansyah, S.E., M.M."


@dataclass(frozen=True)
class Unit:
    """One organisational unit (OPD) of the city."""

    code: str
    name: str
    head_title: str
    acronym: str
    address: str
    postcode: str


UNITS: dict[str, Unit] = {u.code: u for u in (
    Unit("SETDA", "Sekretariat Daerah", "Sekretaris Daerah", "Setda",
         "Jalan Merdeka Nomor 1", "40111"),
    Unit("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
         "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
         "Jalan Merdeka Nomor 7", "40111"),
    Unit("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah",
         "Kepala Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD",
         "Jalan Merdeka Nomor 5", "40111"),
    Unit("BAPPEDA", "Badan Perencanaan Pembangunan Daerah",
         "Kepala Badan Perencanaan Pembangunan Daerah", "Bappeda",
         "Jalan Diponegoro Nomor 14", "40115"),
    Unit("BPBD", "Badan Penanggulangan Bencana Daerah",
         "Kepala Pelaksana Badan Penanggulangan Bencana Daerah", "BPBD",
         "Jalan Siliwangi Nomor 30", "40132"),
    Unit("DISKOMINFO", "Dinas Komunikasi dan Informatika",
         "Kepala Dinas Komunikasi dan Informatika", "Diskominfo",
         "Jalan Ahmad Yani Nomor 21", "40121"),
    Unit("DINKES", "Dinas Kesehatan", "Kepala Dinas Kesehatan", "Dinkes",
         "Jalan Pahlawan Nomor 9", "40123"),
    Unit("DISDIK", "Dinas Pendidikan", "Kepala Dinas Pendidikan", "Disdik",
         "Jalan Sudirman Nomor 44", "40118"),
    Unit("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang",
         "Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR",
         "Jalan Gatot Subroto Nomor 2", "40127"),
    Unit("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
         "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
         "Jalan Ahmad Yani Nomor 3", "40121"),
    Unit("DISARPUS", "Dinas Kearsipan dan Perpustakaan", "Kepala Dinas Kearsipan dan Perpustakaan",
         "Disarpus", "Jalan Veteran Nomor 12", "40112"),
    Unit("DINSOS", "Dinas Sosial", "Kepala Dinas Sosial", "Dinsos",
         "Jalan Pahlawan Nomor 27", "40123"),
    Unit("DLH", "Dinas Lingkungan Hidup", "Kepala Dinas Lingkungan Hidup", "DLH",
         "Jalan Siliwangi Nomor 8", "40132"),
    Unit("DISHUB", "Dinas Perhubungan", "Kepala Dinas Perhubungan", "Dishub",
         "Jalan Terminal Nomor 1", "40135"),
    Unit("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil",
         "Kepala Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil",
         "Jalan Diponegoro Nomor 31", "40115"),
    Unit("SATPOLPP", "Satuan Polisi Pamong Praja", "Kepala Satuan Polisi Pamong Praja", "Satpol PP",
         "Jalan Merdeka Nomor 11", "40111"),
    Unit("INSPEKTORAT", "Inspektorat Daerah", "Inspektur", "Inspektorat",
         "Jalan Diponegoro Nomor 6", "40115"),
    Unit("KEC-UTARA", "Kecamatan Tirtamulya Utara", "Camat Tirtamulya Utara", "Kecamatan Tirtamulya Utara",
         "Jalan Raya Utara Nomor 88", "40141"),
)}

FIRST_NAMES = (
    "Agus", "Budi", "Siti", "Dewi", "Rina", "Hendra", "Yusuf", "Nur", "Sri", "Wahyu", "Eko", "Dian",
    "Fitri", "Rudi", "Ahmad", "Muhammad", "Asep", "Dadang", "Euis", "Iwan", "Lina", "Maya", "Nanang",
    "Ratna", "Teguh", "Yanti", "Cecep", "Dedi", "Heni", "Indra", "Joko", "Kartika", "Lukman", "Mira",
    "Nining", "Oman", "Putri", "Rahmat", "Sandi", "Tati", "Ujang", "Wulan", "Yayan", "Zainal", "Ani",
    "Bambang", "Cahya", "Dodi", "Elis", "Fajar", "Gita", "Hadi", "Irma", "Jajang", "Komar", "Lilis",
)
LAST_NAMES = (
    "Santoso", "Kurniawan", "Setiawan", "Hidayat", "Saputra", "Pratama", "Wulandari", "Rahmawati",
    "Nugroho", "Susanto", "Haryanto", "Permana", "Maulana", "Fauzi", "Hasanah", "Ramadhan", "Suryadi",
    "Gunawan", "Sulastri", "Mulyana", "Supriatna", "Kusnadi", "Hermawan", "Anggraeni", "Fitriani",
    "Firmansyah", "Kusumawati", "Purnama", "Sudrajat", "Wijaya", "Lestari", "Iskandar", "Rosita",
    "Handayani", "Syarifudin", "Nurhayati", "Suherman", "Hamdani", "Komalasari", "Sumarna",
)
DEGREES = ("S.Sos.", "S.E.", "S.H.", "S.Kom.", "S.T.", "S.Pd.", "S.AP.", "S.Si.", "A.Md.")
SENIOR_DEGREES = ("S.Sos., M.Si.", "S.E., M.M.", "S.H., M.H.", "S.T., M.T.", "dr.", "S.Pd., M.Pd.",
                  "S.IP., M.AP.", "S.Kom., M.Kom.")
RANKS_SENIOR = ("Pembina Utama Muda (IV/c)", "Pembina Tingkat I (IV/b)")
RANKS_MIDDLE = ("Pembina (IV/a)", "Penata Tingkat I (III/d)")
RANKS_STAFF = ("Penata (III/c)", "Penata Muda Tingkat I (III/b)", "Penata Muda (III/a)",
               "Pengatur Tingkat I (II/d)")

KELURAHAN = ("Sukajadi", "Cibeureum", "Margasari", "Karanganyar", "Sindangrasa", "Mekarwangi",
             "Tegalsari", "Pasirjaya", "Sukamulya", "Kebonjati", "Cipadung", "Wates")
MEETING_ROOMS = (
    "Ruang Rapat Wali Kota, Balai Kota Tirtamulya",
    "Ruang Rapat Sekretariat Daerah Lantai 2",
    "Aula Badan Perencanaan Pembangunan Daerah",
    "Gedung Serbaguna Pemerintah Kota Tirtamulya",
    "Ruang Rapat Command Center, Dinas Komunikasi dan Informatika",
)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")

# Regulations cited as "dasar" (legal basis), per topic. The first entry of GENERAL is cited by
# most letters, as in practice.
GENERAL_REGULATIONS = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali "
    "diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023",
    "Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2023 tentang Tata Naskah Dinas di Lingkungan "
    "Pemerintah Daerah",
    "Peraturan Daerah Kota Tirtamulya Nomor 8 Tahun 2021 tentang Pembentukan dan Susunan Perangkat Daerah",
)
REGULATIONS: dict[str, tuple[str, ...]] = {
    "kepegawaian": (
        "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
        "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil sebagaimana "
        "telah diubah dengan Peraturan Pemerintah Nomor 17 Tahun 2020",
        "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil",
    ),
    "pelatihan": (
        "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
        "Peraturan Wali Kota Tirtamulya Nomor 14 Tahun 2022 tentang Pengembangan Kompetensi Pegawai",
    ),
    "kearsipan": (
        "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan",
        "Peraturan Pemerintah Nomor 28 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 43 Tahun 2009 "
        "tentang Kearsipan",
        "Peraturan Daerah Kota Tirtamulya Nomor 3 Tahun 2019 tentang Penyelenggaraan Kearsipan",
    ),
    "anggaran": (
        "Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah",
        "Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020 tentang Pedoman Teknis Pengelolaan Keuangan Daerah",
    ),
    "aset": (
        "Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah",
        "Peraturan Menteri Dalam Negeri Nomor 19 Tahun 2016 tentang Pedoman Pengelolaan Barang Milik Daerah",
    ),
    "perencanaan": (
        "Undang-Undang Nomor 25 Tahun 2004 tentang Sistem Perencanaan Pembangunan Nasional",
        "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 tentang Tata Cara Perencanaan, Pengendalian "
        "dan Evaluasi Pembangunan Daerah",
    ),
    "pengadaan": (
        "Peraturan Presiden Nomor 16 Tahun 2018 tentang Pengadaan Barang/Jasa Pemerintah sebagaimana "
        "telah diubah dengan Peraturan Presiden Nomor 12 Tahun 2021",
        "Peraturan Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah Nomor 12 Tahun 2021 tentang Pedoman "
        "Pelaksanaan Pengadaan Barang/Jasa Pemerintah melalui Penyedia",
    ),
    "kesehatan": (
        "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
        "Peraturan Presiden Nomor 72 Tahun 2021 tentang Percepatan Penurunan Stunting",
    ),
    "pendidikan": (
        "Undang-Undang Nomor 20 Tahun 2003 tentang Sistem Pendidikan Nasional",
        "Peraturan Daerah Kota Tirtamulya Nomor 5 Tahun 2020 tentang Penyelenggaraan Pendidikan",
    ),
    "perizinan": (
        "Peraturan Pemerintah Nomor 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko",
        "Peraturan Pemerintah Nomor 16 Tahun 2021 tentang Peraturan Pelaksanaan Undang-Undang Nomor 28 "
        "Tahun 2002 tentang Bangunan Gedung",
        "Peraturan Daerah Kota Tirtamulya Nomor 2 Tahun 2023 tentang Penyelenggaraan Reklame",
    ),
    "koordinasi": (
        "Peraturan Wali Kota Tirtamulya Nomor 31 Tahun 2021 tentang Kedudukan, Susunan Organisasi, "
        "Tugas dan Fungsi serta Tata Kerja Sekretariat Daerah",
    ),
    "bencana": (
        "Undang-Undang Nomor 24 Tahun 2007 tentang Penanggulangan Bencana",
        "Peraturan Pemerintah Nomor 21 Tahun 2008 tentang Penyelenggaraan Penanggulangan Bencana",
    ),
    "spbe": (
        "Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik",
        "Peraturan Presiden Nomor 39 Tahun 2019 tentang Satu Data Indonesia",
        "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
    ),
    "sosial": (
        "Undang-Undang Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial",
        "Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin",
    ),
    "lingkungan": (
        "Undang-Undang Nomor 18 Tahun 2008 tentang Pengelolaan Sampah",
        "Undang-Undang Nomor 32 Tahun 2009 tentang Perlindungan dan Pengelolaan Lingkungan Hidup",
    ),
    "pu": (
        "Undang-Undang Nomor 38 Tahun 2004 tentang Jalan",
        "Peraturan Daerah Kota Tirtamulya Nomor 11 Tahun 2018 tentang Rencana Tata Ruang Wilayah",
    ),
    "ketertiban": (
        "Peraturan Pemerintah Nomor 16 Tahun 2018 tentang Satuan Polisi Pamong Praja",
        "Peraturan Daerah Kota Tirtamulya Nomor 4 Tahun 2017 tentang Ketertiban Umum dan Ketenteraman "
        "Masyarakat",
    ),
    "pengawasan": (
        "Peraturan Pemerintah Nomor 12 Tahun 2017 tentang Pembinaan dan Pengawasan Penyelenggaraan "
        "Pemerintahan Daerah",
        "Peraturan Pemerintah Nomor 60 Tahun 2008 tentang Sistem Pengendalian Intern Pemerintah",
    ),
    "kependudukan": (
        "Undang-Undang Nomor 24 Tahun 2013 tentang Perubahan atas Undang-Undang Nomor 23 Tahun 2006 "
        "tentang Administrasi Kependudukan",
    ),
    "organisasi": (
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah",
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 90 Tahun 2021 "
        "tentang Pembangunan dan Evaluasi Zona Integritas",
    ),
    "perhubungan": (
        "Undang-Undang Nomor 22 Tahun 2009 tentang Lalu Lintas dan Angkutan Jalan",
    ),
}

# Classification code (kode klasifikasi arsip) per topic.
CLASSIFICATION: dict[str, str] = {
    "kepegawaian": "800.1.2.2", "pelatihan": "800.2.3", "kearsipan": "000.5.2.1", "anggaran": "900.1.1",
    "aset": "000.2.3", "perencanaan": "000.7.1", "pengadaan": "000.3.2", "kesehatan": "400.7.1",
    "pendidikan": "400.3.1", "perizinan": "500.16.2", "koordinasi": "000.1.5", "bencana": "300.2.2",
    "spbe": "000.8.3.3", "sosial": "400.9.3", "lingkungan": "600.4.1", "pu": "600.1.2",
    "ketertiban": "300.1.4", "pengawasan": "700.1.2", "kependudukan": "400.12.2",
    "organisasi": "000.8.2", "perhubungan": "500.11.2",
}

# Sentences any letter on the topic may carry: context, not the matter of any one case.
TOPIC_SENTENCES: dict[str, tuple[str, ...]] = {
    "kepegawaian": (
        "Pengelolaan kepegawaian dilaksanakan berdasarkan sistem merit yang menjamin kesesuaian antara "
        "kualifikasi, kompetensi dan kinerja pegawai.",
        "Pengelola kepegawaian pada setiap perangkat daerah bertanggung jawab atas ketepatan data pegawai "
        "di unit kerjanya.",
        "Informasi lebih lanjut dapat diperoleh pada Bidang Mutasi dan Pengembangan Karier.",
        "Seluruh layanan kepegawaian diberikan tanpa dipungut biaya.",
    ),
    "pelatihan": (
        "Pengembangan kompetensi merupakan hak setiap pegawai paling sedikit 20 jam pelajaran dalam satu tahun.",
        "Peserta yang tidak mengikuti seluruh rangkaian kegiatan tidak diberikan sertifikat.",
        "Biaya penyelenggaraan dibebankan pada anggaran perangkat daerah penyelenggara, sedangkan biaya "
        "perjalanan peserta dibebankan pada anggaran perangkat daerah masing-masing.",
    ),
    "kearsipan": (
        "Arsip merupakan bukti akuntabilitas kinerja dan memori kolektif pemerintah daerah yang wajib dikelola "
        "dengan baik.",
        "Setiap unit pengolah wajib menata arsip aktif sesuai klasifikasi arsip dan menyimpannya dalam sarana "
        "penyimpanan yang memadai.",
        "Unit kearsipan memberikan pembinaan kepada pengelola arsip di setiap perangkat daerah.",
    ),
    "anggaran": (
        "Pengelolaan keuangan daerah dilaksanakan secara tertib, efisien, ekonomis, efektif, transparan "
        "dan bertanggung jawab.",
        "Setiap belanja harus didukung dengan bukti yang lengkap dan sah.",
        "Perangkat daerah diminta berkoordinasi dengan Bidang Anggaran apabila terdapat kendala.",
    ),
    "aset": (
        "Barang milik daerah wajib dicatat, diamankan dan dipelihara oleh pengguna barang.",
        "Pengurus barang pada setiap perangkat daerah bertanggung jawab atas kebenaran kartu inventaris barang.",
    ),
    "perencanaan": (
        "Perencanaan pembangunan daerah disusun secara partisipatif dengan melibatkan seluruh pemangku kepentingan.",
        "Usulan masyarakat diinput melalui Sistem Informasi Pemerintahan Daerah.",
    ),
    "pengadaan": (
        "Pengadaan barang/jasa dilaksanakan dengan prinsip efisien, efektif, transparan, terbuka, bersaing, "
        "adil dan akuntabel.",
        "Pejabat pembuat komitmen bertanggung jawab atas pelaksanaan kontrak sampai dengan serah terima pekerjaan.",
        "Seluruh proses pengadaan tercatat pada Sistem Pengadaan Secara Elektronik.",
    ),
    "kesehatan": (
        "Pelayanan kesehatan masyarakat diselenggarakan melalui puskesmas, puskesmas pembantu dan posyandu.",
        "Kader kesehatan di setiap kelurahan berperan penting dalam menjangkau keluarga sasaran.",
        "Data capaian program dilaporkan setiap bulan melalui aplikasi pencatatan dan pelaporan.",
    ),
    "pendidikan": (
        "Pemerintah Kota Tirtamulya berkomitmen meningkatkan mutu dan pemerataan layanan pendidikan dasar.",
        "Kepala sekolah diminta menyampaikan informasi ini kepada pendidik, tenaga kependidikan dan orang tua "
        "peserta didik.",
        "Pelaksanaan kegiatan di satuan pendidikan tidak boleh mengganggu proses belajar mengajar.",
    ),
    "perizinan": (
        "Pelayanan perizinan diselenggarakan secara terpadu satu pintu, cepat, mudah dan tanpa pungutan liar.",
        "Pelaku usaha dapat berkonsultasi secara langsung di Mal Pelayanan Publik Kota Tirtamulya.",
    ),
    "koordinasi": (
        "Koordinasi antarperangkat daerah diperlukan agar pelaksanaan kegiatan berjalan lancar dan tepat waktu.",
        "Setiap perangkat daerah diminta menyiapkan bahan paparan sesuai tugas dan fungsinya.",
    ),
    "bencana": (
        "Kota Tirtamulya memiliki risiko bencana banjir, tanah longsor, angin puting beliung dan kebakaran.",
        "Penanggulangan bencana dilaksanakan secara terpadu oleh pemerintah daerah, dunia usaha dan masyarakat.",
        "Pusat Pengendalian Operasi BPBD siaga 24 jam dan dapat dihubungi melalui nomor panggilan darurat 112.",
    ),
    "spbe": (
        "Penerapan Sistem Pemerintahan Berbasis Elektronik bertujuan mewujudkan tata kelola pemerintahan "
        "yang bersih, efektif, transparan dan akuntabel.",
        "Seluruh aplikasi perangkat daerah wajib terintegrasi dengan pusat data pemerintah daerah.",
        "Keamanan informasi menjadi tanggung jawab bersama seluruh pengguna layanan.",
    ),
    "sosial": (
        "Penyelenggaraan kesejahteraan sosial ditujukan kepada perseorangan, keluarga dan kelompok masyarakat "
        "yang mengalami masalah sosial.",
        "Pendamping sosial di setiap kecamatan membantu pemutakhiran data penerima manfaat.",
    ),
    "lingkungan": (
        "Pengelolaan lingkungan hidup memerlukan peran serta aktif masyarakat dan dunia usaha.",
        "Pengurangan sampah dari sumbernya dilakukan melalui gerakan pilah sampah dan bank sampah.",
    ),
    "pu": (
        "Pemeliharaan infrastruktur dilaksanakan berdasarkan skala prioritas dan ketersediaan anggaran.",
        "Masyarakat dapat menyampaikan pengaduan kerusakan infrastruktur melalui kanal pengaduan resmi.",
    ),
    "ketertiban": (
        "Penegakan peraturan daerah dilaksanakan secara humanis dengan mengedepankan langkah persuasif.",
        "Petugas wajib mengenakan pakaian dinas lapangan dan membawa surat tugas.",
    ),
    "pengawasan": (
        "Pengawasan intern bertujuan memberikan keyakinan yang memadai atas tercapainya tujuan organisasi.",
        "Auditan wajib menyediakan dokumen dan keterangan yang diperlukan oleh tim pemeriksa.",
    ),
    "kependudukan": (
        "Setiap penduduk wajib memiliki dokumen kependudukan yang sah.",
        "Pelayanan administrasi kependudukan tidak dipungut biaya.",
    ),
    "organisasi": (
        "Reformasi birokrasi diarahkan pada birokrasi yang bersih, akuntabel dan berkinerja tinggi.",
        "Setiap perangkat daerah menyusun perjanjian kinerja dan melaporkan capaiannya secara berkala.",
    ),
    "perhubungan": (
        "Keselamatan dan kelancaran lalu lintas menjadi prioritas selama masa angkutan lebaran.",
        "Petugas perhubungan berkoordinasi dengan kepolisian dalam pengaturan arus lalu lintas.",
    ),
}

# Routine activities a unit lists in its quarterly report besides its particular cases.
ROUTINE_ACTIVITIES: tuple[str, ...] = (
    "penyusunan laporan keuangan bulanan dan rekonsiliasi belanja dengan BPKAD",
    "pengelolaan surat masuk dan surat keluar melalui aplikasi naskah dinas elektronik",
    "pemeliharaan kendaraan dinas operasional dan peralatan kantor",
    "apel pagi setiap hari Senin dan pembinaan pegawai oleh pimpinan",
    "pengisian capaian kinerja triwulanan pada aplikasi e-SAKIP",
    "pelayanan pengaduan masyarakat melalui kanal LAPOR!",
    "pembaruan informasi publik pada laman resmi perangkat daerah",
    "penatausahaan persediaan barang habis pakai",
)
