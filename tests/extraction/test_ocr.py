"""OCR of scans through the real sandbox, pdftoppm and Tesseract (ind+eng), on scans made in the test."""
from __future__ import annotations

import hashlib
import logging
import math
import time

import pytest

from docflow.config import ConfigError, load_settings
from docflow.extraction import (
    JPEG,
    PDF,
    PNG,
    TIFF,
    ExtractionStatus,
    OcrOptions,
    detect_type,
    extract_text,
    find_ocr_problems,
    needs_ocr,
)
from docflow.extraction.ocr import MAX_PAGE_PIXELS, render_dpi
from tests.extraction.builders import (
    ASSIGNMENT,
    scan_image,
    write_image,
    write_pdf,
    write_scanned_pdf,
    write_tiff_frames,
)
from tests.extraction.corpus_expectations import word_recall

LETTER = [
    "Surat penugasan kepada Kepala Dinas",
    "Komunikasi dan Informatika Kota Bandung",
    "untuk menghadiri rapat koordinasi kearsipan",
]
NOTICE = ["PENGUMUMAN hasil seleksi pegawai", "Sekretariat Daerah"]
OCR = OcrOptions()
# OCR noise allowed: the share of the sentence's words that must come back.
MIN_RECALL = 0.8
# Far below what rendering and recognising one page takes, even on a fast machine.
TOO_SHORT = 0.1


@pytest.fixture(scope="module")
def letter():
    return scan_image(LETTER)


@pytest.fixture(scope="module")
def notice():
    return scan_image(NOTICE)


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("image_format", "mime"), [("PNG", PNG), ("JPEG", JPEG), ("TIFF", TIFF)])
def test_a_scanned_image_is_read_by_ocr(tmp_path, letter, image_format, mime):
    path = write_image(tmp_path / "pindai", letter, image_format)
    assert detect_type(path).mime == mime
    result = extract_text(path, mime, ocr=OCR)
    assert result.status is ExtractionStatus.OK
    assert result.ocr is True
    assert (result.page_count, result.reason, result.retryable) == (1, None, False)
    assert word_recall(" ".join(LETTER), result.text) >= MIN_RECALL, result.text


def test_a_scanned_pdf_is_read_and_the_original_is_untouched(tmp_path, letter):
    """Is the stored file byte for byte the same afterwards, with nothing left beside it?"""
    path = write_scanned_pdf(tmp_path / "surat.pdf", [letter])
    before = _sha256(path)
    result = extract_text(path, PDF, ocr=OCR)
    assert result.status is ExtractionStatus.OK
    assert result.ocr is True
    assert result.page_count == 1
    assert word_recall(" ".join(LETTER), result.text) >= MIN_RECALL, result.text
    assert _sha256(path) == before
    assert list(tmp_path.iterdir()) == [path]


def test_a_pdf_with_a_text_layer_is_not_ocred(tmp_path, caplog):
    path = write_pdf(tmp_path / "teks.pdf", [ASSIGNMENT])
    with caplog.at_level(logging.INFO, logger="docflow.extraction.extract"):
        result = extract_text(path, PDF, ocr=OCR)
    assert result.status is ExtractionStatus.OK
    assert (result.text, result.ocr, result.reason) == (ASSIGNMENT, False, None)
    assert not [record for record in caplog.records if "with OCR" in record.getMessage()]


def test_a_mixed_pdf_ocrs_only_its_scanned_page_and_keeps_page_order(tmp_path, letter):
    path = write_scanned_pdf(tmp_path / "campuran.pdf", ["Daftar hadir rapat", letter, "Demikian untuk dilaksanakan"])
    result = extract_text(path, PDF, ocr=OCR)
    assert result.status is ExtractionStatus.OK
    assert (result.ocr, result.page_count, result.reason) == (True, 3, None)
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0] == "Daftar hadir rapat"
    assert paragraphs[-1] == "Demikian untuk dilaksanakan"
    scanned = "\n\n".join(paragraphs[1:-1])
    assert word_recall(" ".join(LETTER), scanned) >= MIN_RECALL, result.text


def test_a_blank_scan_is_empty_after_ocr(tmp_path):
    path = write_image(tmp_path / "kosong.png", scan_image([]), "PNG")
    result = extract_text(path, PNG, ocr=OCR)
    assert result.status is ExtractionStatus.EMPTY
    assert (result.reason, result.ocr, result.text) == ("no text found by OCR", True, "")
    assert not needs_ocr(result, PNG)


def test_ocr_past_its_time_limit_fails_and_is_not_retried(tmp_path, letter):
    path = write_scanned_pdf(tmp_path / "lama.pdf", [letter] * 4)
    started = time.monotonic()
    result = extract_text(path, PDF, ocr=OcrOptions(timeout_seconds=TOO_SHORT))
    assert time.monotonic() - started < 5
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == f"OCR timed out after {TOO_SHORT:g} s"
    assert (result.retryable, result.ocr, result.page_count) == (False, True, 4)


