"""Pages of incoming letters: register one, the unit's incoming book, a letter with its disposisi tree,
and the disposisi given to me."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from docflow.api.params import MAX_PAGE, int_param, optional_id, optional_int
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, end_transaction, held_positions, refused_form, services
from docflow.documents.classification import search_classification_codes
from docflow.documents.intake import receive_upload, type_label
from docflow.documents.models import SecurityClass, Urgency
from docflow.documents.views import FORM_EXPIRED, CsrfForm, require_fresh_form
from docflow.errors import N_, Conflict, DocflowError, PermissionDenied, ValidationFailed
from docflow.incoming.access import (
    Permission,
    can_read_letter,
    can_register,
    issuing_desks,
    letter_permissions,
    may_reply_from,
    node_actions,
)
from docflow.incoming.files import send_follow_up_file
from docflow.incoming.models import IncomingLetter
from docflow.incoming.operations import (
    DEFAULT_DOC_TYPE,
    act_on_disposition,
    find_duplicate,
    forward_letter,
    give_disposition,
    mark_letter_read,
    reply_recipient,
    reply_title,
    start_reply,
    store_follow_up_file,
    register_incoming_letter,
    register_internal_letter,
    validate_disposition_fields,
    validate_incoming_fields,
    validate_position_ids,
)
from docflow.incoming.queries import (
    addressable_positions,
    get_follow_up_attachment,
    disposition_tree,
    get_readable_disposition,
    get_readable_letter,
    incoming_book,
    instructions,
    internal_letter_to_register,
    internal_letters_to_register,
    my_dispositions,
    positions_below,
    replies_of,
    units_to_forward_to,
)
from docflow.incoming.states import DispositionAction, DispositionState, LetterState
from docflow.workflow.queries import document_types

bp = Blueprint("incoming", __name__)

DONE_MESSAGES = {
    DispositionAction.READ: _l("The disposisi is marked as read."),
    DispositionAction.FOLLOW_UP: _l("The follow-up was recorded."),
    DispositionAction.DONE: _l("The disposisi is done."),
    DispositionAction.CANCEL: _l("The disposisi was cancelled."),
    DispositionAction.FORWARD: _l("The disposisi was passed further down."),
}
LETTER_STATE_LABELS = {
    LetterState.REGISTERED: _l("No disposisi yet"), LetterState.IN_PROGRESS: _l("Disposisi in progress"),
    LetterState.DONE: _l("Done"), LetterState.FORWARDED: _l("Forwarded to another unit"),
}
NODE_STATE_LABELS = {
    DispositionState.UNREAD: _l("Unread"), DispositionState.READ: _l("Read"),
    DispositionState.FOLLOWED_UP: _l("Followed up"), DispositionState.DONE: _l("Done"),
    DispositionState.CANCELLED: _l("Cancelled"),
}
ACTION_LABELS = {
    DispositionAction.READ: _l("Mark as read"), DispositionAction.FOLLOW_UP: _l("Report the follow-up"),
    DispositionAction.DONE: _l("Mark as done"), DispositionAction.CANCEL: _l("Cancel this disposisi"),
    DispositionAction.FORWARD: _l("Pass it further down"),
}


@bp.app_context_processor
def _labels() -> dict:
    return {"letter_state_labels": LETTER_STATE_LABELS, "node_state_labels": NODE_STATE_LABELS,
            "disposition_action_labels": ACTION_LABELS}


@bp.get("/incoming")
@login_required
def book():
    """Show my unit's incoming book (buku agenda), newest first, optionally by state."""
    user = web_user()
    state = request.args.get("state") or None
    if state not in LetterState.__members__.values():
        state = None
    page = None
    if user.unit_id is not None:
        page = incoming_book(db_session(), user, user.unit_id, positions=acting_positions(user), state=state,
                             page=int_param(request.args, "page", 1, maximum=MAX_PAGE), per_page=50)
    may_register = can_register(user)
    internal = internal_letters_to_register(db_session(), user.unit_id) if may_register else []
    return render_template("incoming/book.html", page=page, state=state, states=list(LetterState),
                           may_register=may_register, internal=internal, form=CsrfForm())


@bp.post("/incoming/internal/<id:document_id>")
@login_required
def register_internal(document_id: int):
    """Register a letter another unit signed and sent to my unit's desks, in one click (records clerks)."""
    user = web_user()
    session = db_session()
    svc = services()
    try:
        require_fresh_form()
        if not can_register(user):
            raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))
        document = internal_letter_to_register(session, user.unit_id, document_id)
        if document is None:
            raise ValidationFailed(N_("only a letter that another unit of the city signed and sent is registered "
                                      "this way"), field="document_id")
        letter = register_internal_letter(session, actor=user, document=document, on=svc.today(),
                                          timezone=svc.timezone)
    except DocflowError as exc:
        return refused_form(exc, url_for(".book"))
    flash(_("Registered as agenda %(agenda)s.", agenda=letter.agenda_label), "success")
    return redirect(url_for(".show", letter_id=letter.id))


