"""JSON shapes of the administration's records (never a password hash)."""
from __future__ import annotations

from typing import Any

from docflow.auth.models import User
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.workflow.models import DocumentTypeRule, NumberRegister


def unit_json(unit: Unit) -> dict[str, Any]:
    """Return the API form of a unit."""
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent": unit.parent.code if unit.parent else None}


def position_json(position: Position, holders: list[User] | None = None) -> dict[str, Any]:
    """Return the API form of a desk, with today's holders when given."""
    body = {"id": position.id, "unit": position.unit.code, "title": position.title, "eselon": position.eselon,
            "level": position.level, "parent_id": position.parent_id,
            "parent": position.parent.title if position.parent else None, "active": position.is_active}
    if holders is not None:
        body["holders"] = [u.username for u in holders]
    return body


def user_json(user: User) -> dict[str, Any]:
    """Return the API form of a person."""
    return {"id": user.id, "username": user.username, "full_name": user.full_name, "nip": user.nip,
            "rank": user.rank, "email": user.email, "unit": user.unit.code if user.unit else None,
            "roles": sorted(user.roles), "active": user.is_active, "has_password": user.password_hash is not None}


def assignment_json(assignment: Assignment, user: User) -> dict[str, Any]:
    """Return the API form of an assignment."""
    return {"id": assignment.id, "position_id": assignment.position_id, "position": assignment.position.title,
            "unit": assignment.position.unit.code, "user": user.username,
            "starts_on": assignment.starts_on.isoformat(),
            "ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None}


def delegation_json(delegation: Delegation, delegate: User) -> dict[str, Any]:
    """Return the API form of a Plt./Plh. appointment."""
    return {"id": delegation.id, "position_id": delegation.position_id, "position": delegation.position.title,
            "unit": delegation.position.unit.code, "delegate": delegate.username, "kind": delegation.kind,
            "starts_on": delegation.starts_on.isoformat(), "ends_on": delegation.ends_on.isoformat(),
            "decree_reference": delegation.decree_reference, "revoked": delegation.revoked}


def document_type_json(rule: DocumentTypeRule) -> dict[str, Any]:
    """Return the API form of a document type and its rules."""
    return {"code": rule.code, "name": rule.name, "group": rule.group, "signer_levels": list(rule.signer_levels),
            "allow_an": rule.allow_an, "allow_ub": rule.allow_ub, "register_scope": rule.register_scope,
            "number_pattern": rule.number_pattern, "restart_from": rule.restart_from,
            "max_verifiers": rule.max_verifiers, "active": rule.is_active}


def register_json(register: NumberRegister, unit: Unit | None) -> dict[str, Any]:
    """Return the API form of a number register (`unit` None: the city's register)."""
    return {"id": register.id, "doc_type": register.doc_type, "unit": unit.code if unit else None,
            "year": register.year, "pattern": register.pattern, "last_seq": register.last_seq}
