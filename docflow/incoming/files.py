"""Send the incoming feature's stored files: a follow-up's file and what an intake kept, for pages and API alike."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from flask import Response

from docflow.context import services
from docflow.documents.download import send_version
from docflow.errors import N_, Gone, NotFound
from docflow.incoming.intake_models import PendingRegistration
from docflow.incoming.models import FollowUpAttachment


@dataclass(frozen=True)
class _StoredAsVersion:
    """The fields `send_version` reads, for a file that is not a letter's version."""

    id: int
    document_id: int
    number: str
    storage_key: str
    sha256: str
    size: int
    mime_type: str
    original_filename: str
    # Set when its letter was destroyed by a berita acara pemusnahan: the download answers 410.
    destroyed_at: datetime | None = None


def send_follow_up_file(attachment: FollowUpAttachment, *, document_id: int = 0) -> Response:
    """Stream the file as an attachment, verified against its hash (a damaged copy is cut off and recorded)."""
    return send_version(_StoredAsVersion(  # type: ignore[arg-type]
        id=attachment.id, document_id=document_id, number=f"tl{attachment.id}", storage_key=attachment.storage_key,
        sha256=attachment.sha256, size=attachment.size, mime_type=attachment.mime_type,
        original_filename=attachment.original_filename or f"tindak-lanjut-{attachment.id}",
        destroyed_at=attachment.destroyed_at))


def _intake_object(row: PendingRegistration, original: bool) -> tuple[str | None, str, str]:
    if not original:
        return row.file_key, row.filename or "surat", row.mime_type or "application/octet-stream"
    if row.channel == "mail":
        return row.original_key, f"intake-{row.id}.eml", "message/rfc822"
    return row.original_key or row.file_key, row.filename or f"intake-{row.id}", "application/octet-stream"


def send_intake_file(row: PendingRegistration, *, original: bool = False) -> Response:
    """Send an intake's file (or, original, what arrived as it arrived) as an attachment no browser runs, verified."""
    if row.files_destroyed_at is not None:
        raise Gone(N_("the files of this intake were destroyed with its letter by a signed berita acara pemusnahan; "
                      "the letter's details, number and audit trail remain"))
    key, name, mime = _intake_object(row, original)
    if not key:
        raise NotFound(N_("nothing of this intake was stored"))
    with services().store.open(key, verify=True) as stream:
        data = stream.read()  # read whole: a damaged copy is refused before a byte goes out
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
