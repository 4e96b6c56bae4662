"""Domain writes for documents: validate, store the bytes first, then the rows that claim them."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import User
from docflow.documents.access import EDITABLE_STATES, Permission, is_drafter, may_correct, permissions
from docflow.documents.classification import classification_exists
from docflow.documents.intake import Upload
from docflow.documents.models import (
    DamagedObject,
    Document,
    DocumentRecipient,
    DocumentState,
    ExtractionStatus,
    SecurityClass,
    Urgency,
    Version,
)
from docflow.documents.recipients import RecipientSpec
from docflow.org.models import Position
from docflow.org.queries import acting_position_ids, held_position_ids
from docflow.workflow.states import FROZEN_STATES
from docflow.db import utcnow
from docflow.errors import (
    N_,
    Conflict,
    InsufficientStorage,
    Message,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from docflow.outbox.operations import EXTRACT_VERSION, enqueue_index, enqueue_job
from storage import ObjectInfo, ObjectStore, StorageError, StorageFull, StorageUnavailable

logger = logging.getLogger(__name__)

# How the worker records an extraction that met a corrupt stored copy (retried once it is repaired).
CORRUPT_OBJECT_REASON = "stored object is corrupt"
_CLASSIFICATION = re.compile(r"^\d{3}(\.\d{1,3})*$")
MAX_TITLE = 500


@dataclass(frozen=True)
class DocumentFields:
    """The describing fields of a document, already validated."""

    title: str
    doc_type: str = "nota_dinas"
    classification_code: str = "000"
    security_class: str = SecurityClass.BIASA
    urgency: str = Urgency.BIASA
    deadline: date | None = None


def parse_deadline(value: Any) -> date | None:
    """Return a deadline written YYYY-MM-DD (empty or null: no deadline), or raise ValidationFailed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationFailed(N_("must be a date written YYYY-MM-DD"), field="deadline")


def check_deadline_ahead(deadline: date | None, on: date) -> None:
    """Refuse a new deadline that has already passed (a deadline of today is allowed)."""
    if deadline is not None and deadline < on:
        raise ValidationFailed(N_("the deadline %(deadline)s has already passed; choose today or a later day"),
                               field="deadline", deadline=deadline)


def validate_document_fields(data: Mapping[str, Any], known_types: Iterable[str]) -> DocumentFields:
    """Check the describing fields of a document (one validator for the form and the API)."""
    errors: list[tuple[str | None, str]] = []

    def text(name: str, default: str = "") -> str:
        value = data.get(name)
        if value is None or value == "":
            return default
        if not isinstance(value, str):
            errors.append((name, Message(N_("must be text"))))
            return default
        return value.strip()

    title = " ".join(text("title").split())
    if not title:
        errors.append(("title", Message(N_("a title is required"))))
    elif len(title) > MAX_TITLE:
        errors.append(("title", Message(N_("at most %(max)s characters"), max=MAX_TITLE)))
    doc_type = text("doc_type", "nota_dinas")
    if doc_type not in set(known_types):
        errors.append(("doc_type", Message(N_("unknown document type %(type)r"), type=doc_type)))
    classification = text("classification_code", "000")
    if not _CLASSIFICATION.match(classification):
        errors.append(("classification_code", Message(N_("expected a dotted code such as 000.8.3.3"))))
    security = text("security_class", SecurityClass.BIASA)
    if security not in SecurityClass.__members__.values():
        errors.append(("security_class", Message(N_("expected one of %(choices)s"), choices=", ".join(SecurityClass))))
    urgency = text("urgency", Urgency.BIASA)
    if urgency not in Urgency.__members__.values():
        errors.append(("urgency", Message(N_("expected one of %(choices)s"), choices=", ".join(Urgency))))
    deadline = None
    try:
        deadline = parse_deadline(data.get("deadline"))
    except ValidationFailed as exc:
        errors.append(("deadline", exc.reason))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return DocumentFields(title=title, doc_type=doc_type, classification_code=classification,
                          security_class=security, urgency=urgency, deadline=deadline)


