"""An organisation to route letters through: a Dinas with a head, a secretary, a sub-head and staff."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from docflow.auth.models import Role
from docflow.org.operations import assign_position, create_position

SINCE = date(2020, 1, 1)


@dataclass
class Office:
    unit: Any
    head: Any          # Kepala Dinas, II.b
    secretary: Any     # Sekretaris, III.a
    subhead: Any       # Kepala Sub Bagian Umum, IV.a
    staff: Any         # Pelaksana
    head_user: Any
    secretary_user: Any
    subhead_user: Any
    drafter: Any
    clerk: Any


def make_office(db, make_unit, make_user, code: str | None = None) -> Office:
    """Build a unit with four desks in a chain and a person at each, plus a records clerk."""
    unit = make_unit(code)
    head = create_position(db, unit=unit, title=f"Kepala Dinas {unit.name}", eselon="II.b")
    secretary = create_position(db, unit=unit, title=f"Sekretaris Dinas {unit.name}", eselon="III.a", parent=head)
    subhead = create_position(db, unit=unit, title="Kepala Sub Bagian Umum", eselon="IV.a", parent=secretary)
    staff = create_position(db, unit=unit, title="Pengadministrasi Umum", parent=subhead)
    people = {}
    for name, position, roles in (("head", head, (Role.SIGNER,)), ("secretary", secretary, (Role.VERIFIER,)),
                                  ("subhead", subhead, (Role.VERIFIER,)), ("drafter", staff, (Role.DRAFTER,))):
        user = make_user(f"{name}-{unit.code.lower()}", roles=roles, unit=unit, full_name=f"{name.title()} {unit.code}",
                         nip="198001012005011001" if name == "head" else None)
        assign_position(db, position=position, user=user, starts_on=SINCE)
        people[name] = user
    clerk = make_user(f"tu-{unit.code.lower()}", roles=(Role.RECORDS_CLERK,), unit=unit)
    db.commit()
    return Office(unit, head, secretary, subhead, staff, people["head"], people["secretary"], people["subhead"],
                  people["drafter"], clerk)
