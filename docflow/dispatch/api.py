"""JSON API of the clerk's dispatch: send and file signed letters (one or many), the expedition book."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from docflow.api.body import request_body
from docflow.api.params import MAX_PAGE, int_param, optional_id
from docflow.auth.access import api_login_required, api_user
from docflow.auth.models import Role
from docflow.context import acting_positions, db_session, services
from docflow.dispatch.operations import (
    file_letters,
    record_delivery,
    send_letters,
    validate_delivery_fields,
    validate_document_ids,
)
from docflow.dispatch.queries import deliveries_of, expedition_book
from docflow.dispatch.schemas import delivery_json
from docflow.documents.queries import get_readable_document
from docflow.errors import N_, PermissionDenied, ValidationFailed

bp = Blueprint("dispatch_api", __name__, url_prefix="/api/v1")


def _ids(data) -> tuple[int, ...]:
    values = data.get("documents")
    return validate_document_ids(values if isinstance(values, list) else [values] if values is not None else [])


def _readable(session, user, ids):
    positions = acting_positions(user)
    for document_id in ids:
        get_readable_document(session, user, document_id, positions)


@bp.post("/dispatch/send")
@api_login_required
def send():
    """Send signed letters: {"documents": [ids], "method", "delivered_on", "receiver", "reference"} (the clerk)."""
    user = api_user()
    session = db_session()
    svc = services()
    data = request_body()
    ids = _ids(data)
    _readable(session, user, ids)
    fields = validate_delivery_fields(data, on=svc.today())
    documents = send_letters(session, actor=user, document_ids=ids, fields=fields, now=svc.now(),
                             settings=svc.settings.workflow)
    return jsonify(results=[{"document_id": d.id, "state": d.state, "number": d.number,
                             "deliveries": [delivery_json(x) for x in deliveries_of(session, d.id)]}
                            for d in documents])


@bp.post("/dispatch/file")
@api_login_required
def file():
    """File signed or sent letters in the archive: {"documents": [ids]} (the clerk)."""
    user = api_user()
    session = db_session()
    svc = services()
    ids = _ids(request_body())
    _readable(session, user, ids)
    documents = file_letters(session, actor=user, document_ids=ids, now=svc.now(), settings=svc.settings.workflow)
    return jsonify(results=[{"document_id": d.id, "state": d.state, "number": d.number} for d in documents])


@bp.get("/dispatch/deliveries")
@api_login_required
def book():
    """List one page of the unit's expedition book, newest first (the caller's unit)."""
    user = api_user()
    if user.unit_id is None:
        raise ValidationFailed(N_("your account belongs to no unit; ask an administrator to assign one"))
    if not user.roles & {Role.RECORDS_CLERK, Role.ARCHIVIST, Role.ADMIN}:
        raise PermissionDenied(N_("only the records clerk (TU) of the letter's unit may send or file it"))
    page = int_param(request.args, "page", 1, maximum=MAX_PAGE)
    per_page = int_param(request.args, "per_page", 50, maximum=100)
    rows, total = expedition_book(db_session(), user.unit_id, page=page, per_page=per_page)
    return jsonify(results=[delivery_json(d) for d in rows], total=total, page=page, per_page=per_page)


@bp.get("/documents/<id:document_id>/deliveries")
@api_login_required
def list_deliveries(document_id: int):
    """List how a letter went out to its external addressees."""
    user = api_user()
    get_readable_document(db_session(), user, document_id, acting_positions(user))
    return jsonify(results=[delivery_json(d) for d in deliveries_of(db_session(), document_id)])


@bp.post("/documents/<id:document_id>/deliveries")
@api_login_required
def add_delivery(document_id: int):
    """Record a later delivery to one external addressee: {"recipient_id", "method", "delivered_on", "receiver"}."""
    user = api_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    data = request_body()
    recipient_id = optional_id(data, "recipient_id")
    if recipient_id is None:
        raise ValidationFailed(N_("this field is required"), field="recipient_id")
    fields = validate_delivery_fields(data, on=services().today())
    delivery = record_delivery(session, actor=user, document=document, recipient_id=recipient_id, fields=fields)
    response = jsonify(delivery_json(delivery))
    response.status_code = 201
    return response
