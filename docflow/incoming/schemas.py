"""JSON shapes of incoming letters and disposisi for the API."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import url_for

from docflow.auth.models import User
from docflow.incoming.access import letter_permissions, node_actions
from docflow.incoming.models import (
    Disposition,
    DispositionInstruction,
    FollowUpAttachment,
    IncomingLetter,
    IncomingReply,
)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def instruction_json(instruction: DispositionInstruction) -> dict[str, Any]:
    """Return the API form of an instruction of the city's list."""
    return {"id": instruction.id, "text": instruction.text}


def disposition_json(node: Disposition, positions: Iterable[int] = ()) -> dict[str, Any]:
    """Return the API form of one disposisi node, with the actions the caller may take on it."""
    return {
        "id": node.id,
        "letter_id": node.letter_id,
        "parent_id": node.parent_id,
        "from_position_id": node.from_position_id,
        "from_position": node.from_position.title,
        "issued_via": node.issued_via,
        "to_position_id": node.to_position_id,
        "to_position": node.to_position.title,
        "instructions": [instruction_json(i) for i in node.instructions],
        "note": node.note,
        "due_on": node.due_on.isoformat() if node.due_on else None,
        "priority": node.priority,
        "state": node.state,
        "revision": node.revision,
        "created_at": _when(node.created_at),
        "read_at": _when(node.read_at),
        "followed_up_at": _when(node.followed_up_at),
        "follow_up_note": node.follow_up_note,
        "attachments": [attachment_json(a) for a in node.attachments],
        "done_at": _when(node.done_at),
        "cancelled_at": _when(node.cancelled_at),
        "actions": [str(a) for a in node_actions(node, positions)],
    }


def letter_json(letter: IncomingLetter, user: User, positions: Iterable[int] = ()) -> dict[str, Any]:
    """Return the API form of an incoming letter, with what the caller may do to it."""
    document = letter.document
    return {
        "id": letter.id,
        "agenda_number": letter.agenda_number,
        "agenda_year": letter.agenda_year,
        "agenda": letter.agenda_label,
        "unit": letter.unit.code,
        "sender": letter.sender_institution,
        "sender_person": letter.sender_person,
        "sender_number": letter.sender_number,
        "sender_date": letter.sender_date.isoformat(),
        "received_on": letter.received_on.isoformat(),
        "subject": document.title,
        "doc_type": document.doc_type,
        "classification_code": document.classification_code,
        "security_class": document.security_class,
        "urgency": document.urgency,
        "state": letter.state,
        "addressees": [{"position_id": a.position_id, "title": a.position.title, "read_at": _when(a.read_at)}
                       for a in letter.addressees],
        "registered_by": letter.registered_by.username,
        "created_at": _when(letter.created_at),
        "document_id": document.id,
        "content_url": url_for("documents_api.content", document_id=document.id),
        "permissions": sorted(letter_permissions(user, letter, positions)),
        "forwarded_to_id": letter.forwarded_to_id,
    }


def reply_json(reply: IncomingReply) -> dict[str, Any]:
    """Return the API form of a reply letter linked to an incoming letter."""
    document = reply.document
    return {
        "id": reply.id,
        "letter_id": reply.letter_id,
        "disposition_id": reply.disposition_id,
        "document_id": document.id,
        "title": document.title,
        "state": document.state,
        "number": document.number,
        "recorded_at": _when(reply.recorded_at),
        "document_url": url_for("documents_api.show", document_id=document.id),
    }


def attachment_json(attachment: FollowUpAttachment) -> dict[str, Any]:
    """Return the API form of a file reported with a follow-up."""
    return {"id": attachment.id, "filename": attachment.original_filename, "mime_type": attachment.mime_type,
            "size": attachment.size, "sha256": attachment.sha256,
            "content_url": url_for("incoming_api.follow_up_file", attachment_id=attachment.id)}
