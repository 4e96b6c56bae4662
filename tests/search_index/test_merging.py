"""Segment merging: commits merge only small segments; large ones merge beside the writer."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from whoosh.filedb.filestore import FileStorage

from search_index import SearchIndex
from search_index.whoosh_engine import merging
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document


@pytest.fixture
def small_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 3+ documents count as large, commits merge once 3 small ones gathered, levels of 2."""
    monkeypatch.setattr(merging, "SMALL_SEGMENT_DOCS", 3)
    monkeypatch.setattr(merging, "SMALL_SEGMENT_COUNT", 3)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 2)


def _segment_sizes(index: SearchIndex) -> list[int]:
    ix = FileStorage(str((index.path / "current").resolve())).open_index()
    try:
        return sorted(s.doc_count_all() for s in ix._segments())
    finally:
        ix.close()


def _batch(start: int, count: int, word: str = "arsip") -> list:
    return [make_document(i, body=f"{word} dokumen {i}") for i in range(start, start + count)]


def test_commits_merge_small_segments_and_leave_large_ones(index: SearchIndex, small_levels: None) -> None:
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    assert _segment_sizes(index) == [4, 4]  # large: no commit merges them
    for doc_id in (20, 21, 22):
        add(index, make_document(doc_id))
    assert _segment_sizes(index) == [1, 1, 1, 4, 4]
    add(index, make_document(23))  # three small segments gathered: this commit merges them with its own
    assert _segment_sizes(index) == [4, 4, 4]
    assert index.doc_count() == 12


def test_choosing_takes_the_smallest_full_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merging, "SMALL_SEGMENT_DOCS", 256)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 4)

    def seg(n: int) -> SimpleNamespace:
        return SimpleNamespace(doc_count_all=lambda: n, name=n)

    sizes = [300, 400, 500, 1100, 2000, 3000, 4000, 100, 20000]  # levels (256, factor 4): 0,0,0,1,1,1,1, small, 2
    assert [s.name for s in merging.choose_merge([seg(n) for n in sizes])] == [1100, 2000, 3000, 4000]
    assert merging.choose_merge([seg(n) for n in [300, 400, 500, 100, 50]]) == []
    assert [s.name for s in merging.choose_merge([seg(n) for n in [300, 260, 400, 500, 900, 700]])] == [
        260, 300, 400, 500]


def test_a_merge_runs_beside_commits_and_keeps_their_changes(index: SearchIndex, small_levels: None,
                                                             tmp_path: Path) -> None:
    """Documents replaced, deleted and added during the merge are as the commits left them."""
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    assert index.wants_merge()
    other = SearchIndex(index.path, lock_timeout=0.5)  # fails fast if the merge held the lock

    def meanwhile() -> None:
        with other.writer() as batch:
            batch.upsert(make_document(2, body="surat perintah tugas"))  # replaced: was "arsip dokumen 2"
            batch.delete(6)
            batch.upsert(make_document(30, body="arsip baru"))

    assert index.merge_segments(between=meanwhile) == 8
    assert _segment_sizes(index) == [2, 8]  # the merged one still counts its two deleted documents
    assert index.doc_count() == 8
    assert sorted(ids(search(index, "arsip", per_page=50))) == [1, 3, 4, 5, 7, 8, 30]
    assert ids(search(index, "tugas")) == [2]
    assert set(index.fingerprints()) == {1, 2, 3, 4, 5, 7, 8, 30}
    assert not index.wants_merge()
    assert not list(index.path.glob(".merge-*"))
    fresh = SearchIndex(index.path)  # what another process opens from disk
    assert sorted(ids(search(fresh, "arsip", per_page=50))) == [1, 3, 4, 5, 7, 8, 30]
    fresh.close()
    other.close()


def test_a_merge_overtaken_by_a_rebuild_is_dropped(index: SearchIndex, small_levels: None) -> None:
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    rebuilder = SearchIndex(index.path)
    assert index.merge_segments(between=lambda: rebuilder.rebuild([make_document(50, body="arsip")])) == 0
    assert ids(search(index, "arsip")) == [50]
    assert not list(index.path.glob(".merge-*"))
    rebuilder.close()


def test_scratch_of_a_dead_merge_is_removed(index: SearchIndex, small_levels: None) -> None:
    stale = index.path / ".merge-999999999-1"
    stale.mkdir()
    (stale / "MAIN_x.seg").write_bytes(b"half a segment")
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    assert index.merge_segments() == 8
    assert not stale.exists()
    assert _segment_sizes(index) == [8]


def test_a_cancelled_merge_changes_nothing(index: SearchIndex, small_levels: None) -> None:
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    cancel = threading.Event()
    cancel.set()
    assert index.merge_segments(cancel=cancel) == 0
    assert _segment_sizes(index) == [4, 4]
    assert not list(index.path.glob(".merge-*"))
    assert index.wants_merge()


def test_two_mergers_of_the_same_segments_one_wins(index: SearchIndex, small_levels: None) -> None:
    """Two workers (PostgreSQL allows several) may pick the same segments: the later merge is dropped."""
    add(index, *_batch(1, 4))
    add(index, *_batch(5, 4))
    other = SearchIndex(index.path)
    assert index.merge_segments(between=lambda: other.merge_segments()) == 0
    assert _segment_sizes(index) == [8]
    assert sorted(ids(search(index, "arsip", per_page=50))) == list(range(1, 9))
    other.close()


def _die(send, *args) -> None:
    os._exit(9)  # as if the kernel had killed it for memory


def _fail(send, *args) -> None:
    send.send(("error", "OSError: No space left on device"))


def test_a_merge_child_that_dies_or_fails_is_reported_not_waited_for(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="died .exit code 9"):
        merging.run_in_child(tmp_path, tmp_path, None, [], None, target=_die)
    with pytest.raises(RuntimeError, match="No space left"):
        merging.run_in_child(tmp_path, tmp_path, None, [], None, target=_fail)
