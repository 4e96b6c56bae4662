"""What the import of a legacy archive remembers: which manifest rows became which letters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from docflow.db import Base, utcnow


class LegacyImport(Base):
    """One letter of a legacy archive, imported: a run that stopped half-way skips it when resumed.

    `source_key` is the SHA-256 of the original number, the date and the file's SHA-256, so the same
    manifest row (or the same letter in another manifest) is never imported twice.
    """

    __tablename__ = "legacy_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    original_number: Mapped[str] = mapped_column(String(120))
    manifest: Mapped[str] = mapped_column(String(500), default="")
    manifest_row: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
