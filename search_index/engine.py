"""The search engine seam: what the worker writes and what searches read, whatever engine stands behind.

Two engines implement it: the embedded Whoosh index in a folder of one machine
(search_index.whoosh_engine, single-node, the default) and PostgreSQL full-text search in the
application's database (search_index.postgres_engine, any number of nodes). `open_engine`
picks one by name, the value of the setting `[index] backend`. Both analyse text with
search_index.analysis, parse queries with search_index.query and highlight with
search_index.highlighting, so they match the same words and mark them alike.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Any, Protocol

from search_index.errors import SearchIndexError
from search_index.models import IndexedDocument, SearchRequest, SearchResults

BACKENDS = ("whoosh", "postgres")


class IndexBatch(Protocol):
    """Changes collected inside `SearchEngine.writer()`, applied in one commit at its end."""

    def upsert(self, doc: IndexedDocument) -> None:
        """Add the document, replacing any indexed document with the same id."""

    def delete(self, doc_id: int) -> None:
        """Remove the document with this id, if it is indexed."""

    def __len__(self) -> int:
        """Return how many changes are collected."""


class SearchEngine(ABC):
    """A full-text index of documents: written by the worker, read by every web process."""

    #: The value of `[index] backend` that selects this engine.
    backend: str = ""
    #: Whether the index lives on one machine only (then one worker writes it, and one node reads it).
    single_node: bool = True
    #: Whether the index lives in the application's database: then writer() takes the caller's open
    #: transaction, and index rows commit together with what the caller commits (the job's end).
    writes_in_database: bool = False

    @abstractmethod
    def describe(self) -> str:
        """Return where the index lives, for an operator ("Whoosh index at /srv/...")."""

    @abstractmethod
    def ensure_ready(self) -> None:
        """Create an empty index if there is none; raise IndexOutdatedError if it needs a rebuild."""

    @abstractmethod
    def writer(self, connection: Any = None) -> AbstractContextManager[IndexBatch]:
        """Collect upserts and deletes; commit them once at exit, or not at all on an exception.

        `connection`: an open SQLAlchemy connection of the application's database, for an engine
        that `writes_in_database`; the changes are then written on it at exit and commit with it.
        Other engines ignore it.
        """

    @abstractmethod
    def rebuild(self, docs: Iterable[IndexedDocument], processes: int = 1) -> int:
        """Index `docs` afresh and switch readers to the new index atomically; return the count."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResults:
        """Run a search for a user; only documents readable by `request.principals` count (facets too)."""

    @abstractmethod
    def similar(self, doc_id: int, principals: tuple[str, ...], limit: int = 5,
                hidden: frozenset[int] = frozenset()) -> SearchResults:
        """Return readable letters like the given one (never the letter itself); none if it is unreadable."""

    @abstractmethod
    def suggest(self, prefix: str, principals: tuple[str, ...], limit: int = 8,
                hidden: frozenset[int] = frozenset()) -> list[str]:
        """Return titles of readable documents whose words start with what the user has typed."""

    @abstractmethod
    def fingerprints(self) -> dict[int, str]:
        """Return id -> fingerprint for every indexed document."""

    @abstractmethod
    def doc_count(self) -> int:
        """Return the number of indexed documents."""

    @abstractmethod
    def check_health(self) -> None:
        """Read the index as a search would; raise SearchIndexError when it cannot be read."""

    @abstractmethod
    def close(self) -> None:
        """Release open readers and connections; searching after close() is an error."""

    # -- what only some engines need (the defaults do nothing) ----------------------------

    def claim_writer(self) -> None:
        """Declare this process the index's writer; raise IndexLockedError if the engine allows only one."""

    def check_node(self) -> None:
        """Raise SearchIndexError if this node cannot serve the index (a single-node index written elsewhere)."""

    def warm(self) -> str | None:
        """Prepare the first searches of a web process just started; return what was done, for the log."""
        return None

    def wants_merge(self) -> bool:
        """Tell whether background maintenance of the index is due (see merge_pending)."""
        return False

    def merge_pending(self, cancel: threading.Event | None = None) -> None:
        """Carry out the due background maintenance until none is due, or until `cancel` is set."""


def open_engine(backend: str, *, path: str | Path | None = None, database_url: str | None = None,
                local_tz: tzinfo = timezone.utc, **options: Any) -> SearchEngine:
    """Return the engine named by `backend` ("whoosh": an index folder at `path`; "postgres": `database_url`)."""
    if backend == "whoosh":
        from search_index.whoosh_engine import SearchIndex

        if path is None:
            raise SearchIndexError("the Whoosh engine needs an index folder (path)")
        return SearchIndex(path, local_tz=local_tz, **options)
    if backend == "postgres":
        if not database_url or not database_url.startswith("postgresql"):
            raise SearchIndexError("the postgres engine needs a postgresql:// database URL")
        from search_index.postgres_engine import PostgresEngine

        return PostgresEngine(database_url, local_tz=local_tz, **options)
    raise SearchIndexError(f"unknown search engine {backend!r}; expected one of {', '.join(BACKENDS)}")
