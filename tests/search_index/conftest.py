"""Fixtures for the search index suite: a real Whoosh index in a temporary directory."""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import IndexedDocument, SearchIndex, SearchRequest, SearchResults


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    """An empty, ready index that is closed after the test."""
    search_index = SearchIndex(tmp_path / "index", lock_timeout=2.0)
    search_index.ensure_ready()
    yield search_index
    search_index.close()


def add(index: SearchIndex, *docs: IndexedDocument) -> None:
    """Upsert documents in one committed batch."""
    with index.writer() as batch:
        for doc in docs:
            batch.upsert(doc)


def add_in_commits(index: SearchIndex, docs: list[IndexedDocument], size: int, delete_back: int,
                   delete_every: int) -> None:
    """Upsert docs in commits of `size`; each also deletes every `delete_every`-th id from `delete_back` ids back.

    Several segments, some with deleted postings: the layout a running index has.
    """
    for start in range(0, len(docs), size):
        with index.writer() as batch:
            for doc in docs[start:start + size]:
                batch.upsert(doc)
            for doc_id in range(start - delete_back, start, delete_every):
                if doc_id > 0:
                    batch.delete(doc_id)


def search(index: SearchIndex, q: str, principals: tuple[str, ...] = ("unit:1",), **options: object) -> SearchResults:
    """Run a search as the given principals (unit:1 by default)."""
    return index.search(SearchRequest(q=q, principals=principals, **options))  # type: ignore[arg-type]


def ids(results: SearchResults) -> list[int]:
    """Return the document ids of the hits matching the whole query, in order."""
    return [hit.id for hit in results.hits if not hit.partial]


def partial_ids(results: SearchResults) -> list[int]:
    """Return the document ids of the hits matching only some of the words, in order."""
    return [hit.id for hit in results.hits if hit.partial]


def finishes(target: Callable[[], object], timeout: float = 60.0) -> bool:
    """Run target in a forked child; return whether it ended without error within timeout seconds.

    For inputs made to make a regular expression backtrack: the work takes milliseconds when
    the code is right and hours when it is not, so the test must not wait for it in-process.
    """
    child = multiprocessing.get_context("fork").Process(target=target)
    child.start()
    child.join(timeout=timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0
