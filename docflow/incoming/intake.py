"""Intake without typing: files from mailboxes and scanner folders become pending registrations for the clerk.

The worker reads the sources (mailbox.py, folder.py); this module checks each file through the usual
upload checks, stores what arrived (upload, then claim), records the pending registration or the
reason it failed, and completes or discards it when the clerk decides.
"""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import User
from docflow.documents.intake import Upload, receive_upload
from docflow.errors import N_, Conflict, Message, NotFound, PermissionDenied, ValidationFailed
from docflow.incoming.access import can_register
from docflow.incoming.intake_models import OPEN_STATES, IntakeSource, PendingRegistration, PendingState
from docflow.incoming.models import IncomingLetter
from docflow.incoming.operations import IncomingFields, register_incoming_letter
from docflow.org.models import Unit
from storage import ObjectStore

logger = logging.getLogger(__name__)

MAX_DISCARD_REASON = 1000


@dataclass(frozen=True)
class Arrival:
    """What is known of a message or file before its contents are checked."""

    channel: str
    source_key: str
    sender: str = ""
    sender_address: str = ""
    subject: str = ""
    received_at: datetime | None = None
    message_id: str = ""
    filename: str = ""


def _message_data(message: Message) -> dict[str, Any]:
    # A parameter that is itself a Message (an upload refusal inside "%(name)s: %(reason)s") is kept as a
    # template too, so that it is translated where it is shown rather than stored as English text.
    return {"template": message.template,
            "params": {k: _message_data(v) if isinstance(v, Message) else v if isinstance(v, int | float) else str(v)
                       for k, v in message.params.items()}}


def _message_of(data: dict[str, Any]) -> Message:
    return Message(data["template"], **{k: _message_of(v) if isinstance(v, dict) else v
                                        for k, v in data.get("params", {}).items()})


def reason_json(message: str) -> str:
    """Return a refusal as stored: its template and parameters (nested ones too), shown in the reader's language."""
    if isinstance(message, Message):
        return json.dumps(_message_data(message))
    return json.dumps({"template": "%(text)s", "params": {"text": str(message)}})


def stored_reason(row: PendingRegistration) -> Message | str:
    """Return why a pending registration failed, as a Message to translate."""
    if not row.reason:
        return ""
    try:
        return _message_of(json.loads(row.reason))
    except (ValueError, KeyError, TypeError, AttributeError):
        return row.reason


# The first half of the (class, source) key of PostgreSQL advisory locks held by an intake round.
ROUND_LOCK_CLASS = 16_001


@contextmanager
def source_round(db, key: str) -> Iterator[bool]:
    """Hold one source's round for this worker: yield False when another worker reads it now (PostgreSQL).

    A session lock (pg_try_advisory_lock) on a connection of its own, in autocommit so that no transaction
    stays open through the round; it goes with the connection if the worker dies. SQLite has one writer
    at a time anyway, and a collision is caught by the pending registrations' unique keys: always True.
    """
    if db.dialect != "postgresql":
        yield True
        return
    lock = text("SELECT pg_try_advisory_lock(:class_id, hashtext(:key))")
    unlock = text("SELECT pg_advisory_unlock(:class_id, hashtext(:key))")
    params = {"class_id": ROUND_LOCK_CLASS, "key": key}
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        held = bool(conn.scalar(lock, params))
        try:
            yield held
        finally:
            if held:
                try:
                    conn.scalar(unlock, params)
                except Exception:
                    conn.invalidate()  # closed, never back in the pool holding the lock
                    raise


def check_readable(upload: Upload) -> None:
    """Refuse a PDF that cannot be opened (a broken attachment would fail only later, at extraction)."""
    if upload.mime_type != "application/pdf":
        return
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with upload.open() as stream:
            pages = len(PdfReader(stream).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AssertionError) as exc:
        raise ValidationFailed(N_("the PDF %(name)s cannot be read (%(error)s)"), field="file",
                               name=upload.filename or "?", error=type(exc).__name__) from exc
    if pages == 0:
        raise ValidationFailed(N_("the PDF %(name)s has no pages"), field="file", name=upload.filename or "?")


def receive_file(stream: BinaryIO, filename: str, *, max_bytes: int, allowed_types: Collection[str],
                 spool_dir: Path) -> Upload:
    """Spool, type-check and open-check one arrived file (the same checks as an upload); raise if refused."""
    upload = receive_upload(stream, filename, max_bytes=max_bytes, allowed_types=allowed_types, spool_dir=spool_dir)
    try:
        check_readable(upload)
    except BaseException:
        upload.close()
        raise
    return upload


