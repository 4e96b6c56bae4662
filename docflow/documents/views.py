"""Pages for documents: my documents, a new letter and its route, the document page, previews, downloads."""
from __future__ import annotations

import re
import secrets
import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from docflow.api.params import MAX_PAGE, int_param, optional_int
from docflow.auth.access import web_user
from docflow.auth.models import Role
from docflow.context import acting_positions, db_session, end_transaction, held_positions, services
from docflow.documents.access import EDITABLE_STATES, Permission, is_drafter, permissions
from docflow.documents.download import send_version
from docflow.documents.forms import form_context, position_labels, recipient_values, upload_context
from docflow.documents.intake import receive_upload
from docflow.documents.operations import add_version, create_document, set_recipients, validate_document_fields
from docflow.documents.recipients import recipients_from_form, validate_recipients
from docflow.documents.queries import get_readable_document, get_version, list_readable_documents
from docflow.documents.retention import retention_today, standing_holds
from docflow.workflow.queries import document_types
from docflow.errors import N_, DocflowError, ServiceUnavailable, ValidationFailed
from docflow.workflow.states import FROZEN_STATES

bp = Blueprint("documents", __name__)


class CsrfForm(FlaskForm):
    """A form that carries only the CSRF token; fields are checked by the shared validators."""


FORM_EXPIRED = N_("The form expired; reload the page and try again.")


def require_fresh_form(form: FlaskForm | None = None) -> None:
    """Refuse a post whose CSRF token is missing or stale, naming the token as the field at fault."""
    if not (form or CsrfForm()).validate_on_submit():
        raise ValidationFailed(FORM_EXPIRED, field="csrf_token")


def _receive():
    svc = services()
    file = request.files.get("file")
    return receive_upload(
        file.stream if file and file.filename else None, file.filename if file else None,
        max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
        spool_dir=svc.spool_dir,
    )


# A browser cannot fill a file field again: the file of a refused new-letter form is kept here, named
# by a random token that only the session of the person who chose it knows, for the next attempt.
_KEPT_FOR_SECONDS = 24 * 3600


def _kept_dir():
    return services().spool_dir / "kept"


def _kept_upload() -> dict | None:
    """Return the file kept from this person's refused form ({token, filename}), if it is still there."""
    kept = browser_session.get("kept_upload")
    if not kept or not (_kept_dir() / kept["token"]).is_file():
        return None
    return kept


def _keep_upload() -> dict | None:
    """Keep the chosen file of a refused form for the next submission, or keep what was kept before."""
    file = request.files.get("file")
    if not (file and file.filename):
        return _kept_upload()
    directory = _kept_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stale = time.time() - _KEPT_FOR_SECONDS
    for old in directory.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    _drop_kept_upload()
    token = secrets.token_urlsafe(24)
    file.save(directory / token)
    browser_session["kept_upload"] = {"token": token, "filename": file.filename[:255]}
    return browser_session["kept_upload"]


def _drop_kept_upload() -> None:
    kept = browser_session.pop("kept_upload", None)
    if kept:
        (_kept_dir() / kept["token"]).unlink(missing_ok=True)


def _receive_new_letter_file():
    """Receive the chosen file, or the one kept from the refused form when no other was chosen."""
    file = request.files.get("file")
    kept = _kept_upload()
    if (file and file.filename) or kept is None or request.form.get("kept_upload") != kept["token"]:
        return _receive()
    svc = services()
    with (_kept_dir() / kept["token"]).open("rb") as stream:
        return receive_upload(stream, kept["filename"], max_bytes=svc.settings.max_upload_bytes,
                              allowed_types=svc.settings.uploads.allowed_types, spool_dir=svc.spool_dir)


def _vacant_recipient_desks(document) -> set[int]:
    """Return the desks the letter goes to that nobody holds or acts for today: no one would read it there."""
    from docflow.org.queries import can_be_acted_for

    today = services().today()
    return {r.position_id for r in document.recipients
            if r.position_id is not None and not can_be_acted_for(db_session(), r.position_id, today)}


def _warn_of_vacant_desks(document) -> None:
    vacant = _vacant_recipient_desks(document)
    if vacant:
        names = ", ".join(r.name for r in document.recipients if r.position_id in vacant)
        flash(_("Nobody holds or acts for %(desks)s today: the letter waits there unread until someone is "
                "assigned. Check the recipients.", desks=names), "warning")


