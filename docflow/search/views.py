"""The search page: one box with instant results, filters, facets with counts, sort and pages."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.errors import N_, ValidationFailed
from docflow.search.operations import search_documents
from docflow.workflow.queries import document_types

bp = Blueprint("search", __name__)

# Facet field of the index -> the query parameter that filters on it.
FACET_PARAMS = {"doc_type": "type", "unit": "unit", "state": "state", "security_class": "security_class",
                "year": "year"}
_FILTERS = ("q", "type", "unit", "state", "security_class", "classification", "year", "from", "to")


def search_args(args: MultiDict) -> MultiDict:
    """Return the page's parameters as the search validator takes them: a year becomes a date range."""
    out = MultiDict(args)
    year = (args.get("year") or "").strip()
    if year:
        if not (year.isdigit() and len(year) == 4):
            raise ValidationFailed(N_("year must be four digits such as 2026"), field="year")
        out["from"] = out.get("from") or f"{year}-01-01"
        out["to"] = out.get("to") or f"{year}-12-31"
    out.pop("year", None)
    out["facets"] = "1"
    return out


def _run():
    results, error = None, None
    if any(request.args.get(name) for name in _FILTERS):
        try:
            results = search_documents(db_session(), services().index, web_user(), search_args(request.args),
                                       acting_positions(web_user()))
        except ValidationFailed as exc:
            error = exc.reason
    return dict(results=results, error=error, args=request.args, facet_params=FACET_PARAMS,
                document_types=document_types(db_session()))


@bp.get("/search")
@login_required
def search():
    """Show the search form and, with a query or filter, its results and facets."""
    return render_template("search/search.html", **_run())


@bp.get("/search/results")
@login_required
def results():
    """Return only the results part of the search page, for instant search as the user types."""
    context = _run()
    status = 400 if context["error"] else 200
    return render_template("search/_results.html", **context), status
