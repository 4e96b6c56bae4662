"""A letter's recipients as input: one validator for the new-letter form, the draft's edit form and the API."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from docflow.api.params import MAX_ID, parse_whole_number
from docflow.documents.models import RecipientKind
from docflow.errors import N_, Message, ValidationFailed
from docflow.org.models import Position

MAX_RECIPIENTS = 100
MAX_NAME = 300
# The picker's option ends in "(#12)": the id survives titles that repeat across units.
_LABEL_ID = re.compile(r"\(#([0-9]+)\)\s*$")
MAX_EMAIL = 254
# An external line may end in its e-mail address, as mail programs write it: "Kementerian X <tu@x.go.id>".
_LINE_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+)>\s*$")
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def split_email(line: str) -> tuple[str, str]:
    """Split "Name <address>" into the name and the address ("" when the line names none)."""
    match = _LINE_EMAIL.match(line)
    return (match.group("name"), match.group("email")) if match and match.group("name") else (line, "")


@dataclass(frozen=True)
class RecipientSpec:
    """One validated recipient: a position (internal) or a line of text (external)."""

    kind: str
    position_id: int | None
    name: str
    email: str = ""  # an external recipient's e-mail address: the signed letter is e-mailed there

    def as_dict(self) -> dict[str, Any]:
        """Return the API form of the specification."""
        return {"kind": self.kind, "position_id": self.position_id, "name": self.name, "email": self.email}


def position_label(position: Position) -> str:
    """Return how the picker shows a position: title, unit and id (what the form sends back)."""
    return f"{position.title} — {position.unit.name} (#{position.id})"


def recipient_positions(session: Session) -> list[Position]:
    """Return the active positions a letter may be addressed to, by unit and title."""
    positions = session.scalars(select(Position).where(Position.is_active.is_(True))
                                .options(selectinload(Position.unit))).all()
    return sorted(positions, key=lambda p: (p.unit.name, p.level, p.title, p.id))


def recipients_from_form(form: Any) -> list[dict[str, Any]]:
    """Read the form fields into the API's list: to_position/cc_position (a position's id or its picker
    label, repeatable) and to_name/cc_name (external recipients, one a line, repeatable)."""
    items: list[dict[str, Any]] = []
    for kind in RecipientKind:
        items += [{"kind": kind.value, "position_id": value.strip()}
                  for value in form.getlist(f"{kind}_position") if value.strip()]
        items += [{"kind": kind.value, "name": line.strip()}
                  for value in form.getlist(f"{kind}_name") for line in value.splitlines() if line.strip()]
    return items


def _position_id(value: Any) -> int | None:
    if isinstance(value, str) and (match := _LABEL_ID.search(value)):
        value = match.group(1)
    number = parse_whole_number(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


def validate_recipients(session: Session, items: Any) -> list[RecipientSpec]:
    """Check a list of recipients ({kind: to|cc, position_id} or {kind, name}); raise one ValidationFailed
    naming every fault."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationFailed(N_("expected a list of recipients"), field="recipients")
    errors: list[tuple[str | None, str]] = []
    specs: list[RecipientSpec] = []
    seen: set[object] = set()
    for item in items:
        if not isinstance(item, Mapping):
            errors.append(("recipients", Message(N_("each recipient is an object with kind and position_id or name"))))
            continue
        kind = item.get("kind") or RecipientKind.TO
        if kind not in RecipientKind.__members__.values():
            errors.append(("recipients", Message(N_("recipient kind %(kind)r is not one of to, cc"), kind=kind)))
            continue
        ref, name = item.get("position_id"), item.get("name")
        if ref not in (None, "") and name not in (None, ""):
            errors.append(("recipients", Message(N_("a recipient is a position or a name, not both"))))
        elif ref not in (None, ""):
            position_id = _position_id(ref)
            position = session.get(Position, position_id) if position_id is not None else None
            if position is None or not position.is_active:
                errors.append(("recipients", Message(N_("no position %(ref)r to address; choose one from the list"), ref=ref)))
            elif position.id in seen:
                errors.append(("recipients", Message(N_("%(name)s is listed more than once"), name=position.title)))
            else:
                seen.add(position.id)
                specs.append(RecipientSpec(str(kind), position.id, position.title))
        elif isinstance(name, str) and name.strip():
            line, email = split_email(" ".join(name.split()))
            given = item.get("email")
            if given not in (None, ""):
                email = given.strip() if isinstance(given, str) else "?"
            if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
                errors.append(("recipients", Message(N_("%(email)r is not an e-mail address"), email=str(given or email))))
            elif len(line) > MAX_NAME:
                errors.append(("recipients", Message(N_("a recipient's name has at most %(max)s characters"), max=MAX_NAME)))
            elif line.casefold() in seen:
                errors.append(("recipients", Message(N_("%(name)s is listed more than once"), name=line)))
            else:
                seen.add(line.casefold())
                specs.append(RecipientSpec(str(kind), None, line, email))
        else:
            errors.append(("recipients", Message(N_("give each recipient a position_id (internal) or a name (external)"))))
    if len(specs) > MAX_RECIPIENTS:
        errors.append(("recipients", Message(N_("at most %(max)s recipients"), max=MAX_RECIPIENTS)))
    if specs and not any(s.kind == RecipientKind.TO for s in specs):
        errors.append(("recipients", Message(N_("copies (tembusan) need at least one addressee (Yth.)"))))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return specs
