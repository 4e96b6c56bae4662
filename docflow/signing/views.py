"""Pages of signing: signers' certificates for administrators, and the PDF a draft will be signed as."""
from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from docflow.auth.access import web_user
from docflow.auth.models import Role, User
from docflow.auth.operations import get_user
from docflow.config import ca_key_secret
from docflow.context import acting_positions, db_session, services
from docflow.documents.access import is_drafter
from docflow.documents.queries import get_readable_document
from docflow.errors import N_, DocflowError, PermissionDenied, ValidationFailed
from docflow.i18n import translate
from docflow.signing.operations import issue_credential, prepare_signing_pdf, revoke_credential
from docflow.signing.pki import REVOCATION_REASONS
from docflow.signing.queries import active_authority, get_credential, list_credentials
from docflow.workflow.operations import available_actions

bp = Blueprint("signing", __name__)


@bp.app_context_processor
def _signing_address() -> dict[str, bool]:
    # The letter page says why signing is off rather than offering a form that can only fail.
    return {"signing_needs_public_url": not services().settings.server.public_url}


def _admin() -> User:
    user = web_user()
    if not user.has_role(Role.ADMIN):
        raise PermissionDenied(N_("only administrators may manage signing certificates"))
    return user


def _certificates_page(*, errors: Sequence[tuple[str | None, str]] = (), values: dict[str, str] | None = None,
                       status: int = 200) -> tuple[str, int]:
    session = db_session()
    page = render_template("signing/certificates.html", authority=active_authority(session),
                           credentials=list_credentials(session), reasons=list(REVOCATION_REASONS),
                           errors=list(errors), values=values or {}, now=services().now())
    return page, status


@bp.get("/admin/certificates")
@login_required
def certificates():
    """List signers' certificates and offer to issue or revoke one (administrators only)."""
    _admin()
    return _certificates_page()


@bp.post("/admin/certificates")
@login_required
def issue():
    """Issue a certificate to a signer, who types their new passphrase into this form themselves."""
    admin = _admin()
    session = db_session()
    svc = services()
    username = request.form.get("username", "").strip()
    passphrase = request.form.get("passphrase", "")
    values = {"username": username}
    try:
        if passphrase != request.form.get("passphrase_confirm", ""):
            raise ValidationFailed(N_("The two passphrases differ."), field="passphrase")
        credential = issue_credential(session, secret_key=ca_key_secret(svc.settings),
                                      user=get_user(session, username), passphrase=passphrase, now=svc.now(),
                                      actor=admin, base_url=svc.settings.server.public_url)
    except DocflowError as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, ValidationFailed) else [(exc.field, exc.reason)]
        return _certificates_page(errors=errors, values=values, status=exc.status)
    flash(_("Certificate %(serial)s was issued to %(user)s.", serial=credential.serial, user=username), "success")
    if not credential.user.has_role(Role.SIGNER):
        flash(_("%(user)s has no signer role and cannot sign with it until given one on their page.",
                user=username), "error")
    return redirect(url_for(".certificates"))


@bp.post("/admin/certificates/<id:credential_id>/revoke")
@login_required
def revoke(credential_id: int):
    """Revoke a signer's certificate; it is published on the CRL at once."""
    admin = _admin()
    session = db_session()
    credential = get_credential(session, credential_id)
    try:
        revoke_credential(session, credential=credential, reason=request.form.get("reason", "unspecified"),
                          now=services().now(), actor=admin)
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for(".certificates")), 303
    flash(_("Certificate %(serial)s was revoked.", serial=credential.serial), "success")
    return redirect(url_for(".certificates"))


@bp.post("/documents/<id:document_id>/signing-pdf")
@login_required
def signing_pdf(document_id: int):
    """Make the PDF a DOCX/ODT draft will be signed as, so that the drafter can check it first."""
    user = web_user()
    session = db_session()
    positions = acting_positions(user)
    document = get_readable_document(session, user, document_id, positions)
    svc = services()
    try:
        if not (is_drafter(user, document, positions) or available_actions(session, user, document, svc.today())):
            raise PermissionDenied(N_("Only the drafter and the officials on the route prepare the PDF for signing."))
        version = prepare_signing_pdf(session, svc.store, actor=user, document=document)
    except DocflowError as exc:
        session.rollback()
        flash(translate(exc.reason), "error")
        return redirect(url_for("documents.show", document_id=document_id)), 303
    flash(_("This PDF (version %(number)s) is what will be signed.", number=version.number), "success")
    return redirect(url_for("documents.show", document_id=document_id))
