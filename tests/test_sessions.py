"""Browser sessions end after a time without activity and after a longest lifetime; nothing personal is cached."""
from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from docflow.auth import operations
from docflow.auth.models import LoginAttempt, WebSession
from docflow.auth.operations import WebSessionState, start_web_session, touch_web_session
from docflow.db import utcnow
from tests.conftest import PASSWORD, make_settings


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, server={"idle_timeout_minutes": 20, "session_lifetime_hours": 8})


def _session_row(db, user) -> WebSession:
    db.expire_all()
    return db.scalars(select(WebSession).where(WebSession.user_id == user.id)
                      .order_by(WebSession.id.desc()).limit(1)).one()


def _age(db, row: WebSession, *, created: timedelta = timedelta(0), seen: timedelta = timedelta(0)) -> None:
    row.created_at = row.created_at - created
    row.last_seen_at = row.last_seen_at - seen
    db.commit()


def test_idle_session_is_logged_out_with_a_message(client, db, make_user, login):
    """After 20 idle minutes, does the next page ask for a login again, and say why?"""
    user = make_user()
    login(user)
    row = _session_row(db, user)
    _age(db, row, created=timedelta(minutes=19), seen=timedelta(minutes=19))
    assert client.get("/").status_code == 200  # 19 minutes: still logged in, and the activity is noted
    row = _session_row(db, user)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)

    _age(db, row, seen=timedelta(minutes=20))
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _session_row(db, user).ended_at is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were logged out after 20 minutes without activity" in page
    # The ended session stays ended: the same cookie is worthless.
    assert client.get("/").status_code == 302


def test_session_ends_after_its_lifetime_even_when_active(client, db, make_user, login):
    user = make_user()
    login(user)
    row = _session_row(db, user)
    _age(db, row, created=timedelta(hours=8))
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Your session lasted 8 hours" in client.get(response.headers["Location"]).get_data(as_text=True)
    login(user)  # a new login starts a new session
    assert client.get("/").status_code == 200


def test_idle_message_is_in_the_page_language(app, db, make_user, login):
    user = make_user()
    indonesian = app.test_client()
    login(user, indonesian)
    _age(db, _session_row(db, user), seen=timedelta(minutes=25))
    response = indonesian.get("/")
    page = indonesian.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anda dikeluarkan setelah 20 menit tanpa aktivitas" in page


def test_touch_notes_activity_at_most_once_a_minute(db, make_user):
    user = make_user()
    token = start_web_session(db, user, "127.0.0.1")
    db.commit()
    row = _session_row(db, user)
    seen = row.last_seen_at
    limits = {"lifetime": timedelta(hours=8), "idle": timedelta(minutes=20)}
    assert touch_web_session(db, token, user.id, now=seen + timedelta(seconds=30), **limits) == WebSessionState.ACTIVE
    assert row.last_seen_at == seen
    later = seen + timedelta(minutes=19)
    assert touch_web_session(db, token, user.id, now=later, **limits) == WebSessionState.ACTIVE
    assert row.last_seen_at == later
    assert touch_web_session(db, token, user.id + 1, now=later, **limits) == WebSessionState.CLOSED
    assert touch_web_session(db, None, user.id, now=later, **limits) == WebSessionState.CLOSED
    assert (touch_web_session(db, token, user.id, now=later + timedelta(minutes=20), **limits)
            == WebSessionState.IDLE)
    assert row.ended_at == later + timedelta(minutes=20)
    assert touch_web_session(db, token, user.id, now=later, **limits) == WebSessionState.CLOSED


