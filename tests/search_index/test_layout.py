"""The directory layout: the current symlink, readers following commits, atomic rebuilds."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_index import IndexedDocument, IndexOutdatedError, SearchIndex, SearchIndexError
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document


def _index_dirs(base: Path) -> list[str]:
    return sorted(p.name for p in base.glob("index-*"))


def test_ensure_ready_creates_an_empty_index_once(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "idx")
    index.ensure_ready()
    link = tmp_path / "idx" / "current"
    target = os.readlink(link)
    assert link.is_symlink() and target.startswith("index-") and not os.path.isabs(target)
    index.ensure_ready()
    assert os.readlink(link) == target
    assert index.doc_count() == 0
    index.close()


def test_searching_a_missing_index_is_an_index_error(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "nothing")
    with pytest.raises(SearchIndexError, match="ensure_ready"):
        search(index, "arsip")


def test_ensure_ready_recovers_from_a_vanished_index(tmp_path: Path) -> None:
    base = tmp_path / "idx"
    index = SearchIndex(base)
    index.ensure_ready()
    add(index, make_document(1))
    index.close()
    for directory in base.glob("index-*"):
        for file in directory.iterdir():
            file.unlink()
        directory.rmdir()
    fresh = SearchIndex(base)
    fresh.ensure_ready()
    assert fresh.doc_count() == 0  # empty again; the fingerprint check will reindex
    fresh.close()


def test_reader_sees_commits_of_another_instance_without_reopening(index: SearchIndex) -> None:
    """The web process's cached searcher follows the worker's commits."""
    worker = SearchIndex(index.path)
    assert search(index, "arsip").total == 0
    add(worker, make_document(1, title="Arsip baru"))
    assert ids(search(index, "arsip")) == [1]
    with worker.writer() as batch:
        batch.delete(1)
    assert search(index, "arsip").total == 0
    worker.close()


def test_reader_follows_a_rebuild_by_another_instance(index: SearchIndex) -> None:
    add(index, make_document(1, title="Kuno"))
    assert ids(search(index, "kuno")) == [1]
    worker = SearchIndex(index.path)
    assert worker.rebuild([make_document(2, title="Modern")]) == 1
    assert ids(search(index, "modern")) == [2]
    assert search(index, "kuno").total == 0
    worker.close()


def test_rebuild_keeps_the_previous_directory_and_prunes_older_ones(index: SearchIndex) -> None:
    first = _index_dirs(index.path)
    index.rebuild([make_document(1)])
    second = _index_dirs(index.path)
    index.rebuild([make_document(2)])
    third = _index_dirs(index.path)
    assert len(first) == 1 and len(second) == 2 and len(third) == 2
    assert first[0] not in third and set(second) & set(third)
    current = os.readlink(index.path / "current")
    assert current in third and current not in second
    assert not list(index.path.glob(".current-*"))


def test_writes_after_a_rebuild_go_to_the_new_index(index: SearchIndex) -> None:
    index.rebuild([make_document(1, title="Satu")])
    add(index, make_document(2, title="Dua"))
    assert set(index.fingerprints()) == {1, 2}
    fresh = SearchIndex(index.path)
    assert set(fresh.fingerprints()) == {1, 2}
    fresh.close()


def test_failed_rebuild_leaves_the_current_index_alone(index: SearchIndex) -> None:
    add(index, make_document(1, title="Prasasti"))
    before = _index_dirs(index.path)

    def broken() -> Iterator[IndexedDocument]:
        yield make_document(5)
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        index.rebuild(broken())
    with pytest.raises(SearchIndexError, match="twice"):
        index.rebuild([make_document(7), make_document(7)])
    assert _index_dirs(index.path) == before
    assert ids(search(index, "prasasti")) == [1]


def test_searches_keep_working_during_rebuilds(index: SearchIndex) -> None:
    """Readers in other threads see the old index or the new one, never an error or a mix."""
    old = [make_document(i, title="Rapat koordinasi") for i in range(1, 31)]
    new = [make_document(i, title="Rapat koordinasi") for i in range(100, 140)]
    index.rebuild(old)
    errors: list[BaseException] = []
    totals: set[int] = set()
    stop = threading.Event()

    def keep_searching() -> None:
        reader = SearchIndex(index.path)
        try:
            while not stop.is_set():
                totals.add(search(reader, "rapat").total)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
        finally:
            reader.close()

    threads = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(4):
            index.rebuild(new if round_ % 2 == 0 else old)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert totals <= {30, 40} and totals
    assert search(index, "rapat").total == 30


def test_concurrent_searches_while_the_worker_commits(index: SearchIndex) -> None:
    """One SearchIndex shared by server threads: each search borrows its own searcher."""
    add(index, *[make_document(i, title=f"Surat {i}", body="laporan kegiatan") for i in range(1, 21)])
    errors: list[BaseException] = []

    def searching() -> None:
        try:
            for _ in range(25):
                results = search(index, "laporan", facets=True)
                assert results.total >= 20
                assert len(results.hits) == 20
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    worker = SearchIndex(index.path)
    for i in range(21, 31):
        add(worker, make_document(i, body="laporan tambahan"))
    for thread in threads:
        thread.join(60)
    worker.close()
    assert errors == []
    assert search(index, "laporan").total == 30


def test_closed_index_refuses_to_search(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "idx")
    index.ensure_ready()
    index.close()
    with pytest.raises(SearchIndexError, match="closed"):
        search(index, "arsip")


def test_an_index_of_another_schema_version_must_be_rebuilt(index: SearchIndex) -> None:
    """After an upgrade that changes the analysis, writes stop until `reindex`; reads go on."""
    add(index, make_document(1, title="Prasasti"))
    current = index.path / os.readlink(index.path / "current")
    (current / "docflow-schema-version").write_text("0\n")
    with pytest.raises(IndexOutdatedError, match="reindex"):
        index.ensure_ready()
    with pytest.raises(IndexOutdatedError):
        add(index, make_document(2))
    assert ids(search(index, "prasasti")) == [1]
    index.rebuild([make_document(1, title="Prasasti"), make_document(2)])
    index.ensure_ready()
    add(index, make_document(3))
    assert index.doc_count() == 3


_SLOW_REBUILD = """
import sys, time
from pathlib import Path
from search_index import SearchIndex
from tests.search_index.factories import make_document

