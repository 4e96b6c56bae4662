"""One validator for search parameters, used by the search page and the API."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from docflow.api.params import flag_param, int_param
from docflow.errors import N_, ValidationFailed
from search_index import SearchRequest

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY = 500


def _list(args: Any, name: str) -> tuple[str, ...]:
    values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    out: list[str] = []
    for value in values:
        if value:
            out.extend(part.strip() for part in str(value).split(",") if part.strip())
    return tuple(dict.fromkeys(out))


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(N_("%(name)s must be a date such as 2026-01-31"), field=name, name=name) from None


def parse_search(args: Any, principals: tuple[str, ...]) -> SearchRequest:
    """Return a SearchRequest from query parameters, or raise ValidationFailed naming the bad one."""
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise ValidationFailed(N_("the query is longer than %(max)s characters"), field="q", max=MAX_QUERY)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise ValidationFailed(N_("sort must be one of %(choices)s"), field="sort", choices=", ".join(SORTS))
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(N_("'from' is after 'to'"), field="from")
    return SearchRequest(
        q=q,
        principals=principals,
        doc_types=_list(args, "type"),
        units=_list(args, "unit"),
        states=_list(args, "state"),
        security_classes=_list(args, "security_class"),
        classification=(args.get("classification") or "").strip() or None,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=int_param(args, "page", 1, maximum=10_000),
        per_page=int_param(args, "per_page", 20, maximum=100),
        facets=flag_param(args, "facets"),
        # "0" asks for the query exactly as typed, without running its spelling correction.
        autocorrect=flag_param(args, "autocorrect", default=True),
    )
