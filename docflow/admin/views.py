"""Pages of the administration (administrators only): units, positions, people, assignments,
delegations, document types and number registers."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from docflow.admin.access import admin_required
from docflow.admin.inputs import (MAX_VERIFIERS, assignment_input, delegation_input,
                                  document_type_input, end_input, password_input, person_input, position_input,
                                  register_input, unit_input)
from docflow.admin.operations import (appoint_delegate, assign, create_document_type, create_number_register,
                                      save_person, save_position, save_unit, update_document_type,
                                      update_number_register)
from docflow.admin.queries import (get_record, holders_on, list_assignments, list_delegations, list_positions,
                                   list_registers, list_users, organisation_counts, person_choices, register_units,
                                   structural_positions, unit_tree, users_by_id)
from docflow.api.params import MAX_PAGE, int_param, optional_int
from docflow.auth.access import web_user
from docflow.auth.models import Role, User
from docflow.auth.operations import (get_token, list_tokens, recent_login_failures, revoke_token, set_password,
                                     unlock_logins)
from docflow.context import db_session, services
from docflow.errors import Conflict, ValidationFailed
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.org.operations import end_assignment, get_unit, revoke_delegation
from docflow.workflow.models import DocumentTypeRule, NumberRegister
from docflow.workflow.queries import document_types

bp = Blueprint("admin", __name__, url_prefix="/admin")

T = TypeVar("T")
ESELONS = ("I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b", "V.a")
UNIT_KINDS = ("pemkot", "sekretariat", "dinas", "badan", "bagian", "bidang", "inspektorat", "kecamatan",
              "kelurahan", "uptd")
_REFUSED = (ValidationFailed, Conflict)


def _form(checkboxes: Iterable[str] = (), lists: Iterable[str] = ()) -> dict[str, Any]:
    """Read the posted form as the shared parsers expect it (an unticked box is simply absent in HTML)."""
    data: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    for name in checkboxes:
        data[name] = name in request.form
    for name in lists:
        data[name] = request.form.getlist(name)
    return data


def _save(action: Callable[[], T]) -> T:
    """Run a write in a savepoint, so that a refused one leaves nothing behind on the page shown again."""
    with db_session().begin_nested():
        return action()


def _show(template: str, *, failed: str | None = None, error: ValidationFailed | Conflict | None = None,
          **context: Any) -> tuple[str, int]:
    """Render a page; after a refused form, with its errors beside the fields and what was typed kept."""
    return render_template(f"admin/{template}", failed=failed, errors=error.as_errors() if error else [],
                           values=request.form if failed else {}, **context), (error.status if error else 200)


def _unit_options() -> list[tuple[Unit, int]]:
    return unit_tree(db_session())


def _roles() -> list[tuple[str, str]]:
    labels = {Role.DRAFTER: _("Drafter"), Role.VERIFIER: _("Verifier (paraf)"), Role.SIGNER: _("Signer"),
              Role.RECORDS_CLERK: _("Records clerk (TU)"), Role.ARCHIVIST: _("Archivist"),
              Role.ADMIN: _("Administrator"), Role.LEADERSHIP: _("Leadership (city-wide report)")}
    return [(str(role), labels.get(role, str(role))) for role in Role]


def _eselons() -> list[tuple[str, str]]:
    return [("", _("None (staff)"))] + [(e, e) for e in ESELONS]


@bp.get("")
@admin_required
def index():
    """Show what an administrator manages, with counts."""
    return render_template("admin/index.html", counts=organisation_counts(db_session()))


# Units ---------------------------------------------------------------------------------------------

def _units_page(**kwargs: Any) -> tuple[str, int]:
    return _show("units.html", units=unit_tree(db_session()), kinds=UNIT_KINDS, **kwargs)


@bp.route("/units", methods=["GET", "POST"])
@admin_required
def units():
    """List the unit tree and add a unit."""
    if request.method == "GET":
        return _units_page()
    session = db_session()
    try:
        unit, _outcome = _save(lambda: save_unit(session, unit_input(session, _form())))
    except _REFUSED as exc:
        return _units_page(failed="unit", error=exc)
    flash(_("Unit %(code)s was added.", code=unit.code), "success")
    return redirect(url_for(".units"))


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
@admin_required
def unit(unit_id: int):
    """Edit a unit's name, kind or parent."""
    session = db_session()
    current = get_record(session, Unit, unit_id, "unit")
    if request.method == "POST":
        try:
            _save(lambda: save_unit(session, unit_input(session, _form(), current=current), current))
        except _REFUSED as exc:
            return _show("unit.html", unit=current, units=_unit_options(), kinds=UNIT_KINDS, failed="unit",
                         error=exc)
        flash(_("Unit %(code)s was saved.", code=current.code), "success")
        return redirect(url_for(".unit", unit_id=current.id))
    return _show("unit.html", unit=current, units=_unit_options(), kinds=UNIT_KINDS)