def _store_upload(session: Session, store: ObjectStore, upload: Upload, actor: User) -> str:
    try:
        with upload.open() as fh:
            info = store.put(fh, expected_sha256=upload.sha256)
    except StorageFull as exc:
        logger.error("object store full: %s", exc)
        raise InsufficientStorage(N_("the document store is full; nothing was saved. Ask the administrator to "
                                     "free space, then try again")) from exc
    except StorageUnavailable as exc:
        logger.error("object store unavailable: %s", exc)
        raise ServiceUnavailable(N_("the document store is unavailable; nothing was saved, please try again")) from exc
    except StorageError as exc:
        logger.error("object store refused %s: %s", upload.sha256, exc)
        raise ServiceUnavailable(N_("the document could not be stored: %(problem)s"), problem=str(exc)) from exc
    if info.repaired:
        # Before the new row claims the key: the trail names the letters that held the damaged copy.
        record_object_repair(session, info, actor=actor)
    return info.key


def store_upload(session: Session, store: ObjectStore, upload: Upload, actor: User) -> str:
    """Write an upload to the object store under its content address and return the key (nothing claims it yet)."""
    return _store_upload(session, store, upload, actor)


def _new_version(session: Session, *, key: str, document: Document, actor: User,
                 upload: Upload, number: int, comment: str) -> Version:
    version = Version(
        document=document, number=number, storage_key=key, sha256=upload.sha256, size=upload.size,
        mime_type=upload.mime_type, original_filename=upload.filename, created_by_id=actor.id,
        comment=comment, extraction_status=ExtractionStatus.PENDING,
    )
    session.add(version)
    session.flush()
    enqueue_job(session, EXTRACT_VERSION, version_id=version.id)
    return version


def author_position(session: Session, actor: User, position_id: int | None, on: date,
                    held: Collection[int] | None) -> Position | None:
    """Return the desk a new letter is written from: the one chosen, else one the author holds on `on`.

    A chosen desk must be one she holds (PermissionDenied otherwise); without a choice, a desk in her
    own unit comes first; None when she holds none. `held` are her desks on `on` when the caller has them.
    """
    if held is None:
        held = held_position_ids(session, actor.id, on)
    if position_id is not None:
        if position_id not in held:
            raise PermissionDenied(N_("you do not hold that position"), field="position_id")
        return session.get(Position, position_id)
    if not held:
        return None
    # Prefer a desk in the person's own unit; the choice is explicit when they hold several.
    positions = [session.get(Position, p) for p in sorted(held)]
    return next((p for p in positions if p.unit_id == actor.unit_id), positions[0])


def create_document(session: Session, store: ObjectStore, *, actor: User, fields: DocumentFields,
                    upload: Upload, on: date, author_position_id: int | None = None,
                    before_store: Callable[[], None] | None = None,
                    replaces: Document | None = None, recipients: Sequence[RecipientSpec] = (),
                    held_positions: Collection[int] | None = None,
                    acting_positions: Collection[int] | None = None) -> Document:
    """Store the upload, then add the document, its recipients, its first version and the extraction job.

    `held_positions` are the desks the actor holds on `on`, and `acting_positions` those she holds or
    acts for (Plt./Plh.), when the caller has them already.
    """
    position = author_position(session, actor, author_position_id, on, held_positions)
    unit_id = position.unit_id if position is not None else actor.unit_id
    if unit_id is None:
        raise ValidationFailed(N_("your account belongs to no unit; ask an administrator to assign one"))
    if not classification_exists(session, fields.classification_code):
        raise ValidationFailed(N_("unknown classification code %(code)r; choose one from the classification list"),
                               field="classification_code", code=fields.classification_code)
    if replaces is not None:
        if replaces.state not in FROZEN_STATES:
            raise Conflict(N_("only a signed letter is replaced by a correction; change this one instead"),
                           field="replaces")
        if acting_positions is None:
            acting_positions = acting_position_ids(session, actor.id, on)
        if not may_correct(actor, replaces, acting_positions):
            raise PermissionDenied(N_("a correction is started by the letter's drafter, its signer, the records "
                                      "clerk of its unit or an administrator"), field="replaces")
    check_deadline_ahead(fields.deadline, on)
    # The object first, then the rows that claim it: a crash in between leaves an orphan object
    # (swept later), never a row without its bytes.
    if before_store is not None:
        before_store()  # the checks are done: the caller may end its transaction before the fsyncs
    key = _store_upload(session, store, upload, actor)
    document = Document(
        title=fields.title, doc_type=fields.doc_type, classification_code=fields.classification_code,
        security_class=fields.security_class, urgency=fields.urgency, state=DocumentState.DRAFT,
        unit_id=unit_id, author_id=actor.id, author=actor,
        author_position_id=position.id if position is not None else None,
        steps=[], grants=[], desk_grants=[], versions=[],  # known empty: nothing to load for a new document
        recipients=_recipient_rows(recipients),
        replaces_id=replaces.id if replaces is not None else None, deadline=fields.deadline,
    )
    session.add(document)
    version = _new_version(session, key=key, document=document, actor=actor, upload=upload, number=1, comment="")
    logger.info("user %s created document %s (version %s, %s, %d bytes)",
                actor.username, document.id, version.id, upload.mime_type, upload.size)
    return document


