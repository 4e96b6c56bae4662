"""Letters that arrived by e-mail or from a scanner's folder and wait for the clerk to register them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow
from docflow.incoming.models import IncomingLetter
from docflow.org.models import Unit


class PendingState(enum.StrEnum):
    PENDING = "pending"        # waits for the clerk: a file was read and stored
    FAILED = "failed"          # could not be read: kept (the message or file is stored) with the reason
    REGISTERED = "registered"  # completed into an incoming letter
    DISCARDED = "discarded"    # the clerk threw it away, with a reason


OPEN_STATES = frozenset({PendingState.PENDING, PendingState.FAILED})


class PendingRegistration(Base):
    """One message or scanned file taken in for a unit: prefilled fields, the stored file, or why it failed."""

    __tablename__ = "pending_registrations"
    # The same message or file is taken in once per unit: the worker may crash between commit and
    # marking the message, and reads it again.
    __table_args__ = (UniqueConstraint("unit_id", "source_key", name="uq_pending_registrations_unit_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # "mail" or "folder".
    channel: Mapped[str] = mapped_column(String(10))
    # mail: "imap:<mailbox>:<uidvalidity>:<uid>"; folder: "folder:<name>:<sha256>".
    source_key: Mapped[str] = mapped_column(String(300))
    # The Message-ID of an e-mail (a second delivery of the same message is not taken in twice).
    message_id: Mapped[str] = mapped_column(String(300), default="", index=True)
    state: Mapped[str] = mapped_column(String(12), default=PendingState.PENDING)
    sender: Mapped[str] = mapped_column(String(300), default="")
    sender_address: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The file to register (content-addressed key in the object store), when one was read.
    filename: Mapped[str] = mapped_column(String(255), default="")
    file_key: Mapped[str | None] = mapped_column(String(100))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None]
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    # The whole message as received (an .eml), or the unreadable file, so that nothing is lost.
    original_key: Mapped[str | None] = mapped_column(String(100))
    # Why it could not be taken in (failed), in the words shown to the clerk.
    reason: Mapped[str] = mapped_column(Text, default="")
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_letters.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    discard_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the letter it became was destroyed by a signed berita acara pemusnahan: its files went with it.
    files_destroyed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
    letter: Mapped[IncomingLetter | None] = relationship()


class IntakeSource(Base):
    """The health of one mailbox or folder as the worker last found it (for logs, metrics and the clerk's page)."""

    __tablename__ = "intake_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "mail:<name>" or "folder:<name>", as named in the intake sources file.
    name: Mapped[str] = mapped_column(String(200), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    last_checked_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)


Index("ix_pending_registrations_unit_state", PendingRegistration.unit_id, PendingRegistration.state)
