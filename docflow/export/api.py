"""JSON API of export packages: one letter, a selection or a search result, as a streamed ZIP of a BagIt bag."""
from __future__ import annotations

from flask import Blueprint, request

from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.errors import N_, ValidationFailed
from docflow.export.download import package_response
from docflow.search.params import MAX_QUERY
from docflow.export.selection import parse_ids, readable_ids, search_result_ids

bp = Blueprint("export_api", __name__, url_prefix="/api/v1")


@bp.get("/documents/<id:document_id>/package")
@api_login_required
def document_package(document_id: int):
    """Download one letter's export package (a ZIP of a BagIt bag)."""
    user = api_user()
    document = get_readable_document(db_session(), user, document_id, acting_positions(user))
    return package_response([document.id], user, name=f"naskah-{document.id}.zip", description=document.title)


@bp.post("/packages")
@api_login_required
def selection_package():
    """Download the package of a selection ({"ids": [...]}) or of a search result ({"search": {"q": ...}})."""
    user = api_user()
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or ("ids" in data) == ("search" in data):
        raise ValidationFailed(N_("send a JSON object with either ids or search"), field=None)
    positions = acting_positions(user)
    if "ids" in data:
        ids = readable_ids(db_session(), user, parse_ids(data["ids"]), positions)
        description = f"{len(ids)} naskah dinas terpilih"
    else:
        search = data["search"]
        if not isinstance(search, dict) or not all(isinstance(v, str) for v in search.values()):
            raise ValidationFailed(N_("search takes the search parameters as text"), field="search")
        if len(search.get("q", "")) > MAX_QUERY:  # before trimming, as the description counts it
            raise ValidationFailed(N_("the query is longer than %(max)s characters"), field="q", max=MAX_QUERY)
        ids = search_result_ids(db_session(), services().index, user, search, positions)
        description = f"hasil pencarian: {search.get('q', '')}"[:200]
    return package_response(ids, user, name="paket-naskah.zip", description=description)
