"""Rebuilding with several processes (search_index.whoosh_engine.building): the same index, one segment per process."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search_index import IndexedDocument, SearchIndex, SearchIndexError
from search_index.whoosh_engine import building
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document, synthetic_corpus

QUERIES = ["rapat koordinasi", '"tanda tangan"', "penugasan pegawai", "arsip", "ditugaskan -rapat",
           "kearsipan OR drainase", "pelaksana*"]


def _segments(index: SearchIndex) -> list[int]:
    ix = whoosh_index.open_dir(str(index.path / "current"))
    try:
        return sorted(segment.doc_count_all() for segment in ix._segments())
    finally:
        ix.close()


def _ranking(index: SearchIndex, q: str) -> tuple[list[float], set[tuple[int, float]]]:
    """Return the page's scores, and (id, score) of the hits above its last score.

    Equal scores are ordered by Whoosh's document number, which depends on how the index was
    built; which of the letters tied at the page's end make it onto the page does too.
    """
    hits = search(index, q, principals=("role:arsiparis",), per_page=50).hits
    scores = [round(hit.score, 9) for hit in hits]
    return scores, {(hit.id, score) for hit, score in zip(hits, scores) if score > scores[-1]}


def _index_dirs(base: Path) -> list[str]:
    return sorted(p.name for p in base.iterdir() if p.name.startswith("index-"))


def _children() -> list[str]:
    return [child.name for child in multiprocessing.active_children() if child.name.startswith("index-build")]


def test_a_parallel_rebuild_ranks_exactly_like_a_single_process_one(tmp_path: Path) -> None:
    """Are totals, order and scores the same whether one process or three built the index?"""
    docs = list(synthetic_corpus(400, words=(40, 120)))
    one = SearchIndex(tmp_path / "one")
    three = SearchIndex(tmp_path / "three")
    try:
        assert one.rebuild(docs) == 400
        assert three.rebuild(iter(docs), processes=3) == 400
        assert _segments(one) == [400]
        parts = _segments(three)
        assert len(parts) == 3 and sum(parts) == 400 and min(parts) > 0
        assert three.doc_count() == 400 and sorted(three.fingerprints()) == list(range(1, 401))
        for q in [*QUERIES, docs[4].number, docs[4].number.split("/")[0]]:
            expected = _ranking(one, q)
            assert expected[0], q
            assert _ranking(three, q) == expected, q
            assert search(three, q, principals=("role:arsiparis",)).total == \
                search(one, q, principals=("role:arsiparis",)).total
        assert not list((three.path / "current").glob(f"{building.PART_PREFIX}*"))
        assert not [p for p in (three.path / "current").iterdir() if p.suffix == ".tmp"]
    finally:
        one.close()
        three.close()


def test_writes_after_a_parallel_rebuild_replace_and_delete_across_its_segments(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "idx")
    try:
        index.rebuild([make_document(i, body="laporan kegiatan") for i in range(1, 201)], processes=2)
        add(index, make_document(7, body="pemusnahan arsip"), make_document(150, body="pemusnahan arsip"))
        with index.writer() as batch:
            batch.delete(8)
        assert sorted(ids(search(index, "pemusnahan"))) == [7, 150]
        assert search(index, "laporan").total == 197
        assert index.doc_count() == 199
    finally:
        index.close()


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_documents_than_processes(tmp_path: Path, count: int) -> None:
    """A process that got no document leaves no empty segment and no scratch folder behind."""
    index = SearchIndex(tmp_path / "idx")
    try:
        assert index.rebuild([make_document(i, title="Prasasti") for i in range(1, count + 1)], processes=3) == count
        assert _segments(index) == ([count] if count else [])
        assert ids(search(index, "prasasti")) == list(range(1, count + 1))
        current = index.path / "current"
        assert not list(current.glob(f"{building.PART_PREFIX}*"))
    finally:
        index.close()


def _raising_child(scratch: str, local_tz, jobs, send) -> None:
    send.send(("error", "OSError: No space left on device"))
    send.close()


def _dying_child(scratch: str, local_tz, jobs, send) -> None:
    jobs.get()
    os._exit(9)


@pytest.mark.parametrize(("target", "message"), [(_raising_child, "failed: OSError: No space left"),
                                                 (_dying_child, "died \\(exit code 9\\)")])
def test_a_failing_build_process_fails_the_rebuild_and_leaves_the_index_alone(
        index: SearchIndex, monkeypatch: pytest.MonkeyPatch, target, message: str) -> None:
    """A child that reports an error or dies (killed for memory, say) ends the rebuild with a clear error."""
    add(index, make_document(1, title="Prasasti"))
    before = _index_dirs(index.path)
    real = building.build_parts
    monkeypatch.setattr(building, "build_parts", lambda *args, **kwargs: real(*args, **kwargs, target=target))
    with pytest.raises(SearchIndexError, match=message):
        index.rebuild((make_document(i) for i in range(1, 2000)), processes=2)
    assert _index_dirs(index.path) == before
    assert ids(search(index, "prasasti")) == [1]
    assert _children() == []


def test_a_failed_read_or_a_duplicate_stops_the_processes_and_leaves_the_index_alone(index: SearchIndex) -> None:
    add(index, make_document(1, title="Prasasti"))
    before = _index_dirs(index.path)

    def broken() -> Iterator[IndexedDocument]:
        yield from (make_document(i) for i in range(2, 300))
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        index.rebuild(broken(), processes=2)
    with pytest.raises(SearchIndexError, match="twice"):
        index.rebuild([make_document(7), make_document(8), make_document(7)], processes=2)
    bad = make_document(9, readers=("unit 1",))
    with pytest.raises(SearchIndexError, match="document 9"):
        index.rebuild([make_document(7), bad], processes=2)
    assert _index_dirs(index.path) == before
    assert ids(search(index, "prasasti")) == [1]
    assert _children() == []


def test_processes_must_be_positive(index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        index.rebuild([], processes=0)
