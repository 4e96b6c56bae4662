"""JSON API of drafting: the templates, and a draft started from one."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for

from docflow.api.params import optional_id
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, end_transaction, held_positions, services
from docflow.documents.recipients import validate_recipients
from docflow.documents.schemas import document_json
from docflow.drafting.models import LetterTemplate
from docflow.drafting.operations import draft_from_template, validate_draft
from docflow.drafting.queries import get_template, list_templates
from docflow.errors import N_, ValidationFailed
from docflow.signing.conversion import convert_to_docx
from docflow.workflow.queries import document_type_codes

bp = Blueprint("drafting_api", __name__, url_prefix="/api/v1")


def template_json(template: LetterTemplate) -> dict[str, Any]:
    """Return the API form of a template."""
    return {"id": template.id, "document_type": template.doc_type,
            "unit": template.unit.code if template.unit else None, "name": template.name,
            "builtin": template.storage_key is None, "active": template.is_active}


@bp.get("/templates")
@api_login_required
def templates():
    """List the active templates, by document type (optionally of one type or unit)."""
    session = db_session()
    unit = optional_id(request.args, "unit_id")
    found = list_templates(session, doc_type=request.args.get("document_type") or None, unit_id=unit)
    return jsonify(results=[template_json(t) for t in found])


@bp.post("/documents/from-template")
@api_login_required
def from_template():
    """Start a draft from a template: JSON with template, title, body and the header fields."""
    user = api_user()
    session = db_session()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(N_("send a JSON object with template, title and body"), field=None)
    template_id = optional_id(data, "template")
    if template_id is None:
        raise ValidationFailed(N_("choose a template (its id from /api/v1/templates)"), field="template")
    template = get_template(session, template_id)
    draft = validate_draft(data, template, document_type_codes(session))
    recipients = validate_recipients(session, data.get("recipients", []))
    svc = services()
    document = draft_from_template(session, svc.store, actor=user, template=template, draft=draft,
                                   recipients=recipients, on=svc.today(), spool_dir=svc.spool_dir,
                                   to_docx=convert_to_docx, author_position_id=optional_id(data, "position_id"),
                                   held_positions=held_positions(user), before_store=end_transaction)
    response = jsonify(document_json(document, user, acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for("documents_api.show", document_id=document.id)
    return response
