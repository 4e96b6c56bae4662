"""Bounded inspection of ZIP containers: directory size, declared sizes, ratios, DTDs."""
from __future__ import annotations

import zipfile

import pytest

from docflow.extraction.containers import ZipLimits, central_directory_size, check_container, open_zip, read_member
from docflow.extraction.errors import UnsafeDocument
from tests.extraction.builders import BILLION_LAUGHS, write_docx_zip_bomb, write_zip


def test_central_directory_size_matches_what_zipfile_reads(tmp_path):
    path = write_zip(tmp_path / "a.zip", [("a.txt", b"surat"), ("b.txt", b"nota dinas")])
    with open(path, "rb") as fh:
        size = central_directory_size(fh)
    with zipfile.ZipFile(path) as archive:
        expected = sum(46 + len(info.filename.encode()) + len(info.extra) for info in archive.infolist())
    assert size == expected


def test_zip64_directory_is_found(tmp_path):
    path = tmp_path / "zip64.zip"
    with zipfile.ZipFile(path, "w") as archive, archive.open("a.txt", "w", force_zip64=True) as member:
        member.write(b"arsip")
    with open(path, "rb") as fh:
        assert central_directory_size(fh) is not None
    assert open_zip(path) is not None


def test_files_that_are_not_zips_are_not_opened(tmp_path):
    path = tmp_path / "not.zip"
    path.write_bytes(b"PK\x03\x04 but nothing after")
    assert open_zip(path) is None


def test_a_directory_with_too_many_entries_is_not_opened(tmp_path):
    path = write_zip(tmp_path / "many.zip", [(f"f{i}.txt", b"x") for i in range(20)])
    assert open_zip(path, ZipLimits(max_members=10)) is None
    assert open_zip(path, ZipLimits(max_central_directory=100)) is None
    assert open_zip(path) is not None


def test_read_member_refuses_members_declared_larger_than_asked(tmp_path):
    path = write_zip(tmp_path / "a.zip", [("mimetype", b"application/vnd.oasis.opendocument.text")])
    with zipfile.ZipFile(path) as archive:
        assert read_member(archive, "mimetype", 100) == b"application/vnd.oasis.opendocument.text"
        assert read_member(archive, "mimetype", 10) is None
        assert read_member(archive, "missing", 100) is None


def test_a_declared_size_over_the_limit_is_refused_before_reading(tmp_path):
    path = write_docx_zip_bomb(tmp_path / "bomb.docx", 64 * 1024 * 1024)
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeDocument, match="declares 64 MB"):
        check_container(archive, ZipLimits(max_member_size=32 * 1024 * 1024))


def test_a_compression_ratio_like_a_bomb_is_refused(tmp_path):
    path = write_docx_zip_bomb(tmp_path / "bomb.docx", 64 * 1024 * 1024)
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeDocument, match="zip bomb"):
        check_container(archive)


def test_the_total_declared_size_is_bounded(tmp_path):
    path = write_zip(tmp_path / "a.zip", [("a.xml", b"<a/>" * 300), ("b.xml", b"<b/>" * 300)])
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeDocument, match="container declares"):
        check_container(archive, ZipLimits(max_total_size=2000))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_xml_part_declaring_entities_is_refused_whatever_its_encoding(tmp_path, encoding):
    document = (BILLION_LAUGHS + "<lolz>&lol9;</lolz>").replace('version="1.0"', f'version="1.0" encoding="{encoding}"')
    path = write_zip(tmp_path / "a.zip", [("content.xml", document.encode(encoding))])
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeDocument, match="declares entities in a DTD"):
        check_container(archive)


@pytest.mark.parametrize("doctype", [
    "<!DOCTYPE html>",
    '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">',
])
def test_a_doctype_that_declares_nothing_is_accepted(tmp_path, doctype):
    """HTML altChunks in DOCX and OpenOffice Basic modules in ODT carry such DOCTYPEs."""
    path = write_zip(tmp_path / "a.zip", [("part.xml", f'<?xml version="1.0"?>{doctype}<a/>'.encode())])
    assert _verdict(path) == "accepted"


def test_plain_xml_and_binary_members_are_accepted(tmp_path):
    path = write_zip(tmp_path / "a.zip", [("content.xml", b'<?xml version="1.0"?><!-- c --><a>b</a>'),
                                          ("Pictures/x.png", bytes(range(256)))])
    assert _verdict(path) == "accepted"


def _verdict(path):
    with zipfile.ZipFile(path) as archive:
        try:
            check_container(archive)
        except UnsafeDocument as exc:
            return str(exc)
    return "accepted"
