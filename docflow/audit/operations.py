"""Append to the hash-chained audit trail, and verify the chain."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.audit.models import AuditEvent, AuditHead
from docflow.db import utcnow

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "document_id", "action", "from_state", "to_state", "actor_user_id", "actor_name", "actor_position_id",
    "actor_position_title", "on_behalf_position_id", "on_behalf_title", "delegation_kind", "comment",
    "document_revision", "file_sha256",
)


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 over an event's content and the previous event's hash."""
    return record_hash(event_record(event))


def event_record(event: AuditEvent) -> dict[str, Any]:
    """Return an event as the plain record its hash is computed over (and export packages carry)."""
    record: dict[str, Any] = {name: getattr(event, name) for name in _HASHED_FIELDS}
    record["created_at"] = event.created_at.isoformat(timespec="microseconds")
    record["prev_hash"] = event.prev_hash
    return record


def record_hash(record: dict[str, Any]) -> str:
    """Return the SHA-256 of a plain audit record (extra keys such as id and hash are ignored)."""
    content = {name: record[name] for name in (*_HASHED_FIELDS, "created_at", "prev_hash")}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_event(session: Session, *, action: str, document_id: int | None = None, from_state: str | None = None,
                 to_state: str | None = None, actor_user_id: int | None = None, actor_name: str = "",
                 actor_position_id: int | None = None, actor_position_title: str = "",
                 on_behalf_position_id: int | None = None, on_behalf_title: str = "",
                 delegation_kind: str | None = None, comment: str = "", document_revision: int | None = None,
                 file_sha256: str | None = None) -> AuditEvent:
    """Append one record to the chain (the head row lock serialises concurrent appends)."""
    stmt = select(AuditHead).where(AuditHead.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    head = session.scalars(stmt).one()
    event = AuditEvent(
        document_id=document_id, action=action, from_state=from_state, to_state=to_state,
        actor_user_id=actor_user_id, actor_name=actor_name, actor_position_id=actor_position_id,
        actor_position_title=actor_position_title, on_behalf_position_id=on_behalf_position_id,
        on_behalf_title=on_behalf_title, delegation_kind=delegation_kind, comment=comment,
        document_revision=document_revision, file_sha256=file_sha256,
        created_at=utcnow(), prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = event.hash
    head.count += 1
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    detail: str


def verify_chain(session: Session, batch: int = 2000) -> list[ChainProblem]:
    """Recompute the chain; name each record that was edited, removed or inserted out of order."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    count = 0
    last_id = 0
    last_event_id = None
    while True:
        # populate_existing: check what is stored, not copies this session already holds.
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)
                                 .limit(batch).execution_options(populate_existing=True)).all()
        if not events:
            break
        for event in events:
            count += 1
            if event.prev_hash != expected_prev:
                problems.append(ChainProblem(event.id, "does not follow the record before it "
                                                       "(a record before it was removed or changed)"))
            if event_hash(event) != event.hash:
                problems.append(ChainProblem(event.id, "its content does not match its hash (it was edited)"))
            expected_prev = event.hash
            last_event_id = event.id
        last_id = events[-1].id
        for event in events:  # only the batch: the caller's own objects stay in its session
            session.expunge(event)
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is not None:
        if head.count != count:
            problems.append(ChainProblem(None, f"the chain holds {count} records but {head.count} were written"))
        if head.last_hash != expected_prev or head.last_event_id != last_event_id:
            problems.append(ChainProblem(head.last_event_id, "the newest records are missing or were changed"))
    return problems
