"""Numbers are taken at signing from a register per unit (or city), type and year; each year starts at 1."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.documents.models import Document
from docflow.org.operations import assign_position, create_position, create_unit
from docflow.workflow.models import NumberRegister
from docflow.workflow.operations import proposed_route, set_route
from docflow.workflow.routes import StepSpec
from tests.workflow.helpers import JAKARTA, NOW, SINCE, Office, act, build_office, new_letter


def _sign_directly(db, services, office: Office, signer_position, signer, *, doc_type: str = "nota_dinas",
                   now: datetime = NOW) -> Document:
    """Draft a letter whose only step is the signature, and sign it at `now`."""
    document = new_letter(db, services, office.drafter, doc_type=doc_type, on=now.date())
    set_route(db, actor=office.drafter, document=document, steps=[StepSpec("sign", signer_position.id)],
              expected_revision=document.revision, on=now.date(), settings=services.settings.workflow)
    act(db, services, office.drafter, document, "submit", now=now)
    act(db, services, signer, document, "sign", now=now)
    return document


def _registers(db) -> dict[tuple[str, str, int], int]:
    return {(r.scope_key, r.doc_type, r.year): r.last_seq for r in db.scalars(select(NumberRegister))}


def test_the_sequence_restarts_each_year_of_the_city(db, services, office):
    """Does the first letter signed after midnight of New Year in Jakarta take number 1 of the new year?"""
    new_years_eve = datetime(2025, 12, 31, 23, 30, tzinfo=JAKARTA)
    # 00:30 in Jakarta is still 2025 in UTC: the register follows the city's calendar.
    new_year = datetime(2026, 1, 1, 0, 30, tzinfo=JAKARTA)
    numbers = [_sign_directly(db, services, office, office.head, office.head_user, now=when).number
               for when in (new_years_eve, new_year, new_year.replace(hour=9))]
    assert numbers == ["000.8.3.3/1/DISKOMINFO/2025", "000.8.3.3/1/DISKOMINFO/2026", "000.8.3.3/2/DISKOMINFO/2026"]
    unit = f"unit:{office.unit.id}"
    assert _registers(db) == {(unit, "nota_dinas", 2025): 1, (unit, "nota_dinas", 2026): 2}


def test_keputusan_take_nomor_tahun_from_one_city_register(db, services):
    """Do keputusan of two units share one city-wide register, written `NOMOR n TAHUN yyyy`?"""
    setda = create_unit(db, code="SETDA", name="Sekretariat Daerah")
    sekda = create_position(db, unit=setda, title="Sekretaris Daerah", eselon="I.b")
    sekda_user = create_user(db, username="sekda", password=None, roles=(Role.SIGNER,), unit=setda)
    assign_position(db, position=sekda, user=sekda_user, starts_on=SINCE)
    kominfo = build_office(db, "DISKOMINFO", parent=sekda)
    dukcapil = build_office(db, "DISDUKCAPIL", parent=sekda)
    # The rules propose the Sekda as signer (only eselon I signs a keputusan), the desks below as verifiers.
    draft = new_letter(db, services, kominfo.drafter, doc_type="keputusan")
    assert [(s.kind, s.position_id) for s in proposed_route(db, draft)] == [
        ("verify", kominfo.subhead.id), ("verify", kominfo.secretary.id), ("verify", kominfo.head.id),
        ("sign", sekda.id)]

    first = _sign_directly(db, services, kominfo, sekda, sekda_user, doc_type="keputusan")
    second = _sign_directly(db, services, dukcapil, sekda, sekda_user, doc_type="keputusan")
    memo = _sign_directly(db, services, dukcapil, dukcapil.head, dukcapil.head_user)
    assert (first.number, second.number) == ("NOMOR 1 TAHUN 2026", "NOMOR 2 TAHUN 2026")
    assert memo.number == "000.8.3.3/1/DISDUKCAPIL/2026"  # unit registers stay per unit
    assert _registers(db) == {("city", "keputusan", 2026): 2, (f"unit:{dukcapil.unit.id}", "nota_dinas", 2026): 1}


def test_each_type_of_a_unit_has_its_own_register(db, services, office):
    """Do a nota dinas and a surat dinas of one unit each take number 1 of their own register this year?"""
    nota = _sign_directly(db, services, office, office.head, office.head_user, doc_type="nota_dinas")
    surat = _sign_directly(db, services, office, office.head, office.head_user, doc_type="surat_dinas")
    # The default pattern leaves the type out, so the two print alike, as they do on paper.
    assert nota.number == surat.number == "000.8.3.3/1/DISKOMINFO/2026"
    unit = f"unit:{office.unit.id}"
    assert _registers(db) == {(unit, "nota_dinas", 2026): 1, (unit, "surat_dinas", 2026): 1}
