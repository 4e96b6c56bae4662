"""Send a follow-up's stored file: the same verified stream as a letter's version."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response

from docflow.documents.download import send_version
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