def store_bytes(store: ObjectStore, data: bytes) -> str:
    """Store bytes under their content key (before the row that claims them is committed); return the key."""
    return store.put(io.BytesIO(data)).key


def store_upload(store: ObjectStore, upload: Upload) -> str:
    """Store a spooled file under its content key; return the key."""
    with upload.open() as stream:
        return store.put(stream, expected_sha256=upload.sha256).key


def already_taken(session: Session, unit_id: int, arrival: Arrival) -> PendingRegistration | None:
    """Return the earlier intake of the same message or file for the unit (same source, or same Message-ID)."""
    row = session.scalars(select(PendingRegistration).where(PendingRegistration.unit_id == unit_id,
                                                            PendingRegistration.source_key == arrival.source_key)
                          ).first()
    if row is None and arrival.message_id:
        row = session.scalars(select(PendingRegistration).where(PendingRegistration.unit_id == unit_id,
                                                                PendingRegistration.message_id == arrival.message_id)
                              ).first()
    return row


def record_pending(session: Session, *, unit_id: int, arrival: Arrival, upload: Upload | None, file_key: str | None,
                   original_key: str | None, reason: str | None = None) -> PendingRegistration:
    """Record one arrival: pending with its stored file, or failed with the reason and whatever was kept."""
    state = PendingState.FAILED if reason is not None or upload is None else PendingState.PENDING
    row = PendingRegistration(
        unit_id=unit_id, channel=arrival.channel, source_key=arrival.source_key[:300],
        message_id=arrival.message_id[:300], state=state, sender=arrival.sender[:300],
        sender_address=arrival.sender_address[:300], subject=arrival.subject[:500],
        filename=(upload.filename if upload else arrival.filename)[:255], file_key=file_key if upload else None,
        file_sha256=upload.sha256 if upload else None, file_size=upload.size if upload else None,
        mime_type=upload.mime_type if upload else "", original_key=original_key,
        reason=reason_json(reason) if reason is not None else "",
    )
    if arrival.received_at is not None:
        row.received_at = arrival.received_at
    session.add(row)
    session.flush()
    if state == PendingState.FAILED:
        logger.warning("intake %s for unit %s failed: %s (kept as pending registration %s)", arrival.source_key,
                       unit_id, reason, row.id)
    else:
        logger.info("intake %s for unit %s: pending registration %s (%s)", arrival.source_key, unit_id, row.id,
                    row.filename)
    return row


def record_source_health(session: Session, *, name: str, unit_id: int, now: datetime,
                         error: str | None) -> IntakeSource:
    """Remember whether a mailbox or folder answered this round (read by /metrics and the clerk's page)."""
    source = session.scalars(select(IntakeSource).where(IntakeSource.name == name)).first()
    if source is None:
        source = IntakeSource(name=name, unit_id=unit_id, consecutive_failures=0, last_error="")
        session.add(source)
    source.unit_id = unit_id
    source.last_checked_at = now
    if error is None:
        source.last_ok_at = now
        source.last_error = ""
        source.consecutive_failures = 0
    else:
        source.last_error = error[:2000]
        source.consecutive_failures = (source.consecutive_failures or 0) + 1
    session.flush()
    return source


def unit_by_code(session: Session, code: str) -> Unit | None:
    """Return the unit a source names by its code."""
    return session.scalars(select(Unit).where(Unit.code == code)).first()


# -- the clerk's decisions ------------------------------------------------------------------------


def _check_clerk(actor: User, row: PendingRegistration) -> None:
    if not can_register(actor) or actor.unit_id != row.unit_id:
        raise NotFound(N_("pending registration %(id)s does not exist or is not for your unit"), id=row.id)


