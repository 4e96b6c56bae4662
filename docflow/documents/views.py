"""Pages for documents: my documents, upload, the document page, downloads, new versions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from docflow.api.params import int_param, optional_int
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.access import Permission, permissions
from docflow.documents.download import send_version
from docflow.documents.intake import receive_upload, type_label
from docflow.documents.models import SecurityClass, Urgency
from docflow.documents.operations import add_version, create_document, validate_document_fields
from docflow.documents.queries import get_readable_document, get_version, list_readable_documents
from docflow.workflow.queries import document_types
from docflow.errors import ValidationFailed

bp = Blueprint("documents", __name__)


class CsrfForm(FlaskForm):
    """A form that carries only the CSRF token; fields are checked by the shared validators."""


def _receive():
    svc = services()
    file = request.files.get("file")
    return receive_upload(
        file.stream if file and file.filename else None, file.filename if file else None,
        max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
        spool_dir=svc.spool_dir,
    )


def _form_context(**extra):
    settings = services().settings
    return dict(
        document_types=document_types(db_session()), security_classes=list(SecurityClass), urgencies=list(Urgency),
        default_type="nota_dinas", max_mb=settings.uploads.max_size_mb,
        accepted=", ".join(type_label(t) for t in settings.uploads.allowed_types), **extra,
    )


@bp.get("/documents")
@login_required
def index():
    """List the documents I may read, newest first."""
    user = web_user()
    page = list_readable_documents(db_session(), user, page=int_param(request.args, "page", 1),
                                   mine=request.args.get("mine") == "1", positions=acting_positions(user))
    return render_template("documents/index.html", page=page, document_types=document_types(db_session()))


@bp.route("/documents/new", methods=["GET", "POST"])
@login_required
def new():
    """Upload a file as a new document."""
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("documents/new.html", form=form, errors=[("csrf_token", _(
                "The form expired; reload the page and try again."))], values=request.form,
                **_form_context()), 400
        try:
            fields = validate_document_fields(request.form, document_types(db_session()))
            with _receive() as upload:
                document = create_document(db_session(), services().store, actor=web_user(), fields=fields,
                                           upload=upload, on=services().today())
        except ValidationFailed as exc:
            return render_template("documents/new.html", form=form, errors=exc.errors, values=request.form,
                                   **_form_context()), exc.status
        flash(_("The document was saved. Its text is being read for search."), "success")
        return redirect(url_for(".show", document_id=document.id))
    return render_template("documents/new.html", form=form, errors=[], values={}, **_form_context())


@bp.get("/documents/<int:document_id>")
@login_required
def show(document_id: int):
    """Show a document, its versions and what I may do."""
    user = web_user()
    document = get_readable_document(db_session(), user, document_id, acting_positions(user))
    return _render_show(user, document, CsrfForm(), errors=[])


def _render_show(user, document, form, errors):
    from docflow.workflow.operations import available_actions
    from docflow.workflow.queries import audit_trail, replacement_of

    session = db_session()
    return render_template(
        "documents/show.html", document=document, form=form,
        permissions=permissions(user, document, acting_positions(user)), Permission=Permission,
        document_type=document_types(session).get(document.doc_type), errors=errors,
        actions=available_actions(session, user, document, services().today()),
        trail=audit_trail(session, document.id), replaced_by=replacement_of(session, document.id),
        now=services().now(), **_form_context())


@bp.get("/documents/<int:document_id>/download")
@bp.get("/documents/<int:document_id>/versions/<int:number>/download")
@login_required
def download(document_id: int, number: int | None = None):
    """Download a version's bytes as an attachment."""
    document = get_readable_document(db_session(), web_user(), document_id, acting_positions(web_user()))
    return send_version(get_version(document, number))


@bp.post("/documents/<int:document_id>/versions")
@login_required
def new_version(document_id: int):
    """Upload a new version of a document."""
    user = web_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    form = CsrfForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed(_("The form expired; reload the page and try again."), field="csrf_token")
        with _receive() as upload:
            version = add_version(session, services().store, actor=user, document=document, upload=upload,
                                  positions=acting_positions(user),
                                  expected_revision=optional_int(request.form, "revision"),
                                  comment=request.form.get("comment", ""))
    except ValidationFailed as exc:
        return _render_show(user, document, form, exc.errors), exc.status
    flash(_("Version %(number)s was saved.", number=version.number), "success")
    return redirect(url_for(".show", document_id=document.id))
