"""JSON API for documents: create, list, show, download, add a version, set the recipients."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from docflow.api.params import MAX_PAGE, flag_param, int_param, optional_id, optional_int
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, end_transaction, held_positions, services
from docflow.documents.download import send_version
from docflow.documents.intake import receive_upload
from docflow.documents.operations import add_version, create_document, set_recipients, validate_document_fields
from docflow.documents.recipients import recipients_from_form, validate_recipients
from docflow.documents.queries import get_readable_document, get_version, list_readable_documents
from docflow.documents.retention import retention_today
from docflow.documents.schemas import document_json, version_json
from docflow.errors import N_, ValidationFailed
from docflow.workflow.queries import document_type_codes

bp = Blueprint("documents_api", __name__, url_prefix="/api/v1/documents")


def _receive():
    svc = services()
    file = request.files.get("file")
    return receive_upload(
        file.stream if file else None, file.filename if file else None,
        max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
        spool_dir=svc.spool_dir,
    )


@bp.get("")
@api_login_required
def list_documents():
    """List the documents the caller may read, newest first."""
    user = api_user()
    page = list_readable_documents(
        db_session(), user, page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
        per_page=int_param(request.args, "per_page", 20, maximum=100),
        state=request.args.get("state") or None, doc_type=request.args.get("doc_type") or None,
        mine=flag_param(request.args, "mine"), positions=acting_positions(user),
    )
    return jsonify(results=[document_json(d, user, acting_positions(user), with_versions=False) for d in page.items],
                   total=page.total, page=page.page, per_page=page.per_page)


@bp.post("")
@api_login_required
def create():
    """Upload a file as a new document (multipart: file, title, optional fields and recipients)."""
    user = api_user()
    session = db_session()
    fields = validate_document_fields(request.form, document_type_codes(session))
    recipients = validate_recipients(session, recipients_from_form(request.form))
    replaces_id = optional_id(request.form, "replaces")
    replaces = get_readable_document(session, user, replaces_id, acting_positions(user)) if replaces_id else None
    # Spooling, hashing, type detection and the object store's fsyncs run between transactions, so
    # concurrent uploads queue for the database only for their reads and their inserts.
    end_transaction()
    with _receive() as upload:
        document = create_document(session, services().store, actor=user, fields=fields, upload=upload,
                                   on=services().today(), author_position_id=optional_id(request.form, "position_id"),
                                   before_store=end_transaction, held_positions=held_positions(user),
                                   replaces=replaces, recipients=recipients, acting_positions=acting_positions(user))
    response = jsonify(document_json(document, user, acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for(".show", document_id=document.id)
    return response


@bp.get("/<id:document_id>")
@api_login_required
def show(document_id: int):
    """Show one document with its versions."""
    user = api_user()
    positions = acting_positions(user)
    session = db_session()
    document = get_readable_document(session, user, document_id, positions)
    data = document_json(document, user, positions)
    data["retention"] = retention_today(session, services(), document).as_json()
    return jsonify(data)


@bp.get("/<id:document_id>/content")
@api_login_required
def content(document_id: int):
    """Download the current version's bytes."""
    document = get_readable_document(db_session(), api_user(), document_id, acting_positions(api_user()))
    return send_version(get_version(document))


@bp.get("/<id:document_id>/versions")
@api_login_required
def versions(document_id: int):
    """List a document's versions, oldest first."""
    document = get_readable_document(db_session(), api_user(), document_id, acting_positions(api_user()))
    return jsonify(results=[version_json(v) for v in document.versions])


@bp.post("/<id:document_id>/versions")
@api_login_required
def new_version(document_id: int):
    """Upload a new version (multipart: file, optional comment and the revision you saw)."""
    user = api_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    expected = optional_int(request.form, "revision")
    with _receive() as upload:
        version = add_version(session, services().store, actor=user, document=document, upload=upload,
                              positions=acting_positions(user),
                              expected_revision=expected, comment=request.form.get("comment", ""))
    response = jsonify(version_json(version))
    response.status_code = 201
    return response


@bp.get("/<id:document_id>/versions/<id:number>/content")
@api_login_required
def version_content(document_id: int, number: int):
    """Download one version's bytes."""
    document = get_readable_document(db_session(), api_user(), document_id, acting_positions(api_user()))
    return send_version(get_version(document, number))


@bp.put("/<id:document_id>/recipients")
@api_login_required
def put_recipients(document_id: int):
    """Replace the recipients of a draft: {"revision": N, "recipients": [{kind, position_id} or {kind, name}]}."""
    user = api_user()
    session = db_session()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(N_("send a JSON object with revision and recipients"), field=None)
    document = get_readable_document(session, user, document_id, acting_positions(user))
    recipients = validate_recipients(session, data.get("recipients", []))
    set_recipients(session, actor=user, document=document, recipients=recipients,
                   expected_revision=optional_int(data, "revision"), positions=acting_positions(user))
    return jsonify(document_json(document, user, acting_positions(user), with_versions=False))
