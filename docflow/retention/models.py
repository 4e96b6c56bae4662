"""Batches of the archives unit: a transfer to the records centre (pemindahan) or a destruction (pemusnahan)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.auth.models import User
from docflow.db import Base, utcnow
from docflow.documents.models import Document
from docflow.org.models import Unit


class BatchKind(enum.StrEnum):
    TRANSFER = "transfer"        # pemindahan: active letters of one unit to the records centre
    DESTRUCTION = "destruction"  # pemusnahan: letters whose final fate is musnah
    HANDOVER = "handover"        # penyerahan: permanent letters to the regional archives (lembaga kearsipan)


class BatchState(enum.StrEnum):
    PROPOSED = "proposed"                        # the archives unit proposed the list
    REVIEWED = "reviewed"                        # destruction: the panitia penilai reviewed it
    AWAITING_SIGNATURE = "awaiting_signature"    # approved: its berita acara goes its route
    DONE = "done"                                # the berita acara is signed and the batch carried out
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RetentionBatch(Base):
    """One proposed list of letters, the decisions on it, and the berita acara that carries it out."""

    __tablename__ = "retention_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(20), default=BatchState.PROPOSED, index=True)
    # A transfer moves the letters of one unit (whose head approves it); a destruction any unit's.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The berita acara pemindahan / pemusnahan: a letter routed and signed like any other.
    berita_acara_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    done_at: Mapped[datetime | None]
    # A hand-over's export package (BagIt ZIP with the signed berita acara), written by the worker once signed.
    package_key: Mapped[str | None] = mapped_column(String(200))
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    package_size: Mapped[int | None] = mapped_column(BigInteger)
    package_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit | None] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    berita_acara: Mapped[Document | None] = relationship(foreign_keys=[berita_acara_id])
    items: Mapped[list[RetentionItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="RetentionItem.id", lazy="selectin")

    @property
    def kept_items(self) -> list[RetentionItem]:
        """Return the items still on the list (not removed by the review)."""
        return [item for item in self.items if item.removed_at is None]


class RetentionItem(Base):
    """One letter on a batch's list; the panitia penilai may take it off, saying why."""

    __tablename__ = "retention_items"
    __table_args__ = (UniqueConstraint("batch_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("retention_batches.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_reason: Mapped[str] = mapped_column(Text, default="")

    batch: Mapped[RetentionBatch] = relationship(back_populates="items")
    document: Mapped[Document] = relationship(lazy="joined")
