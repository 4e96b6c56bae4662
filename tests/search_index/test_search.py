"""Searching: words, phrases, prefixes, numbers, filters, sorting, pages, highlights, facets."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from search_index import SearchIndex, SearchIndexError
from search_index.models import MAX_PER_PAGE
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def letters(index: SearchIndex) -> SearchIndex:
    add(index,
        make_document(1, title="Surat Tugas Penugasan Pegawai", number="000.8.3.3/15/DISKOMINFO/2026",
                      body="Pegawai ditugaskan menghadiri rapat koordinasi kearsipan di Balai Kota.",
                      doc_type="surat_tugas", state="signed", classification="000.8.3.3",
                      created=datetime(2026, 2, 1, 3, 0, tzinfo=timezone.utc)),
        make_document(2, title="Undangan Rapat Koordinasi", number="005/7/SETDA/2026",
                      body="Mengundang Bapak/Ibu hadir pada rapat koordinasi pengelolaan arsip dinamis.",
                      doc_type="surat_undangan", unit="SETDA", classification="005",
                      created=datetime(2026, 2, 10, 3, 0, tzinfo=timezone.utc)),
        make_document(3, title="Disposisi surat masuk", body="Mohon segera ditindaklanjuti dan dilaporkan.",
                      state="sent", security_class="terbatas", classification="000.8.1",
                      created=datetime(2025, 12, 30, 18, 0, tzinfo=timezone.utc)),
        make_document(4, title="Laporan kegiatan", body="Laporan pelaksanaan kegiatan pelatihan pegawai.",
                      doc_type="laporan", classification="000.81",
                      created=datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc)))
    return index


def test_word_forms_match(letters: SearchIndex) -> None:
    """Does a search for "tugas" find "Penugasan" and "ditugaskan"?"""
    assert ids(search(letters, "tugas")) == [1]
    assert ids(search(letters, "penugasan")) == [1]
    assert set(ids(search(letters, "kearsipan"))) == {1, 2}


def test_title_outranks_body(letters: SearchIndex) -> None:
    """Both letters mention "rapat koordinasi"; the one with it in the title comes first."""
    results = search(letters, "koordinasi")
    assert ids(results) == [2, 1]
    assert results.hits[0].score > results.hits[1].score > 0


def test_phrase(letters: SearchIndex) -> None:
    assert set(ids(search(letters, '"rapat koordinasi"'))) == {1, 2}
    assert ids(search(letters, '"koordinasi rapat"')) == []
    assert ids(search(letters, '"pengelolaan arsip"')) == [2]


def test_phrases_of_common_words_match_only_side_by_side_in_order(index: SearchIndex) -> None:
    """Pairs of common words are indexed for speed; a phrase still needs its words adjacent and in order."""
    add(index,
        make_document(11, title="Catatan", body="Rapat koordinasi arsip elektronik publik di aula."),
        make_document(12, title="Catatan", body="Rapat bulanan, koordinasi arsip publik elektronik."),
        make_document(13, title="Rapat koordinasi", body="Koordinasi rapat elektronik arsip."),
        make_document(14, title="Catatan", body="Arsip elektronik diperbarui, kantor publik menerima rapat."))
    assert set(ids(search(index, '"rapat koordinasi"'))) == {11, 13}      # a pair: in the body, in the title
    assert ids(search(index, '"koordinasi rapat"')) == [13]
    assert set(ids(search(index, '"arsip elektronik"'))) == {11, 14}
    assert ids(search(index, '"arsip elektronik publik"')) == [11]       # 14 holds both pairs' words, not the three
    assert ids(search(index, '"koordinasi arsip publik"')) == [12]
    assert ids(search(index, '"rapat koordinasi arsip elektronik"')) == [11]


def test_prefix(letters: SearchIndex) -> None:
    """A prefix matches indexed roots, and title words as written."""
    assert set(ids(search(letters, "lapor*"))) == {3, 4}     # dilaporkan, Laporan
    assert ids(search(letters, "disp*")) == [3]
    assert ids(search(letters, "zzz*")) == []
    (hit,) = search(letters, "penug*").hits                  # "Penugasan" in the title
    assert hit.id == 1 and "<mark>Penugasan</mark>" in hit.title_html


def test_number_whole_and_by_leading_parts(letters: SearchIndex) -> None:
    for q in ["000.8.3.3/15/DISKOMINFO/2026", "000.8.3.3/15/diskominfo", "000.8.3.3/15", "000.8.3.3"]:
        assert ids(search(letters, q)) == [1], q
    assert ids(search(letters, "005/7")) == [2]
    assert ids(search(letters, "000.8.3.3/16")) == []


@pytest.mark.parametrize(("option", "value", "expected"), [
    ("doc_types", ("surat_tugas",), {1}),
    ("doc_types", ("surat_tugas", "laporan"), {1, 4}),
    ("units", ("SETDA",), {2}),
    ("states", ("signed", "sent"), {1, 3}),
    ("security_classes", ("terbatas",), {3}),
    ("classification", "000.8", {1, 3}),        # "000.81" is a sibling, not a child
    ("classification", "000.8.3.3", {1}),
    ("classification", "000.81", {4}),
    ("classification", "005.", {2}),
])
def test_each_filter(letters: SearchIndex, option: str, value: object, expected: set[int]) -> None:
    assert set(ids(search(letters, "", **{option: value}))) == expected


def test_filters_combine_with_and_and_with_the_query(letters: SearchIndex) -> None:
    assert ids(search(letters, "", doc_types=("surat_tugas", "laporan"), states=("draft",))) == [4]
    assert ids(search(letters, "pegawai", doc_types=("laporan",))) == [4]
    assert ids(search(letters, "pegawai", units=("SETDA",))) == []


def test_date_range_is_inclusive_on_created(letters: SearchIndex) -> None:
    assert set(ids(search(letters, "", date_from=date(2026, 2, 1), date_to=date(2026, 2, 10)))) == {1, 2}
    assert set(ids(search(letters, "", date_from=date(2026, 2, 2)))) == {2, 4}
    assert set(ids(search(letters, "", date_to=date(2025, 12, 31)))) == {3}
    assert ids(search(letters, "", date_from=date(2026, 3, 2), date_to=date(2026, 3, 1))) == []


def test_dates_follow_the_configured_calendar(make_index) -> None:
    """30 Dec 18:00 UTC is already 31 Dec 01:00 in Jakarta (WIB)."""
    wib_index = make_index(local_tz=WIB)
    add(wib_index, make_document(3, created=datetime(2025, 12, 30, 18, 0, tzinfo=timezone.utc)))
    assert ids(search(wib_index, "", date_from=date(2025, 12, 31), date_to=date(2025, 12, 31))) == [3]
    assert ids(search(wib_index, "", date_to=date(2025, 12, 30))) == []
    assert search(wib_index, "", facets=True).facets["year"] == {"2025": 1}


def test_sort_by_date(letters: SearchIndex) -> None:
    assert ids(search(letters, "", sort="newest")) == [4, 2, 1, 3]
    assert ids(search(letters, "", sort="oldest")) == [3, 1, 2, 4]
    assert ids(search(letters, "pegawai", sort="oldest")) == [1, 4]
    assert ids(search(letters, "pegawai", sort="newest")) == [4, 1]
    # Browsing has no relevance: it lists newest first.
    assert ids(search(letters, "")) == [4, 2, 1, 3]


def test_unknown_sort_is_an_error(letters: SearchIndex) -> None:
    with pytest.raises(SearchIndexError):
        search(letters, "", sort="title")


def test_pagination(index: SearchIndex) -> None:
    add(index, *[make_document(i, title=f"Laporan bulanan {i}") for i in range(1, 26)])
    first = search(index, "laporan", per_page=10, sort="newest")
    third = search(index, "laporan", per_page=10, page=3, sort="newest")
    assert first.total == third.total == 25
    assert ids(first) == list(range(25, 15, -1))
    assert ids(third) == [5, 4, 3, 2, 1]
    assert ids(search(index, "laporan", per_page=10, page=4)) == []
    relevance_pages = [ids(search(index, "laporan", per_page=7, page=p)) for p in range(1, 5)]
    assert sorted(sum(relevance_pages, [])) == list(range(1, 26))


def test_per_page_is_capped(index: SearchIndex) -> None:
    add(index, *[make_document(i) for i in range(1, 121)])
    results = search(index, "", per_page=1000)
    assert results.per_page == MAX_PER_PAGE and len(results.hits) == MAX_PER_PAGE
    assert results.total == 120
    assert search(index, "", per_page=0, page=-3).page == 1


def test_hits_carry_the_stored_fields(letters: SearchIndex) -> None:
    (hit,) = search(letters, "000.8.3.3/15").hits
    assert (hit.id, hit.number, hit.doc_type, hit.unit, hit.state) == (
        1, "000.8.3.3/15/DISKOMINFO/2026", "surat_tugas", "DISKOMINFO", "signed")
    assert hit.created == datetime(2026, 2, 1, 3, 0, tzinfo=timezone.utc)
    assert hit.created.tzinfo is not None


def test_highlights_mark_matches_and_escape_the_rest(index: SearchIndex) -> None:
    add(index, make_document(
        1, title="<script>alert(1)</script> Penugasan & tugas",
        body='Isi "surat" <b>penting</b>: pegawai ditugaskan ke <img src=x onerror=alert(1)>.'))
    (hit,) = search(index, "tugas").hits
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Penugasan</mark> &amp; <mark>tugas</mark>"
    (fragment,) = hit.fragments
    assert "<mark>ditugaskan</mark>" in fragment
    assert "<b>" not in fragment and "<img" not in fragment
    assert "&lt;b&gt;penting&lt;/b&gt;" in fragment and "&quot;surat&quot;" in fragment
    # Removing the marks leaves no tag at all.
    assert "<" not in fragment.replace("<mark>", "").replace("</mark>", "")


def test_fragments_are_short_and_few(index: SearchIndex) -> None:
    body = " ".join(["Kalimat pengisi tanpa kata yang dicari."] * 30 + ["Arsip dinamis disimpan."] * 1
                    + ["Kalimat pengisi lain."] * 40 + ["Pengarsipan elektronik."] + ["Penutup."] * 60
                    + ["Kearsipan daerah."] + ["Akhir."] * 60 + ["Arsip statis."])
    add(index, make_document(1, body=body))
    (hit,) = search(index, "arsip").hits
    assert 1 <= len(hit.fragments) <= 3
    assert all(len(f.replace("<mark>", "").replace("</mark>", "")) <= 260 for f in hit.fragments)
    assert all("<mark>" in f for f in hit.fragments)


def test_no_match_in_body_shows_its_opening(index: SearchIndex) -> None:
    add(index, make_document(1, title="Arsip", body="Isi surat yang panjang. " * 40))
    (hit,) = search(index, "arsip").hits
    assert hit.title_html == "<mark>Arsip</mark>"
    (fragment,) = hit.fragments
    assert fragment.startswith("Isi surat yang panjang.") and fragment.endswith("…")
    (browsed,) = search(index, "").hits
    assert browsed.title_html == "Arsip" and browsed.fragments == [fragment]


def test_facets_count_the_result_set(letters: SearchIndex) -> None:
    facets = search(letters, "", facets=True).facets
    assert facets["doc_type"] == {"laporan": 1, "nota_dinas": 1, "surat_tugas": 1, "surat_undangan": 1}
    assert facets["unit"] == {"DISKOMINFO": 3, "SETDA": 1}
    assert facets["state"] == {"draft": 2, "sent": 1, "signed": 1}
    assert facets["security_class"] == {"biasa": 3, "terbatas": 1}
    assert facets["year"] == {"2026": 3, "2025": 1}
    assert search(letters, "pegawai", facets=True).facets["doc_type"] == {"laporan": 1, "surat_tugas": 1}
    assert search(letters, "pegawai").facets == {}


def test_did_you_mean(letters: SearchIndex) -> None:
    results = search(letters, "koordinsi", autocorrect=False)
    assert results.total == 0
    assert results.suggestion == "koordinasi"
    assert set(ids(search(letters, results.suggestion))) == {1, 2}
    assert search(letters, "rapat koordinsi", autocorrect=False).suggestion == "rapat koordinasi"
    assert search(letters, "koordinasi").suggestion is None
    assert search(letters, "qwertyuiop", autocorrect=False).suggestion is None


def test_empty_index_and_empty_results(index: SearchIndex) -> None:
    results = search(index, "apa saja", facets=True)
    assert (results.total, results.hits, results.suggestion) == (0, [], None)
    assert all(counts == {} for counts in results.facets.values())


def test_phrases_of_common_and_rare_words(index: SearchIndex) -> None:
    """Phrases of common words come from the pair fields; the answer is that of a phrase search."""
    add(index,
        make_document(1, body="Kepala Dinas Kominfo hadir."),
        make_document(2, body="Dinas kepala sekolah."),
        make_document(3, body="Kepala bidang dinas."),
        make_document(4, body="Kepala untuk Dinas."),          # a stop word between: still adjacent
        make_document(5, body="Kepala Dinas Ngubane meninjau."),
        make_document(6, body="Dinas Ngubane, kepala dinas."))
    assert set(ids(search(index, '"kepala dinas"'))) == {1, 4, 5, 6}
    assert set(ids(search(index, '"Dinas Ngubane"'))) == {5, 6}          # not a pair: positions
    assert set(ids(search(index, '"kepala dinas ngubane"'))) == {5}      # pair, then positions
    assert set(ids(search(index, '"dinas kepala sekolah"'))) == {2}
    (hit,) = search(index, '"kepala dinas ngubane"').hits
    assert hit.fragments == ["<mark>Kepala</mark> <mark>Dinas</mark> <mark>Ngubane</mark> meninjau."]


def test_autocomplete_offers_distinct_titles_newest_first(index: SearchIndex) -> None:
    add(index,
        make_document(1, title="Penugasan Pegawai Dinas"),
        make_document(2, title="Penugasan  pegawai dinas"),      # the same title, newer
        make_document(3, title="Pengumuman Penerimaan Pegawai"),
        make_document(4, title="Penugasan Tim Verifikasi"),
        make_document(5, title="Laporan"))
    assert index.suggest("penu", ("unit:1",)) == ["Penugasan Tim Verifikasi", "Penugasan  pegawai dinas"]
    assert index.suggest("penugasan peg", ("unit:1",)) == ["Penugasan  pegawai dinas"]
    assert index.suggest("pegawai ", ("unit:1",)) == [
        "Pengumuman Penerimaan Pegawai", "Penugasan  pegawai dinas"]
    assert index.suggest("pe", ("unit:1",), limit=2) == ["Penugasan Tim Verifikasi", "Pengumuman Penerimaan Pegawai"]
    assert index.suggest("", ("unit:1",)) == [] and index.suggest("yang", ("unit:1",)) == []


def test_did_you_mean_corrects_affixed_words_as_written(index: SearchIndex) -> None:
    """A typo in "pemusnahan" is near the word as written, not near its root "musnah"."""
    add(index,
        make_document(1, title="Berita acara pemusnahan arsip", body="Pemusnahan arsip inaktif."),
        make_document(2, title="Surat edaran", body="Dokumen ditandatangani dengan tanda tangan elektronik."),
        make_document(3, title="Daftar hadir", body="Tanggal rapat."))
    assert search(index, "pemusnahn arsip", autocorrect=False).suggestion == "pemusnahan arsip"
    # "tanggan" is one edit from "tangan" and from "tanggal": the office compound wins.
    assert search(index, "tanda tanggan elektronik", autocorrect=False).suggestion == "tanda tangan elektronik"
    assert ids(search(index, "tanda tangan elektronik")) == [2]


def test_part_of_a_number_finds_the_letter_and_letters_citing_it(index: SearchIndex) -> None:
    add(index,
        make_document(1, number="000.8.3.3/15/DISKOMINFO/2026", title="Undangan rapat"),
        make_document(2, title="Notula rapat", body="Menindaklanjuti surat nomor 000.8.3.3/15/DISKOMINFO/2026."),
        make_document(3, number="000.8.3.3/16/DISKOMINFO/2026", title="Undangan lain"))
    assert ids(search(index, "15/DISKOMINFO")) == [1, 2]
    assert ids(search(index, "15/diskominfo/2026")) == [1, 2]
    assert set(ids(search(index, "diskominfo/2026"))) == {1, 2, 3}
    assert ids(search(index, "no 15/DISKOMINFO/2026")) == [1, 2]       # "no" as staff type it
    # The classification code alone finds it in the text too (issue 17: an uploaded letter's number is only there).
    assert set(ids(search(index, "000.8.3.3"))) == {1, 2, 3}


def test_past_the_exhaustive_limit_every_match_is_counted_and_faceted(index: SearchIndex,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the number of matches scored one by one, the best are preselected; totals and facets still count all."""
    from search_index import postgres_engine

    monkeypatch.setattr(postgres_engine, "SCORE_ALL_BELOW", 3)
    monkeypatch.setattr(postgres_engine, "PRESELECT", 4)
    add(index,
        *(make_document(20 + n, title=f"Catatan {n}", body=f"Laporan pemeliharaan gedung nomor {n}.",
                        doc_type="laporan" if n % 2 else "nota_dinas", unit="SETDA" if n < 3 else "DISKOMINFO")
          for n in range(8)),
        make_document(30, title="Pemeliharaan gedung", body="Pemeliharaan gedung balai kota dan pemeliharaan taman."),
        make_document(31, title="Lain", body="Tidak ada kata yang dicari.", readers=("unit:2",)))
    results = search(index, "pemeliharaan", facets=True, per_page=3)
    assert results.total == 9
    assert ids(results)[0] == 30                      # in the title and twice in the body
    assert len(ids(results)) == 3
    assert results.facets["doc_type"] == {"nota_dinas": 5, "laporan": 4}
    assert results.facets["unit"] == {"DISKOMINFO": 6, "SETDA": 3}
    second = search(index, "pemeliharaan", facets=True, per_page=3, page=3)
    assert second.total == 9 and len(ids(second)) == 3


