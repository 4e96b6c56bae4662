"""Incoming letters, their agenda registers, and the disposisi tree given about them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.auth.models import User
from docflow.db import Base, utcnow
from docflow.documents.models import Document, Urgency
from docflow.incoming.states import DispositionState, LetterState
from docflow.org.models import Position, Unit


class AgendaRegister(Base):
    """The incoming book's counter of a unit for one year (gapless: taken in the registering transaction)."""

    __tablename__ = "agenda_registers"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    last_seq: Mapped[int] = mapped_column(default=0)


class IncomingAddressee(Base):
    """A desk of the unit that an incoming letter is addressed to (Yth.)."""

    __tablename__ = "incoming_addressees"
    __table_args__ = (UniqueConstraint("letter_id", "position_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("incoming_letters.id", ondelete="CASCADE"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    # When someone at the desk first opened the letter (or gave a disposisi about it): unread until then.
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    position: Mapped[Position] = relationship(lazy="joined")


class IncomingLetter(Base):
    """A letter received from outside, registered in its unit's incoming book; its file is a Document."""

    __tablename__ = "incoming_letters"
    # A letter signed inside the city may be in the books of several units: once in each.
    __table_args__ = (UniqueConstraint("unit_id", "agenda_year", "agenda_number"),
                      UniqueConstraint("unit_id", "document_id", name="uq_incoming_letters_unit_document"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    agenda_year: Mapped[int]
    agenda_number: Mapped[int]
    sender_institution: Mapped[str] = mapped_column(String(300))
    sender_person: Mapped[str] = mapped_column(String(200), default="")
    # The institution as compared for duplicates: case and spacing do not make a letter new.
    sender_key: Mapped[str] = mapped_column(String(300))
    sender_number: Mapped[str] = mapped_column(String(120))
    sender_date: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=LetterState.REGISTERED, index=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Registered at the wrong unit: the entry stays in this book (its number stays used) and points
    # to the entry the right unit's book gave it.
    forwarded_to_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_letters.id"))

    document: Mapped[Document] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship()
    registered_by: Mapped[User] = relationship()
    addressees: Mapped[list[IncomingAddressee]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IncomingAddressee.id")

    @property
    def subject(self) -> str:
        """Return the letter's subject (perihal), kept as its document's title."""
        return self.document.title

    @property
    def agenda_label(self) -> str:
        """Return the agenda number as staff write it: 123/2026."""
        return f"{self.agenda_number}/{self.agenda_year}"


disposition_instruction_links = Table(
    "disposition_instruction_links",
    Base.metadata,
    Column("disposition_id", ForeignKey("dispositions.id", ondelete="CASCADE"), primary_key=True),
    Column("instruction_id", ForeignKey("disposition_instructions.id"), primary_key=True),
)


class DispositionInstruction(Base):
    """One instruction of the city's list ("Untuk ditindaklanjuti", ...), chosen on a disposisi."""

    __tablename__ = "disposition_instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)
    ordering: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class Disposition(Base):
    """One node of a letter's disposisi tree: from a desk to one desk below it, with its own state."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("incoming_letters.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id"), index=True)
    from_position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # How the issuer held the desk that day: "holder", "plt" or "plh".
    issued_via: Mapped[str] = mapped_column(String(8), default="holder")
    to_position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(20), default=Urgency.BIASA)
    state: Mapped[str] = mapped_column(String(20), default=DispositionState.UNREAD)
    # Bumped by every change; an action on a stale revision is refused (optimistic concurrency).
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    followed_up_at: Mapped[datetime | None]
    followed_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    letter: Mapped[IncomingLetter] = relationship()
    from_position: Mapped[Position] = relationship(foreign_keys=[from_position_id], lazy="joined")
    to_position: Mapped[Position] = relationship(foreign_keys=[to_position_id], lazy="joined")
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    read_by: Mapped[User | None] = relationship(foreign_keys=[read_by_id])
    followed_up_by: Mapped[User | None] = relationship(foreign_keys=[followed_up_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    instructions: Mapped[list[DispositionInstruction]] = relationship(
        secondary=disposition_instruction_links, lazy="selectin", order_by=DispositionInstruction.ordering)
    attachments: Mapped[list[FollowUpAttachment]] = relationship(
        lazy="selectin", order_by="FollowUpAttachment.id", cascade="all, delete-orphan")


class IncomingReply(Base):
    """An outgoing letter drafted as the reply to an incoming letter, for the disposisi that asked for it."""

    __tablename__ = "incoming_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("incoming_letters.id", ondelete="CASCADE"), index=True)
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its signature was recorded as the disposisi's follow-up.
    recorded_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(lazy="joined")


class FollowUpAttachment(Base):
    """A file reported with a disposisi's follow-up (a notula, a photo of the meeting), kept in the object store."""

    __tablename__ = "follow_up_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    disposition_id: Mapped[int] = mapped_column(ForeignKey("dispositions.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(120))
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when its letter was destroyed by a signed berita acara pemusnahan: the object is deleted on purpose.
    destroyed_at: Mapped[datetime | None]


Index("ix_incoming_letters_duplicate", IncomingLetter.sender_number, IncomingLetter.sender_date)
Index("ix_dispositions_to_state", Disposition.to_position_id, Disposition.state)

# "Disposisi for me" lists open nodes first: unread, read, followed up, then the rest. The rank is written
# once, as literal SQL, so that the list's ORDER BY is the very expression this index holds (PostgreSQL
# reads the first page off the index instead of sorting every node of a busy desk).
INBOX_RANK_SQL = ("CASE state WHEN 'unread' THEN 0 WHEN 'read' THEN 1 WHEN 'followed_up' THEN 2 ELSE 3 END")
Index("ix_dispositions_inbox", Disposition.to_position_id, text(f"({INBOX_RANK_SQL})"), Disposition.due_on,
      Disposition.created_at.desc(), Disposition.id.desc())
# The start page's letter sections list the newest received first, ten of thousands.
Index("ix_incoming_letters_received", IncomingLetter.received_on.desc(), IncomingLetter.id.desc())
# With a state chosen, the same order without the rank.
Index("ix_dispositions_inbox_state", Disposition.to_position_id, Disposition.state, Disposition.due_on,
      Disposition.created_at.desc(), Disposition.id.desc())