def test_logged_in_pages_and_json_are_not_stored(client, make_user, login, token_for):
    """Do pages, the API's JSON and a logged-in person's pages carry Cache-Control: no-store?"""
    user = make_user()
    login(user)
    for path in ("/", "/profile", "/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    api = client.get("/api/v1/inbox", headers=token_for(user))
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/inbox").headers["Cache-Control"] == "no-store"  # the 401 too
    # Static files keep their own caching.
    static = client.get("/static/docflow.css")
    static.close()
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_session_settings_must_be_positive(tmp_path):
    from docflow.config import ConfigError

    with pytest.raises(ConfigError, match="server.idle_timeout_minutes"):
        make_settings(tmp_path, server={"idle_timeout_minutes": 0})
    with pytest.raises(ConfigError, match="server.session_lifetime_hours"):
        make_settings(tmp_path, server={"session_lifetime_hours": -1})


# --- logins hold no transaction while the password is checked (a database of its own) ----------------


class HeldPasswordCheck:
    """Wraps the password check so that a test can hold logins in the middle of it."""

    def __init__(self, real) -> None:
        self.real = real
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, *args, **kwargs):
        self.entered.release()
        assert self.release.wait(30), "the test never released the check"
        return self.real(*args, **kwargs)


@pytest.fixture
def own_app(tmp_path, backend):
    """An app on a database of its own (no test transaction around it) with one user, and its database URL."""
    from contextlib import ExitStack

    from docflow import create_app
    from docflow.auth.operations import create_user
    from docflow.migrate import upgrade
    from docflow.org.operations import create_unit
    from docflow.services import Services

    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'docflow.sqlite3'}"
        else:
            from tests import pg

            url = stack.enter_context(pg.postgres_database())
        svc = Services.from_settings(make_settings(tmp_path, database={"url": url, "pool_size": 8}))
        stack.callback(svc.close)
        upgrade(svc.db.engine)
        with svc.db.transaction() as session:
            unit = create_unit(session, code="SETDA", name="Sekretariat Daerah")
            create_user(session, username="ani", password=PASSWORD, unit=unit)
        app = create_app(svc)
        app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
        yield app, svc, url


def _login_in_thread(app, password: str, address: str = "127.0.0.1"):
    box: dict = {}

    def run() -> None:
        box["response"] = app.test_client().post("/login", data={"username": "ani", "password": password},
                                                 environ_base={"REMOTE_ADDR": address})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def test_password_check_holds_no_transaction(own_app, monkeypatch):
    """While a login's password is being checked, can another connection write at once?"""
    app, svc, url = own_app
    held = HeldPasswordCheck(operations.check_password_hash)
    monkeypatch.setattr(operations, "check_password_hash", held)
    thread, box = _login_in_thread(app, PASSWORD)
    try:
        assert held.entered.acquire(timeout=30), "the password check did not start"
        if url.startswith("sqlite"):
            other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0.5, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # "database is locked" if the login held the write lock
                other.execute("UPDATE users SET full_name = full_name")
                other.execute("COMMIT")
            finally:
                other.close()
        else:
            with svc.db.engine.connect() as conn:
                idle = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"))
                assert idle == 0
    finally:
        held.release.set()
        thread.join(30)
    assert box["response"].status_code == 302
    with svc.db.session() as session:
        attempts = session.scalars(select(LoginAttempt.succeeded)).all()
    assert attempts == [True]


def test_logins_sent_at_once_count_each_other(own_app, monkeypatch):
    """Do six wrong passwords still being checked already make the pair wait before a seventh attempt?"""
    app, _svc, _url = own_app
    held = HeldPasswordCheck(operations.check_password_hash)
    monkeypatch.setattr(operations, "check_password_hash", held)
    free = operations.FREE_PAIR_FAILURES
    logins = [_login_in_thread(app, "not the password") for _ in range(free + 1)]
    try:
        for _ in logins:
            assert held.entered.acquire(timeout=30), "a password check did not start"
        thread, last = _login_in_thread(app, PASSWORD)
        thread.join(10)
        assert not thread.is_alive(), "the last login was let through to the password check"
        assert last["response"].status_code == 429
    finally:
        held.release.set()
        for thread, _box in logins:
            thread.join(30)
    assert [box["response"].status_code for _thread, box in logins] == [200] * (free + 1)
