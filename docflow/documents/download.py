"""Send a stored version's bytes: streamed, as an attachment, never run in the site's origin."""
from __future__ import annotations

from contextlib import ExitStack
from urllib.parse import quote

from flask import Response

from docflow.context import services
from docflow.documents.models import Version
from docflow.errors import N_, NotFound, ServiceUnavailable
from docflow.extraction import EXTENSIONS
from storage import ObjectNotFound, StorageError

_CHUNK = 256 * 1024


def _download_name(version: Version) -> str:
    name = version.original_filename or f"document-{version.document_id}-v{version.number}"
    extension = EXTENSIONS.get(version.mime_type, "")
    if extension and not name.lower().endswith(extension):
        name += extension
    return name


def send_version(version: Version, *, inline: bool = False) -> Response:
    """Stream a version's bytes; inline only for PDF and images, under a sandboxing CSP."""
    stack = ExitStack()
    try:
        reader = stack.enter_context(services().store.open(version.storage_key))
    except ObjectNotFound as exc:
        stack.close()
        raise NotFound(N_("the stored file of this version is missing; an administrator has to restore it")) from exc
    except StorageError as exc:
        stack.close()
        raise ServiceUnavailable(N_("the document store is unavailable; please try again shortly")) from exc

    def generate():
        with stack:
            while chunk := reader.read(_CHUNK):
                yield chunk

    inline = inline and (version.mime_type == "application/pdf" or version.mime_type.startswith("image/"))
    name = _download_name(version)
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = "inline" if inline else "attachment"
    response = Response(generate(), mimetype=version.mime_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(version.size)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{version.sha256}"'
    return response
