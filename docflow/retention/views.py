"""Pages of the archives unit: the lists of what is due, legal holds, and transfer and destruction batches."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from docflow.api.params import MAX_PAGE, int_param, optional_int
from docflow.auth.access import web_user
from docflow.auth.models import Role
from docflow.context import acting_positions, db_session
from docflow.documents.models import LegalHold
from docflow.documents.queries import get_readable_document
from docflow.documents.views import CsrfForm, require_fresh_form
from docflow.errors import N_, DocflowError, NotFound
from docflow.i18n import translate
from docflow.retention.context import (
    berita_acara_filing, is_archives_unit, require_archives_unit, retention_context,
)
from docflow.retention.inputs import document_ids, removals
from docflow.retention.operations import decide_batch, lift_hold, place_hold, propose_batch
from docflow.retention.queries import (
    LISTS, batches_awaiting, due_page, get_batch, list_batches, may_see_batch, my_actions, readable_ids,
)

bp = Blueprint("retention", __name__)


@bp.get("/retention")
@login_required
def index():
    """Show the archives unit's lists (and, to a unit head or an official, the batches awaiting her decision)."""
    user = web_user()
    session = db_session()
    ctx = retention_context()
    awaiting = batches_awaiting(session, user, ctx)
    if not is_archives_unit(user):
        # Officials (unit heads, the approving official) come here for what awaits them, maybe nothing now.
        if not awaiting and not (user.has_role(Role.SIGNER) or user.has_role(Role.VERIFIER)):
            require_archives_unit(user)
        return render_template("retention/index.html", awaiting=awaiting, lists=None, batches=[], which=None,
                               form=CsrfForm(), readable=set())
    which = request.args.get("list") or "transfer"
    if which not in LISTS:
        which = "transfer"
    page = due_page(session, which, ctx, page=int_param(request.args, "page", 1, maximum=MAX_PAGE))
    batches, _total = list_batches(session, per_page=20)
    readable = readable_ids(session, user, acting_positions(user), [r.document.id for r in page.rows])
    return render_template("retention/index.html", awaiting=awaiting, lists=page, batches=batches, which=which,
                           form=CsrfForm(), readable=readable)


@bp.post("/retention/batches")
@login_required
def propose():
    """Propose a batch from the letters ticked on a list."""
    user = web_user()
    session = db_session()
    which = request.form.get("list") or "transfer"
    try:
        require_fresh_form()
        batch = propose_batch(session, actor=user, kind=request.form.get("kind", ""),
                              document_ids=document_ids(request.form.getlist("document_id")),
                              note=request.form.get("note", ""), ctx=retention_context())
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for(".index", list=which)), 303
    flash(_("The batch was proposed."), "success")
    return redirect(url_for(".show", batch_id=batch.id))


def _visible_batch(batch_id: int):
    user = web_user()
    batch = get_batch(db_session(), batch_id)
    if not may_see_batch(db_session(), user, batch, retention_context()):
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    return user, batch


@bp.get("/retention/batches/<id:batch_id>")
@login_required
def show(batch_id: int):
    """Show a batch, its list, its decisions and its berita acara."""
    user, batch = _visible_batch(batch_id)
    session = db_session()
    readable = readable_ids(session, user, acting_positions(user), [i.document_id for i in batch.items])
    return render_template("retention/batch.html", batch=batch, form=CsrfForm(), readable=readable,
                           actions=my_actions(session, user, batch, retention_context()))


@bp.get("/retention/batches/<id:batch_id>/package")
@login_required
def package(batch_id: int):
    """Download a carried-out hand-over's package (the letters and the signed berita acara penyerahan)."""
    from docflow.retention.download import send_handover_package

    user, batch = _visible_batch(batch_id)
    return send_handover_package(batch, user)


@bp.post("/retention/batches/<id:batch_id>/decide")
@login_required
def decide(batch_id: int):
    """Take a decision on a batch from its page."""
    user, batch = _visible_batch(batch_id)
    session = db_session()
    action = request.form.get("action", "")
    try:
        require_fresh_form()
        remove = removals(request.form, request.form.getlist("remove")) if action == "review" else {}
        decide_batch(session, actor=user, batch_id=batch.id, action=action, ctx=retention_context(),
                     filing=berita_acara_filing(), reason=request.form.get("reason", ""), remove=remove,
                     expected_revision=optional_int(request.form, "revision"))
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for(".show", batch_id=batch_id)), 303
    flash(_("Your decision was recorded."), "success")
    return redirect(url_for(".show", batch_id=batch_id))


@bp.post("/documents/<id:document_id>/hold")
@login_required
def place_hold_view(document_id: int):
    """Put a letter on legal hold from its page."""
    user = web_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    try:
        require_fresh_form()
        place_hold(session, actor=user, document=document, reason=request.form.get("reason", ""))
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for("documents.show", document_id=document_id, _anchor="retention")), 303
    flash(_("The letter is on legal hold: it will not be destroyed while the hold stands."), "success")
    return redirect(url_for("documents.show", document_id=document_id, _anchor="retention"))


@bp.post("/retention/holds/<id:hold_id>/lift")
@login_required
def lift_hold_view(hold_id: int):
    """Lift a legal hold from the letter's page."""
    user = web_user()
    session = db_session()
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound(N_("legal hold %(id)s does not exist"), id=hold_id)
    back = url_for("documents.show", document_id=hold.document_id, _anchor="retention")
    try:
        require_fresh_form()
        lift_hold(session, actor=user, hold=hold, reason=request.form.get("reason", ""))
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(back), 303
    flash(_("The legal hold was lifted."), "success")
    return redirect(back)