def add_version(session: Session, store: ObjectStore, *, actor: User, document: Document, upload: Upload,
                expected_revision: int | None = None, comment: str = "", positions: Iterable[int] = ()) -> Version:
    """Store a new file for a document as its next version (drafts and returned letters only)."""
    from docflow.workflow.operations import lock_document

    # Lock and re-read: a submission committed meanwhile must not be overtaken by this version.
    document = lock_document(session, document.id)
    if Permission.ADD_VERSION not in permissions(actor, document, positions):
        raise PermissionDenied(N_("only the drafter may upload a new version, and only before it is submitted"))
    if document.state in FROZEN_STATES:
        raise Conflict(N_("a signed letter is never changed; make a correction that replaces it"), field="file")
    if expected_revision is not None and expected_revision != document.revision:
        raise Conflict(
            N_("the document changed since you opened it (revision %(revision)s, you had %(seen)s); reload it "
               "and try again"), field="revision", revision=document.revision, seen=expected_revision,
        )
    key = _store_upload(session, store, upload, actor)
    number = (session.scalar(select(func.max(Version.number)).where(Version.document_id == document.id)) or 0) + 1
    version = _new_version(session, key=key, document=document, actor=actor, upload=upload,
                           number=number, comment=comment.strip()[:1000])
    document.revision += 1
    session.flush()
    logger.info("user %s added version %s to document %s", actor.username, number, document.id)
    return version


def record_extraction(session: Session, version: Version, *, status: str, text: str, page_count: int | None,
                      encrypted: bool, reason: str | None, ocr: bool = False) -> None:
    """Save what extraction learned about a version and ask for the document to be indexed."""
    version.extraction_status = status
    version.extraction_reason = reason[:500] if reason else None
    version.text = text if status == ExtractionStatus.OK else None
    version.page_count = page_count
    version.encrypted = encrypted
    version.ocr = ocr
    session.flush()
    enqueue_index(session, version.document_id)
    logger.info("version %s of document %s extracted: %s", version.id, version.document_id, version.extraction_label)


def _recipient_rows(recipients: Sequence[RecipientSpec]) -> list[DocumentRecipient]:
    return [DocumentRecipient(kind=spec.kind, ordering=order, position_id=spec.position_id, name=spec.name,
                              email=spec.email or None)
            for order, spec in enumerate(recipients, start=1)]


def _replace_recipients(session: Session, document: Document, recipients: Sequence[RecipientSpec]) -> None:
    document.recipients.clear()
    session.flush()  # the old rows go before the new ones take their places
    document.recipients.extend(_recipient_rows(recipients))
    session.flush()


