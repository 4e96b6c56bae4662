"""Domain writes for the organisation's units."""
from __future__ import annotations

import logging
import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.db import apply_changes
from docflow.errors import N_, Conflict, NotFound, ValidationFailed
from docflow.org.models import Assignment, Delegation, DelegationKind, Position, Unit, eselon_level

logger = logging.getLogger(__name__)

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")


def create_unit(session: Session, *, code: str, name: str, kind: str = "dinas", parent: Unit | None = None) -> Unit:
    """Add a unit of the city government."""
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationFailed(N_("a unit code is 1-40 capital letters, digits, dots or dashes"), field="code")
    if not name.strip():
        raise ValidationFailed(N_("a unit needs a name"), field="name")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise Conflict(N_("a unit with code %(code)s exists"), field="code", code=code)
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent)
    session.add(unit)
    session.flush()
    logger.info("created unit %s", code)
    return unit


def get_unit(session: Session, code: str) -> Unit:
    """Return the unit with this code or raise NotFound."""
    unit = session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise NotFound(N_("no unit with code %(code)r"), code=code)
    return unit


def create_position(session: Session, *, unit: Unit, title: str, eselon: str = "",
                    parent: Position | None = None) -> Position:
    """Add a desk (jabatan) to a unit, under its superior desk."""
    title = " ".join(title.split())
    if not title:
        raise ValidationFailed(N_("a position needs a title"), field="title")
    if eselon and eselon_level(eselon) == 5 and eselon.split(".")[0].strip().upper() != "V":
        raise ValidationFailed(N_("eselon is written like II.b, III.a or IV.a"), field="eselon")
    position = Position(unit=unit, title=title, eselon=eselon.strip(), parent=parent)
    session.add(position)
    session.flush()
    logger.info("created position %s %r in %s", position.id, title, unit.code)
    return position


def assign_position(session: Session, *, position: Position, user: User, starts_on: date,
                    ends_on: date | None = None) -> Assignment:
    """Record that a person holds a desk from a day (their queue follows the desk)."""
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(N_("the assignment ends before it starts"), field="ends_on")
    assignment = Assignment(position_id=position.id, user_id=user.id, starts_on=starts_on, ends_on=ends_on)
    session.add(assignment)
    session.flush()
    logger.info("user %s holds position %s from %s", user.username, position.id, starts_on)
    return assignment


def end_assignment(session: Session, assignment: Assignment, *, ends_on: date) -> None:
    """Close an assignment (the person moved on); the desk's work stays with the desk."""
    if ends_on < assignment.starts_on:
        raise ValidationFailed(N_("the assignment ends before it starts"), field="ends_on")
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
        raise ValidationFailed(N_("kind is plt (post vacant) or plh (holder away)"), field="kind") from None
    if ends_on < starts_on:
        raise ValidationFailed(N_("the delegation ends before it starts"), field="ends_on")
    limit = (max_days or {}).get(kind)
    if limit is not None and (ends_on - starts_on).days + 1 > limit:
        raise ValidationFailed(N_("a %(kind)s. assignment lasts at most %(limit)s days"), field="ends_on",
                               kind=kind.upper(), limit=limit)
    overlapping = session.scalar(select(Delegation.id).where(
        Delegation.position_id == position.id, Delegation.revoked.is_(False),
        Delegation.starts_on <= ends_on, Delegation.ends_on >= starts_on))
    if overlapping is not None:
        raise Conflict(N_("another Plt./Plh. assignment for this position overlaps these dates"), field="starts_on")
    current_holders = holders(session, position.id, starts_on)
    if kind == DelegationKind.PLT and current_holders:
        raise ValidationFailed(N_("a Plt. is appointed only while the post is vacant; use Plh. while the holder "
                                  "is away"), field="kind")
    if kind == DelegationKind.PLH and not current_holders:
        raise ValidationFailed(N_("a Plh. stands in for a holder who is away; the post is vacant, appoint a Plt."),
                               field="kind")
    if any(h.id == delegate.id for h in current_holders):
        raise ValidationFailed(N_("the holder cannot stand in for themselves"), field="delegate")
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


