"""Send a stored version's bytes: streamed, as an attachment, never run in the site's origin.

The bytes are hashed as they go out and the last chunk is held back until the whole object has
hashed to its key: a corrupt copy is cut off short of its Content-Length (the client sees a broken
download, never a complete-looking wrong file), recorded as damaged and refused from then on.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack
from typing import BinaryIO
from urllib.parse import quote

from flask import Response

from docflow.context import db_session, services
from docflow.documents.models import DamagedObject, Version
from docflow.documents.operations import record_damaged_object
from docflow.errors import N_, Gone, NotFound, ServiceUnavailable, StoredFileDamaged
from docflow.extraction import EXTENSIONS
from docflow.services import Services
from storage import IntegrityError, ObjectNotFound, StorageError

logger = logging.getLogger(__name__)

_CHUNK = 256 * 1024


def _download_name(version: Version) -> str:
    name = version.original_filename or f"document-{version.document_id}-v{version.number}"
    extension = EXTENSIONS.get(version.mime_type, "")
    if extension and not name.lower().endswith(extension):
        name += extension
    return name


def _record_damage(svc: Services, version: Version, detail: str) -> None:
    """Remember the damage in its own transaction: the request's has ended when the stream runs."""
    try:
        with svc.db.transaction() as session:
            record_damaged_object(session, version.storage_key, detail=detail, found_by="download")
    except Exception:  # the download is aborted either way; do not hide why
        logger.exception("could not record object %s as damaged", version.storage_key)


def _verified_chunks(svc: Services, version: Version, reader: BinaryIO, stack: ExitStack) -> Iterator[bytes]:
    """Yield the object's bytes, holding the last chunk back until the whole has hashed to its key."""
    key, expected_size = version.storage_key, version.size
    with stack:
        sent = 0
        try:
            pending = reader.read(_CHUNK)
            while True:
                following = reader.read(_CHUNK)  # at the end, raises IntegrityError if the hash differs
                if sent + len(pending) + len(following) > expected_size:
                    raise IntegrityError(f"object {key} holds more than the {expected_size} bytes of its version")
                if not following:
                    break
                yield pending
                sent += len(pending)
                pending = following
        except IntegrityError as exc:
            logger.error("aborted download of document %s version %s after %d bytes: %s",
                         version.document_id, version.number, sent, exc)
            _record_damage(svc, version, str(exc))
            raise
        except StorageError:
            logger.exception("aborted download of document %s version %s after %d bytes",
                             version.document_id, version.number, sent)
            raise
        if pending:
            yield pending


def send_version(version: Version, *, inline: bool = False) -> Response:
    """Stream a version's bytes, verified; inline only for PDF and images, under a sandboxing CSP."""
    svc = services()
    if version.destroyed_at is not None:
        raise Gone(N_("this file was destroyed by a signed berita acara pemusnahan; the letter's details, number "
                      "and audit trail remain"))
    if db_session().get(DamagedObject, version.storage_key) is not None:
        raise StoredFileDamaged(N_("the stored file of this version is damaged and cannot be downloaded; ask an "
                                   "administrator to repair it (uploading the original file again repairs it)"))
    stack = ExitStack()
    try:
        reader = stack.enter_context(svc.store.open(version.storage_key, verify=True))
    except ObjectNotFound as exc:
        stack.close()
        raise NotFound(N_("the stored file of this version is missing; an administrator has to restore it")) from exc
    except StorageError as exc:
        stack.close()
        raise ServiceUnavailable(N_("the document store is unavailable; please try again shortly")) from exc

    inline = inline and (version.mime_type == "application/pdf" or version.mime_type.startswith("image/"))
    name = _download_name(version)
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = "inline" if inline else "attachment"
    response = Response(_verified_chunks(svc, version, reader, stack), mimetype=version.mime_type,
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(version.size)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{version.sha256}"'
    response.call_on_close(stack.close)  # also when the body is never read (HEAD, a client gone early)
    return response