# Positions, assignments, delegations --------------------------------------------------------------

def _positions_page(**kwargs: Any) -> tuple[str, int]:
    session = db_session()
    code = request.args.get("unit", "").strip()
    unit_filter = get_unit(session, code) if code else None
    page = list_positions(session, unit=unit_filter, page=int_param(request.args, "page", 1, maximum=MAX_PAGE))
    return _show("positions.html", page=page, unit_filter=unit_filter, units=_unit_options(), eselons=_eselons(),
                 parents=structural_positions(session),
                 holders=holders_on(session, [p.id for p in page.items], services().today()), **kwargs)


@bp.route("/positions", methods=["GET", "POST"])
@admin_required
def positions():
    """List desks by unit and add a desk."""
    if request.method == "GET":
        return _positions_page()
    session = db_session()
    try:
        position, _outcome = _save(lambda: save_position(session, position_input(session, _form(["active"])),
                                                         on=services().today()))
    except _REFUSED as exc:
        return _positions_page(failed="position", error=exc)
    flash(_("Position %(title)s was added.", title=position.title), "success")
    return redirect(url_for(".position", position_id=position.id))


def _position_page(position: Position, **kwargs: Any) -> tuple[str, int]:
    session = db_session()
    assignments = list_assignments(session, position=position)
    delegations = list_delegations(session, position=position)
    people = users_by_id(session, [a.user_id for a in assignments] + [d.delegate_user_id for d in delegations])
    return _show("position.html", position=position, eselons=_eselons(),
                 parents=[p for p in structural_positions(session) if p.id != position.id], assignments=assignments,
                 delegations=delegations, people=people, people_choices=person_choices(session),
                 today=services().today(), **kwargs)


@bp.route("/positions/<id:position_id>", methods=["GET", "POST"])
@admin_required
def position(position_id: int):
    """Edit a desk; see and change who holds it and who acts for it."""
    session = db_session()
    current = get_record(session, Position, position_id, "position")
    if request.method == "POST":
        try:
            _save(lambda: save_position(session, position_input(session, _form(["active"]), current=current),
                                        current, on=services().today()))
        except _REFUSED as exc:
            return _position_page(current, failed="position", error=exc)
        flash(_("The position was saved."), "success")
        return redirect(url_for(".position", position_id=current.id))
    return _position_page(current)


@bp.post("/positions/<id:position_id>/assignments")
@admin_required
def add_assignment(position_id: int):
    """Put a person at this desk."""
    session = db_session()
    current = get_record(session, Position, position_id, "position")
    try:
        _save(lambda: assign(session, assignment_input(session, {**_form(), "position_id": current.id})))
    except _REFUSED as exc:
        return _position_page(current, failed="assignment", error=exc)
    flash(_("The assignment was recorded."), "success")
    return redirect(url_for(".position", position_id=current.id))


@bp.post("/assignments/<id:assignment_id>/end")
@admin_required
def end(assignment_id: int):
    """End an assignment on a day."""
    session = db_session()
    assignment = get_record(session, Assignment, assignment_id, "assignment")
    try:
        _save(lambda: end_assignment(session, assignment, ends_on=end_input(_form())))
    except _REFUSED as exc:
        return _position_page(assignment.position, failed=f"end-{assignment.id}", error=exc)
    flash(_("The assignment ends on %(day)s.", day=assignment.ends_on.isoformat() if assignment.ends_on else ""),
          "success")
    return redirect(url_for(".position", position_id=assignment.position_id))


