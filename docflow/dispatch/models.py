"""The expedition book: how each signed letter went out to each external addressee."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow
from docflow.documents.models import Document


class DeliveryMethod(enum.StrEnum):
    EMAIL = "email"      # the signed PDF, e-mailed through the outbox
    COURIER = "courier"  # a courier or the post
    PORTAL = "portal"    # uploaded to the addressee's portal
    HAND = "hand"        # handed over in person


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"        # an e-mail waiting for the worker
    SENT = "sent"            # the mail server took the e-mail
    FAILED = "failed"        # the mail server refused the address; the clerk sends it another way
    DELIVERED = "delivered"  # handed, couriered or uploaded, as the clerk recorded


class Delivery(Base):
    """One line of the expedition book: a letter, an external addressee, how and when it went, who received it."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("document_recipients.id", ondelete="SET NULL"))
    # The addressee as it stood on the letter (the recipient row may be gone with a correction).
    addressee: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(254), default="")
    delivered_on: Mapped[date | None] = mapped_column(Date)
    receiver: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship()