def test_a_mixed_pdf_keeps_its_text_layer_when_ocr_times_out(tmp_path, letter):
    path = write_scanned_pdf(tmp_path / "campuran.pdf", ["Daftar hadir rapat", letter])
    result = extract_text(path, PDF, ocr=OcrOptions(timeout_seconds=TOO_SHORT))
    assert result.status is ExtractionStatus.OK
    assert (result.text, result.ocr) == ("Daftar hadir rapat", False)
    assert result.reason == f"pages without text were not read (OCR timed out after {TOO_SHORT:g} s)"


def test_ocr_reads_at_most_max_pages_of_a_pdf(tmp_path, letter, notice):
    path = write_scanned_pdf(tmp_path / "panjang.pdf", [letter, notice])
    result = extract_text(path, PDF, ocr=OcrOptions(max_pages=1))
    assert result.status is ExtractionStatus.OK
    assert result.reason == "OCR read 1 of 2 pages without text (limit 1)"
    assert word_recall(" ".join(LETTER), result.text) >= MIN_RECALL, result.text
    assert "Sekretariat" not in result.text


def test_ocr_reads_at_most_max_pages_of_a_multipage_tiff(tmp_path, letter, notice):
    path = write_tiff_frames(tmp_path / "pindai.tif", [letter, notice])
    result = extract_text(path, TIFF, ocr=OcrOptions(max_pages=1))
    assert result.status is ExtractionStatus.OK
    assert result.page_count == 2
    assert result.reason == "OCR read 1 of 2 pages without text (limit 1)"
    assert word_recall(" ".join(LETTER), result.text) >= MIN_RECALL, result.text
    assert "Sekretariat" not in result.text


def test_a_file_list_posing_as_an_image_never_reaches_tesseract(tmp_path, letter):
    """Tesseract OCRs every file named in input it cannot decode: may an upload read the server's files?"""
    secret = write_image(tmp_path / "rahasia.png", letter, "PNG")
    forged = tmp_path / "daftar.png"
    forged.write_text(f"{secret}\n")
    result = extract_text(forged, PNG, ocr=OCR)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "OCR failed: not an image encoding Tesseract reads"
    assert result.retryable is False


def test_a_language_that_is_not_installed_fails_with_its_name(tmp_path):
    path = write_image(tmp_path / "kosong.png", scan_image([]), "PNG")
    result = extract_text(path, PNG, ocr=OcrOptions(languages=("xyz",)))
    assert result.status is ExtractionStatus.FAILED
    assert result.reason.startswith("OCR failed: tesseract failed (exit code 1")
    assert "xyz" in result.reason


def test_this_machine_has_tesseract_with_indonesian_and_english():
    assert find_ocr_problems(["ind", "eng"]) == []
    assert find_ocr_problems(["xyz"]) == ["Tesseract language 'xyz' is not installed"]


@pytest.mark.parametrize("options", [
    {"languages": ()},
    {"languages": ("ind", "-l")},
    {"languages": ("ind+eng",)},
    {"timeout_seconds": 0},
    {"timeout_seconds": math.inf},
    {"max_pages": 0},
    {"dpi": 10},
])
def test_ocr_options_refuse_bad_values(options):
    with pytest.raises(ValueError):
        OcrOptions(**options)


def test_pages_render_at_300_dpi_unless_too_large():
    a4 = (595.0, 842.0)
    assert render_dpi(*a4, 300) == 300
    poster = (200 * 72.0, 200 * 72.0)
    dpi = render_dpi(*poster, 300)
    assert 1 <= dpi < 300
    assert (200 * dpi) ** 2 <= MAX_PAGE_PIXELS
    assert render_dpi(math.nan, 842.0, 300) == 300


def test_ocr_settings_have_defaults_and_are_checked():
    extraction = load_settings(environ={}).extraction
    assert (extraction.ocr, extraction.ocr_languages) == (True, ("ind", "eng"))
    assert (extraction.ocr_timeout_seconds, extraction.ocr_max_pages) == (300, 50)
    overridden = load_settings(environ={"DOCFLOW_EXTRACTION__OCR": "false",
                                        "DOCFLOW_EXTRACTION__OCR_LANGUAGES": "ind"}).extraction
    assert (overridden.ocr, overridden.ocr_languages) == (False, ("ind",))
    with pytest.raises(ConfigError, match="extraction.ocr_languages"):
        load_settings(environ={"DOCFLOW_EXTRACTION__OCR_LANGUAGES": "ind+eng"})
    with pytest.raises(ConfigError, match="extraction.ocr_max_pages"):
        load_settings(environ={"DOCFLOW_EXTRACTION__OCR_MAX_PAGES": "0"})
