"""JSON API of the administration (administrators only): units, positions, people, assignments,
delegations, document types and number registers."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from docflow.admin.access import api_admin_required
from docflow.admin.inputs import (assignment_input, delegation_input, document_type_input, end_input, password_input,
                                  person_input, position_input, register_input, unit_input)
from docflow.admin.operations import (appoint_delegate, assign, create_document_type, create_number_register,
                                      save_person, save_position, save_unit, update_document_type,
                                      update_number_register)
from docflow.admin.queries import (get_record, holders_on, list_assignments, list_delegations, list_positions,
                                   list_registers, list_users, register_units, unit_tree, users_by_id)
from docflow.admin.schemas import (assignment_json, delegation_json, document_type_json, position_json,
                                   register_json, unit_json, user_json)
from docflow.api.body import request_body
from docflow.api.params import MAX_PAGE, flag_param, int_param, optional_id, optional_int
from docflow.auth.access import api_user
from docflow.auth.models import User
from docflow.auth.operations import get_token, get_user, list_tokens, revoke_token, set_password, unlock_logins
from docflow.auth.schemas import token_json
from docflow.context import db_session, services
from docflow.errors import N_, ValidationFailed
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.org.operations import end_assignment, get_unit, revoke_delegation
from docflow.workflow.models import DocumentTypeRule, NumberRegister
from docflow.workflow.queries import document_types

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")


def _created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _paging() -> tuple[int, int]:
    return (int_param(request.args, "page", 1, maximum=MAX_PAGE),
            int_param(request.args, "per_page", 50, maximum=200))


def _unit_filter() -> Unit | None:
    code = request.args.get("unit", "").strip()
    return get_unit(db_session(), code) if code else None


def _position_json(position: Position) -> dict[str, Any]:
    return position_json(position, holders_on(db_session(), [position.id], services().today())[position.id])


def _user_json(user: User) -> dict[str, Any]:
    body = user_json(user)
    body["assignments"] = [assignment_json(a, user) for a in list_assignments(db_session(), user=user)]
    return body


@bp.get("/units")
@api_admin_required
def units():
    """List every unit, each parent before its children."""
    return jsonify(results=[{**unit_json(u), "depth": depth} for u, depth in unit_tree(db_session())])


@bp.post("/units")
@api_admin_required
def create_unit():
    """Add a unit: {code, name, kind, parent}."""
    session = db_session()
    created, _ = save_unit(session, unit_input(session, request_body()))
    return _created(unit_json(created), url_for(".unit", unit_id=created.id))


@bp.get("/units/<id:unit_id>")
@api_admin_required
def unit(unit_id: int):
    """Show a unit."""
    return jsonify(unit_json(get_record(db_session(), Unit, unit_id, "unit")))


@bp.patch("/units/<id:unit_id>")
@api_admin_required
def update_unit(unit_id: int):
    """Change a unit's name, kind or parent; the code stays."""
    session = db_session()
    current = get_record(session, Unit, unit_id, "unit")
    save_unit(session, unit_input(session, request_body(), current=current), current)
    return jsonify(unit_json(current))


@bp.get("/positions")
@api_admin_required
def positions():
    """List desks (optionally of one unit) with today's holders, page by page."""
    session = db_session()
    page_number, per_page = _paging()
    page = list_positions(session, unit=_unit_filter(), page=page_number, per_page=per_page)
    holders = holders_on(session, [p.id for p in page.items], services().today())
    return jsonify(results=[position_json(p, holders[p.id]) for p in page.items], total=page.total,
                   page=page.page, per_page=page.per_page)


@bp.post("/positions")
@api_admin_required
def create_position():
    """Add a desk: {unit, title, eselon, parent_id, active}."""
    session = db_session()
    created, _ = save_position(session, position_input(session, request_body()), on=services().today())
    return _created(_position_json(created), url_for(".position", position_id=created.id))


@bp.get("/positions/<id:position_id>")
@api_admin_required
def position(position_id: int):
    """Show a desk with today's holders."""
    return jsonify(_position_json(get_record(db_session(), Position, position_id, "position")))


