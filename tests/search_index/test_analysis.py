"""The Indonesian analyzer: word forms, office words, codes, stop words, pickling."""
from __future__ import annotations

import pickle
import random
import re

import pytest

from search_index.analysis import (
    COMMON_TERMS,
    STOP_WORDS,
    analyze,
    iter_terms,
    number_analyzer,
    pair_analyzer,
    spell_analyzer,
    stem_word,
    text_analyzer,
    tokens,
)
from search_index.schema import build_schema
from tests.search_index.conftest import finishes


@pytest.mark.parametrize("form", ["penugasan", "ditugaskan", "tugas", "bertugas", "menugaskan"])
def test_forms_of_tugas_share_one_term(form: str) -> None:
    """Do "penugasan", "ditugaskan" and "tugas" meet on one term?"""
    assert analyze(form) == ["tugas"]


@pytest.mark.parametrize("form", ["kearsipan", "pengarsipan", "diarsipkan", "arsip"])
def test_kearsipan_finds_arsip(form: str) -> None:
    assert analyze(form) == ["arsip"]


@pytest.mark.parametrize("form", ["disposisi", "didisposisikan"])
def test_disposisi_is_not_mangled(form: str) -> None:
    """Sastrawi keeps "disposisi" (snowball's Indonesian stemmer makes it "sposisi")."""
    assert analyze(form) == ["disposisi"]


@pytest.mark.parametrize(("text", "term"), [
    ("ditandatangani", "tandatangan"),
    ("penandatanganan", "tandatangan"),
    ("tanda tangan", "tandatangan"),
    ("pemberitahuan", "beritahu"),
    ("beri tahu", "beritahu"),
    ("ditindaklanjuti", "tindaklanjut"),
    ("tindak lanjut", "tindaklanjut"),
    ("diparaf", "paraf"),
])
def test_office_dictionary_words(text: str, term: str) -> None:
    """Are the office compounds, written as one word or two, reduced to their root?"""
    assert analyze(text) == [term]


@pytest.mark.parametrize(("word", "kept"), [
    ("pemerintah", "pemerintah"),    # not "perintah": every letter says "Pemerintah Kota"
    ("pemerintahan", "pemerintah"),
    ("undangan", "undangan"),        # not "undang" (Undang-Undang)
    ("pengumuman", "pengumuman"),    # not "umum" (Bagian Umum)
])
def test_office_terms_stay_apart(word: str, kept: str) -> None:
    assert analyze(word) == [kept]


@pytest.mark.parametrize("code", [
    "000.8.3.3/15/diskominfo/2026",
    "800.1.11.1",
    "198501012010011001",
    "12/03/2026",
    "covid-19",
])
def test_codes_and_numbers_stay_whole_and_unstemmed(code: str) -> None:
    assert analyze(f"Nomor {code.upper()} berlaku") == ["nomor", code, "laku"]


def test_slashed_words_without_digits_split() -> None:
    assert analyze("dan/atau Bapak/Ibu") == ["ibu"]


# The token rules as one regular expression: what `tokens` must yield, found in linear time.
_TOKEN_RULES = re.compile(r"(?:\w+[./\-])*\w*\d\w*(?:[./\-]\w+)*|\w+(?:-\w+)*")


def test_tokens_follow_the_token_rules_on_random_text() -> None:
    rng = random.Random(20261128)
    alphabet = "aB1._/-  é²_\n"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        expected = [(m.group(), m.start(), m.end()) for m in _TOKEN_RULES.finditer(text)]
        assert list(tokens(text)) == expected, text


def _tokenize_hostile_chains() -> None:
    for chain in ("a." * 200_000, "ab/" * 100_000, "a.b-" * 100_000 + "..1", "a-" * 200_000):
        list(iter_terms(chain))


def test_long_chains_without_digits_cannot_stall_the_analyzer() -> None:
    """Does analysis end at once on "a.a.a.a..."? The rules' regular expression takes hours on it."""
    assert finishes(_tokenize_hostile_chains)


