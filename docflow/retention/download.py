"""Send a hand-over's stored package: streamed, verified against its key, and audited."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

from flask import Response

from docflow.auth.models import User
from docflow.context import db_session, services
from docflow.errors import N_, NotFound, ServiceUnavailable
from docflow.export.operations import record_package_download
from docflow.retention.models import RetentionBatch
from storage import ObjectNotFound, StorageError

_CHUNK = 256 * 1024


def send_handover_package(batch: RetentionBatch, user: User) -> Response:
    """Stream the package of a carried-out hand-over (letters and signed berita acara) as a ZIP download."""
    if batch.package_key is None:
        raise NotFound(N_("this batch has no package: only a hand-over has one, written once its berita acara is "
                          "signed"))
    stack = ExitStack()
    try:
        reader = stack.enter_context(services().store.open(batch.package_key, verify=True))
    except ObjectNotFound as exc:
        stack.close()
        raise NotFound(N_("the stored package of this hand-over is missing; an administrator has to restore it")) \
            from exc
    except StorageError as exc:
        stack.close()
        raise ServiceUnavailable(N_("the document store is unavailable; please try again shortly")) from exc
    ids = [item.document_id for item in batch.kept_items] + ([batch.berita_acara_id] if batch.berita_acara_id else [])
    record_package_download(db_session(), actor=user, document_ids=ids, description=f"Penyerahan #{batch.id}")

    def chunks() -> Iterator[bytes]:
        with stack:
            while chunk := reader.read(_CHUNK):  # a corrupt object raises at its end: the download breaks
                yield chunk

    response = Response(chunks(), mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Length"] = str(batch.package_size)
    response.headers["Content-Disposition"] = f'attachment; filename="penyerahan-{batch.id}.zip"'
    response.headers["ETag"] = f'"{batch.package_sha256}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.call_on_close(stack.close)
    return response
