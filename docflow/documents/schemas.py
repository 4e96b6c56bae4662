"""JSON shapes of documents and versions for the API."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for

from docflow.auth.models import User
from docflow.documents.access import permissions
from docflow.documents.models import Document, DocumentRecipient, Version


def version_json(version: Version) -> dict[str, Any]:
    """Return the API form of a version."""
    return {
        "number": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "mime_type": version.mime_type,
        "original_filename": version.original_filename,
        "page_count": version.page_count,
        "extraction_status": version.extraction_label,
        "encrypted": version.encrypted,
        "ocr": version.ocr,
        "comment": version.comment,
        "created_at": version.created_at.isoformat(),
        "destroyed_at": version.destroyed_at.isoformat() if version.destroyed_at else None,
        "content_url": url_for("documents_api.version_content", document_id=version.document_id,
                               number=version.number),
    }


def recipient_json(recipient: DocumentRecipient) -> dict[str, Any]:
    """Return the API form of a recipient (position_id and unit are null for an external one)."""
    position = recipient.position
    return {
        "id": recipient.id,
        "kind": recipient.kind,
        "position_id": recipient.position_id,
        "name": recipient.name,
        "email": recipient.email,
        "unit": position.unit.code if position is not None else None,
    }


def document_json(document: Document, user: User, positions: Iterable[int] = (), *,
                  with_versions: bool = True) -> dict[str, Any]:
    """Return the API form of a document, with what the user may do to it."""
    data: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "doc_type": document.doc_type,
        "classification_code": document.classification_code,
        "security_class": document.security_class,
        "urgency": document.urgency,
        "state": document.state,
        "number": document.number,
        "unit": document.unit.code,
        "author": document.author.username,
        "revision": document.revision,
        "author_position_id": document.author_position_id,
        "replaces": document.replaces_id,
        "signed_at": document.signed_at.isoformat() if document.signed_at else None,
        "signature_block": document.signature_block,
        "recipients": [recipient_json(r) for r in document.recipients],
        "deadline": document.deadline.isoformat() if document.deadline else None,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "permissions": sorted(permissions(user, document, positions)),
        "content_url": url_for("documents_api.content", document_id=document.id),
    }
    if with_versions:
        data["versions"] = [version_json(v) for v in document.versions]
    return data
