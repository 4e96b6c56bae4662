"""Administrative writes: the organisation saved from parsed inputs, document types and number registers.

Units, positions and people are written by docflow.org.operations and docflow.auth.operations; the
functions here add the rules of administering them (one holder per structural desk, no appointment
to a closed desk) and say whether a save created, changed or left a record alone, which the
organisation loader reports. They flush and never commit.
"""
from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from docflow.admin.inputs import (AssignmentInput, DelegationInput, DocumentTypeInput, PersonInput, PositionInput,
                                  RegisterInput, UnitInput)
from docflow.auth.models import User
from docflow.auth.operations import create_user, deactivate_user, reactivate_user, set_roles, update_user
from docflow.errors import N_, Conflict, ValidationFailed
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.org.operations import (assign_position, create_delegation, create_position, create_unit, update_position,
                                    update_unit)
from docflow.workflow.models import DocumentTypeRule, NumberRegister, RegisterScope

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    """What a save did to a record."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _outcome(changed: object) -> Outcome:
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


def save_unit(session: Session, data: UnitInput, unit: Unit | None = None) -> tuple[Unit, Outcome]:
    """Create a unit, or bring an existing one in line with the input."""
    if unit is None:
        return create_unit(session, code=data.code, name=data.name, kind=data.kind, parent=data.parent), Outcome.CREATED
    return unit, _outcome(update_unit(session, unit, name=data.name, kind=data.kind, parent=data.parent))


def save_position(session: Session, data: PositionInput, position: Position | None = None, *,
                  on: date) -> tuple[Position, Outcome]:
    """Create a desk, or bring an existing one in line with the input."""
    if position is None:
        position = create_position(session, unit=data.unit, title=data.title, eselon=data.eselon, parent=data.parent)
        if not data.active:
            update_position(session, position, title=data.title, eselon=data.eselon, parent=data.parent,
                            is_active=False, on=on)
        return position, Outcome.CREATED
    return position, _outcome(update_position(session, position, title=data.title, eselon=data.eselon,
                                              parent=data.parent, is_active=data.active, on=on))


def save_person(session: Session, data: PersonInput, user: User | None = None, *,
                actor: User | None = None) -> tuple[User, Outcome]:
    """Create a person without a password, or bring an existing one in line with the input."""
    outcome = Outcome.CREATED
    if user is None:
        # No password: the person cannot log in until an administrator sets one.
        user = create_user(session, username=data.username, password=None, roles=data.roles,
                           full_name=data.full_name, unit=data.unit, nip=data.nip)
    else:
        outcome = _outcome(set_roles(session, user, data.roles))
    changed = update_user(session, user, full_name=data.full_name, nip=data.nip, rank=data.rank, email=data.email,
                          unit=data.unit)
    if user.is_active != data.active:
        if data.active:
            reactivate_user(session, user)
        else:
            deactivate_user(session, user, actor=actor)
        changed.append("active")
    if outcome == Outcome.UNCHANGED and changed:
        outcome = Outcome.UPDATED
    return user, outcome


def _overlapping(starts_on: date, ends_on: date | None) -> ColumnElement[bool]:
    """Assignments that share at least one day with the period (open ends run forever)."""
    condition = or_(Assignment.ends_on.is_(None), Assignment.ends_on >= starts_on)
    return condition if ends_on is None else and_(condition, Assignment.starts_on <= ends_on)


def assign(session: Session, data: AssignmentInput) -> Assignment:
    """Put a person at a desk for a period; a structural desk (with an eselon) has one holder at a time."""
    if not data.position.is_active:
        raise ValidationFailed(N_("this position is closed; reopen it before assigning someone"), field="position_id")
    if not data.user.is_active:
        raise ValidationFailed(N_("this person is deactivated"), field="user")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise ValidationFailed(N_("the assignment ends before it starts"), field="ends_on")
    overlapping = session.scalars(select(Assignment).where(
        Assignment.position_id == data.position.id, _overlapping(data.starts_on, data.ends_on))).all()
    if any(a.user_id == data.user.id for a in overlapping):
        raise Conflict(N_("this person already holds this position in that period"), field="starts_on")
    if data.position.eselon and overlapping:
        holder = session.get(User, overlapping[0].user_id)
        raise Conflict(N_("a structural position has one holder at a time; end the assignment of %(holder)s first"),
                       field="position_id", holder=holder.username if holder else overlapping[0].user_id)
    return assign_position(session, position=data.position, user=data.user, starts_on=data.starts_on,
                           ends_on=data.ends_on)


def appoint_delegate(session: Session, data: DelegationInput, *, max_days: Mapping[str, int]) -> Delegation:
    """Appoint a Plt. or Plh. for an open desk, within the city's longest terms."""
    if not data.position.is_active:
        raise ValidationFailed(N_("this position is closed"), field="position_id")
    if not data.delegate.is_active:
        raise ValidationFailed(N_("this person is deactivated"), field="delegate")
    return create_delegation(session, position=data.position, delegate=data.delegate, kind=data.kind,
                             starts_on=data.starts_on, ends_on=data.ends_on, decree_reference=data.decree_reference,
                             max_days=dict(max_days))


