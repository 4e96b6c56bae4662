"""One parser per input shape of the administration, shared by the pages, the API and the organisation file.

Each parser takes a mapping (an HTML form, a JSON object or a row of the organisation file), reads
strings or native JSON/TOML values alike, resolves references (unit codes, usernames, position ids)
and raises one ValidationFailed that lists every field at fault. When editing, `current` supplies
the value of every field the mapping leaves out, so the API's PATCH and the full page form share
one parser. Domain rules that need the database state (uniqueness, overlaps, tree cycles) stay in
the operations.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.api.params import MAX_ID, MAX_INT, MIN_INT, parse_whole_number
from docflow.auth.models import Role, User
from docflow.auth.operations import validate_email, validate_nip, validate_password
from docflow.errors import N_, DocflowError, Message, ValidationFailed
from docflow.org.models import DelegationKind, Position, Unit
from docflow.org.operations import validate_eselon, validate_unit_kind
from docflow.workflow.models import DocumentTypeRule, NumberRegister, RegisterScope, RestartFrom
from docflow.workflow.numbering import validate_pattern

T = TypeVar("T")
R = TypeVar("R")

DOCUMENT_GROUPS = ("directive", "correspondence", "special", "other")
# National practice: at most three officials initial a draft before it is signed (paraf berjenjang).
MAX_VERIFIERS = 3
# A register's last number is an INTEGER column, like the ids (a 500 on PostgreSQL before).
MAX_SEQ = MAX_ID
_TYPE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_SEPARATORS = re.compile(r"[\s,;]+")
# The person picker's choice ends in "(username)".
_PICKED_USERNAME = re.compile(r"\(([a-z0-9._-]+)\)\s*$")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


class _Fields:
    """Read typed values from one mapping, collecting every error by field name."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._read: set[str] = set()
        self.errors: list[tuple[str | None, str]] = []

    def given(self, name: str) -> bool:
        """Tell whether the mapping carries this field."""
        return name in self._data

    def fail(self, name: str | None, message: str, **params: Any) -> None:
        """Record an error against a field: an N_-marked template and its parameters (or a ready Message)."""
        self.errors.append((name, message if isinstance(message, Message) and not params
                            else Message(message, **params)))

    def _take(self, name: str) -> Any:
        self._read.add(name)
        return self._data.get(name)

    def text(self, name: str, default: str = "", *, required: bool = False, max_length: int = 200) -> str:
        """Return a text field with its whitespace collapsed."""
        if not self.given(name):
            self._read.add(name)
            if required:
                self.fail(name, N_("this field is required"))
            return default
        value = self._take(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, N_("must be text"))
            return default
        value = " ".join(value.split())
        if required and not value:
            self.fail(name, N_("this field is required"))
        elif len(value) > max_length:
            self.fail(name, N_("at most %(max)s characters"), max=max_length)
        return value

    def raw_text(self, name: str) -> str:
        """Return a text field exactly as given (passwords keep their spaces)."""
        value = self._take(name)
        if not isinstance(value, str) or not value:
            self.fail(name, N_("this field is required"))
            return ""
        return value

    def boolean(self, name: str, default: bool) -> bool:
        """Return a yes/no field (true/false, 1/0, yes/no, on/off)."""
        if not self.given(name):
            self._read.add(name)
            return default
        value = self._take(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.fail(name, N_("must be true or false"))
        return default

    def integer(self, name: str, default: int | None, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        """Return a whole-number field within bounds (and always within a database integer's)."""
        if not self.given(name) or self._data.get(name) in (None, ""):
            self._read.add(name)
            if required:
                self.fail(name, N_("this field is required"))
            return default
        value = parse_whole_number(self._take(name))
        if value is None:
            self.fail(name, N_("must be a whole number"))
            return default
        lowest = MIN_INT if minimum is None else minimum
        highest = MAX_INT if maximum is None else maximum
        if lowest <= value <= highest:
            return value
        if value < lowest and highest == MAX_INT:
            self.fail(name, N_("must be at least %(min)s"), min=lowest)
        elif value > highest and lowest == MIN_INT:
            self.fail(name, N_("must be at most %(max)s"), max=highest)
        else:
            self.fail(name, N_("must be at least %(min)s and at most %(max)s"), min=lowest, max=highest)
        return default

    def day(self, name: str, default: date | None, *, required: bool = False) -> date | None:
        """Return a date field (YYYY-MM-DD, or a TOML date)."""
        if not self.given(name) or self._data.get(name) in (None, ""):
            self._read.add(name)
            if required:
                self.fail(name, N_("this field is required"))
            return default
        value = self._take(name)
        if type(value) is date:
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(name, N_("must be a date written YYYY-MM-DD"))
        return default

    def words(self, name: str, default: list[str]) -> list[str]:
        """Return a list field: a JSON/TOML list, or text separated by commas, semicolons or spaces."""
        if not self.given(name):
            self._read.add(name)
            return default
        value = self._take(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [w for w in _SEPARATORS.split(value) if w]
        if isinstance(value, list | tuple) and all(isinstance(v, str | int) and not isinstance(v, bool)
                                                   for v in value):
            return [str(v).strip() for v in value if str(v).strip()]
        self.fail(name, N_("must be a list"))
        return default

    def choice(self, name: str, choices: tuple[str, ...], default: str, *, required: bool = False) -> str:
        """Return a field that takes one of a few values."""
        value = self.text(name, default, required=required, max_length=40).lower()
        if value and value not in choices:
            self.fail(name, N_("must be one of %(choices)s"), choices=", ".join(choices))
            return default
        return value

    def check(self, name: str, validator: Callable[[T], R], value: T) -> R | T:
        """Run a domain validator (returning the value in its stored form) and file its complaint under this field."""
        try:
            return validator(value)
        except DocflowError as exc:
            self.fail(name, exc.reason)
            return value

    def unit(self, session: Session, name: str, default: Unit | None, *, required: bool = False) -> Unit | None:
        """Return the unit a code field names (empty: none)."""
        code = self.text(name, "", required=required, max_length=40).upper()
        if not self.given(name):
            return default
        if not code:
            return None
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            self.fail(name, N_("no unit with code %(code)s"), code=code)
        return unit

    def user(self, session: Session, name: str) -> User | None:
        """Return the person a username field names, typed bare or as the picker's "Full Name (username)"."""
        username = self.text(name, required=True, max_length=300).lower()
        picked = _PICKED_USERNAME.search(username)
        if picked:
            username = picked.group(1)
        if not username:
            return None
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            self.fail(name, N_("no user named %(username)s"), username=username)
        return user

    def position(self, session: Session, name: str, default: Position | None, *,
                 required: bool = False) -> Position | None:
        """Return the position an id field names (empty: none)."""
        given = self.given(name)
        position_id = self.integer(name, None, required=required, minimum=1, maximum=MAX_ID)
        if not given:
            return default
        if position_id is None:
            return None
        position = session.get(Position, position_id)
        if position is None:
            self.fail(name, N_("no position with id %(id)s"), id=position_id)
        return position

    def done(self) -> None:
        """Raise one ValidationFailed for every error, unknown fields included."""
        for name in self._data:
            if name not in self._read:
                self.fail(name, N_("unknown field"))
        if self.errors:
            field, reason = self.errors[0]
            raise ValidationFailed(reason, field=field, errors=self.errors)


@dataclass(frozen=True)
class UnitInput:
    """A unit as entered: code (fixed once created), name, kind and parent unit."""

    code: str
    name: str
    kind: str
    parent: Unit | None


def unit_input(session: Session, data: Mapping[str, Any], *, current: Unit | None = None) -> UnitInput:
    """Parse a unit (create when `current` is None, else edit it)."""
    f = _Fields(data)
    code = f.text("code", current.code if current else "", required=current is None, max_length=40).upper()
    if current is not None and code != current.code:
        f.fail("code", N_("a unit's code does not change: it is part of the numbers already issued"))
    name = f.text("name", current.name if current else "", required=current is None)
    kind = f.check("kind", validate_unit_kind, f.text("kind", current.kind if current else "dinas", max_length=40))
    parent = f.unit(session, "parent", current.parent if current else None)
    f.done()
    return UnitInput(code=code, name=name, kind=kind, parent=parent)


@dataclass(frozen=True)
class PositionInput:
    """A desk as entered: unit (fixed once created), title, eselon, superior desk, active."""

    unit: Unit
    title: str
    eselon: str
    parent: Position | None
    active: bool


def position_input(session: Session, data: Mapping[str, Any], *, current: Position | None = None) -> PositionInput:
    """Parse a position (create when `current` is None, else edit it)."""
    f = _Fields(data)
    unit = f.unit(session, "unit", current.unit if current else None, required=current is None)
    if current is not None and (unit is None or unit.id != current.unit_id):
        # null or "" names no unit at all: a position never leaves its unit, not even for none.
        f.fail("unit", N_("a position stays in its unit; create a new position in the other unit"))
    title = f.text("title", current.title if current else "", required=current is None)
    eselon = f.check("eselon", validate_eselon, f.text("eselon", current.eselon if current else "", max_length=8))
    parent = f.position(session, "parent_id", current.parent if current else None)
    active = f.boolean("active", current.is_active if current else True)
    f.done()
    assert unit is not None
    return PositionInput(unit=unit, title=title, eselon=eselon, parent=parent, active=active)


@dataclass(frozen=True)
class PersonInput:
    """A person as entered: username (fixed once created), name, NIP, rank, e-mail, unit, roles, active."""

    username: str
    full_name: str
    nip: str | None
    rank: str
    email: str
    unit: Unit | None
    roles: frozenset[Role]
    active: bool


def person_input(session: Session, data: Mapping[str, Any], *, current: User | None = None) -> PersonInput:
    """Parse a person (create when `current` is None, else edit them)."""
    f = _Fields(data)
    username = f.text("username", current.username if current else "", required=current is None,
                      max_length=80).lower()
    if current is not None and username != current.username:
        f.fail("username", N_("a username does not change; it names the person in audit records"))
    full_name = f.text("full_name", current.full_name if current else "", required=current is None)
    nip = f.check("nip", validate_nip, f.text("nip", (current.nip or "") if current else "", max_length=40))
    rank = f.text("rank", current.rank if current else "", max_length=80)
    email = f.check("email", validate_email, f.text("email", current.email if current else "", max_length=200))
    unit = f.unit(session, "unit", current.unit if current else None, required=current is None)
    role_names = f.words("roles", sorted(current.roles) if current else [Role.DRAFTER])
    unknown = [r for r in role_names if r not in Role.__members__.values()]
    if unknown:
        f.fail("roles", N_("unknown roles %(unknown)s; use %(known)s"), unknown=", ".join(unknown), known=", ".join(Role))
    active = f.boolean("active", current.is_active if current else True)
    f.done()
    return PersonInput(username=username, full_name=full_name, nip=nip, rank=rank, email=email, unit=unit,
                       roles=frozenset(Role(r) for r in role_names), active=active)


def password_input(data: Mapping[str, Any]) -> str:
    """Parse a new password for a person."""
    f = _Fields(data)
    password = f.raw_text("password")
    if len(password) > 1000:
        f.fail("password", N_("at most %(max)s characters"), max=1000)
    elif password:
        f.check("password", validate_password, password)
    f.done()
    return password


@dataclass(frozen=True)
class AssignmentInput:
    """Who holds which desk from when (to when, if the end is known)."""

    position: Position
    user: User
    starts_on: date
    ends_on: date | None


def assignment_input(session: Session, data: Mapping[str, Any]) -> AssignmentInput:
    """Parse a new assignment."""
    f = _Fields(data)
    position = f.position(session, "position_id", None, required=True)
    user = f.user(session, "user")
    starts_on = f.day("starts_on", None, required=True)
    ends_on = f.day("ends_on", None)
    f.done()
    assert position is not None and user is not None and starts_on is not None
    return AssignmentInput(position=position, user=user, starts_on=starts_on, ends_on=ends_on)


def end_input(data: Mapping[str, Any]) -> date:
    """Parse the last day of an assignment."""
    f = _Fields(data)
    ends_on = f.day("ends_on", None, required=True)
    f.done()
    assert ends_on is not None
    return ends_on


@dataclass(frozen=True)
class DelegationInput:
    """A Plt./Plh. appointment: desk, delegate, kind, period and the decree that orders it."""

    position: Position
    delegate: User
    kind: str
    starts_on: date
    ends_on: date
    decree_reference: str


def delegation_input(session: Session, data: Mapping[str, Any]) -> DelegationInput:
    """Parse a new Plt./Plh. appointment."""
    f = _Fields(data)
    position = f.position(session, "position_id", None, required=True)
    delegate = f.user(session, "delegate")
    kind = f.choice("kind", tuple(DelegationKind), "", required=True)
    starts_on = f.day("starts_on", None, required=True)
    ends_on = f.day("ends_on", None, required=True)
    decree_reference = f.text("decree_reference", "", max_length=200)
    f.done()
    assert position is not None and delegate is not None and starts_on is not None and ends_on is not None
    return DelegationInput(position=position, delegate=delegate, kind=kind, starts_on=starts_on, ends_on=ends_on,
                           decree_reference=decree_reference)


@dataclass(frozen=True)
class DocumentTypeInput:
    """Every rule of a document type (jenis naskah)."""

    code: str
    name: str
    group: str
    signer_levels: list[int]
    allow_an: bool
    allow_ub: bool
    register_scope: str
    number_pattern: str
    restart_from: str
    max_verifiers: int
    active: bool


def document_type_input(data: Mapping[str, Any], *, current: DocumentTypeRule | None = None) -> DocumentTypeInput:
    """Parse a document type (create when `current` is None, else edit it)."""
    f = _Fields(data)
    code = f.text("code", current.code if current else "", required=current is None, max_length=40).lower()
    if current is None and code and not _TYPE_CODE.match(code):
        f.fail("code", N_("a type code is 2-40 lowercase letters, digits or underscores, such as nota_dinas"))
    if current is not None and code != current.code:
        f.fail("code", N_("a type's code does not change: letters and registers refer to it"))
    name = f.text("name", current.name if current else "", required=current is None, max_length=100)
    group = f.choice("group", DOCUMENT_GROUPS, current.group if current else "", required=current is None)
    levels: list[int] = []
    for word in f.words("signer_levels", [str(n) for n in current.signer_levels] if current else []):
        if not word.isdigit() or not 1 <= int(word) <= 5:
            f.fail("signer_levels", N_("signer levels are eselon levels 1 to 5 (5: staff without eselon)"))
            break
        levels.append(int(word))
    if not levels and not any(field == "signer_levels" for field, _ in f.errors):
        f.fail("signer_levels", N_("name at least one eselon level that may sign"))
    allow_an = f.boolean("allow_an", current.allow_an if current else True)
    allow_ub = f.boolean("allow_ub", current.allow_ub if current else False)
    register_scope = f.choice("register_scope", tuple(RegisterScope),
                              current.register_scope if current else RegisterScope.UNIT)
    pattern = f.check("number_pattern", validate_pattern, f.text(
        "number_pattern", current.number_pattern if current else "{classification}/{seq}/{unit}/{year}"))
    restart_from = f.choice("restart_from", tuple(RestartFrom), current.restart_from if current else RestartFrom.FIRST)
    max_verifiers = f.integer("max_verifiers", current.max_verifiers if current else MAX_VERIFIERS, minimum=0,
                              maximum=MAX_VERIFIERS)
    active = f.boolean("active", current.is_active if current else True)
    f.done()
    assert max_verifiers is not None
    return DocumentTypeInput(code=code, name=name, group=group, signer_levels=sorted(set(levels)), allow_an=allow_an,
                             allow_ub=allow_ub, register_scope=register_scope, number_pattern=pattern,
                             restart_from=restart_from, max_verifiers=max_verifiers, active=active)


@dataclass(frozen=True)
class RegisterInput:
    """A number register: type, unit (none: the city's register), year, pattern and last number used."""

    doc_type: DocumentTypeRule
    unit: Unit | None
    year: int
    pattern: str
    last_seq: int


def register_input(session: Session, data: Mapping[str, Any], *,
                   current: NumberRegister | None = None) -> RegisterInput:
    """Parse a number register (create when `current` is None; an edit changes only pattern and last number)."""
    f = _Fields(data)
    doc_type: DocumentTypeRule | None = None
    unit: Unit | None = None
    year = current.year if current else None
    if current is None:
        code = f.text("doc_type", required=True, max_length=40).lower()
        doc_type = session.get(DocumentTypeRule, code) if code else None
        if code and doc_type is None:
            f.fail("doc_type", N_("unknown document type %(type)r"), type=code)
        unit = f.unit(session, "unit", None)
        year = f.integer("year", None, required=True, minimum=2000, maximum=2100)
    else:
        doc_type = session.get(DocumentTypeRule, current.doc_type)
        for fixed in ("doc_type", "unit", "year"):
            if f.given(fixed):
                f.text(fixed)
                f.fail(fixed, N_("a register's type, unit and year do not change; create another register"))
    # Left empty, the pattern stays as it is, or on creation comes from the document type.
    pattern = f.text("pattern") or (current.pattern if current else (doc_type.number_pattern if doc_type else ""))
    if pattern or doc_type is not None:
        pattern = f.check("pattern", validate_pattern, pattern)
    last_seq = f.integer("last_seq", current.last_seq if current else 0, minimum=0, maximum=MAX_SEQ)
    f.done()
    assert doc_type is not None and year is not None and last_seq is not None
    return RegisterInput(doc_type=doc_type, unit=unit, year=year, pattern=pattern, last_seq=last_seq)