# Route and delivery records written before they named desks: "verify 4; sign 2", "Yth. Kepala Dinas (pos:8)".
_OLD_ROUTE = re.compile(r"(?:verify|sign) \d+(?:; (?:verify|sign) \d+)*")
_OLD_STEP = re.compile(r"(verify|sign) (\d+)")
_OLD_DESK = re.compile(r" \(pos:(\d+)\)")


def _readable_comments(trail) -> dict[int, str]:
    """Return, by event id, the comments of old audit records with the desks named instead of their ids.

    The records themselves are hash-chained and stay as written; only what the page shows is resolved.
    """
    from docflow.org.models import Position

    def desk(position_id: str) -> Position | None:
        return db_session().get(Position, int(position_id))

    readable = {}
    for event in trail:
        if event.action == "set_route" and _OLD_ROUTE.fullmatch(event.comment or ""):
            readable[event.id] = "; ".join(
                f"{'Paraf' if kind == 'verify' else 'Tanda tangan'}: {p.title if (p := desk(pid)) else '#' + pid}"
                for kind, pid in _OLD_STEP.findall(event.comment))
        elif event.action == "deliver" and _OLD_DESK.search(event.comment or ""):
            readable[event.id] = _OLD_DESK.sub(
                lambda m: f" — {p.unit.name}" if (p := desk(m.group(1))) else "", event.comment)
    return readable


@bp.get("/documents")
@login_required
def index():
    """List the documents I may read, newest first."""
    user = web_user()
    page = list_readable_documents(db_session(), user, page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                                   mine=request.args.get("mine") == "1", positions=acting_positions(user))
    return render_template("documents/index.html", page=page, document_types=document_types(db_session()))


def _replaced(source) -> object | None:
    """Return the signed letter a correction (ralat) made on this form replaces, if it names one."""
    replaces_id = optional_int(source, "replaces")
    if not replaces_id:
        return None
    user = web_user()
    return get_readable_document(db_session(), user, replaces_id, acting_positions(user))


def _correction_values(replaces) -> dict:
    """Return the new-letter form filled in from the letter a correction replaces (its subject, type, codes)."""
    if replaces is None:
        return {}
    return {"title": replaces.title, "doc_type": replaces.doc_type, "classification_code": replaces.classification_code,
            "security_class": replaces.security_class, "urgency": replaces.urgency}


@bp.route("/documents/new", methods=["GET", "POST"])
@login_required
def new():
    """Upload a file as a new document, or as a correction (ralat) that replaces a signed letter."""
    form = CsrfForm()
    if request.method == "POST":
        replaces = _replaced(request.form)
        if not form.validate_on_submit():
            return render_template("documents/new.html", form=form, errors=[("csrf_token", _(FORM_EXPIRED))],
                                   values=request.form, replaces=replaces,
                recipient_values=recipient_values(request.form), **form_context()), 400
        try:
            fields = validate_document_fields(request.form, document_types(db_session()))
            recipients = validate_recipients(db_session(), recipients_from_form(request.form))
        except ValidationFailed as exc:
            # Refused before the file was read: keep it, so that the corrected form need not choose it again.
            return render_template("documents/new.html", form=form, errors=exc.errors, values=request.form,
                                   recipient_values=recipient_values(request.form), kept=_keep_upload(),
                                   replaces=replaces, **form_context()), exc.status
        try:
            end_transaction()  # the file is received and stored between transactions, as in the API
            with _receive_new_letter_file() as upload:
                document = create_document(db_session(), services().store, actor=web_user(), fields=fields,
                                           upload=upload, on=services().today(), recipients=recipients,
                                           before_store=end_transaction, held_positions=held_positions(web_user()),
                                           replaces=replaces)
        except DocflowError as exc:
            db_session().rollback()
            errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
            return render_template("documents/new.html", form=form, errors=errors, values=request.form,
                                   recipient_values=recipient_values(request.form), replaces=replaces,
                                   **form_context()), exc.status
        _drop_kept_upload()
        _warn_of_vacant_desks(document)
        if request.form.get("intent") == "route":
            flash(_("The draft was saved. Check its route, then submit it."), "success")
            return redirect(url_for(".show", document_id=document.id, _anchor="route-form"))
        flash(_("The document was saved. Its text is being read for search."), "success")
        return redirect(url_for(".show", document_id=document.id))
    replaces = _replaced(request.args)
    return render_template("documents/new.html", form=form, errors=[], values=_correction_values(replaces),
                           replaces=replaces, recipient_values=recipient_values(), **form_context())


