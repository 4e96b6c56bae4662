"""API tokens: named, scoped, expiring, listed and revocable by their owner and by administrators."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from docflow.auth.models import Role, TokenScope

START = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)  # 08:00 in Jakarta


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _issue(db, user, **kwargs) -> tuple[int, dict[str, str]]:
    from docflow.auth.operations import issue_token

    row, token = issue_token(db, user, **kwargs)
    db.commit()
    return row.id, _bearer(token)


# -- the scope table -------------------------------------------------------------------------------

@pytest.mark.parametrize("scope, method, path, allowed", [
    ("read", "GET", "/api/v1/documents", True),
    ("read", "HEAD", "/api/v1/documents/1/download", True),
    ("read", "POST", "/api/v1/documents", False),
    ("read", "PATCH", "/api/v1/documents/1", False),
    ("read", "GET", "/api/v1/admin/users", False),
    ("write", "GET", "/api/v1/documents", True),
    ("write", "POST", "/api/v1/documents/1/actions/submit", True),
    ("write", "DELETE", "/api/v1/documents/1", True),
    ("write", "GET", "/api/v1/admin/users", False),
    ("write", "POST", "/api/v1/admin", False),
    ("write", "GET", "/api/v1/administrative-looking", True),
    ("admin", "GET", "/api/v1/admin/users", True),
    ("admin", "POST", "/api/v1/admin/units", True),
    ("admin", "POST", "/api/v1/documents", True),
])
def test_scope_table(scope, method, path, allowed):
    from docflow.auth.access import scope_allows

    assert scope_allows(scope, method, path) is allowed


# -- scopes, expiry and revocation over HTTP -------------------------------------------------------------

def test_a_read_token_reads_but_does_not_write(client, db, make_user):
    _, headers = _issue(db, make_user(), scope="read")
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    response = client.post("/api/v1/documents", headers=headers, data={"title": "x"})
    assert response.status_code == 403
    assert response.get_json()["errors"][0]["reason"] == "this API token's scope (read) does not allow this request"


def test_a_write_token_of_an_administrator_cannot_administer(client, db, make_user):
    admin = make_user(roles=(Role.ADMIN,))
    _, write = _issue(db, admin, scope="write")
    _, full = _issue(db, admin, scope="admin")
    assert client.get("/api/v1/admin/units", headers=write).status_code == 403
    assert client.get("/api/v1/admin/units", headers=full).status_code == 200


def test_an_admin_token_is_still_limited_by_its_owners_roles(client, db, make_user):
    _, headers = _issue(db, make_user(roles=(Role.DRAFTER,)), scope="admin")
    assert client.get("/api/v1/admin/units", headers=headers).status_code == 403


def test_an_expired_token_gets_401_at_once(client, db, make_user, services, monkeypatch):
    clock = [START]
    monkeypatch.setattr(services, "now", lambda: clock[0])
    _, headers = _issue(db, make_user(), expires_in_days=1, now=START)
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    clock[0] = START + timedelta(days=1) - timedelta(seconds=1)
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    clock[0] = START + timedelta(days=1)
    response = client.get("/api/v1/documents", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["errors"][0]["reason"] == "the API token is unknown, revoked or expired"


def test_a_revoked_token_gets_401_at_once(client, db, make_user, token_for):
    user = make_user()
    _, headers = _issue(db, user, scope="read")
    token_id, own = _issue(db, user, scope="write")
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    listed = client.get("/api/v1/tokens", headers=own).get_json()["results"]
    victim = next(t["id"] for t in listed if t["scope"] == "read")
    response = client.post(f"/api/v1/tokens/{victim}/revoke", headers=own)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/documents", headers=headers).status_code == 401


def test_nobody_revokes_anothers_token_through_their_own_api(client, db, make_user):
    mine_id, _ = _issue(db, make_user())
    _, theirs = _issue(db, make_user(), scope="write")
    assert client.post(f"/api/v1/tokens/{mine_id}/revoke", headers=theirs).status_code == 404
    assert client.get("/api/v1/documents", headers=_issue(db, make_user())[1]).status_code == 200


def test_a_token_issues_tokens_no_wider_than_itself(client, db, make_user):
    user = make_user()
    _, write = _issue(db, user, scope="write")
    wider = client.post("/api/v1/tokens", headers=write, json={"name": "ci", "scope": "admin"})
    assert wider.status_code == 403
    response = client.post("/api/v1/tokens", headers=write, json={"name": "ci", "scope": "read",
                                                                  "expires_in_days": 30})
    assert response.status_code == 201
    body = response.get_json()
    assert body["scope"] == "read" and body["name"] == "ci" and body["active"] is True
    assert body["expires_at"] is not None and body["token"].startswith("dft_")
    assert client.get("/api/v1/documents", headers=_bearer(body["token"])).status_code == 200
    listed = client.get("/api/v1/tokens", headers=write).get_json()["results"]
    assert [t["name"] for t in listed][:1] == ["ci"] and all("token" not in t for t in listed)


@pytest.mark.parametrize("body, field", [
    ({"scope": "root"}, "scope"),
    ({"scope": "read", "expires_in_days": 0}, "expires_in_days"),
    ({"scope": "read", "expires_in_days": 4000}, "expires_in_days"),
    ({"scope": "read", "expires_in_days": "soon"}, "expires_in_days"),
    ({"scope": "read", "name": "x" * 201}, "name"),
])
def test_bad_token_requests_are_refused(client, db, make_user, body, field):
    _, headers = _issue(db, make_user(), scope="admin")
    response = client.post("/api/v1/tokens", headers=headers, json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field


def test_administrators_list_and_revoke_anyones_tokens_through_the_api(client, db, make_user):
    owner = make_user()
    token_id, headers = _issue(db, owner, name="scanner", scope="read")
    _, admin = _issue(db, make_user(roles=(Role.ADMIN,)), scope="admin")
    listed = client.get(f"/api/v1/admin/users/{owner.id}/tokens", headers=admin).get_json()["results"]
    assert [(t["id"], t["name"], t["user"]) for t in listed] == [(token_id, "scanner", owner.username)]
    assert client.post(f"/api/v1/admin/tokens/{token_id}/revoke", headers=admin).status_code == 200
    assert client.get("/api/v1/documents", headers=headers).status_code == 401
    assert client.post(f"/api/v1/admin/tokens/{token_id}/revoke", headers=headers).status_code == 401


# -- the browser ---------------------------------------------------------------------------------

def test_a_person_creates_sees_once_and_revokes_a_token_on_her_profile(client, db, make_user, login, services,
                                                                       monkeypatch):
    monkeypatch.setattr(services, "now", lambda: START.astimezone(services.timezone))
    user = make_user()
    login(user)
    page = client.post("/profile/tokens", data={"name": "Laporan bulanan", "scope": "read", "expires_in_days": "30"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    token = re.search(r'<code id="new-token">(dft_[^<]+)</code>', html).group(1)
    assert "Copy it now: it is shown only once." in html
    # Created 08:00 in Jakarta, expires 30 days later: both in the city's time, each with the zone's name.
    assert "2026-03-02 08:00 WIB" in html and "2026-04-01 08:00 WIB" in html
    assert client.get("/api/v1/documents", headers=_bearer(token)).status_code == 200
    again = client.get("/profile").get_data(as_text=True)
    assert token not in again and "Laporan bulanan" in again
    token_id = re.search(r'action="/profile/tokens/(\d+)/revoke"', again).group(1)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/documents", headers=_bearer(token)).status_code == 401
    assert "revoked" in client.get("/profile").get_data(as_text=True)


def test_a_bad_token_form_says_why(client, make_user, login):
    login(make_user())
    response = client.post("/profile/tokens", data={"name": "x", "scope": "read", "expires_in_days": "0"})
    assert response.status_code == 400
    assert "a token expires after 1 to 3650 days" in response.get_data(as_text=True)


def test_nobody_revokes_anothers_token_on_her_profile(client, db, make_user, login):
    theirs, headers = _issue(db, make_user())
    login(make_user())
    assert client.post(f"/profile/tokens/{theirs}/revoke").status_code == 404
    assert client.get("/api/v1/documents", headers=headers).status_code == 200


def test_an_administrator_sees_and_revokes_a_persons_tokens(client, db, make_user, login):
    owner = make_user()
    token_id, headers = _issue(db, owner, name="scanner", scope="read")
    login(make_user(roles=(Role.ADMIN,)))
    page = client.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "scanner" in page
    assert client.post(f"/admin/users/{owner.id}/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/documents", headers=headers).status_code == 401


def test_the_profile_token_form_is_protected_by_csrf(web_client, make_user):
    from tests.conftest import PASSWORD

    user = make_user()
    html = web_client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    web_client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf})
    assert web_client.post("/profile/tokens", data={"name": "x", "scope": "admin"}).status_code == 400


# -- the command line ----------------------------------------------------------------------------

def _docflow(instance, *args: str, stdin: str = ""):
    from tests.test_end_to_end import REPO

    env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(instance), "DOCFLOW_SERVER__LOG_LEVEL": "WARNING",
           "DOCFLOW_SERVER__SECRET_KEY": "test"}
    return subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


@pytest.mark.slow
def test_token_commands_create_list_and_revoke(tmp_path):
    """token create --expires --scope prints only the token; list shows it; revoke makes the API refuse it."""
    from docflow import create_app
    from docflow.config import load_settings

    assert _docflow(tmp_path, "init").returncode == 0
    assert _docflow(tmp_path, "user", "create", "siti", "--role", "drafter", stdin="a long password\n").returncode == 0
    created = _docflow(tmp_path, "token", "create", "siti", "--expires", "30", "--scope", "read", "--name", "ci")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert re.fullmatch(r"dft_[A-Za-z0-9_-]+", token)
    assert _docflow(tmp_path, "token", "create", "siti", "--scope", "root").returncode == 2

    listed = _docflow(tmp_path, "token", "list", "siti")
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split()[:4] == ["ID", "SCOPE", "STATE", "CREATED"] and "Asia/Jakarta" in header
    token_id, scope, state = row.split()[:3]
    assert (scope, state) == ("read", "active") and row.endswith("ci")

    settings = load_settings(overrides={"server": {"instance_dir": str(tmp_path), "secret_key": "test"}},
                             environ={})
    app = create_app(settings)
    client = app.test_client()
    assert client.get("/api/v1/documents", headers=_bearer(token)).status_code == 200
    assert client.post("/api/v1/documents", headers=_bearer(token)).status_code == 403

    revoked = _docflow(tmp_path, "token", "revoke", token_id)
    assert revoked.returncode == 0, revoked.stderr
    assert client.get("/api/v1/documents", headers=_bearer(token)).status_code == 401
    assert "revoked" in _docflow(tmp_path, "token", "list", "siti").stdout
    assert _docflow(tmp_path, "token", "revoke", "999").returncode == 1
    assert _docflow(tmp_path, "user", "unlock", "siti").returncode == 0
    app.extensions["docflow"].close()


def test_old_tokens_keep_their_full_reach(db, make_user):
    """Tokens issued before scopes existed (and create_token's default) may do all their owner may."""
    from docflow.auth.operations import create_token, list_tokens

    user = make_user()
    create_token(db, user)
    [row] = list_tokens(db, user)
    assert row.scope == TokenScope.ADMIN and row.expires_at is None


@pytest.mark.parametrize("body", [{"scope": {}}, {"scope": ["read"]}, {"name": {"x": 1}}, {"expires_in_days": 1.5},
                                  {"expires_in_days": True}, {"expires_in_days": {}}])
def test_a_token_request_of_the_wrong_types_is_refused_naming_the_field(client, make_user, token_for, body):
    """Does a scope, name or lifetime of the wrong JSON type get a 400 naming it (the fuzz test found a 500)?"""
    response = client.post("/api/v1/tokens", json=body, headers=token_for(make_user()))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["errors"][0]["field"] == next(iter(body))
