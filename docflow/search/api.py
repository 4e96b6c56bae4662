"""JSON API for full-text search."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, services
from docflow.search.operations import search_documents

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


@bp.get("/search")
@api_login_required
def search():
    """Search the documents the caller may read."""
    results = search_documents(services().index, api_user(), request.args, acting_positions(api_user()))
    return jsonify(
        total=results.total,
        page=results.page,
        per_page=results.per_page,
        suggestion=results.suggestion,
        facets=results.facets,
        results=[
            {
                "id": hit.id,
                "title": hit.title,
                "title_html": hit.title_html,
                "number": hit.number,
                "doc_type": hit.doc_type,
                "unit": hit.unit,
                "state": hit.state,
                "created_at": hit.created.isoformat(),
                "score": hit.score,
                "fragments": hit.fragments,
                "url": url_for("documents_api.show", document_id=hit.id),
            }
            for hit in results.hits
        ],
    )
