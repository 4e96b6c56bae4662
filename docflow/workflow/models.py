"""Document types as data, number registers, and the route a letter takes."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow
from docflow.org.models import Position


class RegisterScope(enum.StrEnum):
    UNIT = "unit"  # each unit numbers its own letters of this type
    CITY = "city"  # one register for the whole city (e.g. keputusan)


class RestartFrom(enum.StrEnum):
    FIRST = "first"          # after a revision, verification starts again at the first step
    RETURNING = "returning"  # ... or at the step that returned it


class DocumentTypeRule(Base):
    """A document type (jenis naskah) and its rules: who may sign, how it is numbered and routed."""

    __tablename__ = "document_types"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    group: Mapped[str] = mapped_column(String(20))
    # Eselon levels (1 = highest) whose holders may sign this type themselves.
    signer_levels: Mapped[list[int]] = mapped_column(JSON, default=list)
    allow_an: Mapped[bool] = mapped_column(default=True)   # a.n.: one level down, on the head's behalf
    allow_ub: Mapped[bool] = mapped_column(default=False)  # u.b.: two levels down
    register_scope: Mapped[str] = mapped_column(String(8), default=RegisterScope.UNIT)
    number_pattern: Mapped[str] = mapped_column(String(200), default="{classification}/{seq}/{unit}/{year}")
    restart_from: Mapped[str] = mapped_column(String(12), default=RestartFrom.FIRST)
    max_verifiers: Mapped[int] = mapped_column(default=3)
    is_active: Mapped[bool] = mapped_column(default=True)


class NumberRegister(Base):
    """A number sequence per unit (or city), document type and year: no gaps, no duplicates."""

    __tablename__ = "number_registers"
    __table_args__ = (UniqueConstraint("scope_key", "doc_type", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "unit:<id>" or "city": a plain column so that the unique constraint also holds for the city.
    scope_key: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(ForeignKey("document_types.code"))
    year: Mapped[int]
    pattern: Mapped[str] = mapped_column(String(200))
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AllocatedNumber(Base):
    """A number handed out by a register; never reused, even if its letter is replaced."""

    __tablename__ = "allocated_numbers"
    __table_args__ = (UniqueConstraint("register_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("number_registers.id"))
    seq: Mapped[int]
    # Unique within its register; two registers (types) whose patterns leave out the type may print
    # the same string, as they do on paper, so the string alone is not unique city-wide.
    number: Mapped[str] = mapped_column(String(120), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HeldNumber(Base):
    """A number a letter brought with it (imported from a legacy archive): its register passes over its sequence.

    Nothing is taken from the register (its last number stays); when the register reaches this
    sequence it moves on, so a new letter never gets the number an imported one carries.
    """

    __tablename__ = "held_numbers"
    __table_args__ = (Index("ix_held_numbers_register", "scope_key", "doc_type", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(ForeignKey("document_types.code"))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(120))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)


class StepKind(enum.StrEnum):
    VERIFY = "verify"  # paraf
    SIGN = "sign"      # tanda tangan


class StepState(enum.StrEnum):
    WAITING = "waiting"
    CURRENT = "current"
    DONE = "done"


class SigningMode(enum.StrEnum):
    DIRECT = "direct"
    AN = "an"  # atas nama
    UB = "ub"  # untuk beliau


class RouteStep(Base):
    """One desk on a letter's route: up to a few verifiers in order, then one signer."""

    __tablename__ = "route_steps"
    # The state/due index finds the letters overdue now (the paperless report) without reading every step.
    __table_args__ = (UniqueConstraint("document_id", "order"), Index("ix_route_steps_state_due_at", "state", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    order: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8), default=SigningMode.DIRECT)
    on_behalf_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    state: Mapped[str] = mapped_column(String(10), default=StepState.WAITING, index=True)
    due_at: Mapped[datetime | None]
    acted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acted_via: Mapped[str | None] = mapped_column(String(8))  # holder, plt, plh
    acted_at: Mapped[datetime | None]

    position: Mapped[Position] = relationship(foreign_keys=[position_id])
    on_behalf_position: Mapped[Position | None] = relationship(foreign_keys=[on_behalf_position_id])