@bp.post("/positions/<id:position_id>/delegations")
@admin_required
def add_delegation(position_id: int):
    """Appoint a Plt. or Plh. for this desk."""
    session = db_session()
    current = get_record(session, Position, position_id, "position")
    workflow = services().settings.workflow
    limits = {"plt": workflow.plt_max_days, "plh": workflow.plh_max_days}
    try:
        _save(lambda: appoint_delegate(session, delegation_input(session, {**_form(), "position_id": current.id}),
                                       max_days=limits))
    except _REFUSED as exc:
        return _position_page(current, failed="delegation", error=exc)
    flash(_("The appointment was recorded."), "success")
    return redirect(url_for(".position", position_id=current.id))


@bp.post("/delegations/<id:delegation_id>/revoke")
@admin_required
def revoke(delegation_id: int):
    """End a Plt./Plh. appointment early."""
    session = db_session()
    delegation = get_record(session, Delegation, delegation_id, "delegation")
    revoke_delegation(session, delegation)
    flash(_("The appointment was revoked."), "success")
    return redirect(url_for(".position", position_id=delegation.position_id))


@bp.get("/delegations")
@admin_required
def delegations():
    """List Plt./Plh. appointments in force or to come (all=1: every one)."""
    session = db_session()
    rows = list_delegations(session, current_on=None if request.args.get("all") == "1" else services().today())
    return render_template("admin/delegations.html", delegations=rows,
                           people=users_by_id(session, [d.delegate_user_id for d in rows]))


# People --------------------------------------------------------------------------------------------

def _users_page(**kwargs: Any) -> tuple[str, int]:
    session = db_session()
    code = request.args.get("unit", "").strip()
    page = list_users(session, text=request.args.get("q", "").strip(), unit=get_unit(session, code) if code else None,
                      page=int_param(request.args, "page", 1, maximum=MAX_PAGE))
    return _show("users.html", page=page, units=_unit_options(), roles=_roles(), **kwargs)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """List and find people; add a person (without a password until one is set)."""
    if request.method == "GET":
        return _users_page()
    session = db_session()
    try:
        user, _outcome = _save(lambda: save_person(session, person_input(session, _form(["active"], ["roles"])),
                                                   actor=web_user()))
    except _REFUSED as exc:
        return _users_page(failed="user", error=exc)
    flash(_("%(name)s was added; set a password so that they can log in.", name=user.display_name), "success")
    return redirect(url_for(".user", user_id=user.id))


def _user_page(user: User, **kwargs: Any) -> tuple[str, int]:
    now = services().now()
    return _show("user.html", user=user, units=_unit_options(), roles=_roles(),
                 assignments=list_assignments(db_session(), user=user), tokens=list_tokens(db_session(), user),
                 now=now, login_failures=recent_login_failures(db_session(), user, now),
                 revoke_url=lambda t: url_for(".revoke_token_of", user_id=user.id, token_id=t.id), **kwargs)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    """Edit a person's details, roles and activity."""
    session = db_session()
    current = get_record(session, User, user_id, "user")
    if request.method == "POST":
        try:
            _save(lambda: save_person(session, person_input(session, _form(["active"], ["roles"]), current=current),
                                      current, actor=web_user()))
        except _REFUSED as exc:
            return _user_page(current, failed="user", error=exc)
        flash(_("%(name)s was saved.", name=current.display_name), "success")
        return redirect(url_for(".user", user_id=current.id))
    return _user_page(current)


@bp.post("/users/<id:user_id>/password")
@admin_required
def password(user_id: int):
    """Set a person's password."""
    session = db_session()
    current = get_record(session, User, user_id, "user")
    try:
        _save(lambda: set_password(session, current, password_input(_form())))
    except _REFUSED as exc:
        return _user_page(current, failed="password", error=exc)
    flash(_("The password of %(name)s was set.", name=current.display_name), "success")
    return redirect(url_for(".user", user_id=current.id))