def _register_form(values, errors, status=200, *, duplicate=None, **extra):
    user = web_user()
    svc = services()
    return render_template(
        "incoming/register.html", form=CsrfForm(), values=values, errors=errors, duplicate=duplicate,
        addressees=addressable_positions(db_session(), user.unit_id),
        chosen=set(values.getlist("addressees")) if hasattr(values, "getlist") else set(),
        document_types=document_types(db_session()), default_type=DEFAULT_DOC_TYPE,
        classification_codes=search_classification_codes(db_session(), limit=10_000),
        security_classes=list(SecurityClass), urgencies=list(Urgency), today=svc.today().isoformat(),
        max_mb=svc.settings.max_upload_bytes / 2**20,
        accepted=", ".join(dict.fromkeys(type_label(t) for t in svc.settings.uploads.allowed_types)), **extra,
    ), status


@bp.route("/incoming/new", methods=["GET", "POST"])
@login_required
def register():
    """Register an incoming letter with its scan (records clerks)."""
    user = web_user()
    if not can_register(user):
        raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))
    if request.method == "GET":
        return _register_form({}, [])
    svc = services()
    session = db_session()
    if not CsrfForm().validate_on_submit():
        return _register_form(request.form, [("csrf_token", _(FORM_EXPIRED))], 400)
    try:
        fields = validate_incoming_fields(request.form, request.form.getlist("addressees"),
                                          document_types(session), on=svc.today())
        end_transaction()
        file = request.files.get("file")
        with receive_upload(file.stream if file and file.filename else None, file.filename if file else None,
                            max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
                            spool_dir=svc.spool_dir) as upload:
            letter = register_incoming_letter(session, svc.store, actor=user, fields=fields, upload=upload,
                                              on=svc.today(), before_store=end_transaction,
                                              held_positions=held_positions(user))
    except Conflict as exc:
        session.rollback()
        duplicate = find_duplicate(session, user.unit_id, fields)
        return _register_form(request.form, [(exc.field, exc.reason)], exc.status, duplicate=duplicate)
    except ValidationFailed as exc:
        session.rollback()
        return _register_form(request.form, exc.errors, exc.status)
    flash(_("Registered as agenda %(agenda)s. Its text is being read for search.", agenda=letter.agenda_label),
          "success")
    return redirect(url_for(".show", letter_id=letter.id))


def _render_letter(letter, errors=(), status=200):
    user = web_user()
    session = db_session()
    positions = acting_positions(user)
    granted = letter_permissions(user, letter, positions)
    desks = issuing_desks(letter, positions) if Permission.DISPOSE in granted else []
    below = {desk: positions_below(session, desk) for desk in set(desks)}
    tree = disposition_tree(session, letter)
    forward_targets = {}
    stack = list(tree)
    while stack:
        item = stack.pop()
        stack.extend(item.children)
        if DispositionAction.FORWARD in node_actions(item.node, positions):
            forward_targets[item.node.id] = positions_below(session, item.node.to_position_id)
    forwarded_to = session.get(IncomingLetter, letter.forwarded_to_id) if letter.forwarded_to_id else None
    return render_template(
        "incoming/show.html", letter=letter, document=letter.document, tree=tree, form=CsrfForm(),
        errors=list(errors), issuing=[(d, below[d]) for d in desks], forward_targets=forward_targets,
        instructions=instructions(session), urgencies=list(Urgency), positions=positions,
        node_actions=node_actions, today=services().today().isoformat(),
        replies=replies_of(session, letter), may_reply=Permission.REPLY in granted, may_reply_from=may_reply_from,
        units=units_to_forward_to(session, letter.unit_id) if Permission.FORWARD in granted else [],
        forwarded_to=forwarded_to if forwarded_to is not None and can_read_letter(user, forwarded_to, positions)
        else None,
    ), status


@bp.get("/incoming/<id:letter_id>")
@login_required
def show(letter_id: int):
    """Show an incoming letter, its file and its disposisi tree (who did what, and when); an addressee reads it."""
    user = web_user()
    positions = acting_positions(user)
    letter = get_readable_letter(db_session(), user, letter_id, positions)
    mark_letter_read(db_session(), actor=user, letter=letter, positions=positions, now=services().now())
    return _render_letter(letter)


@bp.get("/incoming/<id:letter_id>/sheet")
@login_required
def sheet(letter_id: int):
    """Show the letter's lembar disposisi: its particulars and the tree as rows, for the archive or print."""
    user = web_user()
    session = db_session()
    letter = get_readable_letter(session, user, letter_id, acting_positions(user))
    return render_template("incoming/sheet.html", letter=letter, document=letter.document,
                           rows=_sheet_rows(session, letter), now=services().now())


