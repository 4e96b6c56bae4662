"""The known history built once per module and backend, each test rolled back to it.

Building the history takes seconds (three offices, a CA, a dozen letters through their steps, the
worker's page counts); a module that reads it takes these fixtures, which stand in for the suite's
`backend`, `connection`, `services` and `db`:

    backend, history_instance, connection, services, db, history = shared_history.FIXTURES

The history is committed once into the module's outer transaction; each test runs in a savepoint of
it that is rolled back after the test, so what one test writes (users, tokens, snapshots, delegations)
is gone before the next, as with the suite's own fixtures.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from tests.conftest import BACKENDS, make_settings
from tests.reports.history import History, build_history


@dataclass
class _Instance:
    connection: Connection
    services: Any
    session: Any
    history: History
    built: frozenset[Any]  # the identities the session held once the history was built


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test, for the whole module (the history is built once on each)."""
    return request.param


@pytest.fixture(scope="module")
def history_instance(_engines: dict[str, Callable[[], Engine]], backend: str,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Instance]:
    from docflow.outbox.worker import Worker
    from docflow.services import Services

    conn = _engines[backend]().connect()
    outer = conn.begin()
    svc = Services.from_settings(make_settings(tmp_path_factory.mktemp("history")), bind=conn)
    # The history's clock stamps the audit trail; it stays at the history's "now" for the module's tests.
    clock_patch = pytest.MonkeyPatch()
    session = None
    try:
        svc.store.ensure_ready()
        svc.index.ensure_ready()
        session = svc.db.session()
        history = build_history(session, svc, clock_patch, Worker(svc).run_pending)
        yield _Instance(conn, svc, session, history, frozenset(session.identity_map.keys()))
    finally:
        clock_patch.undo()
        if session is not None:
            session.close()
        svc.index.close()
        if outer.is_active:
            outer.rollback()
        conn.close()


@pytest.fixture
def connection(history_instance: _Instance) -> Iterator[Connection]:
    """The module's connection, in a savepoint rolled back after the test."""
    conn = history_instance.connection
    savepoint = conn.begin_nested()
    try:
        yield conn
    finally:
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture
def services(history_instance: _Instance, connection: Connection) -> Any:
    return history_instance.services


@pytest.fixture
def db(history_instance: _Instance, connection: Connection) -> Iterator[Any]:
    """The session that built the history; its objects are read afresh after each test's rollback."""
    session = history_instance.session
    try:
        yield session
    finally:
        session.rollback()  # the session's own savepoint first, then the test's (the connection fixture)
        # What the test committed is rolled back with its savepoint: the session forgets it (SQLite may give
        # its ids to the next test's rows) and reads the history afresh.
        for obj in list(session):
            if inspect(obj).key not in history_instance.built and obj in session:  # (an expunge cascades)
                session.expunge(obj)
        session.expire_all()


@pytest.fixture
def history(history_instance: _Instance, db: Any) -> History:
    return history_instance.history


# A module takes them all: `backend, history_instance, connection, services, db, history = shared_history.FIXTURES`.
FIXTURES = (backend, history_instance, connection, services, db, history)
