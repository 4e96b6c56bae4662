"""Fixtures for the search index suite: a real index of each engine.

The engine-neutral modules (CONTRACT_MODULES) form the contract suite: their `index` is each
engine in turn, a Whoosh folder and a PostgreSQL database, and every test must pass on both.
The other modules test the Whoosh engine's own machinery (segments, merges, postings).
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import IndexedDocument, SearchEngine, SearchIndex, SearchRequest, SearchResults, open_engine


CONTRACT_MODULES = frozenset({"test_search", "test_permissions", "test_writes", "test_relevance_features",
                              "test_query_syntax"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        contract = metafunc.module.__name__.rsplit(".", 1)[-1] in CONTRACT_MODULES
        names = ["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)] if contract else ["whoosh"]
        metafunc.parametrize("engine_name", names)


@pytest.fixture(scope="session")
def _index_database() -> Iterator[str]:
    from tests import pg

    with pg.postgres_database() as url:
        yield url


@pytest.fixture
def make_index(request: pytest.FixtureRequest, engine_name: str,
               tmp_path: Path) -> Iterator[Callable[..., SearchEngine]]:
    """Return a maker of empty, ready indexes of the engine under test (closed after the test)."""
    made: list[SearchEngine] = []

    def make(**options: object) -> SearchEngine:
        if engine_name == "postgres":
            from sqlalchemy import create_engine, text

            url = request.getfixturevalue("_index_database")
            engine = open_engine("postgres", database_url=url, **options)
            engine.ensure_ready()
            wipe = create_engine(url)
            with wipe.begin() as conn:
                conn.execute(text("TRUNCATE search_entries, search_words"))
            wipe.dispose()
        else:
            engine = SearchIndex(tmp_path / f"index-{len(made)}", lock_timeout=2.0, **options)
            engine.ensure_ready()
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def index(make_index: Callable[..., SearchEngine]) -> SearchEngine:
    """An empty, ready index of the engine under test, closed after the test."""
    return make_index()


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
