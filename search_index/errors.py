"""Errors raised by the search index package."""
from __future__ import annotations


class SearchIndexError(Exception):
    """The index cannot do what was asked (missing, locked, corrupt, bad request)."""


class IndexLockedError(SearchIndexError):
    """Another writer held the index lock for longer than the timeout."""


class IndexDamagedError(SearchIndexError):
    """Files of the index are missing or unreadable (a disk fault, a folder tampered with): rebuild it."""


class IndexOutdatedError(SearchIndexError):
    """The index on disk was built by another version of the analysis or schema: rebuild it."""


class QuerySyntaxError(SearchIndexError):
    """The user's query cannot be parsed; the message is safe to show to the user."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        # A stable code ("unbalanced_quote", ...) the interface can translate.
        self.reason = reason
