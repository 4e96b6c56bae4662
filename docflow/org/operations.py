"""Domain writes for the organisation's units."""
from __future__ import annotations

import logging
import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.errors import Conflict, NotFound, ValidationFailed
from docflow.org.models import Assignment, Delegation, DelegationKind, Position, Unit, eselon_level

logger = logging.getLogger(__name__)

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")


def create_unit(session: Session, *, code: str, name: str, kind: str = "dinas", parent: Unit | None = None) -> Unit:
    """Add a unit of the city government."""
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationFailed("a unit code is 1-40 capital letters, digits, dots or dashes", field="code")
    if not name.strip():
        raise ValidationFailed("a unit needs a name", field="name")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise Conflict(f"a unit with code {code} exists", field="code")
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent)
    session.add(unit)
    session.flush()
    logger.info("created unit %s", code)
    return unit


def get_unit(session: Session, code: str) -> Unit:
    """Return the unit with this code or raise NotFound."""
    unit = session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise NotFound(f"no unit with code {code!r}")
    return unit


def create_position(session: Session, *, unit: Unit, title: str, eselon: str = "",
                    parent: Position | None = None) -> Position:
    """Add a desk (jabatan) to a unit, under its superior desk."""
    title = " ".join(title.split())
    if not title:
        raise ValidationFailed("a position needs a title", field="title")
    if eselon and eselon_level(eselon) == 5 and eselon.split(".")[0].strip().upper() != "V":
        raise ValidationFailed("eselon is written like II.b, III.a or IV.a", field="eselon")
    position = Position(unit=unit, title=title, eselon=eselon.strip(), parent=parent)
    session.add(position)
    session.flush()
    logger.info("created position %s %r in %s", position.id, title, unit.code)
    return position


def assign_position(session: Session, *, position: Position, user: User, starts_on: date,
                    ends_on: date | None = None) -> Assignment:
    """Record that a person holds a desk from a day (their queue follows the desk)."""
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("the assignment ends before it starts", field="ends_on")
    assignment = Assignment(position_id=position.id, user_id=user.id, starts_on=starts_on, ends_on=ends_on)
    session.add(assignment)
    session.flush()
    logger.info("user %s holds position %s from %s", user.username, position.id, starts_on)
    return assignment


def end_assignment(session: Session, assignment: Assignment, *, ends_on: date) -> None:
    """Close an assignment (the person moved on); the desk's work stays with the desk."""
    if ends_on < assignment.starts_on:
        raise ValidationFailed("the assignment ends before it starts", field="ends_on")
    assignment.ends_on = ends_on
    session.flush()
    logger.info("assignment %s ends on %s", assignment.id, ends_on)


def create_delegation(session: Session, *, position: Position, delegate: User, kind: str, starts_on: date,
                      ends_on: date, decree_reference: str = "", max_days: dict[str, int] | None = None) -> Delegation:
    """Appoint a Plt. or Plh. for a position; delegations of one position never overlap."""
    from docflow.org.queries import holders

    try:
        kind = DelegationKind(kind)
    except ValueError:
        raise ValidationFailed("kind is plt (post vacant) or plh (holder away)", field="kind") from None
    if ends_on < starts_on:
        raise ValidationFailed("the delegation ends before it starts", field="ends_on")
    limit = (max_days or {}).get(kind)
    if limit is not None and (ends_on - starts_on).days + 1 > limit:
        raise ValidationFailed(f"a {kind.upper()}. assignment lasts at most {limit} days", field="ends_on")
    overlapping = session.scalar(select(Delegation.id).where(
        Delegation.position_id == position.id, Delegation.revoked.is_(False),
        Delegation.starts_on <= ends_on, Delegation.ends_on >= starts_on))
    if overlapping is not None:
        raise Conflict("another Plt./Plh. assignment for this position overlaps these dates", field="starts_on")
    current_holders = holders(session, position.id, starts_on)
    if kind == DelegationKind.PLT and current_holders:
        raise ValidationFailed("a Plt. is appointed only while the post is vacant; use Plh. while the holder is away",
                               field="kind")
    if kind == DelegationKind.PLH and not current_holders:
        raise ValidationFailed("a Plh. stands in for a holder who is away; the post is vacant, appoint a Plt.",
                               field="kind")
    if any(h.id == delegate.id for h in current_holders):
        raise ValidationFailed("the holder cannot stand in for themselves", field="delegate")
    delegation = Delegation(position_id=position.id, delegate_user_id=delegate.id, kind=kind, starts_on=starts_on,
                            ends_on=ends_on, decree_reference=decree_reference.strip())
    session.add(delegation)
    session.flush()
    logger.info("%s. for position %s: %s from %s to %s (%s)", kind.upper(), position.id, delegate.username,
                starts_on, ends_on, decree_reference)
    return delegation


def revoke_delegation(session: Session, delegation: Delegation) -> None:
    """End a Plt./Plh. assignment early."""
    delegation.revoked = True
    session.flush()
    logger.info("delegation %s revoked", delegation.id)
