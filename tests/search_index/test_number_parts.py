"""Issue 17: a letter is found by any part of a number as it stands in its text, and snippets mark what was
meant ("menugaskan" is not "petugas")."""
from __future__ import annotations

import pytest

from search_index import SearchIndex
from search_index.analysis import analyze, number_parts
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document

UPLOADED = ("Nomor : 800.1.2/7/BAPPEDA/2026\nLampiran : -\nPerihal : Undangan rapat penyusunan rencana kerja.\n"
            "Dengan hormat, bersama ini kami mengundang Saudara hadir pada rapat tersebut.")


@pytest.fixture
def uploaded(index: SearchIndex) -> SearchIndex:
    # An uploaded (scanned or received) letter: no number field, the number only in its text.
    add(index, make_document(1, title="Undangan rapat", body=UPLOADED),
        make_document(2, title="Undangan lain", body="Nomor : 800.1.3/9/DINKES/2026\nPerihal : Undangan."))
    return index


@pytest.mark.parametrize("query", ["800.1.2", "BAPPEDA", "bappeda", "7/BAPPEDA", "7/BAPPEDA/2026",
                                   "800.1.2/7", "800.1.2/7/BAPPEDA/2026"])
def test_any_part_of_a_number_in_the_text_finds_the_letter(uploaded: SearchIndex, query: str) -> None:
    """Is the letter found by its classification code, its unit code, or its sequence with the unit?"""
    assert ids(search(uploaded, query)) == [1]


def test_a_part_of_a_number_marks_the_number_in_the_snippet(uploaded: SearchIndex) -> None:
    (hit,) = search(uploaded, "BAPPEDA").hits
    assert any("<mark>800.1.2/7/BAPPEDA/2026</mark>" in fragment for fragment in hit.fragments)


def test_the_parts_of_a_date_are_not_classification_codes() -> None:
    assert number_parts("12/03/2026") == ["12/03", "03/2026"]
    assert "005" in number_parts("005/7/setda/2026") and "7" not in number_parts("005/7/setda/2026")


def test_menugaskan_neither_finds_nor_marks_petugas(index: SearchIndex) -> None:
    """Does a search for "menugaskan" leave "petugas" (an officer) alone, while still finding "ditugaskan"?"""
    add(index, make_document(1, title="Surat tugas", body="Kepala Dinas menugaskan staf ke lapangan."),
        make_document(2, title="Jadwal piket", body="Petugas piket hadir pukul tujuh."),
        make_document(3, title="Surat tugas lain", body="Pegawai ditugaskan menghadiri rapat. Petugas mencatat."))
    results = search(index, "menugaskan")
    assert ids(results) == [1, 3]
    marked = " ".join(f for hit in results.hits for f in hit.fragments)
    assert "<mark>ditugaskan</mark>" in marked and "<mark>Petugas</mark>" not in marked
    assert analyze("para petugas") == ["petugas"]
