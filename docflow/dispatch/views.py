"""The clerk's dispatch page: signed letters to send (several at once), sent letters to file, the expedition book."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from docflow.auth.access import web_user
from docflow.auth.models import Role
from docflow.context import acting_positions, db_session, refused_form, services
from docflow.dispatch.models import DeliveryMethod, DeliveryStatus
from docflow.dispatch.operations import (
    RECORDED_METHODS,
    file_letters,
    record_delivery,
    send_letters,
    validate_delivery_fields,
    validate_document_ids,
)
from docflow.dispatch.queries import expedition_book, refused_deliveries
from docflow.documents.models import DocumentState
from docflow.documents.queries import get_readable_document
from docflow.documents.views import CsrfForm, require_fresh_form
from docflow.api.params import optional_id
from docflow.errors import N_, DocflowError, PermissionDenied, ValidationFailed
from docflow.workflow.queries import unit_letters_in_state

bp = Blueprint("dispatch", __name__)

METHOD_LABELS = {
    DeliveryMethod.EMAIL: _l("E-mail"), DeliveryMethod.COURIER: _l("Courier or post"),
    DeliveryMethod.PORTAL: _l("Portal"), DeliveryMethod.HAND: _l("By hand"),
}
STATUS_LABELS = {
    DeliveryStatus.QUEUED: _l("Waiting to be e-mailed"), DeliveryStatus.SENT: _l("E-mailed"),
    DeliveryStatus.FAILED: _l("E-mail refused"), DeliveryStatus.DELIVERED: _l("Delivered"),
}

LIST_LIMIT = 200


def _clerk():
    user = web_user()
    if not user.has_role(Role.RECORDS_CLERK) or user.unit_id is None:
        raise PermissionDenied(N_("only the records clerk (TU) of the letter's unit may send or file it"))
    return user


@bp.get("/dispatch")
@login_required
def index():
    """Show my unit's signed letters to send and sent letters to file, and the latest lines of the expedition book."""
    user = _clerk()
    session = db_session()
    to_send, send_total = unit_letters_in_state(session, user.unit_id, DocumentState.SIGNED, limit=LIST_LIMIT)
    to_file, file_total = unit_letters_in_state(session, user.unit_id, DocumentState.SENT, limit=LIST_LIMIT)
    deliveries, delivered_total = expedition_book(session, user.unit_id, per_page=50)
    return render_template("dispatch/index.html", to_send=to_send, send_total=send_total, to_file=to_file,
                           file_total=file_total, deliveries=deliveries, delivered_total=delivered_total,
                           refused=refused_deliveries(session, user.unit_id, limit=LIST_LIMIT),
                           methods=RECORDED_METHODS, method_labels=METHOD_LABELS, status_labels=STATUS_LABELS, form=CsrfForm(),
                           today=services().today().isoformat())


@bp.post("/dispatch/<action>")
@login_required
def act(action: str):
    """Send or file the letters ticked on the dispatch page, all or none."""
    user = _clerk()
    session = db_session()
    svc = services()
    try:
        require_fresh_form()
        ids = validate_document_ids(request.form.getlist("documents"))
        positions = acting_positions(user)
        for document_id in ids:
            get_readable_document(session, user, document_id, positions)
        if action == "send":
            fields = validate_delivery_fields(request.form, on=svc.today())
            done = send_letters(session, actor=user, document_ids=ids, fields=fields, now=svc.now(),
                                settings=svc.settings.workflow)
            message = _("%(count)s letters sent.", count=len(done))
        elif action == "file":
            done = file_letters(session, actor=user, document_ids=ids, now=svc.now(), settings=svc.settings.workflow)
            message = _("%(count)s letters filed.", count=len(done))
        else:
            return redirect(url_for(".index")), 303
    except DocflowError as exc:
        return refused_form(exc, url_for(".index"))
    flash(message, "success")
    return redirect(url_for(".index"))



@bp.post("/dispatch/documents/<id:document_id>/deliveries")
@login_required
def deliver(document_id: int):
    """Record how a letter reached an addressee after its e-mail was refused (courier, portal or by hand)."""
    user = _clerk()
    session = db_session()
    try:
        require_fresh_form()
        document = get_readable_document(session, user, document_id, acting_positions(user))
        recipient_id = optional_id(request.form, "recipient_id")
        if recipient_id is None:
            raise ValidationFailed(N_("this field is required"), field="recipient_id")
        fields = validate_delivery_fields(request.form, on=services().today())
        delivery = record_delivery(session, actor=user, document=document, recipient_id=recipient_id, fields=fields)
    except DocflowError as exc:
        return refused_form(exc, url_for(".index"))
    flash(_("The delivery to %(name)s is recorded.", name=delivery.addressee), "success")
    return redirect(url_for(".index"))
