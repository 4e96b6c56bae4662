"""JSON API of signing: make the PDF a DOCX/ODT draft will be signed as."""
from __future__ import annotations

from flask import Blueprint, jsonify

from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.access import is_drafter
from docflow.documents.queries import get_readable_document
from docflow.documents.schemas import version_json
from docflow.errors import N_, PermissionDenied
from docflow.signing.operations import prepare_signing_pdf
from docflow.workflow.operations import available_actions

bp = Blueprint("signing_api", __name__, url_prefix="/api/v1")


@bp.post("/documents/<id:document_id>/signing-pdf")
@api_login_required
def signing_pdf(document_id: int):
    """Return the PDF version that will be signed, converting a DOCX/ODT draft once (201 when made now)."""
    user = api_user()
    session = db_session()
    positions = acting_positions(user)
    document = get_readable_document(session, user, document_id, positions)
    svc = services()
    if not (is_drafter(user, document, positions) or available_actions(session, user, document, svc.today())):
        raise PermissionDenied(N_("only the drafter and the officials on the route prepare the PDF for signing"))
    before = document.current_version.id if document.current_version else None
    version = prepare_signing_pdf(session, svc.store, actor=user, document=document)
    return jsonify(version_json(version)), 200 if version.id == before else 201