@bp.get("/documents/<id:document_id>")
@login_required
def show(document_id: int):
    """Show a document, its versions and what I may do."""
    user = web_user()
    document = get_readable_document(db_session(), user, document_id, acting_positions(user))
    return _render_show(user, document, CsrfForm(), errors=[])


def _render_show(user, document, form, errors, *, route_steps=None, route_errors=(), recipient_form=None,
                 recipient_errors=()):
    from docflow.workflow.operations import available_actions, deadline_passed, may_set_deadline
    from docflow.workflow.queries import audit_trail, replacement_of

    session = db_session()
    route_edit = _route_edit(user, document, route_steps, list(route_errors))
    trail = audit_trail(session, document.id)
    actions = available_actions(session, user, document, services().today())
    recipients_editable = is_drafter(user, document, acting_positions(user)) and document.state in EDITABLE_STATES
    return render_template(
        "documents/show.html", document=document, form=form,
        permissions=permissions(user, document, acting_positions(user)), Permission=Permission,
        document_type=document_types(session).get(document.doc_type), errors=errors,
        actions=actions, signing_preview=_signing_preview(user, document) if "sign" in actions else None,
        deadline_notice=deadline_passed(document, services().today()),
        deadline_editable=may_set_deadline(session, user, document, services().today()),
        trail=trail, readable_comments=_readable_comments(trail), replaced_by=replacement_of(session, document.id),
        similar=_similar(user, document),
        now=services().now(), route_edit=route_edit, recipients_editable=recipients_editable,
        recipient_errors=list(recipient_errors), vacant_desks=_vacant_recipient_desks(document),
        # A signed letter is corrected by a new letter that replaces it (ralat), until one does.
        may_correct=(document.state in FROZEN_STATES and user.has_role(Role.DRAFTER)
                     and replacement_of(session, document.id) is None),
        recipient_values=recipient_values(recipient_form, document.recipients),
        # Only the drafter of an editable letter gets the recipient picker and its list of every desk.
        position_labels=position_labels() if recipients_editable else [],
        # A refusal for someone who has no route form (not the drafter) is shown at the top.
        refusals=list(route_errors) if route_edit is None else [],
        retention=retention_today(session, services(), document), holds=standing_holds(session, document.id),
        may_hold=user.is_active and bool(user.roles & {Role.ARCHIVIST, Role.ADMIN}), **upload_context())


def _signing_preview(user, document):
    """Return what the signer is told before signing (capacity, block, placement), or None if it cannot be read."""
    from docflow.signing.operations import signing_preview

    try:
        return signing_preview(db_session(), services().store, actor=user, document=document,
                               on=services().today())
    except DocflowError:
        return None  # the file cannot be read now: signing itself says why


def _similar(user, document):
    """Return letters like this one that the user may read, or None when search is unavailable."""
    from docflow.search.operations import similar_documents

    try:
        return similar_documents(db_session(), services().index, user, document, acting_positions(user))
    except ServiceUnavailable:
        return None  # the page works without its related letters


@bp.get("/documents/<id:document_id>/download")
@bp.get("/documents/<id:document_id>/versions/<id:number>/download")
@login_required
def download(document_id: int, number: int | None = None):
    """Download a version's bytes as an attachment."""
    document = get_readable_document(db_session(), web_user(), document_id, acting_positions(web_user()))
    return send_version(get_version(document, number))


@bp.post("/documents/<id:document_id>/versions")
@login_required
def new_version(document_id: int):
    """Upload a new version of a document."""
    user = web_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    form = CsrfForm()
    try:
        require_fresh_form(form)
        with _receive() as upload:
            version = add_version(session, services().store, actor=user, document=document, upload=upload,
                                  positions=acting_positions(user),
                                  expected_revision=optional_int(request.form, "revision"),
                                  comment=request.form.get("comment", ""))
    except ValidationFailed as exc:
        return _render_show(user, document, form, exc.errors), exc.status
    flash(_("Version %(number)s was saved.", number=version.number), "success")
    return redirect(url_for(".show", document_id=document.id))


@bp.get("/documents/<id:document_id>/versions/<id:number>/preview")
@login_required
def preview(document_id: int, number: int):
    """Show a PDF or image version inline under a sandboxing CSP; any other type downloads."""
    document = get_readable_document(db_session(), web_user(), document_id, acting_positions(web_user()))
    return send_version(get_version(document, number), inline=True)


