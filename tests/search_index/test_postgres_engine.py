"""The PostgreSQL engine's own machinery: rebuilds in several processes, reading positions back."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

import pytest

from search_index import IndexedDocument, SearchIndexError, open_engine
from search_index import postgres_engine
from search_index.postgres_engine import PostgresEngine
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document, synthetic_corpus

pytestmark = pytest.mark.postgres

QUERIES = ["rapat koordinasi", '"tanda tangan"', "penugasan pegawai", "arsip", "ditugaskan -rapat",
           "kearsipan OR drainase", "pelaksana*"]
READER = ("role:arsiparis",)


@pytest.fixture
def index(_index_database: str) -> Iterator[PostgresEngine]:
    from sqlalchemy import create_engine, text

    engine = open_engine("postgres", database_url=_index_database)
    engine.ensure_ready()
    wipe = create_engine(_index_database)
    with wipe.begin() as conn:
        conn.execute(text("TRUNCATE search_entries, search_words"))
    wipe.dispose()
    yield engine
    engine.close()


def _page(index: PostgresEngine, q: str) -> list[tuple[int, float]]:
    return [(hit.id, round(hit.score, 9)) for hit in search(index, q, principals=READER, per_page=50).hits]


def _dying_analyse(docs: list[IndexedDocument]) -> list:
    os._exit(9)


def test_a_parallel_rebuild_writes_the_rows_a_single_process_writes(index: PostgresEngine) -> None:
    docs = list(synthetic_corpus(450, words=(40, 120)))
    assert index.rebuild(docs) == 450
    single = {q: _page(index, q) for q in [*QUERIES, docs[4].number]}
    fingerprints = index.fingerprints()
    assert index.rebuild(iter(docs), processes=2) == 450
    assert index.fingerprints() == fingerprints
    for q, expected in single.items():
        assert expected, q
        assert _page(index, q) == expected, q
    assert [c for c in multiprocessing.active_children() if "SpawnProcess" in c.name] == []


def test_a_failed_read_a_duplicate_a_bad_document_or_a_dead_child_leave_the_index_alone(
        index: PostgresEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    add(index, make_document(1, title="Prasasti"))

    def broken() -> Iterator[IndexedDocument]:
        yield from (make_document(i) for i in range(2, 700))
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        index.rebuild(broken(), processes=2)
    with pytest.raises(SearchIndexError, match="twice"):
        index.rebuild([make_document(7), make_document(8), make_document(7)], processes=2)
    with pytest.raises(SearchIndexError, match="document 9"):
        index.rebuild([make_document(7), make_document(9, readers=("unit 1",))], processes=2)
    monkeypatch.setattr(postgres_engine, "_analyse", _dying_analyse)
    with pytest.raises(SearchIndexError, match="analysis process of the rebuild died"):
        index.rebuild((make_document(i) for i in range(2, 700)), processes=2)
    assert ids(search(index, "prasasti")) == [1]
    assert index.doc_count() == 1
    assert _tables(index) == ["search_entries", "search_meta", "search_words"]


def _tables(index: PostgresEngine) -> list[str]:
    from sqlalchemy import text

    with index._connect() as conn:
        return sorted(conn.scalars(text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_%'")))


def test_searches_during_a_rebuild_read_the_old_rows_and_the_new_table_takes_the_old_ones_place(
        index: PostgresEngine) -> None:
    """The rebuild fills a new table; searches meanwhile answer from the old one, then from the new one."""
    import threading

    from sqlalchemy import text

    add(index, *(make_document(i, title="Prasasti lama") for i in range(1, 4)))
    halfway, go_on = threading.Event(), threading.Event()

    def docs() -> Iterator[IndexedDocument]:
        yield from (make_document(i, title="Candi baru") for i in range(10, 300))
        halfway.set()
        assert go_on.wait(30)
        yield from (make_document(i, title="Candi baru") for i in range(300, 320))

    rebuild = threading.Thread(target=index.rebuild, args=(docs(),))
    rebuild.start()
    try:
        assert halfway.wait(60)
        assert ids(search(index, "prasasti")) == [1, 2, 3]
        assert search(index, "candi").total == 0
    finally:
        go_on.set()
        rebuild.join(60)
    assert search(index, "candi").total == 310 and search(index, "prasasti").total == 0
    assert _tables(index) == ["search_entries", "search_meta", "search_words"]
    with index._connect() as conn:
        names = sorted(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'search_entries'")))
        assert names == ["search_entries_created", "search_entries_pkey", "search_entries_readers", "search_entries_terms"]
        assert conn.scalar(text("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'search_entries'::regclass "
                                "AND attname = 'terms'")) == postgres_engine.TERMS_STATISTICS
    # Writes go to the new table.
    add(index, make_document(500, title="Prasasti baru"))
    assert ids(search(index, "prasasti")) == [500]


def test_positions_read_back_for_scoring_are_the_rows_own_whatever_the_lexeme(index: PostgresEngine) -> None:
    """Lexemes with quotes or backslashes (a number keeps them) survive the tsvector text positions are read from."""
    from sqlalchemy import text
    from whoosh import query as wq

    number = "800/12'A\\B/2026"
    add(index, make_document(1, number=number, title="Rapat", body="Rapat koordinasi pagi dan rapat lagi."))
    with index._connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT u.lexeme, u.positions FROM search_entries e, unnest(e.terms) u WHERE e.doc_id = 1")).all())
        odd = sorted(lex for lex in stored if "'" in lex and "\\" in lex)
        assert odd, sorted(stored)
        leaves = [wq.Term("number", lex.split(":", 1)[1]) for lex in odd]
        q = wq.Or([*leaves, wq.Term("body", "rapat"), wq.Term("title", "rapat"), wq.Term("body", "tidakada")])
        positions = index._load_docs(conn, q, [1])[1].positions
    assert len(positions["b:rapat"]) == 2
    assert positions == {lex: stored[lex] for lex in [*odd, "b:rapat", "t:rapat"]}


PHRASE_QUERIES = ['"rapat koordinasi"', '"jadwal retensi arsip"', '"tanda tangan elektronik"', '"laporan kegiatan"~4',
                  'arsip "rapat koordinasi kearsipan"', '"pelayanan publik" OR "bantuan sosial"',
                  '"rapat koordinasi" OR anggaran', '"surat perintah perjalanan dinas"', "sppd", "rakor pegawai",
                  '"rapat koordinasi" -arsip', 'pelaksana* "rapat koordinasi"', '"laporan" "kegiatan pegawai"']


def test_phrases_checked_in_the_positions_column_find_and_rank_what_checking_terms_does(
        index: PostgresEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Splitting a phrase into words for the GIN index and order for `positions` changes no result."""
    docs = list(synthetic_corpus(300, words=(40, 160)))
    docs += [make_document(1000 + n, title=title, body=body) for n, (title, body) in enumerate([
        ("Jadwal retensi arsip", "Jadwal retensi arsip dinamis. Arsip retensi jadwal lain."),
        ("Surat perintah perjalanan dinas", "Surat perintah perjalanan dinas ke Jakarta untuk rapat koordinasi."),
        ("Laporan", "Laporan pelaksanaan kegiatan pegawai; laporan kegiatan tahunan pegawai."),
        ("Rapat", "Rapat koordinasi kearsipan dan pelayanan publik bersama bantuan sosial.")])]
    index.rebuild(docs)
    split = {q: search(index, q, READER, per_page=40) for q in PHRASE_QUERIES}
    used = []
    original = postgres_engine._split_positions
    monkeypatch.setattr(postgres_engine, "_split_positions",
                        lambda q: used.append(original(q)) or None)
    for q, results in split.items():
        whole = search(index, q, READER, per_page=40)
        assert (results.total, ids(results)) == (whole.total, ids(whole)), q
        assert [round(h.score, 9) for h in results.hits] == [round(h.score, 9) for h in whole.hits], q
    assert sum(1 for found in used if found is not None and found[1] is not None) >= 6
    assert any(results.total for results in split.values())
