"""Pages' downloads of export packages: a letter's, and a search result's (the page shows the progress)."""
from __future__ import annotations

from flask import Blueprint, request
from flask_login import login_required

from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.export.download import package_response
from docflow.export.selection import search_result_ids

bp = Blueprint("export", __name__)


@bp.get("/documents/<id:document_id>/package")
@login_required
def document_package(document_id: int):
    """Download one letter's export package."""
    user = web_user()
    document = get_readable_document(db_session(), user, document_id, acting_positions(user))
    return package_response([document.id], user, name=f"naskah-{document.id}.zip", description=document.title)


@bp.get("/search/package")
@login_required
def search_package():
    """Download the package of every letter the search finds for the reader (whole-query matches)."""
    from docflow.search.views import search_args

    user = web_user()
    args = search_args(request.args)
    args.pop("facets", None)
    ids = search_result_ids(db_session(), services().index, user, args.to_dict(), acting_positions(user))
    return package_response(ids, user, name="paket-naskah.zip",
                            description=f"hasil pencarian: {request.args.get('q', '')}"[:200])
