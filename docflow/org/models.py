"""The organisation: units of the city government (OPD) as a tree."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow


class Unit(Base):
    """A unit of the city government (dinas, badan, bagian, kecamatan, kelurahan)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="dinas")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Position(Base):
    """A desk (jabatan) in a unit; rights and queues belong to it, whoever holds it."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # e.g. "II.b", "III.a", "IV.a"; empty for staff positions (pelaksana).
    eselon: Mapped[str] = mapped_column(String(8), default="")
    # The superior desk, which makes the chain of verifiers and signers.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    parent: Mapped[Position | None] = relationship(remote_side=[id])

    @property
    def level(self) -> int:
        """Return the eselon level as a number (1 highest ... 4; 5 for staff without eselon)."""
        return eselon_level(self.eselon)

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.title!r}>"


def eselon_level(eselon: str) -> int:
    """Map 'II.b' -> 2, 'IV.a' -> 4, '' -> 5 (staff)."""
    roman = (eselon or "").split(".")[0].strip().upper()
    return {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}.get(roman, 5)


class Assignment(Base):
    """A person holding a position over a period (ends_on None: still holds it)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    position: Mapped[Position] = relationship()


class DelegationKind(enum.StrEnum):
    PLT = "plt"  # Pelaksana Tugas: acting while the post is vacant
    PLH = "plh"  # Pelaksana Harian: standing in while the holder is away


class Delegation(Base):
    """A time-bound Plt./Plh. assignment: a delegate acts for a position."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    delegate_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    decree_reference: Mapped[str] = mapped_column(String(200), default="")
    revoked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    position: Mapped[Position] = relationship()
