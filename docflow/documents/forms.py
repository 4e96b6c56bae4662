"""What the letter forms show, shared by a new letter (documents) and a letter from a template (drafting)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docflow.context import db_session, services
from docflow.documents.classification import search_classification_codes
from docflow.documents.intake import type_label
from docflow.documents.models import DocumentRecipient, RecipientKind, SecurityClass, Urgency
from docflow.documents.recipients import position_label, recipient_positions
from docflow.workflow.queries import document_types


def upload_context() -> dict[str, Any]:
    """Return what a file field shows: the size limit and the accepted types."""
    settings = services().settings
    return dict(max_mb=settings.uploads.max_size_mb, max_bytes=settings.max_upload_bytes,
                accepted=", ".join(type_label(t) for t in settings.uploads.allowed_types))


def position_labels() -> list[str]:
    """Return the recipient picker's choices: every active desk."""
    return [position_label(p) for p in recipient_positions(db_session())]


def form_context(**extra: Any) -> dict[str, Any]:
    """Return what a new letter's form shows: types, classes, codes, desks to address and the file field."""
    return dict(
        document_types=document_types(db_session()), security_classes=list(SecurityClass), urgencies=list(Urgency),
        default_type="nota_dinas", classification_codes=search_classification_codes(db_session(), limit=10_000),
        position_labels=position_labels(), **upload_context(), **extra,
    )


def recipient_values(form: Any = None, recipients: Iterable[DocumentRecipient] = ()) -> dict[RecipientKind, dict[str, Any]]:
    """Return what the recipient fields show per kind: the values sent back, or the letter's recipients."""
    if form is not None:
        return {kind: {"positions": [v for v in form.getlist(f"{kind}_position") if v.strip()],
                       "names": "\n".join(form.getlist(f"{kind}_name"))} for kind in RecipientKind}
    return {kind: {"positions": [position_label(r.position) for r in recipients if r.kind == kind and r.position],
                   "names": "\n".join(r.name for r in recipients if r.kind == kind and r.position_id is None)}
            for kind in RecipientKind}
