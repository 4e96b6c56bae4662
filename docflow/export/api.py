"""JSON API of export packages: one letter, a selection or a search result, as a streamed ZIP of a BagIt bag."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Blueprint, Response, request

from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.errors import N_, ValidationFailed
from docflow.export.package import package_stream
from docflow.export.selection import parse_ids, readable_ids, search_result_ids

logger = logging.getLogger(__name__)

bp = Blueprint("export_api", __name__, url_prefix="/api/v1")


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


def package_response(document_ids: Sequence[int], *, name: str, description: str) -> Response:
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
    user = api_user()
    logger.info("user %s exports a package of %d letter(s)", user.username, len(document_ids))
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


@bp.get("/documents/<id:document_id>/package")
@api_login_required
def document_package(document_id: int):
    """Download one letter's export package (a ZIP of a BagIt bag)."""
    user = api_user()
    document = get_readable_document(db_session(), user, document_id, acting_positions(user))
    return package_response([document.id], name=f"naskah-{document.id}.zip", description=document.title)


@bp.post("/packages")
@api_login_required
def selection_package():
    """Download the package of a selection ({"ids": [...]}) or of a search result ({"search": {"q": ...}})."""
    user = api_user()
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or ("ids" in data) == ("search" in data):
        raise ValidationFailed(N_("send a JSON object with either ids or search"), field=None)
    positions = acting_positions(user)
    if "ids" in data:
        ids = readable_ids(db_session(), user, parse_ids(data["ids"]), positions)
        description = f"{len(ids)} naskah dinas terpilih"
    else:
        search = data["search"]
        if not isinstance(search, dict) or not all(isinstance(v, str) for v in search.values()):
            raise ValidationFailed(N_("search takes the search parameters as text"), field="search")
        ids = search_result_ids(db_session(), services().index, user, search, positions)
        description = f"hasil pencarian: {search.get('q', '')}"[:200]
    return package_response(ids, name="paket-naskah.zip", description=description)
