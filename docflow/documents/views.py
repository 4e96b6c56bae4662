"""Pages for documents: my documents, a new letter and its route, the document page, previews, downloads."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from docflow.api.params import MAX_PAGE, int_param, optional_int
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, end_transaction, held_positions, services
from docflow.documents.access import EDITABLE_STATES, Permission, is_drafter, permissions
from docflow.documents.classification import search_classification_codes
from docflow.documents.download import send_version
from docflow.documents.intake import receive_upload, type_label
from docflow.documents.models import RecipientKind, SecurityClass, Urgency
from docflow.documents.operations import add_version, create_document, set_recipients, validate_document_fields
from docflow.documents.recipients import (
    position_label,
    recipient_positions,
    recipients_from_form,
    validate_recipients,
)
from docflow.documents.queries import get_readable_document, get_version, list_readable_documents
from docflow.workflow.queries import document_types
from docflow.errors import N_, DocflowError, ServiceUnavailable, ValidationFailed

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


def _upload_context() -> dict:
    """Return what a file field shows: the size limit and the accepted types."""
    settings = services().settings
    return dict(max_mb=settings.uploads.max_size_mb, max_bytes=settings.max_upload_bytes,
                accepted=", ".join(type_label(t) for t in settings.uploads.allowed_types))


def _position_labels() -> list[str]:
    """Return the recipient picker's choices: every active desk."""
    return [position_label(p) for p in recipient_positions(db_session())]


def _form_context(**extra):
    return dict(
        document_types=document_types(db_session()), security_classes=list(SecurityClass), urgencies=list(Urgency),
        default_type="nota_dinas", classification_codes=search_classification_codes(db_session(), limit=10_000),
        position_labels=_position_labels(), **_upload_context(), **extra,
    )


def _recipient_values(form=None, recipients=()):
    """Return what the recipient fields show per kind: the values sent back, or the letter's recipients."""
    if form is not None:
        return {kind: {"positions": [v for v in form.getlist(f"{kind}_position") if v.strip()],
                       "names": "\n".join(form.getlist(f"{kind}_name"))} for kind in RecipientKind}
    return {kind: {"positions": [position_label(r.position) for r in recipients if r.kind == kind and r.position],
                   "names": "\n".join(r.name for r in recipients if r.kind == kind and r.position_id is None)}
            for kind in RecipientKind}


@bp.get("/documents")
@login_required
def index():
    """List the documents I may read, newest first."""
    user = web_user()
    page = list_readable_documents(db_session(), user, page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                                   mine=request.args.get("mine") == "1", positions=acting_positions(user))
    return render_template("documents/index.html", page=page, document_types=document_types(db_session()))


@bp.route("/documents/new", methods=["GET", "POST"])
@login_required
def new():
    """Upload a file as a new document."""
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("documents/new.html", form=form, errors=[("csrf_token", _(FORM_EXPIRED))],
                                   values=request.form,
                recipient_values=_recipient_values(request.form), **_form_context()), 400
        try:
            fields = validate_document_fields(request.form, document_types(db_session()))
            recipients = validate_recipients(db_session(), recipients_from_form(request.form))
            end_transaction()  # the file is received and stored between transactions, as in the API
            with _receive() as upload:
                document = create_document(db_session(), services().store, actor=web_user(), fields=fields,
                                           upload=upload, on=services().today(), recipients=recipients,
                                           before_store=end_transaction, held_positions=held_positions(web_user()))
        except ValidationFailed as exc:
            return render_template("documents/new.html", form=form, errors=exc.errors, values=request.form,
                                   recipient_values=_recipient_values(request.form), **_form_context()), exc.status
        if request.form.get("intent") == "route":
            flash(_("The draft was saved. Check its route, then submit it."), "success")
            return redirect(url_for(".show", document_id=document.id, _anchor="route-form"))
        flash(_("The document was saved. Its text is being read for search."), "success")
        return redirect(url_for(".show", document_id=document.id))
    return render_template("documents/new.html", form=form, errors=[], values={},
                           recipient_values=_recipient_values(), **_form_context())


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
    recipients_editable = is_drafter(user, document, acting_positions(user)) and document.state in EDITABLE_STATES
    return render_template(
        "documents/show.html", document=document, form=form,
        permissions=permissions(user, document, acting_positions(user)), Permission=Permission,
        document_type=document_types(session).get(document.doc_type), errors=errors,
        actions=available_actions(session, user, document, services().today()),
        deadline_notice=deadline_passed(document, services().today()),
        deadline_editable=may_set_deadline(session, user, document, services().today()),
        trail=audit_trail(session, document.id), replaced_by=replacement_of(session, document.id),
        similar=_similar(user, document),
        now=services().now(), route_edit=route_edit, recipients_editable=recipients_editable,
        recipient_errors=list(recipient_errors),
        recipient_values=_recipient_values(recipient_form, document.recipients),
        # Only the drafter of an editable letter gets the recipient picker and its list of every desk.
        position_labels=_position_labels() if recipients_editable else [],
        # A refusal for someone who has no route form (not the drafter) is shown at the top.
        refusals=list(route_errors) if route_edit is None else [], **_upload_context())


def _similar(user, document):
    """Return letters like this one that the user may read, or None when search is unavailable."""
    from docflow.search.operations import similar_documents

    try:
        return similar_documents(services().index, user, document, acting_positions(user))
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
            steps = route_of(document) if document.steps else proposed_route(session, document)
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
    return redirect(url_for(".show", document_id=document.id, _anchor="recipients"))
