"""Send an export package: a streamed ZIP, with its letter count and an estimate of its size for the page's progress."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Response

from docflow.auth.models import User
from docflow.context import db_session, services
from docflow.export.operations import record_package_download
from docflow.export.package import package_stream

logger = logging.getLogger(__name__)


def _trust() -> tuple[str, list[bytes]] | None:
    """Return the CA certificates and fresh CRLs for the signature report (None without a usable CA)."""
    from docflow.config import ca_key_secret
    from docflow.signing.operations import trust_material

    svc = services()
    try:
        return trust_material(db_session(), secret_key=ca_key_secret(svc.settings), now=svc.now())
    except Exception:  # noqa: BLE001 - a package without a signature check beats no package
        logger.exception("could not prepare the certificates and CRLs for a package's signature report")
        return None


def package_response(document_ids: Sequence[int], user: User, *, name: str, description: str) -> Response:
    """Stream the package of these (readable) letters as a ZIP download."""
    from sqlalchemy import func, select

    from docflow.documents.models import Version

    svc = services()
    session = db_session()
    trust = _trust()
    estimate = 0
    for start in range(0, len(document_ids), 500):
        chunk = list(document_ids[start:start + 500])
        estimate += session.scalar(select(func.coalesce(func.sum(Version.size), 0))
                                   .where(Version.document_id.in_(chunk))) or 0
    # Audited before the body streams: the request's commit point runs when the response is returned.
    record_package_download(session, actor=user, document_ids=list(document_ids), description=description)
    body = package_stream(svc.db, svc.store, list(document_ids), tz=svc.timezone, trust=trust,
                          source=svc.settings.server.public_url or "Docflow", description=description)
    response = Response(body, mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    # The ZIP's length is known only at its end; this lets a page show progress meanwhile.
    response.headers["X-Package-Documents"] = str(len(document_ids))
    response.headers["X-Package-Estimated-Bytes"] = str(estimate)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
