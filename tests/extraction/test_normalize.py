"""Text normalisation shared by every reader."""
from __future__ import annotations

import unicodedata

import pytest

from docflow.extraction.normalize import normalize_text


def test_combining_marks_are_composed_to_nfc():
    """Does 'Pe\u0301mda' (e + combining acute) become the single precomposed character?"""
    text = normalize_text("Pe\u0301mda")
    assert text == "P\u00e9mda"
    assert unicodedata.is_normalized("NFC", text)


def test_runs_of_whitespace_within_a_line_collapse_to_one_space():
    assert normalize_text("Kepala \t  Dinas\u00a0\u00a0Kominfo  ") == "Kepala Dinas Kominfo"


def test_paragraph_breaks_survive_and_blank_runs_shrink_to_one():
    raw = "Menimbang:\r\n  a. bahwa\r\n\r\n\r\n\r\nMengingat:\rb. bahwa"
    assert normalize_text(raw) == "Menimbang:\na. bahwa\n\nMengingat:\nb. bahwa"


def test_page_breaks_become_paragraph_breaks():
    assert normalize_text("halaman satu\x0chalaman dua") == "halaman satu\n\nhalaman dua"


@pytest.mark.parametrize("invisible", ["\x00", "\x01", "\x7f", "\u200b", "\ufeff", "\u00ad"])
def test_nuls_controls_and_invisible_characters_are_removed(invisible):
    assert normalize_text(f"tanda{invisible}tangan") == "tandatangan"


def test_lone_surrogates_become_replacement_characters_so_text_encodes_as_utf8():
    text = normalize_text("arsip \ud800 dinas")
    assert text == "arsip \ufffd dinas"
    text.encode("utf-8")


def test_whitespace_only_input_is_empty():
    assert normalize_text(" \n\t\n \x00 ") == ""
