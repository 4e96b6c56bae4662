"""The search page."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from docflow.auth.access import web_user
from docflow.context import acting_positions, services
from docflow.context import db_session
from docflow.workflow.queries import document_types
from docflow.errors import ValidationFailed
from docflow.search.operations import search_documents

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def search():
    """Show the search form and, with a query or filter, its results."""
    results, error = None, None
    if request.args:
        try:
            results = search_documents(services().index, web_user(), request.args, acting_positions(web_user()))
        except ValidationFailed as exc:
            error = exc.reason
    return render_template("search/search.html", results=results, error=error, args=request.args,
                           document_types=document_types(db_session()))
