"""Proximity search, closeness ranking, letters with some of the words, autocorrection, more like this."""
from __future__ import annotations

import pytest

from search_index import SearchIndex, SearchIndexError
from tests.search_index.conftest import add, ids, partial_ids, search
from tests.search_index.factories import make_document

OUTSIDER = ("unit:2",)


@pytest.fixture
def meetings(index: SearchIndex) -> SearchIndex:
    add(index,
        make_document(1, body="Rapat koordinasi persiapan banjir di aula."),
        make_document(2, body="Koordinasi lintas bidang akan dibahas dalam rapat pimpinan."),
        make_document(3, body="Rapat dihadiri kepala dinas, sekretaris, bendahara, staf teknis, tamu undangan, "
                              "wartawan, lalu sesudahnya dilanjutkan dengan koordinasi."),
        make_document(4, body="Dikoordinasikan oleh sekretaris: rapat evaluasi."),
        make_document(5, body="Jadwal rapat pimpinan."))
    return index


def test_proximity_finds_words_near_each_other_in_any_order(meetings: SearchIndex) -> None:
    """Does "rapat koordinasi"~N find the words within N positions, either way round?"""
    assert ids(search(meetings, '"rapat koordinasi"')) == [1]
    assert set(ids(search(meetings, '"rapat koordinasi"~5'))) == {1, 2, 4}
    assert set(ids(search(meetings, '"koordinasi rapat"~5'))) == {1, 2, 4}
    assert set(ids(search(meetings, '"rapat koordinasi"~20'))) == {1, 2, 3, 4}


def test_proximity_goes_through_the_indonesian_analyzer(meetings: SearchIndex) -> None:
    """Are the words of a proximity query stemmed and stopped like the letters' words?"""
    # "mengkoordinasikan" and "dikoordinasikan" share the root; "dalam" is a stop word.
    assert set(ids(search(meetings, '"rapat mengkoordinasikan"~2'))) == {1, 4}
    assert set(ids(search(meetings, '"koordinasi dalam rapat"~5'))) == {1, 2, 4}
    hit = search(meetings, '"dikoordinasikan rapat"~2').hits[0]
    assert hit.id == 1 and hit.fragments == ["<mark>Rapat</mark> <mark>koordinasi</mark> persiapan banjir di aula."]


def test_proximity_syntax_is_checked(meetings: SearchIndex) -> None:
    """Is a proximity group with an unclosed quote refused like a phrase?"""
    with pytest.raises(SearchIndexError):
        search(meetings, '"rapat koordinasi~5')
    assert search(meetings, '"rapat"~3').total == 5  # one word: the word itself


def test_words_close_together_rank_first(index: SearchIndex) -> None:
    """Of two letters with both words equally often, is the one with them side by side first?"""
    filler = " ".join(["kegiatan pelayanan administrasi"] * 6)
    add(index,
        make_document(1, body=f"Jalan sekolah ditutup. {filler} Peralatan rusak diperbaiki."),
        make_document(2, body=f"Perbaikan jalan rusak segera. {filler} Sekolah ditutup."))
    assert ids(search(index, "jalan rusak")) == [2, 1]
    assert ids(search(index, "rusak jalan")) == [2, 1]


def test_letters_with_some_of_the_words_follow_the_full_matches(index: SearchIndex) -> None:
    """When few letters have every word, are letters with some of them listed after, flagged as partial?"""
    add(index,
        make_document(1, body="Posko mudik lebaran dibuka."),
        make_document(2, body="Persiapan angkutan lebaran dan arus mudik."),
        make_document(3, body="Posko kesehatan."),
        make_document(4, body="Rapat anggaran."),
        make_document(5, body="Posko mudik lebaran, secret.", readers=OUTSIDER))
    results = search(index, "posko mudik lebaran")
    assert (results.total, ids(results)) == (1, [1])
    assert partial_ids(results) == [2, 3]
    assert results.partial_total == 2
    assert [hit.partial for hit in results.hits] == [False, True, True]
    # Quotes and operators say exactly what must match: nothing is added.
    for q in ('"posko mudik" lebaran', "posko AND mudik AND lebaran", "posko NOT anggaran mudik"):
        assert all(not hit.partial for hit in search(index, q).hits), q
    # Pages continue through the partial hits; the full matches come first whatever the page.
    assert [hit.id for hit in search(index, "posko mudik lebaran", per_page=2, page=2).hits] == [3]


def test_typo_with_no_hits_runs_the_correction(index: SearchIndex) -> None:
    """Does a query that finds nothing run its spelling correction, and say so?"""
    add(index,
        make_document(1, title="Berita acara pemusnahan arsip", body="Pemusnahan arsip inaktif."),
        make_document(2, title="Surat edaran", body="Pemusnahan barang."))
    results = search(index, "pemusnahn arsip")
    assert (results.corrected_query, results.suggestion, ids(results)) == ("pemusnahan arsip", None, [1])
    typed = search(index, "pemusnahn arsip", autocorrect=False)
    assert (typed.corrected_query, typed.suggestion, typed.total) == (None, "pemusnahan arsip", 0)
    # A query that finds something is never replaced.
    assert search(index, "pemusnahan").corrected_query is None


@pytest.fixture
def cases(index: SearchIndex) -> SearchIndex:
    add(index,
        make_document(1, title="Laporan kejadian tanah longsor Cibeureum",
                      body="Tanah longsor menimbun rumah warga di Kelurahan Cibeureum; tim kaji cepat dikirim."),
        make_document(2, title="Penugasan tim kaji cepat longsor",
                      body="Menugaskan tim kaji cepat ke lokasi longsor Kelurahan Cibeureum."),
        make_document(3, title="Relokasi warga zona rawan longsor",
                      body="Usulan relokasi warga Cibeureum dari zona rawan longsor.", readers=OUTSIDER),
        make_document(4, title="Pengadaan alat tulis kantor", body="Kebutuhan kertas dan tinta printer."),
        make_document(5, title="Rapat anggaran", body="Pembahasan anggaran perubahan."))
    return index


def test_similar_letters_share_key_words_and_exclude_the_letter(cases: SearchIndex) -> None:
    """Does "more like this" return related readable letters, best first, never the letter itself?"""
    results = cases.similar(1, ("unit:1",), limit=5)
    assert [hit.id for hit in results.hits][0] == 2
    assert 1 not in [hit.id for hit in results.hits]
    assert results.hits[0].title == "Penugasan tim kaji cepat longsor"


def test_similar_letters_never_reveal_unreadable_ones(cases: SearchIndex) -> None:
    """Are unreadable letters neither listed nor counted, and an unreadable letter's neighbours not shown?"""
    mine = cases.similar(1, ("unit:1",), limit=5)
    assert 3 not in [hit.id for hit in mine.hits]
    assert mine.total == len([hit for hit in cases.similar(1, ("unit:1",), limit=20).hits])
    everyone = cases.similar(1, ("unit:1", "unit:2"), limit=5)
    assert 3 in [hit.id for hit in everyone.hits] and everyone.total == mine.total + 1
    # The outsider may not read letter 1: nothing at all, not even a count.
    nothing = cases.similar(1, OUTSIDER, limit=5)
    assert (nothing.total, nothing.hits) == (0, [])
    assert cases.similar(99, ("unit:1",)).hits == []
