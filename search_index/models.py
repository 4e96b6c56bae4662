"""Value objects passed in and out of the search index."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class IndexedDocument:
    """One document as the index sees it: searchable text, filter fields, and who may read it."""

    id: int
    title: str
    body: str
    number: str | None
    doc_type: str
    unit: str
    state: str
    security_class: str
    classification: str
    author: str
    created: datetime
    updated: datetime
    readers: tuple[str, ...]
    fingerprint: str
    # The addressees and copies, one a line (searchable like the body, not shown).
    recipients: str = ""


@dataclass(frozen=True)
class SearchRequest:
    """A query with its filters, sort and page, on behalf of a user holding `principals`."""

    q: str
    principals: tuple[str, ...]
    doc_types: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    security_classes: tuple[str, ...] = ()
    classification: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = False
    # When the query finds nothing readable and a corrected spelling does, run the correction.
    autocorrect: bool = True
    # Documents to leave out whatever readers the index holds for them: the caller knows their
    # entries lag behind a change that took the reader's right away. Hits, totals, facets and the
    # "did you mean" are all computed without them.
    hidden: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SearchHit:
    """One result row; `title_html` and `fragments` are HTML-escaped with <mark> around matches."""

    id: int
    title: str
    number: str | None
    doc_type: str
    unit: str
    state: str
    created: datetime
    score: float
    title_html: str
    fragments: list[str] = field(default_factory=list)
    # Matches only some of the words (shown after every letter that matches them all).
    partial: bool = False


@dataclass(frozen=True)
class SearchResults:
    """A page of hits with the total, an optional "did you mean" and facet counts.

    `total` counts the letters matching the whole query. When a page reaches past them, it is
    filled with letters matching only some of the words (`partial` hits), and `partial_total`
    counts those. `corrected_query` is set when the typed query found nothing readable and the
    hits are those of its spelling correction.
    """

    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    suggestion: str | None
    facets: dict[str, dict[str, int]]
    corrected_query: str | None = None
    partial_total: int = 0
