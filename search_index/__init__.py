"""Full-text search over Docflow documents (Whoosh, tuned for Bahasa Indonesia).

This package knows nothing of Flask or of docflow: the application builds IndexedDocument
values from its database and hands them over; permission tokens come in as plain strings.
"""
from search_index import postings
from search_index.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexOutdatedError,
    QuerySyntaxError,
    SearchIndexError,
)
from search_index.index import IndexBatch, SearchIndex
from search_index.models import IndexedDocument, SearchHit, SearchRequest, SearchResults

postings.install()

__all__ = [
    "IndexBatch",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexOutdatedError",
    "IndexedDocument",
    "QuerySyntaxError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexError",
    "SearchRequest",
    "SearchResults",
]
