"""Text extraction per format, through the real sandbox."""
from __future__ import annotations

import docx
import pytest

from docflow.extraction import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    TEXT,
    TIFF,
    ExtractionStatus,
    UnsupportedType,
    detect_type,
    extract_text,
    needs_ocr,
)
from tests.extraction.builders import (
    ASSIGNMENT,
    jpeg_bytes,
    png_bytes,
    tiff_bytes,
    write_blank_pdf,
    write_docx,
    write_docx_with_text_box,
    write_encrypted_odt,
    write_encrypted_pdf,
    write_odt,
    write_pdf,
)

PAGES = [
    f"{ASSIGNMENT}\nNomor: 800.1.11.1/15/DISKOMINFO/2026",
    "Menimbang: bahwa dalam rangka pelaksanaan tugas kedinasan",
    "Ditetapkan di Bandung\nKepala Dinas",
]


@pytest.fixture(scope="module")
def three_page_pdf(tmp_path_factory):
    return write_pdf(tmp_path_factory.mktemp("pdf") / "tiga.pdf", PAGES)


def test_one_page_pdf(tmp_path):
    result = extract_text(write_pdf(tmp_path / "a.pdf", [ASSIGNMENT]), PDF)
    assert result.status is ExtractionStatus.OK
    assert result.text == ASSIGNMENT
    assert result.page_count == 1
    assert (result.encrypted, result.reason, result.retryable) == (False, None, False)


def test_three_page_pdf_keeps_pages_as_paragraphs(three_page_pdf):
    result = extract_text(three_page_pdf, PDF)
    assert result.status is ExtractionStatus.OK
    assert result.page_count == 3
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0].startswith(ASSIGNMENT)
    assert "800.1.11.1/15/DISKOMINFO/2026" in paragraphs[0]
    assert paragraphs[1] == PAGES[1]
    assert paragraphs[2] == "Ditetapkan di Bandung\nKepala Dinas"


def test_a_pdf_without_text_is_empty_and_waits_for_ocr(tmp_path):
    result = extract_text(write_blank_pdf(tmp_path / "scan.pdf", page_count=2), PDF)
    assert result.status is ExtractionStatus.EMPTY
    assert result.reason == "no text layer"
    assert result.page_count == 2
    assert needs_ocr(result, PDF)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_with_a_user_password_is_encrypted(three_page_pdf, tmp_path, algorithm):
    path = write_encrypted_pdf(tmp_path / "rahasia.pdf", three_page_pdf, user_password="rahasia",
                               owner_password="pemilik", algorithm=algorithm)
    result = extract_text(path, PDF)
    assert result.status is ExtractionStatus.ENCRYPTED
    assert result.reason == "PDF needs a password"
    assert result.encrypted is True
    assert result.text == ""
    assert not needs_ocr(result, PDF)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_with_only_an_owner_password_opens(three_page_pdf, tmp_path, algorithm):
    path = write_encrypted_pdf(tmp_path / "dibatasi.pdf", three_page_pdf, user_password="",
                               owner_password="pemilik", algorithm=algorithm)
    result = extract_text(path, PDF)
    assert result.status is ExtractionStatus.OK
    assert result.encrypted is True
    assert result.page_count == 3
    assert ASSIGNMENT in result.text


