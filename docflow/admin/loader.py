"""Load the organisation (units, positions, people and their positions) from a TOML or CSV file.

`python -m docflow org load FILE` runs it in one transaction: every record is created or brought
in line with the file, a second run of the same file changes nothing, and the first bad record
stops everything (nothing is saved) with a message that names the file, the row and the field,
e.g. ``organisasi.csv, row 7, field eselon: eselon is written like II.b, III.a or IV.a``.

Records
-------
unit      code (the key; capitals, e.g. DISKOMINFO), name, kind (dinas, badan, bagian, kecamatan,
          kelurahan, ...; default dinas), parent (code of the parent unit; empty: top of the tree)
position  unit (code) and title (together the key: titles are unique within a unit), eselon
          (II.b, III.a, IV.a, ...; empty for staff), parent_title and parent_unit (the superior
          desk; parent_unit defaults to the same unit), active (true/false)
person    username (the key), full_name, nip (18 digits), rank, email, unit (code), roles
          (drafter, verifier, signer, records_clerk, archivist, admin; a list in TOML, separated by
          spaces, commas or semicolons in CSV; default drafter), active (true/false),
          position and position_unit (a desk the person holds; position_unit defaults to the
          person's unit) and starts_on (YYYY-MM-DD; default today)

Rules
-----
- A field left out (an empty cell in CSV) keeps its stored value; a new record takes the default.
- Records may come in any order: a parent may follow its children in the file.
- People are created without a password: set one with the admin pages. The loader never deletes
  anything and never ends an assignment; it adds the assignment when the person does not already
  hold that desk (and corrects its first day when the file gives another one).

TOML: arrays of tables ``[[units]]``, ``[[positions]]`` and ``[[people]]`` (see
docs/organisation.example.toml). CSV: one header row and one record per row, its kind in the
``record`` column (``unit``, ``position`` or ``person``), the other columns named as above
(see docs/organisation.example.csv); UTF-8, comma or semicolon separated.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docflow.admin.inputs import assignment_input, person_input, position_input, unit_input
from docflow.admin.operations import Outcome, assign, save_person, save_position, save_unit
from docflow.auth.models import User
from docflow.errors import N_, DocflowError, ValidationFailed
from docflow.org.models import Assignment, Position, Unit
from docflow.org.operations import change_assignment_start

logger = logging.getLogger(__name__)

KINDS = {"unit": "units", "position": "positions", "person": "people"}
_TABLES = {table: kind for kind, table in KINDS.items()}
# Names the file uses for fields the shared parsers call otherwise.
_FILE_FIELD = {"parent_id": "parent_title", "position_id": "position", "user": "username"}


class OrganisationFileError(DocflowError):
    """A record of an organisation file that cannot be loaded; names the file, the row and the field."""

    def __init__(self, source: str, where: str, errors: Iterable[tuple[str | None, str]]) -> None:
        self.source = source
        self.where = where
        self.errors = [(_FILE_FIELD.get(f, f) if f else None, r) for f, r in errors]
        detail = "; ".join(f"field {f}: {r}" if f else r for f, r in self.errors)
        super().__init__(f"{source}, {where}, {detail}", field=self.errors[0][0] if self.errors else None)


@dataclass(frozen=True)
class Record:
    """One unit, position or person read from the file, with where it stands in the file."""

    kind: str
    where: str
    values: dict[str, Any]


@dataclass
class LoadReport:
    """What a load did: counts by kind of record and outcome."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, kind: str, outcome: Outcome) -> None:
        """Count one record."""
        self.counts[(kind, outcome)] += 1

    @property
    def changed(self) -> int:
        """Return how many records were created or updated."""
        return sum(n for (_, outcome), n in self.counts.items() if outcome != Outcome.UNCHANGED)

    def summary(self) -> str:
        """Describe the counts in one line."""
        parts = []
        for kind in ("units", "positions", "people", "assignments"):
            numbers = ", ".join(f"{self.counts[(kind, o)]} {o}" for o in Outcome)
            parts.append(f"{kind}: {numbers}")
        return "; ".join(parts)


