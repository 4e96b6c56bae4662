"""Full-text search over Docflow documents (tuned for Bahasa Indonesia), behind one engine interface.

This package knows nothing of Flask or of docflow: the application builds IndexedDocument
values from its database and hands them over; permission tokens come in as plain strings.
`open_engine` returns the engine named by the setting `[index] backend`: "whoosh" (an embedded
index folder, search_index.whoosh_engine) or "postgres" (search_index.postgres_engine).
"""
from search_index.engine import BACKENDS, IndexBatch, SearchEngine, open_engine
from search_index.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexOutdatedError,
    QuerySyntaxError,
    SearchIndexError,
)
from search_index.models import IndexedDocument, SearchHit, SearchRequest, SearchResults

__all__ = [
    "BACKENDS",
    "IndexBatch",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexOutdatedError",
    "IndexedDocument",
    "QuerySyntaxError",
    "SearchEngine",
    "SearchHit",
    "SearchIndexError",
    "SearchRequest",
    "SearchResults",
    "open_engine",
]


def __getattr__(name: str):
    # The Whoosh engine's class under its old name, for its own tests and benchmarks; the
    # application names only SearchEngine.
    if name == "SearchIndex":
        from search_index.whoosh_engine import SearchIndex

        return SearchIndex
    raise AttributeError(f"module 'search_index' has no attribute {name!r}")