@bp.patch("/positions/<id:position_id>")
@api_admin_required
def update_position(position_id: int):
    """Change a desk's title, eselon, superior desk or activity."""
    session = db_session()
    current = get_record(session, Position, position_id, "position")
    save_position(session, position_input(session, request_body(), current=current), current, on=services().today())
    return jsonify(_position_json(current))


@bp.get("/users")
@api_admin_required
def users():
    """List people (filter with q= and unit=), page by page."""
    page_number, per_page = _paging()
    page = list_users(db_session(), text=request.args.get("q", "").strip(), unit=_unit_filter(), page=page_number,
                      per_page=per_page)
    return jsonify(results=[user_json(u) for u in page.items], total=page.total, page=page.page,
                   per_page=page.per_page)


@bp.post("/users")
@api_admin_required
def create_user():
    """Add a person without a password: {username, full_name, nip, rank, email, unit, roles, active}."""
    session = db_session()
    created, _ = save_person(session, person_input(session, request_body()), actor=api_user())
    return _created(_user_json(created), url_for(".user", user_id=created.id))


@bp.get("/users/<id:user_id>")
@api_admin_required
def user(user_id: int):
    """Show a person with their assignments."""
    return jsonify(_user_json(get_record(db_session(), User, user_id, "user")))


@bp.patch("/users/<id:user_id>")
@api_admin_required
def update_user(user_id: int):
    """Change a person's details, roles or activity; the username stays."""
    session = db_session()
    current = get_record(session, User, user_id, "user")
    save_person(session, person_input(session, request_body(), current=current), current, actor=api_user())
    return jsonify(_user_json(current))


@bp.put("/users/<id:user_id>/password")
@api_admin_required
def reset_password(user_id: int):
    """Set a person's password: {password}."""
    session = db_session()
    target = get_record(session, User, user_id, "user")
    set_password(session, target, password_input(request_body()))
    return "", 204


@bp.post("/users/<id:user_id>/unlock")
@api_admin_required
def unlock_user(user_id: int):
    """Forget a person's failed logins, so that she may log in again at once."""
    session = db_session()
    unlock_logins(session, get_record(session, User, user_id, "user"), services().now(), by=api_user().username)
    return "", 204


@bp.get("/users/<id:user_id>/tokens")
@api_admin_required
def user_tokens(user_id: int):
    """List a person's API tokens, newest first."""
    session, now = db_session(), services().now()
    return jsonify(results=[token_json(t, now) for t in list_tokens(session, get_record(session, User, user_id,
                                                                                              "user"))])


@bp.post("/tokens/<id:token_id>/revoke")
@api_admin_required
def revoke_token_of(token_id: int):
    """Revoke anyone's API token."""
    session, now = db_session(), services().now()
    row = get_token(session, token_id)
    revoke_token(session, row, by=api_user(), now=now)
    return jsonify(token_json(row, now))


@bp.get("/assignments")
@api_admin_required
def assignments():
    """List assignments of a desk (position_id=) or a person (user=), latest first; current=1 hides ended ones."""
    session = db_session()
    position_id = optional_id(request.args, "position_id")
    username = request.args.get("user", "").strip()
    if position_id is None and not username:
        raise ValidationFailed(N_("name a position_id or a user"), field="position_id")
    rows = list_assignments(
        session, position=get_record(session, Position, position_id, "position") if position_id else None,
        user=get_user(session, username) if username else None,
        current_on=services().today() if flag_param(request.args, "current") else None)
    people = users_by_id(session, [a.user_id for a in rows])
    return jsonify(results=[assignment_json(a, people[a.user_id]) for a in rows])


@bp.post("/assignments")
@api_admin_required
def create_assignment():
    """Put a person at a desk: {position_id, user, starts_on, ends_on}."""
    session = db_session()
    data = assignment_input(session, request_body())
    assignment = assign(session, data)
    return _created(assignment_json(assignment, data.user), url_for(".assignments", position_id=data.position.id))


@bp.post("/assignments/<id:assignment_id>/end")
@api_admin_required
def end(assignment_id: int):
    """End an assignment on a day: {ends_on}."""
    session = db_session()
    assignment = get_record(session, Assignment, assignment_id, "assignment")
    end_assignment(session, assignment, ends_on=end_input(request_body()))
    return jsonify(assignment_json(assignment, get_record(session, User, assignment.user_id, "user")))