def read_organisation(path: Path) -> list[Record]:
    """Read the records of a .toml or .csv organisation file (format in this module's docstring)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise OrganisationFileError(path.name, "whole file", [(None, f"cannot be read: {exc}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _read_toml(path.name, text)
    if suffix == ".csv":
        return _read_csv(path.name, text)
    raise OrganisationFileError(path.name, "whole file", [(None, "use a .toml or a .csv file")])


def _read_toml(source: str, text: str) -> list[Record]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OrganisationFileError(source, "whole file", [(None, f"not valid TOML: {exc}")]) from None
    records: list[Record] = []
    for table, entries in data.items():
        if table not in _TABLES:
            raise OrganisationFileError(source, f"table [[{table}]]", [
                (table, f"unknown table; use {', '.join(f'[[{t}]]' for t in _TABLES)}")])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise OrganisationFileError(source, f"table [[{table}]]", [(table, f"write each entry as [[{table}]]")])
        lines = _header_lines(text, table)
        for number, entry in enumerate(entries, start=1):
            line = f" (line {lines[number - 1]})" if len(lines) == len(entries) else ""
            records.append(Record(_TABLES[table], f"{table} entry {number}{line}", dict(entry)))
    return records


def _header_lines(text: str, table: str) -> list[int]:
    """Return the line numbers of each [[table]] header, to point at the entry at fault."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]


def _read_csv(source: str, text: str) -> list[Record]:
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian write semicolons, since the comma is their decimal mark.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    if "record" not in columns:
        raise OrganisationFileError(source, "row 1", [("record", "the header needs a 'record' column "
                                                                  "(unit, position or person)")])
    records: list[Record] = []
    for row in reader:
        where = f"row {reader.line_num}"  # the header is row 1, as a spreadsheet numbers it
        if None in row:
            raise OrganisationFileError(source, where, [(None, "more cells than columns in the header")])
        values = {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip()}
        if not values:
            continue
        kind = values.pop("record", "").lower()
        if kind not in KINDS:
            raise OrganisationFileError(source, where, [("record", "must be unit, position or person")])
        records.append(Record(kind, where, values))
    return records


def load_organisation(session: Session, records: list[Record], *, source: str, today: date) -> LoadReport:
    """Create or update every record (units, then positions, then people); flush, never commit."""
    report = LoadReport()
    loader = _Loader(session, source, today, report)
    by_kind = {kind: [r for r in records if r.kind == kind] for kind in KINDS}
    loader.in_dependency_order(by_kind["unit"], loader.unit_ready, loader.load_unit)
    loader.in_dependency_order(by_kind["position"], loader.position_ready, loader.load_position)
    for record in by_kind["person"]:
        loader.guarded(record, loader.load_person)
    logger.info("loaded organisation from %s: %s", source, report.summary())
    return report


