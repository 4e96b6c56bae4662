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


def _letter_with_markers(nomor: str = "${nomor}", ttd: str = "${ttd}") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595.3, 841.9))
    page.setFont("Helvetica", 12)
    page.drawString(85, 700, "Nomor")
    page.drawString(170, 700, ":")
    page.drawString(184, 700, nomor)
    page.drawString(85, 600, "Dengan hormat, kami mengundang Saudara.")
    page.drawString(300, 500, ttd)
    page.save()
    return out.getvalue()


def test_a_pdf_draft_gets_number_and_block_at_its_marker_text():
    """Does a PDF with ${nomor} and ${ttd} (or the #ttd# tag) get the number and the block there, not in the margin?"""
    from docflow.signing.stamping import find_markers, placement_of

    for ttd in ("${ttd}", "#ttd#"):
        pdf = _letter_with_markers(ttd=ttd)
        markers = find_markers(pdf)
        assert abs(markers["nomor"].x - 184) < 0.5 and abs(markers["nomor"].y - 700) < 0.5
        assert abs(markers["ttd"].x - 300) < 0.5 and placement_of(pdf) == "markers"
        reader = _stamp(pdf)
        placed: dict[str, tuple[float, float]] = {}

        def visit(text, cm, tm, font, size):
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            placed.setdefault(text.strip(), (x, y))

        reader.pages[0].extract_text(visitor_text=visit)
        assert abs(placed["000.8.3.3/7/DISKOMINFO/2026"][0] - 184) < 1 and abs(placed["000.8.3.3/7/DISKOMINFO/2026"][1] - 700) < 1
        assert abs(placed["2 Maret 2026"][0] - 300) < 1 and abs(placed["2 Maret 2026"][1] - 500) < 1
        assert placed["Budi Santoso"][1] < 500 - 72  # under the QR code
        assert "Nomor: 000.8.3.3" not in reader.pages[0].extract_text()  # nothing in the margin


def test_a_pdf_without_markers_is_stamped_in_the_margin_and_says_so():
    from docflow.signing.stamping import placement_of

    pdf = make_pdf("Surat tanpa penanda")
    assert placement_of(pdf) == "margin"
    assert "Nomor: 000.8.3.3/7/DISKOMINFO/2026" in _stamp(pdf).pages[0].extract_text()


def test_names_keep_their_letters():
    """Is a name outside Latin-1 written as it is (a TrueType font), not with its accents stripped?"""
    stamped = stamp_letter(make_pdf("Surat"), LetterStamp(
        number="1/2026", signature_lines=["Kepala Dinas,", "", "Ǧusti Ayu Ŋurah Đewi", "NIP. 1"], date_text="2 Maret 2026",
        verify_url="https://surat.kota.example/verify/abc", footer="Ditandatangani secara elektronik."))
    assert "Ǧusti Ayu Ŋurah Đewi" in pypdf.PdfReader(io.BytesIO(stamped)).pages[0].extract_text()
