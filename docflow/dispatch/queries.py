"""Reads of the expedition book: letters waiting to be sent or filed, and how each went out."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm import Session

from docflow.dispatch.models import Delivery, DeliveryMethod, DeliveryStatus
from docflow.documents.models import Document


def deliveries_of(session: Session, document_id: int) -> list[Delivery]:
    """Return a letter's lines of the expedition book, oldest first."""
    return list(session.scalars(select(Delivery).where(Delivery.document_id == document_id).order_by(Delivery.id)))


def expedition_book(session: Session, unit_id: int, *, page: int = 1, per_page: int = 50) -> tuple[list[Delivery], int]:
    """Return one page of the unit's expedition book, newest first, and its length."""
    base = select(Delivery).join(Document, Document.id == Delivery.document_id).where(Document.unit_id == unit_id)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.order_by(Delivery.created_at.desc(), Delivery.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def refused_deliveries(session: Session, unit_id: int, *, limit: int = 200) -> list[Delivery]:
    """Return the unit's refused e-mails that no later line of the book answers, oldest first (to send another way)."""
    later = aliased(Delivery)
    answered = select(later.id).where(later.document_id == Delivery.document_id,
                                      later.recipient_id == Delivery.recipient_id, later.id > Delivery.id,
                                      later.status != DeliveryStatus.FAILED).exists()
    query = (select(Delivery).join(Document, Document.id == Delivery.document_id)
             .where(Document.unit_id == unit_id, Delivery.method == DeliveryMethod.EMAIL,
                    Delivery.status == DeliveryStatus.FAILED, Delivery.recipient_id.is_not(None), ~answered)
             .order_by(Delivery.id).limit(limit))
    return list(session.scalars(query))
