"""Public verification: /verify/<token> shows a signed letter's facts and checks an uploaded copy."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, render_template, request

from docflow.config import ca_key_secret
from docflow.context import db_session, services
from docflow.documents.intake import receive_upload
from docflow.errors import N_, NotFound, ValidationFailed
from docflow.extraction import PDF
from docflow.signing.operations import current_crl
from docflow.signing.queries import active_authority, get_token
from docflow.verify.checks import UploadVerdict, check_upload, letter_status

logger = logging.getLogger(__name__)

bp = Blueprint("verify", __name__)

# The CRL changes when a certificate is revoked; relying parties may keep it for an hour.
_CRL_MAX_AGE = 3600


def _page(token: str, *, result: UploadVerdict | None = None,
          errors: Sequence[tuple[str | None, str]] = (), status: int = 200) -> tuple[str, int]:
    row = get_token(db_session(), token)
    response = render_template("verify/show.html", letter=letter_status(db_session(), row), result=result,
                               errors=list(errors), tz=services().timezone)
    return response, status


@bp.get("/verify/<token>")
def show(token: str):
    """Show a signed letter's number, date, type, signer, position and status to anyone."""
    return _page(token)


@bp.post("/verify/<token>")
def check(token: str):
    """Tell whether an uploaded PDF is the genuine signed letter, a modified copy, or unknown."""
    row = get_token(db_session(), token)
    svc = services()
    file = request.files.get("file")
    try:
        upload = receive_upload(file.stream if file and file.filename else None, file.filename if file else None,
                                max_bytes=svc.settings.max_upload_bytes, allowed_types=(PDF,),
                                spool_dir=svc.spool_dir)
    except ValidationFailed as exc:
        return _page(token, errors=exc.errors, status=exc.status)
    with upload:
        result = check_upload(db_session(), row, path=upload.path, sha256=upload.sha256,
                              secret_key=ca_key_secret(svc.settings), now=svc.now(),
                              timeout=svc.settings.extraction.timeout_seconds,
                              memory_limit_mb=svc.settings.extraction.memory_limit_mb)
    return _page(token, result=result)


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