@bp.post("/users/<id:user_id>/unlock")
@admin_required
def unlock(user_id: int):
    """Forget a person's failed logins, so that she may log in again at once."""
    session = db_session()
    current = get_record(session, User, user_id, "user")
    unlock_logins(session, current, services().now(), by=web_user().username)
    flash(_("%(name)s can log in again at once.", name=current.display_name), "success")
    return redirect(url_for(".user", user_id=current.id))


@bp.post("/users/<id:user_id>/tokens/<id:token_id>/revoke")
@admin_required
def revoke_token_of(user_id: int, token_id: int):
    """Revoke one of a person's API tokens."""
    session = db_session()
    current = get_record(session, User, user_id, "user")
    revoke_token(session, get_token(session, token_id, owner=current), by=web_user(), now=services().now())
    flash(_("The API token was revoked."), "success")
    return redirect(url_for(".user", user_id=current.id) + "#tokens")


# Document types and number registers --------------------------------------------------------------

_TYPE_CHECKBOXES = ("allow_an", "allow_ub", "active")


def _type_context() -> dict[str, Any]:
    return dict(max_verifiers=MAX_VERIFIERS)


@bp.route("/document-types", methods=["GET", "POST"])
@admin_required
def types():
    """List document types and add one."""
    session = db_session()
    if request.method == "POST":
        try:
            rule = _save(lambda: create_document_type(
                session, document_type_input(_form(_TYPE_CHECKBOXES, ["signer_levels"]))))
        except _REFUSED as exc:
            return _show("document_types.html", types=document_types(session, include_inactive=True),
                         failed="type", error=exc, **_type_context())
        flash(_("Document type %(name)s was added.", name=rule.name), "success")
        return redirect(url_for(".types"))
    return _show("document_types.html", types=document_types(session, include_inactive=True), **_type_context())


@bp.route("/document-types/<code>", methods=["GET", "POST"])
@admin_required
def document_type(code: str):
    """Edit a document type's rules."""
    session = db_session()
    rule = get_record(session, DocumentTypeRule, code, "document type")
    if request.method == "POST":
        try:
            _save(lambda: update_document_type(session, rule, document_type_input(
                _form(_TYPE_CHECKBOXES, ["signer_levels"]), current=rule)))
        except _REFUSED as exc:
            return _show("document_type.html", rule=rule, failed="type", error=exc, **_type_context())
        flash(_("Document type %(name)s was saved.", name=rule.name), "success")
        return redirect(url_for(".document_type", code=rule.code))
    return _show("document_type.html", rule=rule, **_type_context())


def _registers_page(**kwargs: Any) -> tuple[str, int]:
    session = db_session()
    rows = list_registers(session, year=optional_int(request.args, "year", minimum=1, maximum=9999))
    types = document_types(session, include_inactive=True)
    return _show("registers.html", registers=rows, register_units=register_units(session, rows),
                 types=types, type_choices=[(code, t.name) for code, t in types.items()], units=_unit_options(),
                 this_year=services().today().year, **kwargs)


@bp.route("/number-registers", methods=["GET", "POST"])
@admin_required
def registers():
    """List number registers with their last number and open one for a year."""
    if request.method == "GET":
        return _registers_page()
    session = db_session()
    try:
        _save(lambda: create_number_register(session, register_input(session, _form())))
    except _REFUSED as exc:
        return _registers_page(failed="register", error=exc)
    flash(_("The register was opened."), "success")
    return redirect(url_for(".registers"))


@bp.route("/number-registers/<id:register_id>", methods=["GET", "POST"])
@admin_required
def register(register_id: int):
    """Change a register's pattern or move its last number forward."""
    session = db_session()
    current = get_record(session, NumberRegister, register_id, "number register")
    context: dict[str, Any] = dict(register=current, rule=session.get(DocumentTypeRule, current.doc_type),
                                   unit=register_units(session, [current]).get(current.scope_key))
    if request.method == "POST":
        try:
            _save(lambda: update_number_register(session, current, register_input(session, _form(), current=current)))
        except _REFUSED as exc:
            return _show("register.html", failed="register", error=exc, **context)
        flash(_("The register was saved."), "success")
        return redirect(url_for(".register", register_id=current.id))
    return _show("register.html", **context)
