"""Classification codes (kode klasifikasi) and their retention rule (JRA): a tree of dotted codes."""
from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from docflow.db import Base

MAX_MATCHES = 50


class FinalFate(enum.StrEnum):
    DESTROY = "destroy"
    PERMANENT = "permanent"
    REVIEW = "review"


class ClassificationCode(Base):
    """One node of the classification tree with the retention it gives a letter (seed data a city edits)."""

    __tablename__ = "classification_codes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("classification_codes.code"), index=True)
    active_years: Mapped[int] = mapped_column(default=2)
    inactive_years: Mapped[int] = mapped_column(default=3)
    final_fate: Mapped[str] = mapped_column(String(20), default=FinalFate.REVIEW)

    @property
    def depth(self) -> int:
        """Return the level in the tree: 0 for 000, 1 for 000.1, 2 for 000.1.2."""
        return self.code.count(".")

    def __repr__(self) -> str:
        return f"<ClassificationCode {self.code} {self.name!r}>"


def classification_exists(session: Session, code: str) -> bool:
    """Tell whether a code is in the classification table."""
    return session.get(ClassificationCode, code) is not None


def search_classification_codes(session: Session, q: str = "", limit: int = MAX_MATCHES) -> list[ClassificationCode]:
    """Return codes whose code starts with q or whose name contains it, in tree order."""
    stmt = select(ClassificationCode)
    q = " ".join(q.split())
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(ClassificationCode.code.like(f"{escaped}%", escape="\\"),
                              ClassificationCode.name.ilike(f"%{escaped}%", escape="\\")))
    rows = session.scalars(stmt).all()
    # Dotted codes sort as number tuples, so 000.10 follows 000.9.
    return sorted(rows, key=lambda c: tuple(int(p) for p in c.code.split(".")))[:limit]
