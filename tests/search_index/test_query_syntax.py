"""The query language: operators in English and Indonesian, and readable syntax errors."""
from __future__ import annotations

import pytest

from search_index import QuerySyntaxError, SearchIndex
from search_index.query import check_syntax, is_browse, normalize_query_text
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document


@pytest.mark.parametrize(("q", "reason"), [
    ('"surat tugas', "unbalanced_quote"),
    ("(surat tugas", "unbalanced_bracket"),
    ("surat tugas)", "unbalanced_bracket"),
    ("surat () tugas", "empty_group"),
    ("surat AND", "missing_operand"),
    ("OR surat", "missing_operand"),
    ("surat DAN", "missing_operand"),
    ("surat ATAU ATAU tugas", "missing_operand"),
    ("surat NOT", "missing_operand"),
    ("surat BUKAN", "missing_operand"),
    ("(surat AND) tugas", "missing_operand"),
    ("s*", "short_prefix"),
])
def test_bad_syntax_is_reported(q: str, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check_syntax(q)
    assert caught.value.reason == reason
    assert str(caught.value)  # a message the page can show


def test_overlong_queries_are_refused() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check_syntax("tugas " * 100)
    assert caught.value.reason == "too_long"
    with pytest.raises(QuerySyntaxError) as caught:
        check_syntax(" ".join(f"w{i}" for i in range(40)))
    assert caught.value.reason == "too_many_words"


@pytest.mark.parametrize("q", [
    "surat tugas", '"surat tugas"', "surat AND tugas", "surat OR tugas", "NOT surat",
    "surat AND NOT tugas", "(surat OR nota) DAN tugas", "BUKAN (a OR b)", "tug*", "Jum'at", "apa?",
    "000.8.3.3/15/DISKOMINFO/2026", "a:b", "100%", "*s",
])
def test_good_syntax_passes(q: str) -> None:
    check_syntax(q)


def test_search_raises_query_syntax_error_not_a_crash(index: SearchIndex) -> None:
    with pytest.raises(QuerySyntaxError):
        search(index, '"rapat koordinasi')


def test_browse_and_compound_normalisation() -> None:
    assert is_browse("") and is_browse("   ") and is_browse("*")
    assert not is_browse("tugas")
    assert normalize_query_text("Mohon Tindak  Lanjut segera") == "Mohon tindaklanjut segera"


@pytest.fixture
def letters(index: SearchIndex) -> SearchIndex:
    add(index,
        make_document(1, title="Surat tugas", body="Penugasan pegawai ke rapat koordinasi"),
        make_document(2, title="Undangan rapat", body="Undangan rapat koordinasi kearsipan"),
        make_document(3, title="Disposisi", body="Mohon segera ditindaklanjuti"))
    return index


@pytest.mark.parametrize(("q", "expected"), [
    ("rapat koordinasi", {1, 2}),           # default operator is AND
    ("rapat AND arsip", {2}),
    ("rapat DAN arsip", {2}),
    ("tugas OR disposisi", {1, 3}),
    ("tugas ATAU disposisi", {1, 3}),
    ("rapat NOT arsip", {1}),
    ("rapat BUKAN arsip", {1}),
    ("BUKAN rapat", {3}),
    ("(tugas OR arsip) AND koordinasi", {1, 2}),
    ("tindak lanjut", {3}),                 # two words, one compound term
    ("yang", set()),                        # only a stop word: nothing to look for
])
def test_boolean_operators(letters: SearchIndex, q: str, expected: set[int]) -> None:
    assert set(ids(search(letters, q))) == expected


def test_lower_case_operator_words_are_plain_words(letters: SearchIndex) -> None:
    """"dan" is a stop word, not an operator: "rapat dan arsip" means rapat AND arsip."""
    assert set(ids(search(letters, "rapat dan arsip"))) == {2}


def test_office_shorthand_also_matches_what_it_stands_for(index: SearchIndex) -> None:
    add(index,
        make_document(1, title="Keputusan Wali Kota Nomor 105 Tahun 2025", body="KEPUTUSAN WALI KOTA"),
        make_document(2, title="Undangan rakor stunting", body="Rakor percepatan penurunan stunting."),
        make_document(3, title="Notula", body="Rapat koordinasi stunting tingkat kota."))
    assert ids(search(index, "kep 105 tahun 2025")) == [1]
    assert set(ids(search(index, "rakor stunting"))) == {2, 3}
    assert ids(search(index, '"rapat koordinasi"')) == [3]              # a phrase is not expanded back
    assert ids(search(index, "walikota")) == ids(search(index, "wali kota")) == [1]
