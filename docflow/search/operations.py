"""Run a search for a user: the permission filter is always theirs, and the database has the last word.

The index holds each letter's readers as they were when the worker last indexed it, so it lags
the database by as long as the worker's queue is (seen: minutes). Before answering, the letters
waiting to be indexed again that the user may no longer read are hidden from the index's answer
(hits, totals, facets, "did you mean"), and every hit on the page is checked against the
database's rule in one query; a dropped hit is hidden too and the page asked for again, so the
page stays full and the counts agree with it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.documents.access import readable_clause, user_principals
from docflow.documents.models import Document
from docflow.errors import N_, ServiceUnavailable, ValidationFailed
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import INDEX_DOCUMENT
from docflow.search.params import parse_search
from search_index import QuerySyntaxError, SearchEngine, SearchIndexError, SearchResults

logger = logging.getLogger(__name__)

# A hit the database refuses is hidden and the page asked for again, at most this many times; a
# page still holding refused hits after that is answered without them.
MAX_ROUNDS = 3
# At most this many lagging letters are hidden inside the index: each costs a term lookup there
# (about 0.25 ms), and the usual queue holds a few dozen.
MAX_HIDDEN = 500


def lagging_unreadable_ids(session: Session, user: User, positions: Iterable[int] = ()) -> frozenset[int]:
    """Return the letters whose index entry is out of date (queued or failed) that the user may not read now.

    One query, the rule applied in SQL (no list of ids sent back). Past MAX_HIDDEN such letters (a
    backlog after a bulk import) the newest jobs are taken: the check of each page still keeps
    every unreadable hit out, only the counts may then include older ones until the worker catches up.
    """
    document_id = OutboxJob.payload["document_id"].as_integer()
    readable = exists(select(Document.id).where(Document.id == document_id, readable_clause(user, positions)))
    found = frozenset(session.scalars(
        select(document_id).where(OutboxJob.kind == INDEX_DOCUMENT,
                                  OutboxJob.state.in_((JobState.PENDING, JobState.DEAD)),
                                  document_id.is_not(None), ~readable)
        .order_by(OutboxJob.id.desc()).limit(MAX_HIDDEN)))
    if len(found) >= MAX_HIDDEN:
        logger.warning("search: %d or more letters wait to be indexed again; counts may lag for user %s",
                       MAX_HIDDEN, user.id)
    return found


def readable_among(session: Session, user: User, positions: Iterable[int], ids: Iterable[int]) -> set[int]:
    """Return which of the ids the user may read now, by the database's rule (one query)."""
    ids = set(ids)
    if not ids:
        return set()
    return set(session.scalars(select(Document.id).where(Document.id.in_(ids), readable_clause(user, positions))))


def _checked(session: Session, user: User, positions: frozenset[int],
             run: Callable[[frozenset[int]], SearchResults]) -> SearchResults:
    """Run an index query with the lagging letters hidden, until every hit on its page is readable."""
    hidden = lagging_unreadable_ids(session, user, positions)
    for _round in range(MAX_ROUNDS):
        results = run(hidden)
        shown = {hit.id for hit in results.hits}
        refused = shown - readable_among(session, user, positions, shown)
        if not refused:
            return results
        # The index and the database disagree about a letter that was not queued (a change being
        # indexed right now, or a lost job): hide it and fill the page from the index again.
        logger.warning("search: the index offered user %s letters %s that the database refuses; hidden",
                       user.id, sorted(refused))
        hidden |= refused
    return replace(results, hits=[hit for hit in results.hits if hit.id not in refused],
                   total=max(0, results.total - len(refused)))


def search_documents(session: Session, index: SearchEngine, user: User, args: Any,
                     positions: Iterable[int] = ()) -> SearchResults:
    """Search what the user may read now; bad syntax is a ValidationFailed on `q`."""
    positions = frozenset(positions)
    request = parse_search(args, user_principals(user, positions))
    try:
        return _checked(session, user, positions, lambda hidden: index.search(replace(request, hidden=hidden)))
    except QuerySyntaxError as exc:
        raise ValidationFailed(N_("the query cannot be understood: %(problem)s"), field="q", problem=str(exc)) from exc
    except SearchIndexError as exc:
        logger.error("search failed: %s", exc)
        raise ServiceUnavailable(N_("search is unavailable right now; please try again shortly")) from exc


def similar_documents(session: Session, index: SearchEngine, user: User, document: Document,
                      positions: Iterable[int] = (), limit: int = 5) -> SearchResults:
    """Return letters like `document` among those the user may read (the caller has checked it is readable)."""
    positions = frozenset(positions)
    principals = user_principals(user, positions)
    try:
        return _checked(session, user, positions,
                        lambda hidden: index.similar(document.id, principals, limit, hidden=hidden))
    except SearchIndexError as exc:
        logger.error("similar documents failed: %s", exc)
        raise ServiceUnavailable(N_("search is unavailable right now; please try again shortly")) from exc
