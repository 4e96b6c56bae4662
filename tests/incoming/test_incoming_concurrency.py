"""On PostgreSQL, clerks registering at once get gapless agenda numbers; concurrent follow-ups of one node: one wins.

Each thread has its own Services (engine, sessions) and commits once, as a request does.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role, User
from docflow.auth.operations import create_user
from docflow.config import Settings
from docflow.documents.operations import DocumentFields
from docflow.errors import DocflowError, InvalidTransition
from docflow.incoming.models import AgendaRegister, Disposition, IncomingLetter
from docflow.incoming.operations import (
    DispositionFields,
    IncomingFields,
    act_on_disposition,
    give_disposition,
    register_incoming_letter,
)
from docflow.incoming.queries import instructions
from docflow.org.queries import acting_position_ids
from docflow.services import Services
from tests.conftest import make_settings
from tests.workflow.helpers import NOW, build_office, pdf_upload

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(os.environ.get("DOCFLOW_TEST_SKIP_POSTGRES") == "1",
                                 reason="DOCFLOW_TEST_SKIP_POSTGRES=1: the SQLite backend only")]

THREADS = 12
ON = NOW.date()


@pytest.fixture(scope="module")
def pg_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a fresh, migrated PostgreSQL database for this module."""
    from docflow.migrate import upgrade
    from tests import pg

    with pg.postgres_database() as url:
        settings = make_settings(Path(tmp_path_factory.mktemp("incoming")), database={"url": url, "pool_size": 2})
        services = Services.from_settings(settings)
        upgrade(services.db.engine)
        services.store.ensure_ready()
        services.close()
        yield settings


def _in_threads(settings: Settings, jobs: list[Callable[[Services], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[Services], Any]) -> Any:
        services = Services.from_settings(settings)
        try:
            with services.db.session() as session:
                session.execute(select(1))
            barrier.wait(timeout=60)
            return job(services)
        except DocflowError as refusal:
            return refusal
        finally:
            services.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs, timeout=120))


def _fields(head_id: int, n: int, *, sender_number: str | None = None, confirm: bool = False) -> IncomingFields:
    return IncomingFields(document=DocumentFields(title=f"Surat masuk {n}", doc_type="surat_dinas"),
                          sender_institution="Pemerintah Provinsi", sender_person="",
                          sender_number=sender_number or f"100/{n}/PEM", sender_date=date(2026, 3, 1),
                          received_on=ON, addressee_ids=(head_id,), confirm_duplicate=confirm)


def _register(clerk_id: int, fields: IncomingFields) -> Callable[[Services], int]:
    def job(services: Services) -> int:
        with pdf_upload(services, fields.document.title) as upload, services.db.transaction() as session:
            clerk = session.get(User, clerk_id)
            return register_incoming_letter(session, services.store, actor=clerk, fields=fields, upload=upload,
                                            on=ON).agenda_number
    return job


def test_agenda_numbers_are_gapless_under_concurrency(pg_settings):
    """Do clerks registering at once take 1..n exactly, a duplicate caught under the lock taking no number?"""
    services = Services.from_settings(pg_settings)
    try:
        with services.db.transaction() as session:
            office = build_office(session, "AGENDA")
            clerks = [office.clerk.id] + [
                create_user(session, username=f"tu{n}", password=None, roles=(Role.RECORDS_CLERK,),
                            unit=office.unit).id for n in range(THREADS - 1)]
            head_id, unit_id = office.head.id, office.unit.id
    finally:
        services.close()
    jobs = [_register(clerk, _fields(head_id, n)) for n, clerk in enumerate(clerks)]
    # Two more that register the same letter at once: the second is caught as a duplicate under the lock.
    jobs += [_register(clerks[0], _fields(head_id, 99, sender_number="DUP/1")) for _ in range(2)]
    results = _in_threads(pg_settings, jobs)
    numbers = [r for r in results if isinstance(r, int)]
    refusals = [r for r in results if not isinstance(r, int)]
    assert sorted(numbers) == list(range(1, THREADS + 2))
    assert len(refusals) == 1 and "already registered as agenda" in str(refusals[0])
    services = Services.from_settings(pg_settings)
    try:
        with services.db.transaction() as session:
            stored = session.scalars(select(IncomingLetter.agenda_number).where(IncomingLetter.unit_id == unit_id)
                                     .order_by(IncomingLetter.agenda_number)).all()
            assert stored == list(range(1, THREADS + 2))
            register = session.scalars(select(AgendaRegister).where(AgendaRegister.unit_id == unit_id)).one()
            assert (register.year, register.last_seq) == (ON.year, THREADS + 1)
    finally:
        services.close()


def node_read_by_plh(settings: Settings, code: str, subject: str, instruction: int) -> tuple[int, int]:
    """Register a letter to the head, whose disposisi goes to the secretary's desk; the desk's Plh. (who alone
    acts for it while in force) reads it. Return the node's id and the Plh.'s user id."""
    from docflow.org.operations import create_delegation

    services = Services.from_settings(settings)
    try:
        with services.db.transaction() as session:
            office = build_office(session, code)
            create_delegation(session, position=office.secretary, delegate=office.outsider, kind="plh",
                              starts_on=ON, ends_on=ON)
            with pdf_upload(services, subject) as upload:
                letter = register_incoming_letter(session, services.store, actor=office.clerk,
                                                  fields=_fields(office.head.id, 1), upload=upload, on=ON)
            (node,) = give_disposition(
                session, actor=office.head_user, letter=letter, on=ON, now=NOW,
                positions=acting_position_ids(session, office.head_user.id, ON),
                fields=DispositionFields(recipient_ids=(office.secretary.id,),
                                         instruction_ids=(instructions(session)[instruction].id,)))
            act_on_disposition(session, actor=office.outsider, disposition_id=node.id, action="read", on=ON,
                               now=NOW, positions={office.secretary.id})
            return node.id, office.outsider.id
    finally:
        services.close()


def test_concurrent_follow_ups_of_one_node(pg_settings):
    """Do six follow-ups of one node at once (the Plh. of the desk in several tabs) record exactly one report?"""
    node_id, plh_id = node_read_by_plh(pg_settings, "FOLLOW", "Surat untuk ditindaklanjuti", 1)
    people = [plh_id] * 6

    def follow_up(user_id: int) -> Callable[[Services], str]:
        def job(services: Services) -> str:
            with services.db.transaction() as session:
                actor = session.get(User, user_id)
                node = act_on_disposition(session, actor=actor, disposition_id=node_id, action="follow-up", on=ON,
                                          now=NOW, positions=acting_position_ids(session, user_id, ON),
                                          note=f"Laporan dari {actor.username}")
                return node.follow_up_note
        return job

    results = _in_threads(pg_settings, [follow_up(u) for u in people])
    reports = [r for r in results if isinstance(r, str)]
    assert len(reports) == 1
    assert all(isinstance(r, InvalidTransition) for r in results if not isinstance(r, str))
    services = Services.from_settings(pg_settings)
    try:
        with services.db.transaction() as session:
            node = session.get(Disposition, node_id)
            assert (node.state, node.follow_up_note, node.revision) == ("followed_up", reports[0], 3)
            reports = select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "disposition_follow_up", AuditEvent.comment.contains(f"disposisi {node_id}:"))
            assert session.scalar(reports) == 1
    finally:
        services.close()
