"""Type detection looks at content only: names lie, libmagic needs help with ZIPs and text."""
from __future__ import annotations

import random
import re

import pytest

from docflow.extraction import ALLOWED_TYPES, DOCX, EXTENSIONS, JPEG, ODT, PDF, PNG, TEXT, TIFF, detect_type
from docflow.extraction.detect import _links
from tests.extraction.builders import (
    ASSIGNMENT,
    DOCX_MAIN_PART,
    jpeg_bytes,
    png_bytes,
    tiff_bytes,
    write_docx,
    write_odt,
    write_pdf,
    write_zip,
    zip_members,
)

INDONESIAN = "Nota dinas tentang penugasan pegawai ke Kecamatan Sukajadi; mohon ditindaklanjuti.\n"


@pytest.fixture()
def docx_path(tmp_path):
    return write_docx(tmp_path / "surat.docx", header="Pemerintah Kota", paragraphs=[ASSIGNMENT],
                      table=[["Nama", "Jabatan"]], footer="Halaman")


def test_every_allowed_type_has_a_canonical_extension():
    assert set(EXTENSIONS) == ALLOWED_TYPES
    assert all(extension.startswith(".") for extension in EXTENSIONS.values())


def test_pdf(tmp_path):
    detected = detect_type(write_pdf(tmp_path / "a.bin", [ASSIGNMENT]))
    assert detected.mime == PDF
    assert "PDF" in detected.description


def test_pdf_after_leading_junk_is_still_pdf(tmp_path):
    source = write_pdf(tmp_path / "a.pdf", [ASSIGNMENT])
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"\x00\x01garbage from a mail gateway\r\n" + source.read_bytes())
    assert detect_type(path).mime == PDF


def test_docx(docx_path):
    assert detect_type(docx_path).mime == DOCX


def test_a_docx_renamed_to_pdf_is_still_docx(docx_path, tmp_path):
    renamed = tmp_path / "surat.pdf"
    renamed.write_bytes(docx_path.read_bytes())
    assert detect_type(renamed).mime == DOCX


def test_a_docx_that_libmagic_calls_a_plain_zip_is_found_by_its_content_types(docx_path, tmp_path):
    """Word writes [Content_Types].xml first; other producers do not, and libmagic gives up."""
    reordered = write_zip(tmp_path / "reordered.docx", list(reversed(zip_members(docx_path))))
    assert detect_type(reordered).mime == DOCX


def test_odt(tmp_path):
    path = write_odt(tmp_path / "a.odt", heading="Nota Dinas", paragraphs=[ASSIGNMENT], table=[["a", "b"]])
    assert detect_type(path).mime == ODT


@pytest.mark.parametrize("mimetype", [
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.text-template",
])
def test_other_opendocument_types_are_not_odt(tmp_path, mimetype):
    path = write_zip(tmp_path / "a.odt", [("mimetype", mimetype), ("content.xml", b"<a/>")])
    assert detect_type(path).mime != ODT


@pytest.mark.parametrize("members", [
    [("hello.txt", b"halo")],
    [("word/document.xml", b"<w:document/>")],  # the right name, but no content types declare it
    [("[Content_Types].xml", b'<Types><Default Extension="xml" ContentType="application/xml"/></Types>')],
    [("[Content_Types].xml", b'<!DOCTYPE t [<!ENTITY x "y">]><Types><Override PartName="/word/document.xml"'
                             b' ContentType="' + DOCX_MAIN_PART.encode() + b'"/></Types>')],
], ids=["text", "bare-document-xml", "no-main-part", "dtd"])
def test_other_zips_are_not_allowed(tmp_path, members):
    detected = detect_type(write_zip(tmp_path / "surat.docx", members))
    assert detected.mime not in ALLOWED_TYPES


def test_a_damaged_zip_is_not_allowed(docx_path, tmp_path):
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(docx_path.read_bytes()[:2000])
    detected = detect_type(damaged)
    assert detected.mime == "application/zip"
    assert "unreadable" in detected.description


@pytest.mark.parametrize(("payload", "mime"), [
    (png_bytes(), PNG),
    (jpeg_bytes(), JPEG),
    (tiff_bytes(2), TIFF),
], ids=["png", "jpeg", "tiff"])
def test_images(tmp_path, payload, mime):
    path = tmp_path / "scan.txt"
    path.write_bytes(payload)
    assert detect_type(path).mime == mime


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_indonesian_text_in_common_encodings_is_text(tmp_path, encoding):
    path = tmp_path / "nota.txt"
    text = INDONESIAN + "Biaya perjalanan \u2013 \u201cRp 1.500.000\u201d, caf\u00e9.\n"
    path.write_bytes(text.encode(encoding) * 20)
    assert detect_type(path).mime == TEXT


def test_text_with_a_few_stray_control_characters_is_still_text(tmp_path):
    """Legislation exports carry the odd \\x01 that makes libmagic say "data"."""
    path = tmp_path / "uu.md"
    path.write_bytes((INDONESIAN * 30 + "\x01").encode() * 20)
    assert detect_type(path).mime == TEXT


@pytest.mark.parametrize(("payload", "expected"), [
    (b"<!DOCTYPE html><html><body><p>Surat</p></body></html>", "text/html"),
    (INDONESIAN.encode() * 5 + b"<script>alert(document.cookie)</script>\n", "text/html"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "image/svg+xml"),
    (b"<svg onload=alert(1)>", "image/svg+xml"),
    (b"<?php system($_GET['c']); ?>", "text/x-php"),
    (b"GIF89a<?php system($_GET['c']); ?>", None),
    (b"#!/bin/sh\nrm -rf /\n", None),
    (b'<?xml version="1.0"?><surat><perihal>Undangan</perihal></surat>', None),
    (INDONESIAN.encode() * 3 + b'<!--#exec cmd="ls" -->\n', "text/html"),
], ids=["html", "script-in-prose", "svg", "svg-fragment", "php", "gif-php", "shell", "xml", "ssi"])
def test_markup_and_scripts_are_not_plain_text(tmp_path, payload, expected):
    path = tmp_path / "surat.txt"
    path.write_bytes(payload)
    detected = detect_type(path)
    assert detected.mime != TEXT
    if expected is not None:
        assert detected.mime == expected


@pytest.mark.parametrize(("payload", "markup"), [
    (b'Lihat <a href="https://contoh.go.id">tautan</a>', True),
    (b'<a title="<" href="javascript:alert(1)">x</a>', True),
    (b"<a\nhref=x>", True),
    (b'Foto <img alt="" src="x.png"> terlampir', True),
    (b"<a> dan <b> adalah label; href ada di sini", False),
    (b"<a > href", False),
    (b"<img> src", False),
])
def test_links_and_images_with_an_address_are_markup(payload, markup):
    assert _links(payload.lower()) is markup


# What _links replaces: one expression that backtracked quadratically on many unclosed `<a `.
_LINK_RULE = re.compile(rb"<a\s[^>]*href|<img\s[^>]*src")


def test_links_follow_the_rule_on_random_text():
    rng = random.Random(20261128)
    pieces = [b"<a", b"<img", b" ", b"\n", b"href", b"src", b">", b"<", b"x", b"a", b"h"]
    for _ in range(20_000):
        probe = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _links(probe) is bool(_LINK_RULE.search(probe)), probe


def test_binary_data_is_not_text(tmp_path):
    path = tmp_path / "surat.txt"
    path.write_bytes(bytes(range(256)) * 64)
    assert detect_type(path).mime not in ALLOWED_TYPES


def test_an_empty_file_is_not_allowed(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert detect_type(path).mime not in ALLOWED_TYPES