def test_stop_words_removed_but_office_words_kept() -> None:
    assert analyze("yang dan di ke dari untuk dengan") == []
    # In Sastrawi's list, but meaningful in letters (urgency, mail direction, instructions).
    assert analyze("segera biasa masuk keluar diketahui") == ["segera", "biasa", "masuk", "keluar", "tahu"]
    assert {"yang", "dan", "untuk", "no"} <= STOP_WORDS
    assert not {"segera", "rahasia", "bagian", "masuk", "satu"} & STOP_WORDS
    assert analyze("perjalanan dinas ke Jalan Merdeka") == ["perjalanan", "dinas", "jalan", "merdeka"]


def test_accents_and_case_are_folded() -> None:
    assert analyze("JOSÉ Café") == ["jose", "cafe"]


def test_reduplication() -> None:
    assert analyze("surat-surat") == ["surat"]


def test_stem_word_leaves_codes_alone() -> None:
    assert stem_word("800.1.11.1") == "800.1.11.1"
    assert stem_word("penugasan") == "tugas"


def test_offsets_point_at_the_original_words() -> None:
    text = "Mohon  tindak lanjut, Penugasan"
    spans = list(iter_terms(text))
    assert [(term, text[s:e]) for term, s, e in spans] == [
        ("tindaklanjut", "tindak lanjut"),
        ("tugas", "Penugasan"),
    ]


def test_positions_skip_stop_words_consistently() -> None:
    tokens = [(t.text, t.pos) for t in text_analyzer()("surat untuk kepala", positions=True)]
    assert tokens == [("surat", 0), ("kepala", 1)]


def test_number_analyzer_adds_parts_only_when_indexing() -> None:
    """A number is indexed whole, by its classification code and by every run of parts."""
    number = "000.8.3.3/15/DISKOMINFO/2026"
    indexed = [t.text for t in number_analyzer()(number, mode="index")]
    queried = [t.text for t in number_analyzer()(number, mode="query")]
    assert indexed[0] == "000.8.3.3/15/diskominfo/2026"
    assert set(indexed) == {
        "000.8.3.3/15/diskominfo/2026", "000.8.3.3", "000.8.3.3/15", "000.8.3.3/15/diskominfo",
        "15/diskominfo", "15/diskominfo/2026", "diskominfo/2026",
    }
    assert queried == ["000.8.3.3/15/diskominfo/2026"]
    assert [t.text for t in number_analyzer()("penugasan", mode="query")] == []
    assert [t.text for t in number_analyzer()("NOMOR 12 TAHUN 2026", mode="index")] == ["nomor 12 tahun 2026"]


def test_numbers_cited_in_text_are_indexed_with_their_runs() -> None:
    tokens = [(t.text, t.pos) for t in text_analyzer()("Nomor 005/7/SETDA/2026 perihal", mode="index", positions=True)]
    assert tokens == [("nomor", 0), ("005/7/setda/2026", 1), ("005/7", 1), ("7/setda", 1), ("setda/2026", 1),
                      ("005/7/setda", 1), ("7/setda/2026", 1), ("005", 1), ("setda", 1), ("perihal", 2)]
    assert analyze("Nomor 005/7/SETDA/2026") == ["nomor", "005/7/setda/2026"]  # queries stay whole


def test_spelling_field_keeps_distinct_words_as_written() -> None:
    words = [t.text for t in spell_analyzer()("Penugasan pegawai, penugasan 2026 yang 15/SETDA")]
    assert words == ["penugasan", "pegawai"]


def test_schema_pickles_small_with_stemmer_by_reference() -> None:
    """Whoosh stores the pickled schema in every commit: no stemmer dictionary inside."""
    stem_word("penugasan")  # build the stemmer, so a by-value pickle would drag it along
    data = pickle.dumps(build_schema())
    assert len(data) < 20_000
    assert b"kata" not in data and b"tugas" not in data
    restored = pickle.loads(data)
    assert [t.text for t in restored["body"].analyzer("Penugasan pegawai")] == ["tugas", "pegawai"]


def test_common_terms_are_roots() -> None:
    """The pair fields look terms up after analysis, so the list must hold analyzer output."""
    assert all(stem_word(term) == term for term in COMMON_TERMS)


def test_pairs_are_indexed_only_for_common_terms() -> None:
    pairs = [t.text for t in pair_analyzer()("Kepala Dinas menugaskan pegawai ke Balai Ngubane")]
    assert pairs == ["kepala dinas", "dinas tugas", "tugas pegawai", "pegawai balai"]