def _sheet_rows(session, letter):
    rows, stack = [], [(0, item) for item in reversed(disposition_tree(session, letter))]
    while stack:
        depth, item = stack.pop()
        rows.append((depth, item.node))
        stack.extend((depth + 1, child) for child in reversed(item.children))
    return rows


@bp.get("/incoming/<id:letter_id>/sheet.pdf")
@login_required
def sheet_pdf(letter_id: int):
    """Download the letter's lembar disposisi as a PDF, times in the city's time zone."""
    from flask import Response
    from flask_babel import format_date

    from docflow.incoming.sheet_pdf import sheet_pdf as render_sheet
    from docflow.labels import security_label, urgency_label

    user = web_user()
    session = db_session()
    svc = services()
    letter = get_readable_letter(session, user, letter_id, acting_positions(user))
    words = {
        "title": _("Disposition sheet (lembar disposisi)"), "agenda": _("Agenda"), "received_on": _("Received on"),
        "sender": _("Sender"), "sender_number": _("Sender's number and date"), "subject": _("Subject"),
        "security": _("Security class"), "urgency": _("Urgency"), "addressed_to": _("Addressed to"),
        "disposisi": _("Disposisi"), "from": _("From"), "to": _("To"), "instructions": _("Instructions"),
        "note": _("Note"), "given_at": _("Given on"), "due_on": _("Due on"), "state": _("State"),
        "follow_up": _("Follow-up"), "none_yet": _("No disposisi yet."),
        "as_of": _("A view of the disposisi tree for the archive, as of %(when)s; the disposisi itself is given "
                   "and followed in Docflow.", when="%(when)s"),
    }
    pdf = render_sheet(letter, _sheet_rows(session, letter), words=words, tz=svc.timezone, now=svc.now(),
                       date_text=lambda d: format_date(d, "long"), state_text=lambda s: str(NODE_STATE_LABELS[s]),
                       security_text=str(security_label(letter.document.security_class)),
                       urgency_text=str(urgency_label(letter.document.urgency)))
    response = Response(pdf, mimetype="application/pdf")
    name = f"lembar-disposisi-{letter.agenda_number}-{letter.agenda_year}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _disposition_fields():
    return validate_disposition_fields(request.form, request.form.getlist("recipients"),
                                       request.form.getlist("instructions"), on=services().today())


@bp.post("/incoming/<id:letter_id>/dispositions")
@login_required
def dispose(letter_id: int):
    """Give a disposisi from the letter's page (its addressee, or her Plt./Plh. today)."""
    user = web_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    try:
        require_fresh_form()
        nodes = give_disposition(session, actor=user, letter=letter, fields=_disposition_fields(), on=svc.today(),
                                 now=svc.now(), positions=positions,
                                 from_position_id=optional_id(request.form, "position_id"))
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _render_letter(get_readable_letter(session, user, letter_id, positions), errors, exc.status)
    flash(_("The disposisi was given to %(count)s desks.", count=len(nodes)), "success")
    return redirect(url_for(".show", letter_id=letter.id, _anchor="disposisi"))


@bp.get("/dispositions")
@login_required
def mine():
    """Show the disposisi given to my desks: unread first, then by due date."""
    user = web_user()
    positions = acting_positions(user)
    state = request.args.get("state") or None
    if state not in DispositionState.__members__.values():
        state = None
    page = my_dispositions(db_session(), positions, state=state, page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                           per_page=50)
    return render_template("incoming/mine.html", page=page, state=state, states=list(DispositionState),
                           positions=positions, node_actions=node_actions, form=CsrfForm(),
                           today=services().today())


@bp.post("/dispositions/<id:disposition_id>/actions/<action>")
@login_required
def act(disposition_id: int, action: str):
    """Act on a disposisi node from a page, then go back to where the person was."""
    user = web_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    node = get_readable_disposition(session, user, disposition_id, positions)
    letter_id = node.letter_id
    back = (url_for(".mine") if request.form.get("next") == "mine"
            else url_for(".show", letter_id=letter_id, _anchor=f"node-{disposition_id}"))
    try:
        require_fresh_form()
        if action == DispositionAction.FORWARD:
            give_disposition(session, actor=user, letter=node.letter, fields=_disposition_fields(), on=svc.today(),
                             now=svc.now(), positions=positions, parent=node)
        else:
            stored = None
            file = request.files.get("file")
            if file is not None and file.filename and action == DispositionAction.FOLLOW_UP:
                end_transaction()  # the file is stored with no lock held; the report claims it under the lock
                with receive_upload(file.stream, file.filename, max_bytes=svc.settings.max_upload_bytes,
                                    allowed_types=svc.settings.uploads.allowed_types,
                                    spool_dir=svc.spool_dir) as upload:
                    stored = store_follow_up_file(session, svc.store, actor=user, upload=upload)
                end_transaction()
            act_on_disposition(session, actor=user, disposition_id=disposition_id, action=action, on=svc.today(),
                               now=svc.now(), positions=positions, note=request.form.get("note", ""),
                               expected_revision=optional_int(request.form, "revision"), attachment=stored)
    except DocflowError as exc:
        return refused_form(exc, back)
    flash(str(DONE_MESSAGES.get(DispositionAction(action), _("Done."))), "success")
    return redirect(back)


