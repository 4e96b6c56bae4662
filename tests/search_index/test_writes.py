"""Writing: upsert, delete, one commit per batch, the writer lock, fingerprints."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from search_index import IndexedDocument, IndexLockedError, SearchIndex, SearchIndexError
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document


def test_upsert_replaces_the_document(index: SearchIndex) -> None:
    add(index, make_document(1, title="Draf pertama", fingerprint="v1"))
    add(index, make_document(1, title="Versi kedua", fingerprint="v2"))
    assert index.doc_count() == 1
    assert ids(search(index, "kedua")) == [1]
    assert ids(search(index, "draf")) == []
    assert index.fingerprints() == {1: "v2"}


def test_last_upsert_in_a_batch_wins(index: SearchIndex) -> None:
    with index.writer() as batch:
        batch.upsert(make_document(1, title="Satu", fingerprint="a"))
        batch.upsert(make_document(1, title="Dua", fingerprint="b"))
        batch.upsert(make_document(2, title="Lain"))
        batch.delete(2)
    assert index.doc_count() == 1
    assert index.fingerprints() == {1: "b"}


def test_delete_removes_the_document(index: SearchIndex) -> None:
    add(index, make_document(1, title="Arsip lama"), make_document(2, title="Arsip baru"))
    with index.writer() as batch:
        batch.delete(1)
        batch.delete(99)  # not indexed: nothing to do
    assert ids(search(index, "arsip")) == [2]
    assert set(index.fingerprints()) == {2}
    assert search(index, "", facets=True).facets["doc_type"] == {"nota_dinas": 1}


def test_an_exception_in_the_batch_commits_nothing(index: SearchIndex) -> None:
    add(index, make_document(1, title="Prasasti"))
    with pytest.raises(RuntimeError):
        with index.writer() as batch:
            batch.upsert(make_document(2, title="Tidak jadi"))
            batch.delete(1)
            raise RuntimeError("database rolled back")
    assert index.fingerprints() == {1: "v1-1"}


def test_bad_documents_are_refused_at_upsert(index: SearchIndex) -> None:
    with index.writer() as batch:
        with pytest.raises(SearchIndexError, match="timezone-aware"):
            batch.upsert(make_document(1, created=datetime(2026, 1, 1)))
        with pytest.raises(SearchIndexError, match="spaces"):
            batch.upsert(make_document(2, readers=("unit 1",)))
    assert index.doc_count() == 0


def test_fingerprints_and_doc_count(index: SearchIndex) -> None:
    assert index.fingerprints() == {} and index.doc_count() == 0
    add(index, *[make_document(i, fingerprint=f"fp-{i}") for i in range(1, 6)])
    assert index.fingerprints() == {i: f"fp-{i}" for i in range(1, 6)}
    assert index.doc_count() == 5


def test_writer_gives_up_with_a_clear_error_when_the_lock_is_held(index: SearchIndex) -> None:
    """While a rebuild holds the lock, a second writer times out instead of corrupting the index."""
    if index.backend != "whoosh":
        pytest.skip("a Whoosh folder's write lock (PostgreSQL writers wait on row locks instead)")
    other = SearchIndex(index.path, lock_timeout=0.2)
    started, release = threading.Event(), threading.Event()

    def slow_docs() -> Iterator[IndexedDocument]:
        started.set()
        release.wait(10)
        yield make_document(1)

    rebuild = threading.Thread(target=index.rebuild, args=(slow_docs(),))
    rebuild.start()
    try:
        assert started.wait(10)
        with pytest.raises(IndexLockedError, match="locked by another writer"):
            with other.writer() as batch:
                batch.upsert(make_document(2))
    finally:
        release.set()
        rebuild.join(10)
        other.close()
    assert index.fingerprints() == {1: "v1-1"}


def test_an_empty_batch_does_not_need_the_lock(index: SearchIndex) -> None:
    with index.writer():
        pass
    assert index.doc_count() == 0


def test_counts_stay_exact_across_segments_and_deletions(index: SearchIndex) -> None:
    """Each batch is a segment; deletions live beside the postings until a merge removes them."""
    words = ["arsip", "rapat", "tugas", "anggaran"]
    expected: dict[int, str] = {}
    for batch_no in range(4):
        with index.writer() as batch:
            for i in range(batch_no * 10 + 1, batch_no * 10 + 11):
                word = words[i % 4]
                batch.upsert(make_document(i, title=f"Perihal {word}", body=f"isi {word} {i}"))
                expected[i] = word
            for gone in range(batch_no * 10 - 9, batch_no * 10 + 1, 3):  # from the previous batch
                if gone > 0:
                    batch.delete(gone)
                    expected.pop(gone, None)
            if batch_no == 3:
                batch.upsert(make_document(12, title="Perihal arsip", body="isi arsip"))
                expected[12] = "arsip"
    for word in words:
        results = search(index, word, per_page=100)
        assert sorted(ids(results)) == sorted(i for i, w in expected.items() if w == word), word
        assert results.total == len(results.hits)
    assert set(index.fingerprints()) == set(expected)
