"""Reads for the workflow: document types, a user's inbox, a letter's trail."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.audit.models import AuditEvent
from docflow.auth.models import User
from docflow.documents.access import DELIVERED_STATES, PERSONAL_CLASSES
from docflow.documents.models import Document, DocumentGrant, DocumentRecipient, DocumentState
from docflow.org.queries import capacity_for
from docflow.workflow.models import DocumentTypeRule, RouteStep, StepKind, StepState


def document_types(session: Session, *, include_inactive: bool = False) -> dict[str, DocumentTypeRule]:
    """Return the document types by code, in the order the national rules group them."""
    stmt = select(DocumentTypeRule)
    if not include_inactive:
        stmt = stmt.where(DocumentTypeRule.is_active.is_(True))
    order = {"directive": 0, "correspondence": 1, "special": 2, "other": 3}
    rules = sorted(session.scalars(stmt), key=lambda r: (order.get(r.group, 9), r.name))
    return {r.code: r for r in rules}


def document_type_codes(session: Session) -> set[str]:
    """Return the codes of the active document types (what an upload's doc_type is checked against)."""
    return set(session.scalars(select(DocumentTypeRule.code).where(DocumentTypeRule.is_active.is_(True))))


@dataclass(frozen=True)
class InboxItem:
    """Something waiting for the user: a step to verify or sign, or a letter returned to them."""

    document: Document
    task: str  # "verify", "sign", "revise", "draft"
    due_at: datetime | None
    step: RouteStep | None

    def overdue(self, now: datetime) -> bool:
        """Tell whether the deadline has passed."""
        return self.due_at is not None and self.due_at < now


def inbox(session: Session, user: User, positions: Iterable[int], now: datetime) -> list[InboxItem]:
    """Return what waits for the user at their desks (and the desks they act for), overdue first."""
    positions = sorted(set(positions))
    items: list[InboxItem] = []
    if positions:
        steps = session.scalars(
            select(RouteStep).where(RouteStep.state == StepState.CURRENT, RouteStep.position_id.in_(positions))
        ).all()
        documents = {d.id: d for d in session.scalars(
            select(Document).where(Document.id.in_([s.document_id for s in steps]))
            .options(selectinload(Document.unit), selectinload(Document.author)))}
        for step in steps:
            document = documents[step.document_id]
            if document.author_id == user.id:
                continue  # nobody verifies or signs their own letter
            if capacity_for(session, user, step.position_id, now.date(), author_id=document.author_id) is None:
                continue  # a holder away while a Plh. stands in: the step waits for the Plh. only
            task = "sign" if step.kind == StepKind.SIGN else "verify"
            items.append(InboxItem(document, task, step.due_at, step))
    # Letters drafted at a desk belong to whoever holds it now; desk-less drafts and secret ones
    # (Rahasia, Sangat Rahasia: rights are personal) follow the person.
    personal = Document.security_class.in_(PERSONAL_CLASSES)
    own = and_(or_(Document.author_position_id.is_(None), personal), Document.author_id == user.id)
    mine = or_(and_(~personal, Document.author_position_id.in_(positions)), own) if positions else own
    for document in session.scalars(select(Document).where(
            mine, Document.state.in_([DocumentState.RETURNED, DocumentState.DRAFT]))
            .options(selectinload(Document.unit), selectinload(Document.author))):
        items.append(InboxItem(document, "revise" if document.state == DocumentState.RETURNED else "draft",
                               None, None))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda i: (not i.overdue(now), i.due_at or far, -i.document.id))


def incoming_letters(session: Session, positions: Iterable[int], *, user_id: int | None = None,
                     limit: int = 20) -> list[Document]:
    """Return the sent letters addressed or copied to the desks the user holds or acts for, newest first.

    A secret letter (Rahasia, Sangat Rahasia) is listed only for the people it was granted to when
    it was sent (the desks' holders then), not for whoever holds the desk later.
    """
    positions = sorted(set(positions))
    if not positions:
        return []
    addressed = exists(select(DocumentRecipient.id).where(DocumentRecipient.document_id == Document.id,
                                                          DocumentRecipient.position_id.in_(positions)))
    granted = exists(select(DocumentGrant.id).where(DocumentGrant.document_id == Document.id,
                                                    DocumentGrant.user_id == user_id))
    in_person = or_(~Document.security_class.in_(PERSONAL_CLASSES), granted)
    return list(session.scalars(
        select(Document).where(Document.state.in_(DELIVERED_STATES), addressed, in_person)
        .order_by(Document.signed_at.desc(), Document.id.desc()).limit(limit)
        .options(selectinload(Document.unit))))


def audit_trail(session: Session, document_id: int) -> list[AuditEvent]:
    """Return a document's audit records, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.document_id == document_id)
                                .order_by(AuditEvent.id)))


def replacement_of(session: Session, document_id: int) -> Document | None:
    """Return the signed letter that replaces this one, if any."""
    return session.scalars(select(Document).where(Document.replaces_id == document_id,
                                                  Document.state.in_([DocumentState.SIGNED, DocumentState.SENT,
                                                                      DocumentState.FILED]))).first()


def recently_signed(session: Session, unit_id: int | None, limit: int = 10) -> list[Document]:
    """Return the unit's most recently signed letters."""
    if unit_id is None:
        return []
    return list(session.scalars(
        select(Document).where(Document.unit_id == unit_id, Document.signed_at.is_not(None))
        .order_by(Document.signed_at.desc()).limit(limit)))


def unit_letters_in_state(session: Session, unit_id: int | None, state: str, *,
                          limit: int = 10) -> tuple[list[Document], int]:
    """Return a unit's letters in one state (signed: to send; sent: to file), oldest signature first, and the count."""
    if unit_id is None:
        return [], 0
    from sqlalchemy import func

    conditions = (Document.unit_id == unit_id, Document.state == state)
    total = session.scalar(select(func.count(Document.id)).where(*conditions)) or 0
    items = session.scalars(select(Document).where(*conditions)
                            .order_by(Document.signed_at, Document.id).limit(limit)).all()
    return list(items), total
