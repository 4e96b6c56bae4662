"""Pages of the approval route: my inbox and the actions on a letter."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from docflow.api.params import optional_int
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.documents.views import require_fresh_form
from docflow.errors import DocflowError
from docflow.i18n import translate
from docflow.signing.operations import sign_document
from docflow.documents.operations import parse_deadline
from docflow.workflow.dashboard import shown_sections
from docflow.workflow.operations import perform_action, set_deadline
from docflow.workflow.queries import inbox, incoming_letters, recently_signed
from docflow.workflow.states import Action

bp = Blueprint("workflow", __name__)

DONE_MESSAGES = {
    Action.SUBMIT: _l("The letter was submitted for verification."),
    Action.INITIAL: _l("You initialled the letter."),
    Action.RETURN: _l("The letter was returned to its drafter."),
    Action.SIGN: _l("The letter is signed."),
    Action.REJECT: _l("The letter was rejected."),
    Action.WITHDRAW: _l("The letter was withdrawn."),
    Action.SEND: _l("The letter is marked as sent."),
    Action.FILE: _l("The letter is filed."),
}


@bp.get("/")
@login_required
def dashboard():
    """Show what waits for me (overdue first), my drafts, letters sent to my desks and my unit's recently signed."""
    from docflow.documents.access import can_read

    user = web_user()
    now = services().now()
    positions = acting_positions(user)
    items = inbox(db_session(), user, positions, now)
    groups = {task: [i for i in items if i.task == task] for task in ("verify", "sign", "revise", "draft")}
    signed = [d for d in recently_signed(db_session(), user.unit_id) if can_read(user, d, positions)]
    return render_template("workflow/dashboard.html", groups=groups, now=now, signed=signed,
                           incoming=incoming_letters(db_session(), positions, user_id=user.id, limit=10),
                           overdue=sum(1 for i in items if i.overdue(now)), sections=shown_sections(user, positions))


@bp.get("/inbox")
@login_required
def my_inbox():
    """Show what waits for me, overdue first."""
    user = web_user()
    now = services().now()
    positions = acting_positions(user)
    items = inbox(db_session(), user, positions, now)
    sections = [s for s in shown_sections(user, positions) if s.total]
    return render_template("workflow/inbox.html", items=items, now=now, sections=sections)


@bp.post("/documents/<id:document_id>/deadline")
@login_required
def deadline(document_id: int):
    """Set, move or remove a letter's deadline from its page (the drafter, until it is signed)."""
    user = web_user()
    session = db_session()
    get_readable_document(session, user, document_id, acting_positions(user))
    require_fresh_form()
    try:
        document = set_deadline(session, actor=user, document_id=document_id,
                                deadline=parse_deadline(request.form.get("deadline")),
                                expected_revision=optional_int(request.form, "revision"), on=services().today())
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for("documents.show", document_id=document_id)), 303
    if document.deadline:
        flash(_("The deadline is now %(date)s.", date=format_date(document.deadline, "long")), "success")
    else:
        flash(_("The letter has no deadline now."), "success")
    return redirect(url_for("documents.show", document_id=document_id))


@bp.post("/documents/<id:document_id>/actions/<action>")
@login_required
def act(document_id: int, action: str):
    """Take an action on a letter from its page, then go back to it."""
    user = web_user()
    session = db_session()
    get_readable_document(session, user, document_id, acting_positions(user))
    require_fresh_form()
    if request.form.get("confirm") != "1":
        # Each action is confirmed before it happens (a checkbox that works without JavaScript).
        flash(_("Nothing was done: tick “I confirm” to confirm the action."), "error")
        return redirect(url_for("documents.show", document_id=document_id)), 303
    svc = services()
    try:
        if action == Action.SIGN:
            # The passphrase opens the signer's key for this one signature; it is never stored or logged.
            document = sign_document(session, svc, actor=user, document_id=document_id,
                                     expected_revision=optional_int(request.form, "revision"),
                                     passphrase=request.form.get("passphrase", ""), now=svc.now())
        else:
            document = perform_action(session, actor=user, document_id=document_id, action=action,
                                      expected_revision=optional_int(request.form, "revision"),
                                      comment=request.form.get("comment", ""), now=svc.now(),
                                      settings=svc.settings.workflow)
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for("documents.show", document_id=document_id)), 303
    flash(str(DONE_MESSAGES.get(Action(action), _("Done."))), "success")
    if document.number and action == Action.SIGN:
        flash(_("Number: %(number)s", number=document.number), "success")
    return redirect(url_for("documents.show", document_id=document_id))