def _reply_form(letter, values, errors, status=200, *, disposition_id=None):
    session = db_session()
    svc = services()
    document = letter.document
    return render_template(
        "incoming/reply.html", letter=letter, form=CsrfForm(), errors=errors, disposition_id=disposition_id,
        values={"title": reply_title(letter), "classification_code": document.classification_code,
                "security_class": document.security_class, "urgency": document.urgency,
                "doc_type": DEFAULT_DOC_TYPE, **{k: v for k, v in values.items() if v}},
        addressee=reply_recipient(letter), document_types=document_types(session),
        security_classes=list(SecurityClass), urgencies=list(Urgency),
        max_mb=svc.settings.max_upload_bytes / 2**20,
        accepted=", ".join(dict.fromkeys(type_label(t) for t in svc.settings.uploads.allowed_types)),
    ), status


@bp.route("/incoming/<id:letter_id>/reply", methods=["GET", "POST"])
@login_required
def reply(letter_id: int):
    """Buat surat balasan: start a draft to the sender, linked to the disposisi; signing it reports the follow-up."""
    user = web_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    source = request.form if request.method == "POST" else request.args
    disposition_id = optional_id(source, "disposition_id")
    if request.method == "GET":
        return _reply_form(letter, {}, [], disposition_id=disposition_id)
    if not CsrfForm().validate_on_submit():
        return _reply_form(letter, request.form.to_dict(), [("csrf_token", _(FORM_EXPIRED))], 400,
                           disposition_id=disposition_id)
    from docflow.documents.operations import validate_document_fields

    try:
        fields = validate_document_fields({
            "title": request.form.get("title") or reply_title(letter), "doc_type": request.form.get("doc_type"),
            "classification_code": request.form.get("classification_code"),
            "security_class": request.form.get("security_class"), "urgency": request.form.get("urgency"),
        }, document_types(session))
        end_transaction()
        file = request.files.get("file")
        with receive_upload(file.stream if file and file.filename else None, file.filename if file else None,
                            max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
                            spool_dir=svc.spool_dir) as upload:
            letter = get_readable_letter(session, user, letter_id, positions)
            started = start_reply(session, svc.store, actor=user, letter=letter, upload=upload, fields=fields,
                                  on=svc.today(), positions=positions, disposition_id=disposition_id,
                                  before_store=end_transaction, held_positions=held_positions(user))
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _reply_form(get_readable_letter(session, user, letter_id, positions), request.form.to_dict(),
                           errors, exc.status, disposition_id=disposition_id)
    flash(_("The reply is a draft now: set its route and submit it. When it is signed, the disposisi is reported "
            "as followed up."), "success")
    return redirect(url_for("documents.show", document_id=started.document_id))


@bp.post("/incoming/<id:letter_id>/forward")
@login_required
def forward(letter_id: int):
    """Teruskan: pass a letter registered at the wrong unit to the right unit's book (the clerk)."""
    user = web_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    try:
        require_fresh_form()
        unit_id = optional_id(request.form, "unit_id")
        if unit_id is None:
            raise ValidationFailed(N_("say which unit the letter goes to: unit_id"), field="unit_id")
        moved = forward_letter(session, actor=user, letter=letter, unit_id=unit_id,
                               addressee_ids=validate_position_ids(request.form.getlist("addressees"), "addressees"),
                               note=request.form.get("note", ""), on=svc.today())
    except DocflowError as exc:
        return refused_form(exc, url_for(".show", letter_id=letter_id))
    flash(_("Forwarded to %(unit)s, where it is agenda %(agenda)s.", unit=moved.unit.name, agenda=moved.agenda_label),
          "success")
    return redirect(url_for(".show", letter_id=letter_id))


@bp.get("/follow-up-files/<id:attachment_id>")
@login_required
def follow_up_file(attachment_id: int):
    """Download a file reported with a disposisi's follow-up."""
    user = web_user()
    return send_follow_up_file(get_follow_up_attachment(db_session(), user, attachment_id, acting_positions(user)))