@bp.get("/delegations")
@api_admin_required
def delegations():
    """List Plt./Plh. appointments, latest first (position_id= for one desk; current=1 hides past ones)."""
    session = db_session()
    position_id = optional_id(request.args, "position_id")
    rows = list_delegations(
        session, position=get_record(session, Position, position_id, "position") if position_id else None,
        current_on=services().today() if flag_param(request.args, "current") else None)
    people = users_by_id(session, [d.delegate_user_id for d in rows])
    return jsonify(results=[delegation_json(d, people[d.delegate_user_id]) for d in rows])


@bp.post("/delegations")
@api_admin_required
def create_delegation():
    """Appoint a Plt. or Plh.: {position_id, delegate, kind, starts_on, ends_on, decree_reference}."""
    session = db_session()
    data = delegation_input(session, request_body())
    workflow = services().settings.workflow
    delegation = appoint_delegate(session, data, max_days={"plt": workflow.plt_max_days,
                                                          "plh": workflow.plh_max_days})
    return _created(delegation_json(delegation, data.delegate), url_for(".delegations", position_id=data.position.id))


@bp.post("/delegations/<id:delegation_id>/revoke")
@api_admin_required
def revoke(delegation_id: int):
    """End a Plt./Plh. appointment early."""
    session = db_session()
    delegation = get_record(session, Delegation, delegation_id, "delegation")
    revoke_delegation(session, delegation)
    return jsonify(delegation_json(delegation, get_record(session, User, delegation.delegate_user_id, "user")))


@bp.get("/document-types")
@api_admin_required
def types():
    """List every document type with its rules, inactive ones included."""
    return jsonify(results=[document_type_json(r) for r in
                            document_types(db_session(), include_inactive=True).values()])


@bp.post("/document-types")
@api_admin_required
def create_type():
    """Add a document type with all its rules."""
    rule = create_document_type(db_session(), document_type_input(request_body()))
    return _created(document_type_json(rule), url_for(".document_type", code=rule.code))


@bp.get("/document-types/<code>")
@api_admin_required
def document_type(code: str):
    """Show a document type's rules."""
    return jsonify(document_type_json(get_record(db_session(), DocumentTypeRule, code, "document type")))


@bp.patch("/document-types/<code>")
@api_admin_required
def update_type(code: str):
    """Change a document type's rules; the code stays."""
    session = db_session()
    rule = get_record(session, DocumentTypeRule, code, "document type")
    update_document_type(session, rule, document_type_input(request_body(), current=rule))
    return jsonify(document_type_json(rule))


def _register_json(register: NumberRegister) -> dict[str, Any]:
    return register_json(register, register_units(db_session(), [register]).get(register.scope_key))


@bp.get("/number-registers")
@api_admin_required
def registers():
    """List number registers with their last number, latest year first (year= for one year)."""
    session = db_session()
    rows = list_registers(session, year=optional_int(request.args, "year", minimum=1, maximum=9999))
    units = register_units(session, rows)
    return jsonify(results=[register_json(r, units.get(r.scope_key)) for r in rows])


@bp.post("/number-registers")
@api_admin_required
def create_register():
    """Open a register: {doc_type, unit (empty for a city register), year, pattern, last_seq}."""
    session = db_session()
    created = create_number_register(session, register_input(session, request_body()))
    return _created(_register_json(created), url_for(".register", register_id=created.id))


@bp.get("/number-registers/<id:register_id>")
@api_admin_required
def register(register_id: int):
    """Show a number register."""
    return jsonify(_register_json(get_record(db_session(), NumberRegister, register_id, "number register")))


@bp.patch("/number-registers/<id:register_id>")
@api_admin_required
def update_register(register_id: int):
    """Change a register's pattern or move its last number forward (never back)."""
    session = db_session()
    current = get_record(session, NumberRegister, register_id, "number register")
    update_number_register(session, current, register_input(session, request_body(), current=current))
    return jsonify(_register_json(current))
