"""The audit trail: append-only, each record carrying the hash of the one before."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from docflow.db import Base, utcnow


class AuditEvent(Base):
    """Who did what to which document, in which position, on whose behalf, and when."""

    __tablename__ = "audit_events"
    # The paperless report counts records of one action within a period (document_id: read from the index alone).
    __table_args__ = (Index("ix_audit_events_action_created_at", "action", "created_at", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    actor_position_title: Mapped[str] = mapped_column(String(200), default="")
    on_behalf_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    on_behalf_title: Mapped[str] = mapped_column(String(200), default="")
    delegation_kind: Mapped[str | None] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    document_revision: Mapped[int | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The newest record of the chain (one row): serialises appends and reveals a cut-off tail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None]
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(default=0)
