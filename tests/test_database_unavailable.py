"""A database that does not answer: every request gets a clean 503 with a message, never a 500."""
from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.pg import _free_port


@pytest.fixture
def offline_client(tmp_path):
    """A client of an app whose PostgreSQL refuses connections (nothing listens on its port)."""
    from docflow import create_app
    from docflow.services import Services

    url = f"postgresql+psycopg://docflow@127.0.0.1:{_free_port()}/docflow"
    services = Services.from_settings(make_settings(tmp_path, database={"url": url}))
    app = create_app(services)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    yield app.test_client()
    services.close()


def test_the_api_answers_503_with_a_message(offline_client):
    response = offline_client.get("/api/v1/documents", headers={"Authorization": "Bearer dft_whatever"})
    assert response.status_code == 503
    assert response.get_json() == {"errors": [{"field": None,
                                               "reason": "the database is unavailable; please try again shortly"}]}
    assert response.headers["Retry-After"] == "5"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_page_answers_503_in_the_readers_language(offline_client):
    response = offline_client.post("/login", data={"username": "ani", "password": "whatever"})
    assert response.status_code == 503
    assert "basis data sedang tidak tersedia" in response.get_data(as_text=True)
    offline_client.set_cookie("lang", "en")
    page = offline_client.post("/login", data={"username": "ani", "password": "whatever"}).get_data(as_text=True)
    assert "the database is unavailable; please try again shortly" in page


def test_readiness_reports_the_database(offline_client):
    """Is a node whose database is down not ready, with the database named, while it is still alive?"""
    response = offline_client.get("/readyz")
    assert response.status_code == 503
    assert "database" in response.get_json()["failing"]
    assert "OperationalError" in response.get_json()["checks"]["database"]
    assert offline_client.get("/healthz").status_code == 200


@pytest.fixture
def own_postgres_app(tmp_path):
    """An app on a PostgreSQL database of its own (no test transaction around it) with one user and token."""
    from docflow import create_app
    from docflow.auth.operations import create_token, create_user
    from docflow.migrate import upgrade
    from docflow.org.operations import create_unit
    from docflow.services import Services
    from tests import pg
    from tests.conftest import PASSWORD

    with pg.postgres_database() as url:
        svc = Services.from_settings(make_settings(tmp_path, database={"url": url}))
        try:
            upgrade(svc.db.engine)
            svc.store.ensure_ready()
            svc.index.ensure_ready()
            with svc.db.transaction() as session:
                unit = create_unit(session, code="SETDA", name="Sekretariat Daerah")
                user = create_user(session, username="ani", password=PASSWORD, unit=unit)
                token = create_token(session, user)
            app = create_app(svc)
            app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
            yield app, svc, {"Authorization": f"Bearer {token}"}
        finally:
            svc.close()


def _kill_own_backend(svc, event_name: str):
    """Listen for `event_name` on every Session and, the first time, end the PostgreSQL backend of
    that session's connection from another one: the request's next statement meets a dead server."""
    from sqlalchemy import func, select

    killed: list[int] = []

    def kill(session, *_args) -> None:
        if killed:
            return
        pid = session.connection().scalar(select(func.pg_backend_pid()))
        with svc.db.engine.connect() as other:
            assert other.scalar(select(func.pg_terminate_backend(pid)))
        killed.append(pid)

    return kill, killed


@pytest.mark.postgres
@pytest.mark.parametrize(("event_name", "method"), [("before_commit", "GET"), ("before_commit", "POST"),
                                                    ("before_flush", "POST")])
def test_a_connection_lost_in_the_request_answers_503(own_postgres_app, event_name, method):
    """Did the server answer 503 (not 500), and the next request work, when the database went away
    while a signed-in API request was running: after its view (at the commit) or while it wrote?"""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tests.conftest import upload
    from tests.fixtures import make_pdf

    app, svc, headers = own_postgres_app
    client = app.test_client()
    kill, killed = _kill_own_backend(svc, event_name)
    event.listen(Session, event_name, kill)
    try:
        if method == "GET":
            response = client.get("/api/v1/documents", headers=headers)
        else:
            response = upload(client, headers, make_pdf("Nota dinas saat gangguan."), title="Nota saat gangguan")
    finally:
        event.remove(Session, event_name, kill)
    assert killed, f"no {event_name} was reached"
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["errors"][0]["reason"] == "the database is unavailable; please try again shortly"
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