def test_a_truncated_pdf_does_not_crash(three_page_pdf, tmp_path):
    data = three_page_pdf.read_bytes()
    path = tmp_path / "potong.pdf"
    path.write_bytes(data[: len(data) * 2 // 3])
    result = extract_text(path, PDF)
    assert result.status in (ExtractionStatus.OK, ExtractionStatus.EMPTY, ExtractionStatus.FAILED)
    if result.status is ExtractionStatus.OK:
        assert "Surat penugasan" in result.text
    else:
        assert result.reason


def test_garbage_after_a_pdf_header_fails_cleanly(tmp_path):
    path = tmp_path / "sampah.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    result = extract_text(path, PDF)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason.startswith("could not read PDF")
    assert result.retryable is False


def test_docx_paragraphs_tables_header_and_footer_in_document_order(tmp_path):
    path = write_docx(
        tmp_path / "surat.docx",
        header="PEMERINTAH KOTA BANDUNG",
        paragraphs=[ASSIGNMENT, "Demikian untuk dilaksanakan."],
        table=[["Nama", "Jabatan"], ["Siti Rahma", "Kepala Seksi"]],
        footer="Dokumen ini ditandatangani secara elektronik",
    )
    result = extract_text(path, DOCX)
    assert result.status is ExtractionStatus.OK
    assert result.page_count is None
    assert result.text.split("\n") == [
        "PEMERINTAH KOTA BANDUNG",
        "",
        ASSIGNMENT,
        "",
        "Nama Jabatan",
        "Siti Rahma Kepala Seksi",
        "",
        "Demikian untuk dilaksanakan.",
        "",
        "Dokumen ini ditandatangani secara elektronik",
    ]


def test_docx_text_boxes_follow_their_paragraph_once(tmp_path):
    """Letterheads often sit in a text box, which Word stores twice (DrawingML and VML)."""
    path = write_docx_with_text_box(tmp_path / "kop.docx", before="Nomor: 005/12/DISKOMINFO",
                                    box_lines=["PEMERINTAH KOTA BANDUNG", "DINAS KOMUNIKASI DAN INFORMATIKA"],
                                    after=ASSIGNMENT)
    result = extract_text(path, DOCX)
    assert result.text == (
        "Nomor: 005/12/DISKOMINFO\n\nPEMERINTAH KOTA BANDUNG\n\nDINAS KOMUNIKASI DAN INFORMATIKA\n\n" + ASSIGNMENT
    )


def test_docx_merged_table_cells_are_read_once(tmp_path):
    path = write_docx(tmp_path / "gabung.docx", header="", paragraphs=[ASSIGNMENT],
                      table=[["Lampiran", ""], ["a", "b"]], footer="")
    document = docx.Document(str(path))
    grid = document.tables[0]
    grid.cell(0, 0).merge(grid.cell(0, 1))
    grid.cell(0, 0).text = "Lampiran"
    document.save(str(path))
    result = extract_text(path, DOCX)
    assert result.text.split("\n\n")[1] == "Lampiran\na b"


def test_odt_headings_paragraphs_and_tables(tmp_path):
    path = write_odt(tmp_path / "nota.odt", heading="NOTA DINAS", paragraphs=[ASSIGNMENT, "Harap  hadir tepat waktu."],
                     table=[["Hari", "Tanggal"], ["Senin", "12 Januari 2026"]])
    result = extract_text(path, ODT)
    assert result.status is ExtractionStatus.OK
    assert result.page_count is None
    assert result.text == (
        f"NOTA DINAS\n\n{ASSIGNMENT}\n\nHarap hadir tepat waktu.\n\nHari Tanggal\nSenin 12 Januari 2026"
    )


def test_a_password_protected_odt_is_encrypted(tmp_path):
    result = extract_text(write_encrypted_odt(tmp_path / "rahasia.odt"), ODT)
    assert result.status is ExtractionStatus.ENCRYPTED
    assert result.reason == "ODT needs a password"
    assert result.encrypted is True


def test_utf8_text_is_normalised(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_bytes("\ufeffPerihal:  Undangan\r\nRapat\x00 koordinasi\r\n\r\n\r\nKe\u0301camatan\r\n".encode())
    result = extract_text(path, TEXT)
    assert result.status is ExtractionStatus.OK
    assert result.text == "Perihal: Undangan\nRapat koordinasi\n\nK\u00e9camatan"
    assert result.page_count is None


def test_windows_1252_text_is_decoded(tmp_path):
    body = ("Surat edaran tentang pelayanan publik \u2013 \u201cjam kerja\u201d kantor kecamatan.\n"
            "Kepala Dinas Komunikasi dan Informatika menugaskan staf ke caf\u00e9 rakyat.\n") * 10
    path = tmp_path / "edaran.txt"
    path.write_bytes(body.encode("cp1252"))
    result = extract_text(path, detect_type(path).mime)
    assert result.status is ExtractionStatus.OK
    assert "\u2013 \u201cjam kerja\u201d" in result.text
    assert "caf\u00e9 rakyat" in result.text


def test_an_empty_text_file_is_empty_but_not_for_ocr(tmp_path):
    path = tmp_path / "kosong.txt"
    path.write_bytes(b" \r\n\t\r\n")
    result = extract_text(path, TEXT)
    assert result.status is ExtractionStatus.EMPTY
    assert not needs_ocr(result, TEXT)


@pytest.mark.parametrize(("payload", "mime", "pages"), [
    (png_bytes(), PNG, 1),
    (jpeg_bytes(), JPEG, 1),
    (tiff_bytes(1), TIFF, 1),
    (tiff_bytes(3), TIFF, 3),
], ids=["png", "jpeg", "tiff-1", "tiff-3"])
def test_images_have_no_text_layer_yet(tmp_path, payload, mime, pages):
    path = tmp_path / "pindai"
    path.write_bytes(payload)
    result = extract_text(path, mime)
    assert result.status is ExtractionStatus.EMPTY
    assert result.reason == "no text layer"
    assert result.page_count == pages
    assert needs_ocr(result, mime)


def test_a_looping_tiff_ifd_chain_counts_each_frame_once(tmp_path):
    data = bytearray(tiff_bytes(2))
    # Point the second IFD's "next" offset back at the first.
    last_next = 8 + 2 * (2 + 12 * 8 + 4) - 4
    data[last_next:last_next + 4] = (8).to_bytes(4, "little")
    path = tmp_path / "loop.tif"
    path.write_bytes(bytes(data))
    assert extract_text(path, TIFF).page_count == 2


def test_text_longer_than_max_chars_is_cut_to_exactly_max_chars(tmp_path):
    path = tmp_path / "panjang.txt"
    path.write_text("arsip dinamis " * 1000, encoding="utf-8")
    result = extract_text(path, TEXT, max_chars=100)
    assert result.status is ExtractionStatus.OK
    assert len(result.text) == 100


def test_pdf_reading_stops_once_max_chars_is_reached(three_page_pdf):
    result = extract_text(three_page_pdf, PDF, max_chars=20)
    assert result.text == ASSIGNMENT[:20]
    assert result.page_count == 3


def test_a_docx_named_pdf_is_extracted_as_docx(tmp_path):
    path = write_docx(tmp_path / "lampiran.pdf", header="Lampiran", paragraphs=[ASSIGNMENT], table=[["a"]],
                      footer="")
    mime = detect_type(path).mime
    assert mime == DOCX
    assert ASSIGNMENT in extract_text(path, mime).text


def test_a_missing_file_is_a_retryable_failure(tmp_path):
    result = extract_text(tmp_path / "hilang.pdf", PDF)
    assert result.status is ExtractionStatus.FAILED
    assert result.retryable is True
    assert "could not open" in result.reason


def test_a_type_outside_the_allowed_list_is_a_caller_error(tmp_path):
    with pytest.raises(UnsupportedType):
        extract_text(tmp_path / "x.zip", "application/zip")


def test_a_mismatched_type_fails_instead_of_raising(tmp_path):
    """The worker passes detect_type's verdict; if that is wrong, the parser fails inside the child."""
    path = tmp_path / "a.docx"
    path.write_bytes(png_bytes())
    result = extract_text(path, DOCX)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason.startswith("refused: not a readable ZIP")
