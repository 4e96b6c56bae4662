"""Hostile files end as recorded results within their limits; the caller never hangs or dies."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from docflow.extraction import DOCX, ODT, PDF, TEXT, ExtractionStatus, detect_type, extract_text
from tests.extraction.builders import (
    ASSIGNMENT,
    BILLION_LAUGHS,
    replace_member,
    write_content_stream_pdf,
    write_docx,
    write_docx_zip_bomb,
    write_odt,
    write_odt_with_spaces,
)

ODF_CONTENT_OPEN = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text><text:p>"
)
ODF_CONTENT_CLOSE = "</text:p></office:text></office:body></office:document-content>"


@pytest.fixture(scope="module")
def odt_path(tmp_path_factory):
    return write_odt(tmp_path_factory.mktemp("odt") / "nota.odt", heading="Nota", paragraphs=[ASSIGNMENT],
                     table=[["a"]])


def test_a_two_gigabyte_zip_bomb_shaped_like_a_docx_is_refused_quickly(tmp_path):
    path = write_docx_zip_bomb(tmp_path / "bom.docx", 2 * 1024**3)
    assert path.stat().st_size < 4 * 1024 * 1024
    assert detect_type(path).mime == DOCX
    started = time.monotonic()
    result = extract_text(path, DOCX)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "refused: part 'word/document.xml' declares 2.0 GB uncompressed (limit 128 MB)"
    assert result.retryable is False
    assert time.monotonic() - started < 5


def test_a_billion_laughs_odt_is_refused_before_expansion(odt_path, tmp_path):
    content = BILLION_LAUGHS + ODF_CONTENT_OPEN + "&lol9;" + ODF_CONTENT_CLOSE
    path = replace_member(odt_path, tmp_path / "tawa.odt", "content.xml", content.encode())
    assert detect_type(path).mime == ODT
    result = extract_text(path, ODT, timeout=10)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "refused: part 'content.xml' declares entities in a DTD"


def test_an_xxe_odt_does_not_read_local_files(odt_path, tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("KATA SANDI ADMIN", encoding="utf-8")
    content = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
               + ODF_CONTENT_OPEN + "&xxe;" + ODF_CONTENT_CLOSE)
    path = replace_member(odt_path, tmp_path / "xxe.odt", "content.xml", content.encode())
    result = extract_text(path, ODT)
    assert result.status is ExtractionStatus.FAILED
    assert "KATA SANDI" not in result.text
    assert "declares entities in a DTD" in result.reason


def test_a_billion_laughs_docx_is_refused(tmp_path):
    source = write_docx(tmp_path / "a.docx", header="", paragraphs=[ASSIGNMENT], table=[["a"]], footer="")
    document = (BILLION_LAUGHS + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    path = replace_member(source, tmp_path / "tawa.docx", "word/document.xml", document.encode())
    result = extract_text(path, DOCX)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "refused: part 'word/document.xml' declares entities in a DTD"


def test_an_odt_asking_for_a_billion_spaces_hits_the_memory_limit(tmp_path):
    """odfpy builds `text:s text:c=N` as N spaces: a 2 KB file that wants 1.5 GB."""
    path = write_odt_with_spaces(tmp_path / "spasi.odt", 1_500_000_000)
    assert path.stat().st_size < 10_000
    result = extract_text(path, ODT, memory_limit_mb=512)
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "memory limit 512 MB exceeded"
    assert result.retryable is False


def test_a_pdf_whose_content_stream_keeps_pypdf_busy_times_out(tmp_path):
    """100,000 text operators in a 14 KB file take pypdf many seconds; the deadline is one."""
    content = b"BT /F1 12 Tf 72 720 Td (Surat penugasan) Tj ET\n" * 100_000
    path = write_content_stream_pdf(tmp_path / "lambat.pdf", content)
    assert path.stat().st_size < 20_000
    started = time.monotonic()
    result = extract_text(path, PDF, timeout=1.0)
    elapsed = time.monotonic() - started
    assert result.status is ExtractionStatus.FAILED
    assert result.reason == "timed out after 1 s"
    assert result.retryable is False
    assert elapsed < 3


def test_the_same_content_stream_in_small_doses_is_read(tmp_path):
    """The slow PDF above is slow because of its size, not because the reader is broken."""
    content = b"BT /F1 12 Tf 72 720 Td (Surat penugasan) Tj ET\n" * 20
    result = extract_text(write_content_stream_pdf(tmp_path / "cepat.pdf", content), PDF)
    assert result.status is ExtractionStatus.OK
    assert result.text.count("Surat penugasan") == 20


def test_hundreds_of_extractions_leak_no_fds_and_no_processes(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_text(ASSIGNMENT, encoding="utf-8")
    extract_text(path, TEXT)  # the forkserver and resource tracker start on first use
    fds_before = _open_fds()
    descendants_before = _descendants()
    for _ in range(300):
        assert extract_text(path, TEXT).text == ASSIGNMENT
    assert _open_fds() == fds_before
    assert _descendants() == descendants_before
    assert _zombies() == []


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _process_table() -> dict[int, tuple[int, str]]:
    """Map every visible pid to (parent pid, state) from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def _descendants() -> set[int]:
    table = _process_table()
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, (parent, _state) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _zombies() -> list[int]:
    table = _process_table()
    return [pid for pid in _descendants() if table.get(pid, (0, ""))[1] == "Z"]
