"""Reads for the administration: records by id, the unit tree, people and desks page by page."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.errors import N_, Message, NotFound
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.workflow.models import NumberRegister

T = TypeVar("T")
M = TypeVar("M")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        """Tell whether another page follows."""
        return self.page * self.per_page < self.total


# The names callers give to get_record, marked so that "no position 7" can be translated.
RECORD_NAMES = (N_("assignment"), N_("delegation"), N_("document type"), N_("number register"), N_("position"),
                N_("unit"), N_("user"))


def get_record(session: Session, model: type[M], ident: int | str, label: str) -> M:
    """Return the record with this primary key or raise NotFound naming what was looked for."""
    record = session.get(model, ident)
    if record is None:
        raise NotFound(N_("no %(record)s %(id)s"), record=Message(label), id=ident)
    return record


def _page(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


def unit_tree(session: Session) -> list[tuple[Unit, int]]:
    """Return every unit with its depth, each parent before its children, siblings by code."""
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    children: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {u.id for u in units}
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    ordered: list[tuple[Unit, int]] = []
    seen: set[int] = set()

    def visit(unit: Unit, depth: int) -> None:
        if unit.id in seen:
            return
        seen.add(unit.id)
        ordered.append((unit, depth))
        for child in children[unit.id]:
            visit(child, depth + 1)

    for root in children[None]:
        visit(root, 0)
    # A unit caught in a stored cycle has no root above it: list it rather than hide it.
    for unit in units:
        visit(unit, 0)
    return ordered


def organisation_counts(session: Session) -> dict[str, int]:
    """Return how many units, positions and people there are."""
    return {label: session.scalar(select(func.count()).select_from(model)) or 0
            for label, model in (("units", Unit), ("positions", Position), ("users", User))}


def structural_positions(session: Session) -> list[Position]:
    """Return the open desks with an eselon (the ones that head others), by unit and eselon."""
    return list(session.scalars(select(Position).join(Unit, Unit.id == Position.unit_id)
                                .options(selectinload(Position.unit))
                                .where(Position.eselon != "", Position.is_active.is_(True))
                                .order_by(Unit.code, Position.eselon, Position.title)))


def list_positions(session: Session, *, unit: Unit | None = None, page: int = 1, per_page: int = 50) -> Page[Position]:
    """Return desks by unit, highest eselon first (staff desks last)."""
    stmt = (select(Position).join(Unit, Unit.id == Position.unit_id)
            .options(selectinload(Position.unit), selectinload(Position.parent))
            .order_by(Unit.code, Position.eselon == "", Position.eselon, Position.title, Position.id))
    if unit is not None:
        stmt = stmt.where(Position.unit_id == unit.id)
    return _page(session, stmt, page, per_page)


def list_users(session: Session, *, text: str = "", unit: Unit | None = None, page: int = 1,
               per_page: int = 50) -> Page[User]:
    """Return people by username, optionally those whose username, name or NIP contains `text`."""
    stmt = select(User).options(selectinload(User.unit)).order_by(User.username)
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(or_(func.lower(User.username).like(like), func.lower(User.full_name).like(like),
                              User.nip.like(like)))
    if unit is not None:
        stmt = stmt.where(User.unit_id == unit.id)
    return _page(session, stmt, page, per_page)


def holders_on(session: Session, position_ids: Iterable[int], on: date) -> dict[int, list[User]]:
    """Return, for each desk, the people who hold it on a day."""
    ids = sorted(set(position_ids))
    result: dict[int, list[User]] = defaultdict(list)
    if not ids:
        return result
    rows = session.execute(select(Assignment.position_id, User).join(User, User.id == Assignment.user_id).where(
        Assignment.position_id.in_(ids), Assignment.starts_on <= on,
        or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on)).order_by(User.username))
    for position_id, user in rows:
        result[position_id].append(user)
    return result


def list_assignments(session: Session, *, position: Position | None = None, user: User | None = None,
                     current_on: date | None = None) -> list[Assignment]:
    """Return assignments of a desk or a person, latest first; with `current_on`, only those not ended by then."""
    stmt = select(Assignment).options(selectinload(Assignment.position).selectinload(Position.unit)).order_by(
        Assignment.starts_on.desc(), Assignment.id.desc())
    if position is not None:
        stmt = stmt.where(Assignment.position_id == position.id)
    if user is not None:
        stmt = stmt.where(Assignment.user_id == user.id)
    if current_on is not None:
        stmt = stmt.where(or_(Assignment.ends_on.is_(None), Assignment.ends_on >= current_on))
    return list(session.scalars(stmt))


def list_delegations(session: Session, *, position: Position | None = None,
                     current_on: date | None = None) -> list[Delegation]:
    """Return Plt./Plh. appointments, latest first; with `current_on`, only unrevoked ones not over by then."""
    stmt = select(Delegation).options(selectinload(Delegation.position).selectinload(Position.unit)).order_by(
        Delegation.starts_on.desc(), Delegation.id.desc())
    if position is not None:
        stmt = stmt.where(Delegation.position_id == position.id)
    if current_on is not None:
        stmt = stmt.where(Delegation.revoked.is_(False), Delegation.ends_on >= current_on)
    return list(session.scalars(stmt))


def person_choices(session: Session) -> list[tuple[str, str]]:
    """Return the active people as (username, "Full Name — UNIT, NIP ...") for a picker, by name."""
    people = session.scalars(select(User).where(User.is_active.is_(True)).options(selectinload(User.unit))).all()
    choices = []
    for user in sorted(people, key=lambda u: (u.display_name.casefold(), u.username)):
        details = ", ".join(filter(None, (user.unit.code if user.unit else "", f"NIP {user.nip}" if user.nip else "")))
        choices.append((user.username, f"{user.display_name} — {details}" if details else user.display_name))
    return choices


def users_by_id(session: Session, ids: Iterable[int]) -> dict[int, User]:
    """Return the people with these ids, by id."""
    wanted = sorted(set(ids))
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))} if wanted else {}


def list_registers(session: Session, *, year: int | None = None) -> list[NumberRegister]:
    """Return number registers, latest year first."""
    stmt = select(NumberRegister).order_by(NumberRegister.year.desc(), NumberRegister.doc_type,
                                           NumberRegister.scope_key)
    if year is not None:
        stmt = stmt.where(NumberRegister.year == year)
    return list(session.scalars(stmt))


def register_units(session: Session, registers: Sequence[NumberRegister]) -> dict[str, Unit]:
    """Return the unit of each unit register's scope key ('unit:<id>')."""
    ids = {int(r.scope_key.split(":", 1)[1]) for r in registers if r.scope_key.startswith("unit:")}
    if not ids:
        return {}
    return {f"unit:{u.id}": u for u in session.scalars(select(Unit).where(Unit.id.in_(sorted(ids))))}
