"""The electronic signature footer is kept out of what is searched; the letter's own words are not."""
from __future__ import annotations

import pytest

from search_index import SearchIndex, boilerplate
from tests.search_index.conftest import add, finishes, ids, search
from tests.search_index.factories import make_document

BSRE_FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
               "diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara.")
UU_ITE = ('Catatan: UU ITE No 11 Tahun 2008 Pasal 5 Ayat 1 "Informasi Elektronik dan/atau Dokumen Elektronik '
          'dan/atau hasil cetaknya merupakan alat bukti hukum yang sah."')
CONTENT = ("Sehubungan dengan penerapan tanda tangan elektronik, naskah dinas yang telah ditandatangani secara "
           "elektronik otomatis diarsipkan sesuai klasifikasi arsip.")


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("footer", [
    BSRE_FOOTER,
    BSRE_FOOTER.upper(),
    # As a PDF's text layer gives it back: wrapped, with spacing of its own.
    BSRE_FOOTER.replace(" sertifikat ", "\nsertifikat  ").replace(" oleh ", " oleh\n"),
    "Dokumen ini ditandatangani secara elektronik menggunakan Sertifikat Elektronik yang diterbitkan BSrE",
    "Dokumen ini telah ditandatangani secara elektronik.",
    UU_ITE,
    "UU ITE Nomor 11 Tahun 2008 Pasal 5 ayat (1): Informasi Elektronik dan/atau Dokumen Elektronik dan/atau "
    "hasil cetaknya merupakan alat bukti yang sah.",
    "Keaslian dokumen ini dapat diverifikasi melalui tautan pada kode QR.",
    "Verifikasi: https://surat.kota.example/verify/Zx_9-aB",
])
def test_each_kind_of_footer_sentence_is_removed(footer):
    text = f"Isi surat tentang rapat koordinasi.\n{footer}\nKepala Dinas"
    assert _words(boilerplate.strip(text)) == _words("Isi surat tentang rapat koordinasi. Kepala Dinas")


def test_a_footer_repeated_on_every_page_is_removed_each_time():
    pages = [f"Halaman {n} isi surat.\n{BSRE_FOOTER}\n{UU_ITE}\nVerifikasi: https://x.example/verify/t" for n in (1, 2, 3)]
    assert _words(boilerplate.strip("\n".join(pages))) == _words("Halaman 1 isi surat. Halaman 2 isi surat. "
                                                                 "Halaman 3 isi surat.")


@pytest.mark.parametrize("text", [
    CONTENT,
    "Dokumen ini telah diperiksa oleh tim verifikasi.",
    "Verifikasi data kepegawaian dilaksanakan pada tanggal 3 Maret 2026.",
    "Berdasarkan Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik.",
    "",
])
def test_the_letters_own_words_are_kept(text):
    assert boilerplate.strip(text) == text


# Each footer pattern's opening words, then a long run of what its optional parts may consume.
_HOSTILE_PREFIXES = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh",
    "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh "
    "Balai Sertifikasi Elektronik (BSrE)",
    "UU ITE No 11 Tahun 2008 Pasal 5 Ayat 1",
    'Catatan: UU ITE Nomor 11 Tahun 2008 Pasal 5 ayat (1): "Informasi Elektronik dan/atau Dokumen Elektronik '
    "dan/atau hasil cetaknya merupakan alat bukti",
    "Keaslian dokumen ini dapat diperiksa",
    "Verifikasi:",
)


def _strip_hostile_texts() -> None:
    for prefix in _HOSTILE_PREFIXES:
        for filler in (" ", "\n", " \n", ": ", ", ", "( ", "a"):
            boilerplate.strip(prefix + filler * 20_000 + "x")


def test_hostile_text_cannot_stall_the_indexer():
    """Does stripping end at once on text made to make a regular expression backtrack?

    Before the patterns were written without adjacent optional spaces, 2,000 spaces after
    "UU ITE No 11 Tahun 2008 Pasal 5 Ayat 1" took 35 s; 20,000 would take days.
    """
    assert finishes(_strip_hostile_texts)


def test_the_footer_does_not_make_every_signed_letter_match(index: SearchIndex):
    add(index,
        make_document(1, title="Undangan Rapat Koordinasi Stunting",
                      body=f"Rapat koordinasi percepatan penurunan stunting.\n{BSRE_FOOTER}"),
        make_document(2, title="Penerapan Naskah Dinas", body=f"{CONTENT}\n{BSRE_FOOTER}\n{UU_ITE}"),
        make_document(3, title="Nota Dinas Pengadaan", body="Pengadaan laptop sekolah dasar."))
    assert ids(search(index, '"tanda tangan elektronik"')) == [2]
    for q in ("sertifikat", "bsre", '"alat bukti hukum"', '"badan siber"'):
        assert ids(search(index, q)) == [], q
    # The letters' own words are found as before, and the fragment shown is never the footer.
    found = search(index, "stunting")
    assert ids(found) == [1]
    assert found.hits[0].fragments and all("Sertifikasi" not in f for f in found.hits[0].fragments)
