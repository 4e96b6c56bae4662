"""JSON API for full-text search."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from docflow.api.params import int_param
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.search.operations import search_documents, similar_documents
from search_index import SearchHit

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


@bp.get("/search")
@api_login_required
def search():
    """Search the documents the caller may read."""
    user = api_user()
    results = search_documents(db_session(), services().index, user, request.args, acting_positions(user))
    return jsonify(
        total=results.total,
        partial_total=results.partial_total,
        page=results.page,
        per_page=results.per_page,
        suggestion=results.suggestion,
        corrected_query=results.corrected_query,
        facets=results.facets,
        results=[_hit_json(hit) for hit in results.hits],
    )


@bp.get("/documents/<id:document_id>/similar")
@api_login_required
def similar(document_id: int):
    """List readable letters like this one (more like this), best first."""
    user = api_user()
    positions = acting_positions(user)
    document = get_readable_document(db_session(), user, document_id, positions)
    results = similar_documents(db_session(), services().index, user, document, positions,
                                int_param(request.args, "limit", 5, maximum=20))
    return jsonify(total=results.total, results=[_hit_json(hit) for hit in results.hits])


def _hit_json(hit: SearchHit) -> dict:
    return {
        "id": hit.id,
        "title": hit.title,
        "title_html": hit.title_html,
        "number": hit.number,
        "doc_type": hit.doc_type,
        "unit": hit.unit,
        "state": hit.state,
        "created_at": hit.created.isoformat(),
        "score": hit.score,
        "partial": hit.partial,
        "fragments": hit.fragments,
        "url": url_for("documents_api.show", document_id=hit.id),
    }