def get_pending(session: Session, actor: User, pending_id: int, *, lock: bool = False) -> PendingRegistration:
    """Return a pending registration of the clerk's unit, or NotFound."""
    stmt = select(PendingRegistration).where(PendingRegistration.id == pending_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(N_("pending registration %(id)s does not exist or is not for your unit"), id=pending_id)
    if lock:
        session.refresh(row)
    _check_clerk(actor, row)
    return row


def prefilled(row: PendingRegistration, timezone: Any) -> dict[str, str]:
    """Return the registration fields known from the message or file, for the form and the API."""
    received = row.received_at.astimezone(timezone).date() if row.received_at else None
    return {"sender": row.sender or row.sender_address, "subject": row.subject,
            "received_on": received.isoformat() if received else ""}


def _open_decision(row: PendingRegistration) -> None:
    if row.state not in OPEN_STATES:
        raise Conflict(N_("pending registration %(id)s was already %(state)s"), field="state", id=row.id,
                       state=row.state)


def _decide(session: Session, row: PendingRegistration, *, state: str, actor: User, now: datetime,
            **values: Any) -> None:
    # Only one decision wins, also on SQLite where the row was not locked: the update is conditional.
    changed = session.execute(
        update(PendingRegistration)
        .where(PendingRegistration.id == row.id, PendingRegistration.state.in_(OPEN_STATES))
        .values(state=state, decided_by_id=actor.id, decided_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict(N_("pending registration %(id)s was already decided by someone else"), field="state",
                       id=row.id)
    session.refresh(row)


def register_pending(session: Session, store: ObjectStore, *, actor: User, row: PendingRegistration,
                     fields: IncomingFields, on: date, now: datetime, spool_dir: Path, max_bytes: int,
                     allowed_types: Collection[str], before_store: Callable[[], None] | None = None,
                     held_positions: Collection[int] | None = None) -> IncomingLetter:
    """Complete a pending registration into an incoming letter through the usual registration."""
    _open_decision(row)
    if row.file_key is None or row.state != PendingState.PENDING:
        raise ValidationFailed(N_("this intake has no readable file to register; discard it with a reason and "
                                  "register the letter by hand"), field="file")
    with store.open(row.file_key, verify=True) as stream:
        upload = receive_upload(stream, row.filename or "surat", max_bytes=max_bytes, allowed_types=allowed_types,
                                spool_dir=spool_dir)
    with upload:
        letter = register_incoming_letter(session, store, actor=actor, fields=fields, upload=upload, on=on,
                                          before_store=before_store, held_positions=held_positions)
    _decide(session, row, state=PendingState.REGISTERED, actor=actor, now=now, letter_id=letter.id)
    record_event(session, action="register_pending", document_id=letter.document_id, actor_user_id=actor.id,
                 actor_name=actor.display_name,
                 comment=f"pending registration {row.id} ({row.channel} {row.source_key}) -> agenda "
                         f"{letter.agenda_label}")
    logger.info("user %s registered pending registration %s as incoming letter %s", actor.username, row.id,
                letter.id)
    return letter


def discard_pending(session: Session, *, actor: User, row: PendingRegistration, reason: Any,
                    now: datetime) -> PendingRegistration:
    """Throw away a pending or failed intake, saying why (audited; the stored message stays for the sweep)."""
    _open_decision(row)
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed(N_("say why it is discarded"), field="reason")
    reason = " ".join(reason.split())
    if len(reason) > MAX_DISCARD_REASON:
        raise ValidationFailed(N_("at most %(max)s characters"), field="reason", max=MAX_DISCARD_REASON)
    _decide(session, row, state=PendingState.DISCARDED, actor=actor, now=now, discard_reason=reason)
    record_event(session, action="discard_pending", actor_user_id=actor.id, actor_name=actor.display_name,
                 comment=f"pending registration {row.id} ({row.channel} {row.source_key}; {row.subject!r}): "
                         f"{reason}"[:4000])
    logger.info("user %s discarded pending registration %s: %s", actor.username, row.id, reason)
    return row


def ensure_pending_permission(actor: User) -> None:
    """Refuse anyone but a records clerk of a unit."""
    if not can_register(actor):
        raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))


def open_count(session: Session, unit_id: int) -> int:
    """Return how many intakes of the unit wait for the clerk (pending or failed)."""
    return session.scalar(select(func.count(PendingRegistration.id)).where(
        PendingRegistration.unit_id == unit_id, PendingRegistration.state.in_(OPEN_STATES))) or 0


def claimed_keys(session: Session) -> set[str]:
    """Return the object keys that intakes hold (the sweep keeps them): open ones, and registered ones whose letter
    was not destroyed (the .eml or scanner file stays as the letter's proof of arrival)."""
    keys: set[str] = set()
    held = or_(PendingRegistration.state.in_(OPEN_STATES),
               and_(PendingRegistration.state == PendingState.REGISTERED,
                    PendingRegistration.files_destroyed_at.is_(None)))
    for file_key, original_key in session.execute(select(PendingRegistration.file_key,
                                                         PendingRegistration.original_key).where(held)):
        keys.update(k for k in (file_key, original_key) if k)
    return keys
