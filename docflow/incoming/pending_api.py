"""JSON API of the clerk's "to register" list: intakes from mailboxes and scanner folders."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from docflow.api.body import request_body
from docflow.api.params import MAX_PAGE, int_param
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, held_positions, services
from docflow.errors import N_, ValidationFailed
from docflow.i18n import translate
from docflow.incoming.files import send_intake_file
from docflow.incoming.intake import (
    discard_pending,
    ensure_pending_permission,
    get_pending,
    prefilled,
    register_pending,
    stored_reason,
)
from docflow.incoming.intake_models import PendingRegistration, PendingState
from docflow.incoming.operations import validate_incoming_fields
from docflow.incoming.queries import pending_registrations
from docflow.incoming.schemas import letter_json
from docflow.workflow.queries import document_type_codes

bp = Blueprint("pending_api", __name__, url_prefix="/api/v1")

REGISTER_FIELDS = ("sender", "sender_person", "sender_number", "sender_date", "received_on", "subject", "doc_type",
                   "classification_code", "security_class", "urgency", "confirm_duplicate")


def pending_json(row: PendingRegistration, timezone) -> dict:
    """Return a pending registration as the API shows it, with the fields it prefills."""
    return {
        "id": row.id, "unit_id": row.unit_id, "channel": row.channel, "state": row.state,
        "sender": row.sender, "sender_address": row.sender_address, "subject": row.subject,
        "received_at": row.received_at.isoformat(), "filename": row.filename, "mime_type": row.mime_type,
        "size": row.file_size, "reason": str(translate(stored_reason(row))) if row.reason else None,
        "letter_id": row.letter_id, "discard_reason": row.discard_reason or None,
        "prefilled": prefilled(row, timezone),
        "file_url": url_for("pending_api.file", pending_id=row.id) if row.file_key else None,
        "original_url": url_for("pending_api.original", pending_id=row.id) if row.original_key or row.file_key
        else None,
    }


@bp.get("/pending-registrations")
@api_login_required
def list_pending():
    """List one page of my unit's intakes waiting to be registered (pending and failed), oldest first."""
    user = api_user()
    ensure_pending_permission(user)
    state = request.args.get("state") or None
    if state is not None and state not in PendingState.__members__.values():
        raise ValidationFailed(N_("expected one of %(choices)s"), field="state", choices=", ".join(PendingState))
    page = pending_registrations(db_session(), user.unit_id, state=state,
                                 page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                                 per_page=int_param(request.args, "per_page", 20, maximum=100))
    tz = services().timezone
    return jsonify(results=[pending_json(r, tz) for r in page.items], total=page.total, page=page.page,
                   per_page=page.per_page)


@bp.get("/pending-registrations/<id:pending_id>")
@api_login_required
def show_pending(pending_id: int):
    """Show one intake of my unit."""
    user = api_user()
    ensure_pending_permission(user)
    return jsonify(pending_json(get_pending(db_session(), user, pending_id), services().timezone))


@bp.get("/pending-registrations/<id:pending_id>/file")
@api_login_required
def file(pending_id: int):
    """Download the file an intake would register."""
    user = api_user()
    ensure_pending_permission(user)
    return send_intake_file(get_pending(db_session(), user, pending_id))


@bp.get("/pending-registrations/<id:pending_id>/original")
@api_login_required
def original(pending_id: int):
    """Download what arrived as it arrived: the whole e-mail (.eml) or the scanner's file."""
    user = api_user()
    ensure_pending_permission(user)
    return send_intake_file(get_pending(db_session(), user, pending_id), original=True)


@bp.post("/pending-registrations/<id:pending_id>/register")
@api_login_required
def register(pending_id: int):
    """Complete an intake into an incoming letter: the prefilled fields, overridden by those in the body."""
    user = api_user()
    ensure_pending_permission(user)
    session = db_session()
    svc = services()
    row = get_pending(session, user, pending_id, lock=True)
    body = request_body()
    data = {**prefilled(row, svc.timezone), **{k: body[k] for k in REGISTER_FIELDS if body.get(k) is not None}}
    addressees = body.get("addressees")
    addressees = [] if addressees is None else addressees if isinstance(addressees, list) else [addressees]
    fields = validate_incoming_fields(data, addressees, document_type_codes(session), on=svc.today())
    letter = register_pending(session, svc.store, actor=user, row=row, fields=fields, on=svc.today(), now=svc.now(),
                              spool_dir=svc.spool_dir, max_bytes=svc.settings.max_upload_bytes,
                              allowed_types=svc.settings.uploads.allowed_types,
                              held_positions=held_positions(user))
    response = jsonify(letter_json(letter, user, acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for("incoming_api.show_letter", letter_id=letter.id)
    return response


@bp.post("/pending-registrations/<id:pending_id>/discard")
@api_login_required
def discard(pending_id: int):
    """Discard an intake with a reason: {"reason": "..."} (audited)."""
    user = api_user()
    ensure_pending_permission(user)
    session = db_session()
    svc = services()
    row = get_pending(session, user, pending_id, lock=True)
    row = discard_pending(session, actor=user, row=row, reason=request_body().get("reason"), now=svc.now())
    return jsonify(pending_json(row, svc.timezone))
