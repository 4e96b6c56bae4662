"""On PostgreSQL, many people acting at once: one wins a step, and numbers never gap or repeat.

Each thread has its own Services (engine, sessions) and commits after each action, as a request does.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from docflow.audit.models import AuditEvent
from docflow.auth.models import User
from docflow.config import Settings
from docflow.documents.models import Document, DocumentState
from docflow.errors import Conflict, DocflowError, InvalidTransition
from docflow.org.operations import create_delegation
from docflow.services import Services
from docflow.workflow.models import AllocatedNumber, NumberRegister, StepState
from docflow.workflow.operations import perform_action, set_route
from docflow.workflow.routes import StepSpec
from tests.conftest import make_settings
from tests.workflow.helpers import NOW, Office, act, build_office, new_letter

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(os.environ.get("DOCFLOW_TEST_SKIP_POSTGRES") == "1",
                                 reason="DOCFLOW_TEST_SKIP_POSTGRES=1: the SQLite backend only")]

THREADS = 20


@pytest.fixture(scope="module")
def pg_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a fresh, migrated PostgreSQL database for this module."""
    from docflow.migrate import upgrade
    from tests import pg

    with pg.postgres_database() as url:
        settings = make_settings(Path(tmp_path_factory.mktemp("concurrency")), database={"url": url, "pool_size": 2})
        services = Services.from_settings(settings)
        upgrade(services.db.engine)
        services.store.ensure_ready()
        services.close()
        yield settings