def docs():
    yield make_document(9, title="Setengah jadi")
    Path(sys.argv[2]).write_text("started")
    time.sleep(600)

SearchIndex(Path(sys.argv[1])).rebuild(docs())
"""


def test_a_killed_rebuild_leaves_nothing_once_the_index_is_opened_again(index: SearchIndex, tmp_path: Path) -> None:
    """A reindex killed mid-way (kill -9) leaves its directory; the next ensure_ready removes it, not a running one."""
    add(index, make_document(1, title="Prasasti"))
    before = _index_dirs(index.path)
    started = tmp_path / "started"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_REBUILD, str(index.path), str(started)],
                            cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None, "the rebuild process ended early"
            assert time.monotonic() < deadline, "the rebuild never started"
            time.sleep(0.05)
        in_progress = sorted(set(_index_dirs(index.path)) - set(before))
        assert len(in_progress) == 1
        index.ensure_ready()  # the rebuild holds the lock: its directory is work in progress
        assert in_progress[0] in _index_dirs(index.path)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert in_progress[0] in _index_dirs(index.path)  # what the kill left behind
    index.ensure_ready()
    assert _index_dirs(index.path) == before
    assert ids(search(index, "prasasti")) == [1]


def test_opening_a_commit_that_a_newer_one_just_deleted_opens_the_newer(index: SearchIndex,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's commit can delete the table of contents a reader is about to read: it tries again."""
    from search_index.whoosh_engine import reader

    add(index, make_document(1, title="Prasasti"))
    real = reader.FileStorage
    misses = []

    class RacingStorage(real):  # type: ignore[misc, valid-type]
        def open_index(self, *args, **kwargs):
            if len(misses) < 2:
                misses.append(1)
                raise FileNotFoundError(2, "No such file or directory", "_MAIN_2.toc")
            return super().open_index(*args, **kwargs)

    monkeypatch.setattr(reader, "FileStorage", RacingStorage)
    fresh = SearchIndex(index.path)
    assert ids(search(fresh, "prasasti")) == [1] and len(misses) == 2
    fresh.close()
