"""Letter templates (templat naskah): per document type and unit, with named fields such as ${nomor}."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow
from docflow.org.models import Unit


class LetterTemplate(Base):
    """A DOCX letter with the unit's kop and fields (`${nomor}`, `${ttd}` ...) that a draft starts from.

    A shipped default names its file in the package (`builtin`); an uploaded one is an object in the store.
    """

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(ForeignKey("document_types.code"), index=True)
    # None: for every unit of the city.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    builtin: Mapped[str | None] = mapped_column(String(80))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()