def _route_candidates(session, document):
    """Return the desks a drafter may pick from: the chain above the drafter's desk and the unit's other desks."""
    from sqlalchemy import select

    from docflow.org.models import Position
    from docflow.org.queries import position_chain

    own = session.get(Position, document.author_position_id) if document.author_position_id else None
    chosen = {}
    if own is not None:
        for position in position_chain(own):
            chosen[position.id] = position
    for position in session.scalars(select(Position).where(Position.unit_id == document.unit_id,
                                                           Position.is_active.is_(True)).order_by(Position.id)):
        chosen.setdefault(position.id, position)
    chosen.pop(document.author_position_id, None)
    return sorted(chosen.values(), key=lambda p: (p.level, p.title))


def _route_edit(user, document, steps, errors):
    """Return what the route form needs when the user drafts this editable letter, else None."""
    from docflow.workflow.models import DocumentTypeRule
    from docflow.workflow.operations import proposed_route, route_of

    if not is_drafter(user, document, acting_positions(user)) or document.state not in ("draft", "returned"):
        return None
    session = db_session()
    if steps is None:
        try:
            steps = route_of(document) if document.steps else proposed_route(session, document, services().today())
        except ValidationFailed as exc:
            steps, errors = [], errors + exc.errors
    return dict(rule=session.get(DocumentTypeRule, document.doc_type), proposed=not document.steps, errors=errors,
                verifiers=[s for s in steps if s.kind == "verify"],
                signer=next((s for s in steps if s.kind == "sign"), None),
                candidates=_route_candidates(session, document))


def _steps_from_form(form, max_verifiers: int):
    """Read the route form: verifier_1..verifier_n (blank skips), signer, signer_mode, on_behalf."""
    from docflow.workflow.routes import parse_route

    items = [{"kind": "verify", "position_id": form.get(f"verifier_{n}")}
             for n in range(1, max_verifiers + 1) if form.get(f"verifier_{n}")]
    items.append({"kind": "sign", "position_id": form.get("signer"), "mode": form.get("signer_mode") or "direct",
                  "on_behalf_position_id": form.get("on_behalf") or None})
    return parse_route(items)


@bp.post("/documents/<id:document_id>/route")
@login_required
def save_route(document_id: int):
    """Save the route of my draft; with intent=submit (confirmed), submit the letter along it."""
    from docflow.workflow.models import DocumentTypeRule
    from docflow.workflow.operations import perform_action, set_route

    submit = False
    user = web_user()
    session = db_session()
    svc = services()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    rule = session.get(DocumentTypeRule, document.doc_type)
    steps = []
    try:
        require_fresh_form()
        steps = _steps_from_form(request.form, rule.max_verifiers if rule else 3)
        submit = request.form.get("intent") == "submit"
        if submit and request.form.get("confirm") != "1":
            raise ValidationFailed(N_("Tick “I confirm” to submit the letter."), field="confirm")
        set_route(session, actor=user, document=document, steps=steps,
                  expected_revision=optional_int(request.form, "revision"), on=svc.today(),
                  settings=svc.settings.workflow)
        if submit:
            perform_action(session, actor=user, document_id=document.id, action="submit",
                           expected_revision=document.revision, now=svc.now(), settings=svc.settings.workflow)
    except DocflowError as exc:
        session.rollback()
        document = get_readable_document(session, user, document_id, acting_positions(user))
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _render_show(user, document, CsrfForm(), [], route_steps=steps, route_errors=errors), exc.status
    if submit:
        flash(_("The letter was submitted for verification."), "success")
        return redirect(url_for(".show", document_id=document.id))
    flash(_("The route was saved."), "success")
    return redirect(url_for(".show", document_id=document.id, _anchor="route-form"))


@bp.post("/documents/<id:document_id>/recipients")
@login_required
def save_recipients(document_id: int):
    """Replace the addressees and copies of my draft or returned letter."""
    user = web_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    try:
        require_fresh_form()
        recipients = validate_recipients(session, recipients_from_form(request.form))
        set_recipients(session, actor=user, document=document, recipients=recipients,
                       expected_revision=optional_int(request.form, "revision"), positions=acting_positions(user))
    except DocflowError as exc:
        session.rollback()
        document = get_readable_document(session, user, document_id, acting_positions(user))
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _render_show(user, document, CsrfForm(), [], recipient_form=request.form,
                            recipient_errors=errors), exc.status
    flash(_("The recipients were saved."), "success")
    _warn_of_vacant_desks(document)
    return redirect(url_for(".show", document_id=document.id, _anchor="recipients"))