def set_recipients(session: Session, *, actor: User, document: Document, recipients: Sequence[RecipientSpec],
                   expected_revision: int | None, positions: Iterable[int] = ()) -> list[DocumentRecipient]:
    """Replace the addressees and copies of a draft or returned letter (the drafter only)."""
    from docflow.workflow.operations import lock_document

    positions = frozenset(positions)
    document = lock_document(session, document.id)
    if not is_drafter(actor, document, positions):
        raise PermissionDenied(N_("only the drafter may change the recipients of a letter"), field="recipients")
    if document.state not in EDITABLE_STATES:
        raise Conflict(N_("the recipients can only be changed while the letter is a draft or returned for "
                          "revision"), field="recipients")
    if expected_revision is None:
        raise ValidationFailed(N_("say which revision of the letter you change"), field="revision")
    if expected_revision != document.revision:
        raise Conflict(
            N_("the document changed since you opened it (revision %(revision)s, you had %(seen)s); reload it "
               "and try again"), field="revision", revision=document.revision, seen=expected_revision,
        )
    _replace_recipients(session, document, recipients)
    document.revision += 1
    session.flush()
    desk = session.get(Position, document.author_position_id) if document.author_position_id in positions else None
    record_event(session, action="set_recipients", document_id=document.id, from_state=document.state,
                 to_state=document.state, actor_user_id=actor.id, actor_name=actor.display_name,
                 actor_position_id=desk.id if desk else None, actor_position_title=desk.title if desk else "",
                 comment=recipients_summary(document), document_revision=document.revision,
                 file_sha256=document.current_version.sha256 if document.current_version else None)
    enqueue_index(session, document.id)
    logger.info("user %s set %d recipients of document %s", actor.username, len(recipients), document.id)
    return list(document.recipients)


def recipients_summary(document: Document) -> str:
    """Return the recipients as one line for the audit trail: "Yth. A; B | Tembusan: C"."""
    to = [r.name for r in document.recipients if r.kind == "to"]
    cc = [r.name for r in document.recipients if r.kind == "cc"]
    parts = [f"Yth. {'; '.join(to)}"] if to else []
    if cc:
        parts.append(f"Tembusan: {'; '.join(cc)}")
    return " | ".join(parts) or "-"


def record_damaged_object(session: Session, key: str, *, detail: str, found_by: str) -> DamagedObject:
    """Remember that a stored object does not hash to its key, so that downloads refuse it until repaired."""
    row = session.get(DamagedObject, key)
    if row is None:
        row = DamagedObject(storage_key=key, detail=detail[:500], found_by=found_by)
        session.add(row)
        logger.error("object %s is damaged (found by %s): %s", key, found_by, detail)
    else:
        row.detail, row.found_by, row.found_at = detail[:500], found_by, utcnow()
    session.flush()
    return row


def clear_damaged_object(session: Session, key: str) -> bool:
    """Forget the damage of an object found intact again; tell whether one was recorded."""
    row = session.get(DamagedObject, key)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    logger.info("object %s is intact again; damage record removed", key)
    return True


def record_object_repair(session: Session, info: ObjectInfo, *, actor: User) -> None:
    """Write an upload's repair of a corrupt stored copy to the trail of each letter claiming it."""
    document_ids = session.scalars(select(Version.document_id).where(Version.storage_key == info.key)
                                   .distinct().order_by(Version.document_id)).all()
    # An unclaimed copy (an orphan awaiting the sweep) still gets one record, on no letter.
    for document_id in document_ids or [None]:
        document = session.get(Document, document_id) if document_id is not None else None
        state = document.state if document is not None else None
        record_event(session, action="repair_file", document_id=document_id, from_state=state, to_state=state,
                     actor_user_id=actor.id, actor_name=actor.display_name, comment=info.repaired or "",
                     document_revision=document.revision if document is not None else None,
                     file_sha256=info.sha256)
    clear_damaged_object(session, info.key)
    # Versions whose text could not be read from the damaged copy are read again from the good one.
    unread = session.scalars(select(Version).where(Version.storage_key == info.key,
                                                   Version.extraction_status == ExtractionStatus.FAILED,
                                                   Version.extraction_reason.startswith(CORRUPT_OBJECT_REASON))).all()
    for version in unread:
        version.extraction_status, version.extraction_reason = ExtractionStatus.PENDING, None
        enqueue_job(session, EXTRACT_VERSION, version_id=version.id)
    logger.warning("user %s repaired object %s by uploading the same file again (the stored copy held %s; "
                   "documents %s)", actor.username, info.key, info.repaired, list(document_ids))