def create_document_type(session: Session, data: DocumentTypeInput) -> DocumentTypeRule:
    """Add a document type (jenis naskah) with its signing, numbering and routing rules."""
    if session.get(DocumentTypeRule, data.code) is not None:
        raise Conflict(N_("a document type with code %(code)s exists"), field="code", code=data.code)
    rule = DocumentTypeRule(code=data.code)
    _apply_type_rules(rule, data)
    session.add(rule)
    session.flush()
    logger.info("created document type %s", rule.code)
    return rule


def _type_values(data: DocumentTypeInput) -> dict[str, object]:
    return {"name": data.name, "group": data.group, "signer_levels": list(data.signer_levels),
            "allow_an": data.allow_an, "allow_ub": data.allow_ub, "register_scope": data.register_scope,
            "number_pattern": data.number_pattern, "restart_from": data.restart_from,
            "max_verifiers": data.max_verifiers, "is_active": data.active}


def _apply_type_rules(rule: DocumentTypeRule, data: DocumentTypeInput) -> list[str]:
    changed = []
    for name, value in _type_values(data).items():
        if getattr(rule, name) != value:
            setattr(rule, name, value)
            changed.append(name)
    return changed


def update_document_type(session: Session, rule: DocumentTypeRule, data: DocumentTypeInput) -> list[str]:
    """Change a document type's rules (they apply to letters routed or numbered from now on)."""
    changed = _apply_type_rules(rule, data)
    if changed:
        session.flush()
        logger.info("updated document type %s: %s", rule.code, ", ".join(changed))
    return changed


def register_scope_key(rule: DocumentTypeRule, unit: Unit | None) -> str:
    """Return the register key for a type and unit ('city' or 'unit:<id>'), as numbering looks it up."""
    if rule.register_scope == RegisterScope.CITY:
        if unit is not None:
            raise ValidationFailed(N_("%(type)s is numbered in one register for the whole city; leave the unit "
                                      "empty"), field="unit", type=rule.name)
        return "city"
    if unit is None:
        raise ValidationFailed(N_("each unit numbers its own %(type)s; choose the unit"), field="unit", type=rule.name)
    return f"unit:{unit.id}"


def create_number_register(session: Session, data: RegisterInput) -> NumberRegister:
    """Open a year's number register ahead of the first signing (e.g. to continue a paper register)."""
    scope_key = register_scope_key(data.doc_type, data.unit)
    exists = session.scalar(select(NumberRegister.id).where(
        NumberRegister.scope_key == scope_key, NumberRegister.doc_type == data.doc_type.code,
        NumberRegister.year == data.year))
    if exists is not None:
        raise Conflict(N_("the register of %(type)s for %(year)s exists"), field="year", type=data.doc_type.name,
                       year=data.year)
    register = NumberRegister(scope_key=scope_key, doc_type=data.doc_type.code, year=data.year, pattern=data.pattern,
                              last_seq=data.last_seq)
    session.add(register)
    session.flush()
    logger.info("opened number register %s %s %s at %s", scope_key, data.doc_type.code, data.year, data.last_seq)
    return register


def update_number_register(session: Session, register: NumberRegister, data: RegisterInput) -> list[str]:
    """Change a register's pattern or move its last number forward; numbers never go back."""
    stmt = select(NumberRegister).where(NumberRegister.id == register.id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # a signing in progress allocates under the same lock
    register = session.scalars(stmt).one()
    if data.last_seq < register.last_seq:
        raise ValidationFailed(N_("the last number never goes back: %(last)s is already issued"),
                               field="last_seq", last=register.last_seq)
    changed = []
    if register.pattern != data.pattern:
        register.pattern = data.pattern
        changed.append("pattern")
    if register.last_seq != data.last_seq:
        register.last_seq = data.last_seq
        changed.append("last_seq")
    if changed:
        session.flush()
        logger.info("updated number register %s: %s", register.id, ", ".join(changed))
    return changed
