"""Public verification: /verify/<token> shows a signed letter's facts and checks an uploaded copy."""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from docflow.config import ca_key_secret
from docflow.context import client_address, db_session, end_transaction, services
from docflow.documents.intake import receive_upload
from docflow.errors import N_, Message, NotFound, TooLarge, TooManyRequests, ValidationFailed
from docflow.extraction import PDF
from docflow.signing.operations import current_crl, trust_material
from docflow.signing.queries import active_authority, get_token
from docflow.verify.checks import (
    LetterStatus,
    SignedReference,
    UploadVerdict,
    check_upload,
    letter_status,
    signed_reference,
)
from docflow.verify.gate import UploadGate

logger = logging.getLogger(__name__)

bp = Blueprint("verify", __name__)

# The CRL changes when a certificate is revoked; relying parties may keep it for an hour.
_CRL_MAX_AGE = 3600
_TOO_LARGE = N_("the file is larger than the limit of %(limit)s MB")
# What multipart framing adds to the file itself, for refusing an oversized body before reading it.
_ENVELOPE_BYTES = 64 * 1024


def _gate() -> UploadGate:
    return current_app.extensions["docflow_verify_gate"]


@bp.record_once
def _install_gate(state) -> None:
    limits = state.app.extensions["docflow"].settings.verify
    state.app.extensions["docflow_verify_gate"] = UploadGate(
        total=limits.max_concurrent, per_client=limits.max_concurrent_per_client,
        retry_after=math.ceil(limits.timeout_seconds))


def _read_letter(token: str) -> tuple[LetterStatus, SignedReference]:
    """Read the letter's public facts, then end the transaction: nothing after this holds the database."""
    session = db_session()
    row = get_token(session, token)
    facts = letter_status(session, row), signed_reference(row)
    end_transaction()
    return facts


def _trust_material() -> tuple[str, list[bytes]]:
    svc = services()
    material = trust_material(db_session(), secret_key=ca_key_secret(svc.settings), now=svc.now())
    end_transaction()
    return material


def _page(letter: LetterStatus, *, result: UploadVerdict | None = None,
          errors: Sequence[tuple[str | None, str]] = (), status: int = 200) -> tuple[str, int]:
    page = render_template("verify/show.html", letter=letter, result=result, errors=list(errors))
    return page, status


@bp.get("/verify/<token>")
def show(token: str):
    """Show a signed letter's number, date, type, signer, position and status to anyone."""
    letter, _reference = _read_letter(token)
    return _page(letter)


def _max_bytes() -> int:
    return int(services().settings.verify.max_size_mb * 1024 * 1024)


@bp.url_value_preprocessor
def _limit_body(endpoint: str | None, _values: dict | None) -> None:
    # Before the CSRF check reads the form: an oversized body is refused from its announced length.
    if endpoint == "verify.check":
        request.max_content_length = _max_bytes() + _ENVELOPE_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge):
    try:
        letter, _reference = _read_letter((request.view_args or {}).get("token", ""))
    except NotFound as exc:  # raised in an error handler, it would not reach the app's own
        return current_app.handle_user_exception(exc)
    limit = f"{services().settings.verify.max_size_mb:g}"
    return _page(letter, errors=[("file", Message(_TOO_LARGE, limit=limit))], status=413)


def _check_file(reference: SignedReference) -> UploadVerdict:
    svc = services()
    file = request.files.get("file")
    try:
        upload = receive_upload(file.stream if file and file.filename else None, file.filename if file else None,
                                max_bytes=_max_bytes(), allowed_types=(PDF,), spool_dir=svc.spool_dir)
    except TooLarge as exc:
        raise TooLarge(_TOO_LARGE, field="file", limit=f"{svc.settings.verify.max_size_mb:g}") from exc
    with upload:
        return check_upload(reference, path=upload.path, sha256=upload.sha256, trust=_trust_material,
                            timeout=svc.settings.verify.timeout_seconds,
                            memory_limit_mb=svc.settings.extraction.memory_limit_mb)


@bp.post("/verify/<token>")
def check(token: str):
    """Tell whether an uploaded PDF is the genuine signed letter, a modified copy, or unknown.

    Anyone may call this, so it holds no database transaction while the file is received and
    checked, its work is bounded in size and time, and few checks run at once (429 past that).
    """
    letter, reference = _read_letter(token)
    try:
        with _gate().admit(client_address() or "unknown"):
            result = _check_file(reference)
    except TooManyRequests as exc:
        page = _page(letter, errors=[(exc.field, exc.reason)], status=exc.status)
        return *page, {"Retry-After": str(exc.retry_after)}
    except ValidationFailed as exc:
        return _page(letter, errors=exc.errors, status=exc.status)
    return _page(letter, result=result)


def _authority():
    authority = active_authority(db_session())
    if authority is None:
        raise NotFound(N_("this Docflow has no certificate authority yet"))
    return authority


@bp.get("/ca.pem")
def ca_certificate():
    """Serve the organisation's CA certificate (PEM), to trust in a PDF reader."""
    response = Response(_authority().certificate_pem, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="docflow-ca.pem"'
    return response


def _crl(encoding: serialization.Encoding) -> bytes:
    svc = services()
    return current_crl(db_session(), secret_key=ca_key_secret(svc.settings), now=svc.now(),
                       authority=_authority()).public_bytes(encoding)


@bp.get("/crl.pem")
def crl_pem():
    """Serve the current certificate revocation list as PEM."""
    response = Response(_crl(serialization.Encoding.PEM), mimetype="application/x-pem-file")
    response.headers["Cache-Control"] = f"public, max-age={_CRL_MAX_AGE}"
    return response


@bp.get("/crl.crl")
def crl_der():
    """Serve the current CRL as DER: the address certificates name as their CRL distribution point."""
    response = Response(_crl(serialization.Encoding.DER), mimetype="application/pkix-crl")
    response.headers["Cache-Control"] = f"public, max-age={_CRL_MAX_AGE}"
    return response
