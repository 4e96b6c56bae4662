"""Pages of drafting: start a letter from a template; administer the templates."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from docflow.admin.access import admin_required
from docflow.auth.access import web_user
from docflow.context import db_session, end_transaction, held_positions, services
from docflow.documents.intake import receive_upload
from docflow.documents.recipients import recipients_from_form, validate_recipients
from docflow.documents.forms import form_context, recipient_values
from docflow.documents.views import FORM_EXPIRED, CsrfForm, require_fresh_form
from docflow.drafting.operations import (
    add_template,
    draft_from_template,
    replace_template,
    set_template_active,
    validate_draft,
)
from docflow.drafting.queries import get_template, list_templates
from docflow.errors import N_, DocflowError, ValidationFailed
from docflow.extraction import DOCX, ODT
from docflow.org.models import Unit
from docflow.signing.conversion import convert_to_docx
from docflow.workflow.queries import document_types

bp = Blueprint("drafting", __name__)


def _letter_file() -> tuple[bytes, str, str] | None:
    """Return the DOCX/ODT a form sent (bytes, type, name), or None when it sent none."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return None
    svc = services()
    with receive_upload(file.stream, file.filename, max_bytes=svc.settings.max_upload_bytes,
                        allowed_types=(DOCX, ODT), spool_dir=svc.spool_dir) as upload:
        with upload.open() as fh:
            return fh.read(), upload.mime_type, upload.filename


def _user_unit_id() -> int | None:
    return web_user().unit_id


def _draft_page(form, *, errors=(), values=None, status: int = 200):
    templates = list_templates(db_session(), unit_id=_user_unit_id())
    values = values if values is not None else {}
    return render_template("drafting/new.html", form=form, errors=list(errors), values=values, templates=templates,
                           recipient_values=recipient_values(request.form if request.method == "POST" else None),
                           **form_context()), status


@bp.route("/documents/from-template", methods=["GET", "POST"])
@login_required
def new():
    """Start a letter from a template: header fields, the body as plain paragraphs, or her own DOCX/ODT."""
    form = CsrfForm()
    if request.method == "GET":
        return _draft_page(form, values={"template": request.args.get("template", "")})
    if not form.validate_on_submit():
        return _draft_page(form, errors=[("csrf_token", _(FORM_EXPIRED))], values=request.form, status=400)
    session = db_session()
    user = web_user()
    try:
        template_id = request.form.get("template", "")
        template = get_template(session, int(template_id) if template_id.isdigit() else None)
        draft = validate_draft(request.form, template, document_types(session))
        recipients = validate_recipients(session, recipients_from_form(request.form))
        own = _letter_file()
        svc = services()
        document = draft_from_template(session, svc.store, actor=user, template=template, draft=draft,
                                       recipients=recipients, on=svc.today(), spool_dir=svc.spool_dir,
                                       to_docx=convert_to_docx, own_file=own[:2] if own else None,
                                       held_positions=held_positions(user), before_store=end_transaction)
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _draft_page(form, errors=errors, values=request.form, status=exc.status)
    flash(_("The draft was written from the template. Check it (show the PDF that will be signed), choose its "
            "route and submit it."), "success")
    return redirect(url_for("documents.show", document_id=document.id, _anchor="route-form"))


def _admin_page(form, *, errors=(), values=None, status: int = 200):
    session = db_session()
    return render_template("drafting/admin.html", form=form, errors=list(errors), values=values or {},
                           templates=list_templates(session, include_inactive=True),
                           units=list(session.scalars(select(Unit).order_by(Unit.name))),
                           document_types=document_types(session)), status


@bp.get("/admin/templates")
@admin_required
def admin():
    """List every template, with forms to upload, replace and deactivate them."""
    return _admin_page(CsrfForm())


@bp.post("/admin/templates")
@admin_required
def upload():
    """Upload a template for a document type and a unit (or the whole city)."""
    form = CsrfForm()
    session = db_session()
    try:
        require_fresh_form(form)
        unit_id = request.form.get("unit_id", "")
        unit = session.get(Unit, int(unit_id)) if unit_id.isdigit() else None
        sent = _letter_file()
        if sent is None:
            raise ValidationFailed(N_("a file is required"), field="file")
        data, mime, filename = sent
        template = add_template(session, services().store, actor=web_user(), doc_type=request.form.get("doc_type", ""),
                                unit=unit, name=request.form.get("name", ""), data=data, mime=mime, filename=filename,
                                to_docx=convert_to_docx)
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _admin_page(form, errors=errors, values=request.form, status=exc.status)
    flash(_("The template %(name)s was added.", name=template.name), "success")
    return redirect(url_for(".admin"))


@bp.post("/admin/templates/<id:template_id>/file")
@admin_required
def replace(template_id: int):
    """Give a template a new file."""
    form = CsrfForm()
    session = db_session()
    try:
        require_fresh_form(form)
        template = get_template(session, template_id)
        sent = _letter_file()
        if sent is None:
            raise ValidationFailed(N_("a file is required"), field="file")
        data, mime, filename = sent
        replace_template(session, services().store, actor=web_user(), template=template, data=data, mime=mime,
                         filename=filename, to_docx=convert_to_docx)
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _admin_page(form, errors=errors, status=exc.status)
    flash(_("The template %(name)s has a new file.", name=template.name), "success")
    return redirect(url_for(".admin"))


@bp.post("/admin/templates/<id:template_id>/active")
@admin_required
def toggle(template_id: int):
    """Stop offering a template to drafters, or offer it again."""
    require_fresh_form()
    template = get_template(db_session(), template_id)
    set_template_active(db_session(), actor=web_user(), template=template, active=request.form.get("active") == "1")
    flash(_("The template %(name)s is offered to drafters.", name=template.name) if template.is_active
          else _("The template %(name)s is no longer offered to drafters.", name=template.name), "success")
    return redirect(url_for(".admin"))
