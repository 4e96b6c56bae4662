"""Browser sessions end after a time without activity and after a longest lifetime; nothing personal is cached."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from docflow.auth.models import WebSession
from docflow.auth.operations import WebSessionState, start_web_session, touch_web_session
from docflow.db import utcnow
from tests.conftest import make_settings


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