def _in_threads(settings: Settings, jobs: list[Callable[[Services], Any]]) -> list[Any]:
    """Run each job in its own thread with its own Services, all starting together; return results or errors."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[Services], Any]) -> Any:
        services = Services.from_settings(settings)
        try:
            with services.db.session() as session:
                session.execute(select(1))  # connect before the start line, so that the race is the action
            barrier.wait(timeout=60)
            return job(services)
        except DocflowError as refusal:
            return refusal
        finally:
            services.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs, timeout=120))


def _office(settings: Settings, code: str, *, plh_for_subhead: bool = False) -> tuple[Office, dict[str, int]]:
    services = Services.from_settings(settings)
    try:
        with services.db.transaction() as session:
            office = build_office(session, code)
            ids = {"drafter": office.drafter.id, "subhead": office.subhead_user.id, "head": office.head_user.id,
                   "secretary": office.secretary_user.id, "outsider": office.outsider.id}
            if plh_for_subhead:
                create_delegation(session, position=office.subhead, delegate=office.outsider, kind="plh",
                                  starts_on=NOW.date(), ends_on=NOW.date())
        return office, ids
    finally:
        services.close()


def _act_once(document_id: int, user_id: int, action: str, revision: int) -> Callable[[Services], int]:
    def job(services: Services) -> int:
        with services.db.transaction() as session:
            document = perform_action(session, actor=session.get(User, user_id), document_id=document_id,
                                      action=action, expected_revision=revision, now=NOW,
                                      settings=services.settings.workflow)
            return document.revision

    return job


def test_twenty_people_acting_on_one_step_at_once(pg_settings):
    """When 20 requests initial and then 20 sign the same revision at once, does exactly one of each win?"""
    # The sub-head's desk has a Plh. in force, so she alone acts for it (org.queries.capacity_for): the
    # crowd is her, in many tabs.
    office, ids = _office(pg_settings, "SERENTAK", plh_for_subhead=True)
    services = Services.from_settings(pg_settings)
    try:
        with services.db.transaction() as session:
            document = new_letter(session, services, session.get(User, ids["drafter"]))
            act(session, services, session.get(User, ids["drafter"]), document, "submit")
            document_id, revision = document.id, document.revision

        crowd = [ids["outsider"]] * THREADS
        outcomes = _in_threads(pg_settings, [_act_once(document_id, u, "initial", revision) for u in crowd])
        assert Counter(type(o).__name__ for o in outcomes) == {"int": 1, "Conflict": THREADS - 1}, outcomes
        assert all(o.field == "revision" for o in outcomes if isinstance(o, Conflict))

        with services.db.transaction() as session:
            document = session.get(Document, document_id)
            assert document.revision == revision + 1
            assert [s.state for s in document.steps] == [StepState.DONE, StepState.CURRENT, StepState.WAITING]
            act(session, services, session.get(User, ids["secretary"]), document, "initial")
            revision = document.revision

        outcomes = _in_threads(pg_settings, [_act_once(document_id, ids["head"], "sign", revision)] * THREADS)
        winners = [o for o in outcomes if isinstance(o, int)]
        assert len(winners) == 1, outcomes
        assert all(isinstance(o, (Conflict, InvalidTransition)) for o in outcomes if not isinstance(o, int))

        with services.db.transaction() as session:
            actions = Counter(session.scalars(select(AuditEvent.action).where(AuditEvent.document_id == document_id)))
            assert actions == {"submit": 1, "initial": 2, "sign": 1}
            assert session.get(Document, document_id).state == DocumentState.SIGNED
            assert session.scalar(select(func.count(AllocatedNumber.id))
                                  .where(AllocatedNumber.document_id == document_id)) == 1
    finally:
        services.close()


def test_fifty_letters_signed_at_once_take_numbers_one_to_fifty(pg_settings):
    """When 10 signers' requests sign 50 letters of one unit concurrently, are the numbers exactly 1..50?"""
    office, ids = _office(pg_settings, "NOMOR")
    services = Services.from_settings(pg_settings)
    letters: list[tuple[int, int]] = []
    try:
        with services.db.transaction() as session:
            drafter = session.get(User, ids["drafter"])
            for n in range(50):
                document = new_letter(session, services, drafter, title=f"Nota dinas {n}")
                set_route(session, actor=drafter, document=document, steps=[StepSpec("sign", office.head.id)],
                          expected_revision=document.revision, on=NOW.date(), settings=services.settings.workflow)
                act(session, services, drafter, document, "submit")
                letters.append((document.id, document.revision))

        def sign_share(share: list[tuple[int, int]]) -> Callable[[Services], list[int]]:
            def job(thread_services: Services) -> list[int]:
                return [_act_once(d, ids["head"], "sign", r)(thread_services) for d, r in share]
            return job

        outcomes = _in_threads(pg_settings, [sign_share(letters[n::10]) for n in range(10)])
        assert all(isinstance(o, list) and len(o) == 5 for o in outcomes), outcomes

        with services.db.transaction() as session:
            register = session.scalars(select(NumberRegister).where(
                NumberRegister.scope_key == f"unit:{office.unit.id}")).one()
            seqs = sorted(session.scalars(select(AllocatedNumber.seq)
                                          .where(AllocatedNumber.register_id == register.id)))
            numbers = set(session.scalars(select(Document.number).where(Document.id.in_([d for d, _ in letters]))))
        assert seqs == list(range(1, 51))
        assert register.last_seq == 50
        assert numbers == {f"000.8.3.3/{n}/NOMOR/2026" for n in range(1, 51)}
    finally:
        services.close()


def test_a_route_change_does_not_overwrite_a_submission_made_meanwhile(pg_settings):
    """If the drafter opened the letter, then it was submitted elsewhere, is her route change refused?"""
    office, ids = _office(pg_settings, "RUTE")
    first, second = Services.from_settings(pg_settings), Services.from_settings(pg_settings)
    try:
        with first.db.transaction() as session:
            document_id = new_letter(session, first, session.get(User, ids["drafter"])).id
        opened = first.db.session()  # e.g. the request that shows the letter, then changes its route
        seen = opened.get(Document, document_id)
        revision = seen.revision
        with second.db.transaction() as session:
            act(session, second, session.get(User, ids["drafter"]), session.get(Document, document_id), "submit")
        with pytest.raises((Conflict, InvalidTransition)):
            set_route(opened, actor=opened.get(User, ids["drafter"]), document=seen,
                      steps=[StepSpec("sign", office.head.id)], expected_revision=revision, on=NOW.date(),
                      settings=first.settings.workflow)
        opened.rollback()
        opened.close()
        with first.db.transaction() as session:
            document = session.get(Document, document_id)
            assert document.state == DocumentState.IN_VERIFICATION
            assert [s.state for s in document.steps] == [StepState.CURRENT, StepState.WAITING, StepState.WAITING]
    finally:
        first.close()
        second.close()
