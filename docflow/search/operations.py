"""Run a search for a user: the permission filter is always theirs."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from docflow.auth.models import User
from docflow.documents.models import Document
from docflow.documents.access import user_principals
from docflow.errors import N_, ServiceUnavailable, ValidationFailed
from docflow.search.params import parse_search
from search_index import QuerySyntaxError, SearchIndex, SearchIndexError, SearchResults

logger = logging.getLogger(__name__)


def search_documents(index: SearchIndex, user: User, args: Any, positions: Iterable[int] = ()) -> SearchResults:
    """Search what the user may read; bad syntax is a ValidationFailed on `q`."""
    request = parse_search(args, user_principals(user, positions))
    try:
        return index.search(request)
    except QuerySyntaxError as exc:
        raise ValidationFailed(N_("the query cannot be understood: %(problem)s"), field="q", problem=str(exc)) from exc
    except SearchIndexError as exc:
        logger.error("search failed: %s", exc)
        raise ServiceUnavailable(N_("search is unavailable right now; please try again shortly")) from exc


def similar_documents(index: SearchIndex, user: User, document: Document, positions: Iterable[int] = (),
                      limit: int = 5) -> SearchResults:
    """Return letters like `document` among those the user may read (the caller has checked it is readable)."""
    try:
        return index.similar(document.id, user_principals(user, positions), limit)
    except SearchIndexError as exc:
        logger.error("similar documents failed: %s", exc)
        raise ServiceUnavailable(N_("search is unavailable right now; please try again shortly")) from exc
