"""Which letters go into a package: a list of ids or a search result, only those the person may read."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.api.params import MAX_ID, whole_number
from docflow.auth.models import User
from docflow.documents.access import readable_clause
from docflow.documents.models import Document
from docflow.errors import N_, NotFound, ValidationFailed
from search_index import SearchIndex

# One package holds at most this many letters (a search result is cut there, a longer list refused).
MAX_PACKAGE_DOCUMENTS = 10_000
_SEARCH_PAGE = 100


def parse_ids(raw: Any) -> list[int]:
    """Return the ids of a selection, a JSON list of ids (or a comma-separated text), without repeats."""
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(N_("send a list of document ids"), field="ids")
    if len(raw) > MAX_PACKAGE_DOCUMENTS:
        raise ValidationFailed(N_("a package holds at most %(max)s letters"), field="ids", max=MAX_PACKAGE_DOCUMENTS)
    ids = [whole_number(value, "ids", minimum=1, maximum=MAX_ID) for value in raw]
    return list(dict.fromkeys(ids))


def readable_ids(session: Session, user: User, ids: Sequence[int], positions: Iterable[int] = ()) -> list[int]:
    """Return the ids in the order given, or raise NotFound naming the first the user may not read."""
    readable: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        readable.update(session.scalars(select(Document.id).where(Document.id.in_(chunk),
                                                                  readable_clause(user, positions))))
    for document_id in ids:
        if document_id not in readable:
            raise NotFound(N_("document %(id)s not found"), field="ids", id=document_id)
    return list(ids)


def search_result_ids(session: Session, index: SearchIndex, user: User, args: Mapping[str, Any],
                      positions: Iterable[int] = ()) -> list[int]:
    """Return the ids of every letter a search finds for the user, in its order, up to MAX_PACKAGE_DOCUMENTS."""
    from docflow.search.operations import search_documents

    ids: list[int] = []
    page = 1
    while len(ids) < MAX_PACKAGE_DOCUMENTS:
        query = {key: value for key, value in args.items() if key not in ("page", "per_page", "facets")}
        results = search_documents(session, index, user, {**query, "page": str(page), "per_page": str(_SEARCH_PAGE)},
                                   positions)
        ids.extend(hit.id for hit in results.hits if not hit.partial)  # the letters matching the whole query
        if not results.hits or page * _SEARCH_PAGE >= results.total:
            break
        page += 1
    return list(dict.fromkeys(ids))[:MAX_PACKAGE_DOCUMENTS]