_ESELON = re.compile(r"^(I|II|III|IV|V)\.[ab]$")
_UNIT_KIND = re.compile(r"^[a-z][a-z0-9 _-]{0,39}$")


def validate_eselon(eselon: str) -> str:
    """Return an eselon in its written form ('ii.B' -> 'II.b'; '' for staff) or raise ValidationFailed."""
    value = eselon.strip()
    if not value:
        return ""
    roman, _, grade = value.partition(".")
    value = f"{roman.strip().upper()}.{grade.strip().lower()}"
    if not _ESELON.match(value):
        raise ValidationFailed(N_("eselon is written like II.b, III.a or IV.a, or left empty for staff"), field="eselon")
    return value


def validate_unit_kind(kind: str) -> str:
    """Return a unit kind (dinas, badan, bagian, kecamatan, ...) in lower case or raise ValidationFailed."""
    value = " ".join(kind.split()).lower()
    if not _UNIT_KIND.match(value):
        raise ValidationFailed(N_("a unit kind is a word such as dinas, badan, bagian, kecamatan or kelurahan"),
                               field="kind")
    return value


def _is_within(candidate: Unit | Position | None, ancestor: Unit | Position) -> bool:
    """Tell whether `candidate` is `ancestor` or lies below it (walking up, safe against stored cycles)."""
    seen: set[int] = set()
    while candidate is not None and candidate.id not in seen:
        if candidate.id == ancestor.id:
            return True
        seen.add(candidate.id)
        candidate = candidate.parent
    return False


def update_unit(session: Session, unit: Unit, *, name: str, kind: str, parent: Unit | None) -> list[str]:
    """Rename a unit, change its kind or move it in the tree; return the names of the fields that changed."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(N_("a unit needs a name"), field="name")
    kind = validate_unit_kind(kind)
    if parent is not None and _is_within(parent, unit):
        raise ValidationFailed(N_("a unit cannot sit under itself or one of its own sub-units"), field="parent")
    changed = apply_changes(unit, {"name": name, "kind": kind})
    if unit.parent_id != (parent.id if parent else None):
        unit.parent = parent
        changed.append("parent")
    if changed:
        session.flush()
        logger.info("updated unit %s: %s", unit.code, ", ".join(changed))
    return changed


def update_position(session: Session, position: Position, *, title: str, eselon: str, parent: Position | None,
                    is_active: bool, on: date) -> list[str]:
    """Change a desk's title, eselon, superior or activity; return the names of the fields that changed."""
    from docflow.org.queries import can_be_acted_for

    title = " ".join(title.split())
    if not title:
        raise ValidationFailed(N_("a position needs a title"), field="title")
    eselon = validate_eselon(eselon)
    if parent is not None and _is_within(parent, position):
        raise ValidationFailed(N_("a position cannot report to itself or to one of its own subordinates"),
                               field="parent_id")
    # A desk someone holds or acts for still receives letters; closing it would strand them.
    if position.is_active and not is_active and can_be_acted_for(session, position.id, on):
        raise Conflict(N_("someone holds or acts for this position; end the assignment or delegation first"),
                       field="active")
    changed = apply_changes(position, {"title": title, "eselon": eselon})
    if position.parent_id != (parent.id if parent else None):
        position.parent = parent
        changed.append("parent_id")
    if position.is_active != is_active:
        position.is_active = is_active
        changed.append("active")
    if changed:
        session.flush()
        logger.info("updated position %s %r: %s", position.id, position.title, ", ".join(changed))
    return changed


def change_assignment_start(session: Session, assignment: Assignment, *, starts_on: date) -> None:
    """Correct the first day of an assignment (e.g. to match the decree)."""
    if assignment.ends_on is not None and assignment.ends_on < starts_on:
        raise ValidationFailed(N_("the assignment ends before it starts"), field="starts_on")
    assignment.starts_on = starts_on
    session.flush()
    logger.info("assignment %s now starts on %s", assignment.id, starts_on)
