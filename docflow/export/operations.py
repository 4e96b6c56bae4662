"""Domain writes of the legacy import: a letter of the old archive becomes a filed letter with its own number."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import User
from docflow.documents.models import Document, DocumentState, ExtractionStatus, Urgency, Version
from docflow.errors import N_, Conflict
from docflow.export.models import LegacyImport
from docflow.outbox.operations import EXTRACT_VERSION, enqueue_job
from docflow.workflow.models import DocumentTypeRule
from docflow.workflow.numbering import hold_imported_number

logger = logging.getLogger(__name__)

IMPORT_ACTION = "import_legacy"
PACKAGE_ACTION = "package_downloaded"


def record_package_download(session: Session, *, actor: User, document_ids: list[int], description: str) -> None:
    """Audit who downloaded a package of which letters (one record; a single letter's on its own trail)."""
    ids = sorted(set(document_ids))
    single = ids[0] if len(ids) == 1 else None
    document = session.get(Document, single) if single is not None else None
    record_event(session, action=PACKAGE_ACTION, document_id=single, actor_user_id=actor.id,
                 actor_name=actor.full_name or actor.username,
                 comment=f"export package of {len(ids)} letter(s): {description}; ids: "
                         + ",".join(str(i) for i in ids),
                 document_revision=document.revision if document is not None else None,
                 file_sha256=document.current_version.sha256 if document is not None and document.current_version
                 else None)
    logger.info("user %s downloads a package of %d letter(s)", actor.username, len(ids))


@dataclass(frozen=True)
class LegacyLetter:
    """One checked row of a legacy manifest."""

    row: int
    number: str
    day: date
    doc_type: str
    classification_code: str
    unit_id: int
    sender: str
    security_class: str
    title: str
    file: str


@dataclass(frozen=True)
class CheckedFile:
    """A legacy letter's file as the check found it: hashed and its type detected from its bytes."""

    sha256: str
    size: int
    mime_type: str
    filename: str


def source_key(number: str, day: date, sha256: str) -> str:
    """Return the identity of a legacy letter: its number, its date and its file."""
    return hashlib.sha256(f"{number}\x00{day.isoformat()}\x00{sha256}".encode()).hexdigest()


def already_imported(session: Session, key: str) -> int | None:
    """Return the letter a legacy letter became, if it was imported before."""
    return session.scalar(select(LegacyImport.document_id).where(LegacyImport.source_key == key))


def import_legacy_letter(session: Session, *, actor: User, letter: LegacyLetter, upload: CheckedFile, storage_key: str,
                         manifest: str, tz: ZoneInfo) -> Document:
    """Add a filed letter keeping its original number and date, its version, the import record and an audit record.

    The file is already stored under `storage_key` (upload, then claim). No register number is taken;
    a number written with its type's pattern holds its sequence, which the register then passes over.
    """
    key = source_key(letter.number, letter.day, upload.sha256)
    if (existing := already_imported(session, key)) is not None:
        raise Conflict(N_("row %(row)s was imported before, as document %(id)s"), field="file", row=letter.row,
                       id=existing)
    dated = datetime.combine(letter.day, time(0, 0), tzinfo=tz).astimezone(UTC)  # the letter's day in the city
    document = Document(
        title=letter.title, doc_type=letter.doc_type, classification_code=letter.classification_code,
        security_class=letter.security_class, urgency=Urgency.BIASA, state=DocumentState.FILED,
        number=letter.number, unit_id=letter.unit_id, author_id=actor.id, author_position_id=None,
        signed_at=dated, created_at=dated, signature_block=letter.sender or None,
        steps=[], grants=[], desk_grants=[], versions=[], recipients=[],
    )
    session.add(document)
    session.flush()
    hold_imported_number(session, document, session.get(DocumentTypeRule, letter.doc_type))
    version = Version(document=document, number=1, storage_key=storage_key, sha256=upload.sha256, size=upload.size,
                      mime_type=upload.mime_type, original_filename=upload.filename, created_by_id=actor.id,
                      comment="", extraction_status=ExtractionStatus.PENDING)
    session.add(version)
    session.flush()
    enqueue_job(session, EXTRACT_VERSION, version_id=version.id)  # OCR and indexing follow in the worker
    session.add(LegacyImport(source_key=key, document_id=document.id, original_number=letter.number,
                             manifest=manifest[:500], manifest_row=letter.row))
    record_event(session, action=IMPORT_ACTION, document_id=document.id, to_state=DocumentState.FILED,
                 actor_user_id=actor.id, actor_name=actor.full_name or actor.username,
                 comment=f"imported from a legacy archive: {manifest} row {letter.row}, original number "
                         f"{letter.number} of {letter.day.isoformat()}",
                 document_revision=document.revision, file_sha256=upload.sha256)
    session.flush()
    logger.info("imported legacy letter %s (%s) as document %s", letter.number, letter.day, document.id)
    return document