class _Loader:
    """Turns file records into the shared inputs and saves them, naming the record when one fails."""

    def __init__(self, session: Session, source: str, today: date, report: LoadReport) -> None:
        self.session = session
        self.source = source
        self.today = today
        self.report = report

    def guarded(self, record: Record, action: Callable[[Record], None]) -> None:
        """Run one record's load; a refusal becomes an error naming the file, row and field."""
        try:
            action(record)
        except ValidationFailed as exc:
            raise OrganisationFileError(self.source, record.where, exc.errors) from None
        except DocflowError as exc:
            raise OrganisationFileError(self.source, record.where, [(exc.field, exc.reason)]) from None

    def in_dependency_order(self, records: list[Record], ready: Callable[[Record], bool],
                            action: Callable[[Record], None]) -> None:
        """Load records whose parent exists first; a parent that never appears fails on its record."""
        pending = list(records)
        while pending:
            waiting = []
            for record in pending:
                if ready(record):
                    self.guarded(record, action)
                else:
                    waiting.append(record)
            if len(waiting) == len(pending):
                self.guarded(waiting[0], action)  # reports the missing parent
            pending = waiting if len(waiting) < len(pending) else waiting[1:]

    def _unit(self, code: Any) -> Unit | None:
        if not isinstance(code, str) or not code.strip():
            return None
        return self.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))

    def unit_ready(self, record: Record) -> bool:
        """Tell whether a unit's parent, if it names one, exists already."""
        parent = record.values.get("parent")
        return not parent or self._unit(parent) is not None

    def load_unit(self, record: Record) -> None:
        """Create or update one unit."""
        current = self._unit(record.values.get("code"))
        _, outcome = save_unit(self.session, unit_input(self.session, record.values, current=current), current)
        self.report.add("units", outcome)

    def _position(self, unit_code: Any, title: Any, field_name: str) -> Position | None:
        unit = self._unit(unit_code)
        if unit is None or not isinstance(title, str) or not title.strip():
            return None
        found = self.session.scalars(select(Position).where(Position.unit_id == unit.id,
                                                            Position.title == " ".join(title.split()))).all()
        if len(found) > 1:
            raise ValidationFailed(N_("%(unit)s has %(count)s positions titled %(title)r; give them distinct titles"),
                                   field=field_name, unit=unit.code, count=len(found), title=title)
        return found[0] if found else None

    def _parent_of(self, values: dict[str, Any]) -> tuple[Any, Any]:
        return values.get("parent_unit") or values.get("unit"), values.get("parent_title")

    def position_ready(self, record: Record) -> bool:
        """Tell whether a position's superior, if it names one, exists already."""
        parent_unit, parent_title = self._parent_of(record.values)
        try:
            return not parent_title or self._position(parent_unit, parent_title, "parent_title") is not None
        except ValidationFailed:
            return True  # let the load report the ambiguity on this record

    def load_position(self, record: Record) -> None:
        """Create or update one position."""
        values = dict(record.values)
        parent_unit, parent_title = self._parent_of(values)
        values.pop("parent_unit", None)
        if "parent_title" in values:
            del values["parent_title"]
            parent = self._position(parent_unit, parent_title, "parent_title") if parent_title else None
            if parent_title and parent is None:
                raise ValidationFailed(N_("no position %(title)r in unit %(unit)s"), field="parent_title",
                                       title=parent_title, unit=parent_unit)
            values["parent_id"] = parent.id if parent else ""
        current = self._position(values.get("unit"), values.get("title"), "title")
        data = position_input(self.session, values, current=current)
        _, outcome = save_position(self.session, data, current, on=self.today)
        self.report.add("positions", outcome)

    def load_person(self, record: Record) -> None:
        """Create or update one person, then make sure they hold the desk the file gives them."""
        values = dict(record.values)
        position_title = values.pop("position", None)
        position_unit = values.pop("position_unit", None)
        starts_on = values.pop("starts_on", None)
        username = values.get("username")
        current = (self.session.scalar(select(User).where(User.username == username.strip().lower()))
                   if isinstance(username, str) else None)
        user, outcome = save_person(self.session, person_input(self.session, values, current=current), current)
        self.report.add("people", outcome)
        if position_title:
            unit_code = position_unit or (user.unit.code if user.unit else None)
            position = self._position(unit_code, position_title, "position")
            if position is None:
                raise ValidationFailed(N_("no position %(title)r in unit %(unit)s"), field="position",
                                       title=position_title, unit=unit_code)
            self._hold(user, position, starts_on)
        elif position_unit or starts_on:
            raise ValidationFailed(N_("name the position the person holds"), field="position")

    def _hold(self, user: User, position: Position, starts_on: Any) -> None:
        """Add the assignment unless the person already holds the desk (then correct its first day)."""
        held = self.session.scalars(select(Assignment).where(
            Assignment.user_id == user.id, Assignment.position_id == position.id,
            or_(Assignment.ends_on.is_(None), Assignment.ends_on >= self.today))
            .order_by(Assignment.starts_on.desc())).first()
        data = assignment_input(self.session, {"position_id": position.id, "user": user.username,
                                               "starts_on": starts_on or self.today})
        if held is None:
            assign(self.session, data)
            self.report.add("assignments", Outcome.CREATED)
        elif starts_on and held.starts_on != data.starts_on:
            change_assignment_start(self.session, held, starts_on=data.starts_on)
            self.report.add("assignments", Outcome.UPDATED)
        else:
            self.report.add("assignments", Outcome.UNCHANGED)