def test_past_the_exhaustive_limit_a_phrase_of_indexed_pairs_preselects_by_its_words(
        index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preselect ranks a two-word phrase (one indexed pair) by where its words stand, not by the pair."""
    from search_index import postgres_engine

    monkeypatch.setattr(postgres_engine, "SCORE_ALL_BELOW", 3)
    monkeypatch.setattr(postgres_engine, "PRESELECT", 2)
    add(index,
        *(make_document(n, title=f"Catatan {n}", body="Rapat koordinasi bulanan. " + "Isi catatan lain. " * 20)
          for n in range(1, 8)),
        make_document(50, title="Catatan", body="Rapat koordinasi, rapat koordinasi, dan rapat koordinasi lagi."))
    results = search(index, '"rapat koordinasi"', per_page=1)
    assert results.total == 8
    assert ids(results) == [50]


def test_a_common_words_top_from_its_title_matches_is_the_exhaustive_top(index: SearchIndex, engine_name: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring only the matches with a title hit gives the same page as scoring every match, when it is used."""
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's title tier (the Whoosh engine's is in test_ranking_paths)")
    from search_index import postgres_engine

    add(index,
        *(make_document(100 + n, title=f"Pemeliharaan gedung {n}" if n < 8 else f"Catatan {n}",
                        body="Pemeliharaan rutin. " * (1 + n % 4) + "Isi lain " * (n % 7)) for n in range(40)))
    used = []
    original = postgres_engine.PostgresEngine._rank_title_tier

    def spy(self, *args, **kwargs):
        found = original(self, *args, **kwargs)
        used.append(found is not None)
        return found

    monkeypatch.setattr(postgres_engine.PostgresEngine, "_rank_title_tier", spy)
    monkeypatch.setattr(postgres_engine, "TITLE_TIER_ABOVE", 10)
    tiered = search(index, "pemeliharaan", per_page=5)
    assert used == [True]
    monkeypatch.setattr(postgres_engine, "TITLE_TIER_ABOVE", 10**9)
    exhaustive = search(index, "pemeliharaan", per_page=5)
    assert tiered.total == exhaustive.total == 40
    assert ids(tiered) == ids(exhaustive)
    assert all(hit.id < 108 for hit in tiered.hits)
    assert [round(h.score, 9) for h in tiered.hits] == [round(h.score, 9) for h in exhaustive.hits]
    # A page past the title matches cannot be settled by them: every match is scored.
    used.clear()
    monkeypatch.setattr(postgres_engine, "TITLE_TIER_ABOVE", 10)
    assert ids(search(index, "pemeliharaan", per_page=5, page=3))[0] >= 108
    assert used == [False]


