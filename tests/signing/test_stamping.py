"""The stamp drawn onto a letter before signing: where the block goes, and what it says."""
from __future__ import annotations

import io
from datetime import date

import pypdf

from docflow.extraction import extract_text
from docflow.signing.operations import FOOTER
from docflow.signing.stamping import LetterStamp, block_lines, indonesian_date, stamp_letter
from search_index import boilerplate
from tests.fixtures import make_pdf

BLOCK = "a.n. Kepala Dinas Uji\nPlh. Sekretaris Dinas Uji,\n\n\nBudi Santoso\nPembina\nNIP. 198001012005011001"


def _stamp(pdf: bytes) -> pypdf.PdfReader:
    stamped = stamp_letter(pdf, LetterStamp(
        number="000.8.3.3/7/DISKOMINFO/2026", signature_lines=block_lines(BLOCK), date_text="2 Maret 2026",
        verify_url="https://surat.kota.example/verify/abc", footer="Dokumen ini telah ditandatangani secara elektronik."))
    assert stamped.startswith(pdf)  # an incremental update: the draft's bytes are untouched
    return pypdf.PdfReader(io.BytesIO(stamped))


def test_block_lines_drop_the_space_kept_for_a_wet_signature():
    assert block_lines(BLOCK) == ["a.n. Kepala Dinas Uji", "Plh. Sekretaris Dinas Uji,", "", "Budi Santoso", "Pembina",
                                  "NIP. 198001012005011001"]
    assert indonesian_date(date(2026, 8, 17)) == "17 Agustus 2026"


def test_block_goes_under_the_text_when_there_is_room():
    reader = _stamp(make_pdf("Surat pendek", "Halaman kedua, juga pendek"))
    assert len(reader.pages) == 2
    first, last = (page.extract_text() for page in reader.pages)
    assert "Nomor: 000.8.3.3/7/DISKOMINFO/2026" in first and "Plh. Sekretaris" not in first
    assert "Plh. Sekretaris Dinas Uji," in last and "2 Maret 2026" in last
    # The footer is on every page, with the address the QR code links to.
    assert all("Verifikasi: https://surat.kota.example/verify/abc" in p.extract_text() for p in reader.pages)
    link = reader.pages[1]["/Annots"][0].get_object()
    assert link["/A"]["/URI"] == "https://surat.kota.example/verify/abc"


def test_block_gets_a_page_of_its_own_when_the_last_page_is_full():
    full = make_pdf("\n".join(f"Baris ke-{i} dari isi surat yang panjang" for i in range(46)))
    reader = _stamp(full)
    assert len(reader.pages) == 2
    assert "Baris ke-45" in reader.pages[0].extract_text()
    assert "a.n. Kepala Dinas Uji" in reader.pages[1].extract_text()


def test_the_search_index_leaves_out_the_stamped_footer_and_keeps_the_letter(tmp_path):
    # What the worker extracts from a signed letter: the stamp's footer on every page, wrapped to the page.
    stamped = stamp_letter(make_pdf("Rapat koordinasi percepatan penurunan stunting.", "Halaman kedua."), LetterStamp(
        number="000.8.3.3/7/DISKOMINFO/2026", signature_lines=block_lines(BLOCK), date_text="2 Maret 2026",
        verify_url="https://surat.kota.example/verify/Zx_9-aB",
        footer=FOOTER.format(issuer="Pemerintah Kota Tirtamulya Certificate Authority")))
    path = tmp_path / "signed.pdf"
    path.write_bytes(stamped)
    text = extract_text(path, "application/pdf").text
    assert text.count("ditandatangani secara elektronik") == 2 and text.count("verify/Zx_9-aB") == 2
    kept = boilerplate.strip(text).split()
    for word in ("ditandatangani", "sertifikat", "Authority.", "Keaslian", "QR", "Verifikasi:", "https"):
        assert not any(word in w for w in kept), word
    assert "stunting." in kept and "kedua." in kept and "Budi" in kept and "000.8.3.3/7/DISKOMINFO/2026" in kept
