"""Pages of the clerk's "to register" list: intakes from mailboxes and scanner folders, and failed ones."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from docflow.api.params import MAX_PAGE, int_param
from docflow.auth.access import web_user
from docflow.context import db_session, held_positions, services
from docflow.documents.views import FORM_EXPIRED, CsrfForm, require_fresh_form
from docflow.errors import N_, Conflict, DocflowError, Gone, NotFound, ValidationFailed
from docflow.i18n import translate
from docflow.incoming.intake import (
    discard_pending,
    ensure_pending_permission,
    get_pending,
    prefilled,
    register_pending,
    stored_reason,
)
from docflow.incoming.intake_models import IntakeSource
from docflow.incoming.operations import find_duplicate, validate_incoming_fields
from docflow.incoming.queries import pending_registrations
from docflow.incoming.views import _register_form
from docflow.workflow.queries import document_types
from sqlalchemy import select

bp = Blueprint("pending", __name__)

CHANNEL_LABELS = {"mail": _l("e-mail"), "folder": _l("the scanner's folder")}
STATE_LABELS = {"pending": _l("To register"), "failed": _l("Could not be read"), "registered": _l("Registered"),
                "discarded": _l("Discarded")}


@bp.get("/incoming/pending")
@login_required
def index():
    """List my unit's intakes that wait for registration, and those that could not be read, with the reason."""
    user = web_user()
    ensure_pending_permission(user)
    session = db_session()
    page = pending_registrations(session, user.unit_id, page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                                 per_page=50)
    sources = session.scalars(select(IntakeSource).where(IntakeSource.unit_id == user.unit_id)
                              .order_by(IntakeSource.name)).all()
    return render_template("incoming/pending.html", page=page, sources=sources, reason_of=stored_reason,
                           channel_labels=CHANNEL_LABELS, state_labels=STATE_LABELS, form=CsrfForm(),
                           tz=services().timezone)


def _values(row):
    return MultiDict(prefilled(row, services().timezone))


@bp.route("/incoming/pending/<id:pending_id>", methods=["GET", "POST"])
@login_required
def show(pending_id: int):
    """Complete an intake into an incoming letter: the prefilled form, editable, without choosing the file again."""
    user = web_user()
    ensure_pending_permission(user)
    session = db_session()
    svc = services()
    row = get_pending(session, user, pending_id)
    extra = {"pending": row, "pending_channel": CHANNEL_LABELS.get(row.channel, row.channel)}
    if request.method == "GET":
        return _register_form(_values(row), [], **extra)
    if not CsrfForm().validate_on_submit():
        return _register_form(request.form, [("csrf_token", _(FORM_EXPIRED))], 400, **extra)
    fields = None
    try:
        fields = validate_incoming_fields(request.form, request.form.getlist("addressees"), document_types(session),
                                          on=svc.today())
        row = get_pending(session, user, pending_id, lock=True)
        letter = register_pending(session, svc.store, actor=user, row=row, fields=fields, on=svc.today(),
                                  now=svc.now(), spool_dir=svc.spool_dir, max_bytes=svc.settings.max_upload_bytes,
                                  allowed_types=svc.settings.uploads.allowed_types,
                                  held_positions=held_positions(user))
    except Conflict as exc:
        session.rollback()
        duplicate = find_duplicate(session, user.unit_id, fields) if fields is not None else None
        return _register_form(request.form, [(exc.field, exc.reason)], exc.status, duplicate=duplicate,
                              **{**extra, "pending": get_pending(session, user, pending_id)})
    except ValidationFailed as exc:
        session.rollback()
        return _register_form(request.form, exc.errors, exc.status,
                              **{**extra, "pending": get_pending(session, user, pending_id)})
    flash(_("Registered as agenda %(agenda)s. Its text is being read for search.", agenda=letter.agenda_label),
          "success")
    return redirect(url_for("incoming.show", letter_id=letter.id))


@bp.post("/incoming/pending/<id:pending_id>/discard")
@login_required
def discard(pending_id: int):
    """Discard an intake, saying why."""
    user = web_user()
    ensure_pending_permission(user)
    session = db_session()
    try:
        require_fresh_form()
        row = get_pending(session, user, pending_id, lock=True)
        discard_pending(session, actor=user, row=row, reason=request.form.get("reason", ""), now=services().now())
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for(".index")), 303
    flash(_("The intake was discarded."), "success")
    return redirect(url_for(".index"))


def _refuse_destroyed(row) -> None:
    if row.files_destroyed_at is not None:
        raise Gone(N_("the files of this intake were destroyed with its letter by a signed berita acara pemusnahan; "
                      "the letter's details, number and audit trail remain"))


def _send(key: str | None, name: str, mime: str) -> Response:
    if not key:
        raise NotFound(N_("nothing of this intake was stored"))
    with services().store.open(key, verify=True) as stream:
        data = stream.read()
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response = Response(data, mimetype=mime or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/incoming/pending/<id:pending_id>/file")
@login_required
def download(pending_id: int):
    """Download the file an intake would register."""
    user = web_user()
    ensure_pending_permission(user)
    row = get_pending(db_session(), user, pending_id)
    _refuse_destroyed(row)
    return _send(row.file_key, row.filename or "surat", row.mime_type)


@bp.get("/incoming/pending/<id:pending_id>/original")
@login_required
def original(pending_id: int):
    """Download what arrived as it arrived: the whole e-mail (.eml) or the scanner's file."""
    user = web_user()
    ensure_pending_permission(user)
    row = get_pending(db_session(), user, pending_id)
    _refuse_destroyed(row)
    if row.channel == "mail":
        return _send(row.original_key, f"intake-{row.id}.eml", "message/rfc822")
    return _send(row.original_key or row.file_key, row.filename or f"intake-{row.id}", "application/octet-stream")
