"""Documents (naskah dinas) and their immutable stored versions."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from docflow.auth.models import User
from docflow.db import Base, utcnow
from docflow.org.models import Position, Unit
from docflow.workflow.models import RouteStep


class SecurityClass(enum.StrEnum):
    BIASA = "biasa"
    TERBATAS = "terbatas"
    RAHASIA = "rahasia"
    SANGAT_RAHASIA = "sangat_rahasia"


class Urgency(enum.StrEnum):
    BIASA = "biasa"
    SEGERA = "segera"
    AMAT_SEGERA = "amat_segera"


class DocumentState(enum.StrEnum):
    DRAFT = "draft"
    IN_VERIFICATION = "in_verification"
    RETURNED = "returned"
    APPROVED = "approved"
    SIGNED = "signed"
    SENT = "sent"
    FILED = "filed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # An incoming letter's file (registered by the records clerk): no route, never signed here.
    RECEIVED = "received"


class Custody(enum.StrEnum):
    """Who keeps a filed letter (its place in the archive's life; JRA)."""

    UNIT = "unit"                      # active, in the unit that made or received it
    RECORDS_CENTRE = "records_centre"  # inactive, moved (pemindahan) to the archives unit's records centre
    DESTROYED = "destroyed"            # its files destroyed by a signed berita acara pemusnahan
    HANDED_OVER = "handed_over"        # permanent, handed over (penyerahan) to the regional archives


class ExtractionStatus(enum.StrEnum):
    PENDING = "pending"
    OK = "ok"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    FAILED = "failed"


class Document(Base):
    """An official document; its content lives in versions, its text in the current version."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    doc_type: Mapped[str] = mapped_column(ForeignKey("document_types.code"))
    classification_code: Mapped[str] = mapped_column(String(40), default="000")
    security_class: Mapped[str] = mapped_column(String(20), default=SecurityClass.BIASA)
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.BIASA)
    state: Mapped[str] = mapped_column(String(20), default=DocumentState.DRAFT, index=True)
    number: Mapped[str | None] = mapped_column(String(120), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The drafter's desk: a returned letter goes back to whoever holds it now.
    author_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    # A correction is a new letter that replaces a signed one; the old keeps its number.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    signed_at: Mapped[datetime | None]
    # The drafter's deadline (batas waktu): the last day on which the letter may be initialled and signed.
    deadline: Mapped[date | None]
    # Set when a verifier or signer returns the letter: the step that returned it and the version
    # it saw, so that resubmission needs a new version (and may resume at that step).
    returned_step: Mapped[int | None]
    returned_version: Mapped[int | None]
    # Frozen at signing: position, name, NIP/rank, a.n./u.b./Plt./Plh. as it stands on the letter.
    signature_block: Mapped[str | None] = mapped_column(Text)
    custody: Mapped[str] = mapped_column(String(20), default=Custody.UNIT, server_default=Custody.UNIT, index=True)
    # Bumped by every change; an action on a stale revision is refused (optimistic concurrency).
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.number", cascade="all, delete-orphan"
    )
    grants: Mapped[list[DocumentGrant]] = relationship(
        back_populates="document", cascade="all, delete-orphan", lazy="selectin"
    )
    desk_grants: Mapped[list[DocumentDeskGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    steps: Mapped[list[RouteStep]] = relationship(
        order_by="RouteStep.order", cascade="all, delete-orphan", lazy="selectin"
    )
    replaces: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[replaces_id])
    recipients: Mapped[list[DocumentRecipient]] = relationship(
        back_populates="document", order_by="[DocumentRecipient.kind.desc(), DocumentRecipient.ordering]",
        cascade="all, delete-orphan", lazy="selectin",
    )

    @property
    def current_version(self) -> Version | None:
        """Return the newest version, if any."""
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class Version(Base):
    """One immutable upload of a document's file, with what extraction learned about it."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(120))
    # Metadata only: never used as a path.
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    page_count: Mapped[int | None]
    extraction_status: Mapped[str] = mapped_column(String(20), default=ExtractionStatus.PENDING)
    extraction_reason: Mapped[str | None] = mapped_column(String(500))
    encrypted: Mapped[bool] = mapped_column(default=False)
    # The text was read by OCR from a scan (it may contain recognition errors).
    ocr: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str | None] = deferred(mapped_column(Text))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    # Set when a signed berita acara pemusnahan destroyed the file: the row (its hash, size, name) stays.
    destroyed_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship()

    @property
    def extraction_label(self) -> str:
        """Return the status as recorded: `ok`, `empty`, `encrypted` or `failed: <reason>`."""
        if self.extraction_status == ExtractionStatus.FAILED and self.extraction_reason:
            return f"failed: {self.extraction_reason}"
        return self.extraction_status


class DocumentGrant(Base):
    """An explicit right for one person to read a document (e.g. a restricted letter's route)."""

    __tablename__ = "document_grants"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="grants")


class DocumentDeskGrant(Base):
    """A right for a desk (whoever holds it or acts for it on the day) to read a document.

    Rights follow desks: an incoming letter is read by its addressees and the desks of its disposisi.
    """

    __tablename__ = "document_desk_grants"
    __table_args__ = (UniqueConstraint("document_id", "position_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecipientKind(enum.StrEnum):
    TO = "to"  # Yth. / Kepada: the addressees
    CC = "cc"  # Tembusan: the copies


class DocumentRecipient(Base):
    """One addressee or copy of a letter: a position of the city (internal) or a line of free text (external)."""

    __tablename__ = "document_recipients"
    __table_args__ = (UniqueConstraint("document_id", "kind", "ordering"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(2))
    ordering: Mapped[int]
    # Internal: the desk (its holders read the letter once it is sent); external: None.
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    # As it stands on the letter: the external line, or the position's title when it was chosen.
    name: Mapped[str] = mapped_column(String(300))
    # An external recipient's e-mail address: the clerk's "send" e-mails the signed letter there.
    email: Mapped[str | None] = mapped_column(String(254))

    document: Mapped[Document] = relationship(back_populates="recipients")
    position: Mapped[Position | None] = relationship()

    @property
    def is_internal(self) -> bool:
        """Tell whether the recipient is a position of the city's organisation."""
        return self.position_id is not None


class DamagedObject(Base):
    """A stored object found not to hash to its key (by `check`, a download or the worker), until repaired.

    Downloads of versions claiming it are refused; uploading the same file again repairs it.
    """

    __tablename__ = "damaged_objects"

    storage_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # What was wrong, in the store's words (for the operator); where it was noticed: check, download, worker.
    detail: Mapped[str] = mapped_column(String(500))
    found_by: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_versions_document_number", Version.document_id, Version.number)


class LegalHold(Base):
    """A legal hold on a letter: while it stands (not lifted) the letter is never destroyed."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lifted by someone else than who placed it, with a reason.
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])