def test_a_large_indexs_statistics_come_from_analyze_and_rank_as_the_exact_counts(
        index: SearchIndex, engine_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past EXACT_STATS_BELOW rows, common words' frequencies come from pg_stats: same ranking as counting them."""
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's statistics (the Whoosh engine reads its own postings)")
    from sqlalchemy import text

    from search_index import postgres_engine
    from tests.search_index.factories import synthetic_corpus

    assert index.rebuild(synthetic_corpus(400, words=(40, 120), units=4)) == 400  # the rebuild runs ANALYZE
    readers = ("unit:1", "role:arsiparis")
    queries = ("pelaksanaan", "rapat koordinasi", '"rapat koordinasi"', "kegiatan anggaran", "surat")
    exact = [search(index, q, readers, per_page=20) for q in queries]
    assert not index._stats.common                      # a small table: every frequency counted
    monkeypatch.setattr(postgres_engine, "EXACT_STATS_BELOW", 100)
    index._stats.forget()
    estimated = [search(index, q, readers, per_page=20) for q in queries]
    common = index._stats.common
    assert len(common) > 50 and index._stats.count == 400
    rapat = postgres_engine._quote(postgres_engine.lexeme("body", "rapat"))
    assert rapat in common
    # ANALYZE read every row of so small a table: its shares are the exact counts.
    with index._connect() as conn:
        for quoted in (rapat, *sorted(common)[:20]):
            assert index._doc_frequency(conn, quoted) == conn.scalar(text(
                "SELECT count(*) FROM search_entries WHERE terms @@ CAST(:q AS tsquery)"), {"q": quoted})
        # A lexeme rarer than the most common ones is counted.
        rare = postgres_engine._quote(postgres_engine.lexeme("number", "diskominfo"))
        assert rare not in common and index._doc_frequency(conn, rare) == 0
    for ex, es in zip(exact, estimated):
        assert es.total == ex.total and ids(es) == ids(ex)
        assert [round(h.score, 3) for h in es.hits] == pytest.approx([round(h.score, 3) for h in ex.hits], rel=0.02)
