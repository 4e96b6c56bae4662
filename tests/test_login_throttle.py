"""Login throttling slows a guesser without locking out a person who knows her password."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD

START = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)  # 08:00 in Jakarta


@pytest.fixture
def clock(services, monkeypatch):
    """The app's clock, moved by hand: clock.advance(seconds=31)."""

    class Clock:
        now = START

        def advance(self, **delta: float) -> None:
            self.now += timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(services, "now", lambda: c.now.astimezone(services.timezone))
    return c


def _login(client, username: str, password: str, address: str = "203.0.113.9", forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"username": username, "password": password}, headers=headers,
                       environ_base={"REMOTE_ADDR": address})


def _fail(client, username: str, times: int, **kwargs) -> None:
    for _ in range(times):
        response = _login(client, username, "not the password", **kwargs)
        assert response.status_code == 200, response.status_code
        assert "Wrong username or password." in response.get_data(as_text=True)


# -- the address of the client ---------------------------------------------------------------------

@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("203.0.113.9", ["198.51.100.1"], (), "203.0.113.9"),  # no proxy trusted: the header is ignored
    ("203.0.113.9", ["198.51.100.1"], ("10.0.0.0/8",), "203.0.113.9"),  # forged by an untrusted peer
    ("10.0.0.2", ["198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
    # The client wrote the first entry itself; the proxy appended what it saw.
    ("10.0.0.2", ["6.6.6.6, 198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
    ("10.0.0.2", ["6.6.6.6", "198.51.100.1, 10.0.0.7"], ("10.0.0.0/8",), "198.51.100.1"),  # two proxies
    ("10.0.0.2", [], ("10.0.0.0/8",), "10.0.0.2"),
    ("10.0.0.2", ["10.0.0.5"], ("10.0.0.0/8",), "10.0.0.5"),  # every hop trusted: the furthest one
    ("10.0.0.2", ["junk, 198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
    ("10.0.0.2", ["198.51.100.1, junk"], ("10.0.0.0/8",), "10.0.0.2"),
    ("::ffff:10.0.0.2", ["198.51.100.1"], ("10.0.0.2",), "198.51.100.1"),
    ("2001:db8::1", ["2001:db8:1::5"], ("2001:db8::/64",), "2001:db8:1::5"),
])
def test_forwarded_for_is_read_only_through_trusted_proxies(peer, forwarded, proxies, expected):
    from docflow.context import forwarded_client

    assert forwarded_client(peer, forwarded, proxies) == expected


def test_a_forged_forwarded_for_does_not_change_the_address(client, make_user, clock):
    """Can a guesser escape her pair's wait by writing a new X-Forwarded-For each time?"""
    user = make_user()
    for n in range(6):
        _fail(client, user.username, 1, forwarded=f"198.51.100.{n}")
    response = _login(client, user.username, PASSWORD, forwarded="198.51.100.200")
    assert response.status_code == 429


@pytest.fixture
def proxied_client(make_services):
    """A client of an app behind a trusted reverse proxy at 10.0.0.1."""
    from docflow import create_app

    app = create_app(make_services(server={"trusted_proxies": ["10.0.0.1"]}))
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    test_client = app.test_client()
    test_client.set_cookie("lang", "en")
    return test_client


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(proxied_client, make_user):
    """Does one office's guesser behind the city's proxy leave a colleague elsewhere able to log in?"""
    user = make_user()
    _fail(proxied_client, user.username, 6, address="10.0.0.1", forwarded="198.51.100.7")
    assert _login(proxied_client, user.username, PASSWORD, address="10.0.0.1",
                  forwarded="198.51.100.7").status_code == 429
    assert _login(proxied_client, user.username, PASSWORD, address="10.0.0.1",
                  forwarded="198.51.100.8").status_code == 302


def test_trusted_proxies_are_checked_and_read_from_the_environment(tmp_path):
    from docflow.config import ConfigError, load_settings

    settings = load_settings(environ={"DOCFLOW_SERVER__TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24"})
    assert settings.server.trusted_proxies == ("127.0.0.1", "10.0.0.0/24")
    with pytest.raises(ConfigError, match="server.trusted_proxies"):
        load_settings(environ={"DOCFLOW_SERVER__TRUSTED_PROXIES": "proxy.example"})


# -- waits per (username, address) ----------------------------------------------------------------

def test_five_wrong_passwords_then_the_right_one_logs_in(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 5)
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_after_six_failures_the_right_password_waits_then_succeeds(client, make_user, clock):
    """Is the wait told in the city's time, and does the right password pass once it is over?"""
    user = make_user()
    _fail(client, user.username, 6)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    # The sixth failure was at 08:00:00 in Jakarta; the next try may come 30 seconds later.
    assert "Too many failed attempts. Try again at 08:00:30 WIB." in response.get_data(as_text=True)
    clock.advance(seconds=29)
    assert _login(client, user.username, PASSWORD).status_code == 429
    clock.advance(seconds=1)
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_each_further_failure_doubles_the_wait_up_to_a_cap(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 6)
    for expected in (30, 60, 120, 240, 480, 900, 900):
        response = _login(client, user.username, PASSWORD)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == str(expected)
        clock.advance(seconds=expected)
        _fail(client, user.username, 1)


def test_the_wait_is_said_in_indonesian(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 6)
    client.set_cookie("lang", "id")
    html = _login(client, user.username, PASSWORD).get_data(as_text=True)
    assert "Terlalu banyak percobaan yang gagal. Coba lagi pukul 08:00:30 WIB." in html


def test_a_success_starts_the_pair_afresh(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 5)
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.post("/logout")
    _fail(client, user.username, 5)
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_a_guesser_elsewhere_does_not_lock_out_the_owner(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 6, address="198.51.100.66")
    assert _login(client, user.username, PASSWORD, address="198.51.100.66").status_code == 429
    assert _login(client, user.username, PASSWORD, address="203.0.113.9").status_code == 302


def test_a_wait_is_not_made_longer_by_trying_during_it(client, make_user, clock):
    user = make_user()
    _fail(client, user.username, 6)
    for _ in range(5):
        assert _login(client, user.username, "still wrong").status_code == 429
    clock.advance(seconds=30)
    assert _login(client, user.username, PASSWORD).status_code == 302


# -- many usernames from one address -----------------------------------------------------------------

def test_thirty_failures_with_made_up_names_do_not_lock_out_a_real_user(client, make_user, clock):
    user = make_user()
    for n in range(30):
        _fail(client, f"nobody{n}", 1)
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_a_spraying_address_slows_failed_pairs_but_never_a_clean_one(client, db, make_user, clock):
    """Past the address's limit, a pair that already failed waits; a person with a clean pair gets in."""
    from docflow.auth.operations import MAX_ADDRESS_FAILURES, record_login_attempt

    owner, typo = make_user(), make_user()
    for n in range(MAX_ADDRESS_FAILURES):
        record_login_attempt(db, f"sprayed{n}", "203.0.113.9", succeeded=False, at=clock.now - timedelta(minutes=5))
    db.commit()
    _fail(client, typo.username, 1)  # a clean pair: her password was checked
    response = _login(client, typo.username, PASSWORD)
    assert response.status_code == 429  # one failure, and the address is busy: she waits
    assert re.search(r"Try again at 08:10:00 WIB\.", response.get_data(as_text=True))
    assert _login(client, owner.username, PASSWORD).status_code == 302
    clock.advance(minutes=10)
    assert _login(client, typo.username, PASSWORD).status_code == 302


def test_an_unknown_name_and_a_known_one_are_refused_alike(client, make_user, clock):
    """Does the throttle tell which usernames exist? (Both wait alike after six failures.)"""
    user = make_user()
    _fail(client, user.username, 6)
    _fail(client, "nobody-here", 6)
    known = _login(client, user.username, "x")
    unknown = _login(client, "nobody-here", "x")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]


# -- unlocking ----------------------------------------------------------------------------------

def test_an_administrator_unlocks_a_person_in_the_browser(client, make_user, login, clock):
    from docflow.auth.models import Role

    user = make_user()
    _fail(client, user.username, 6)
    assert _login(client, user.username, PASSWORD).status_code == 429
    admin = make_user(roles=(Role.ADMIN,))
    other = client.application.test_client()
    other.set_cookie("lang", "en")
    login(admin, other)
    page = other.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Failed logins that count against this person: 6." in page
    response = other.post(f"/admin/users/{user.id}/unlock")
    assert response.status_code == 302
    assert "Failed logins that count against this person: 0." in other.get(f"/admin/users/{user.id}").get_data(
        as_text=True)
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.post("/logout")
    clock.advance(seconds=1)
    _fail(client, user.username, 2)
    assert "Failed logins that count against this person: 2." in other.get(f"/admin/users/{user.id}").get_data(
        as_text=True)  # those before her last login no longer count


def test_an_administrator_unlocks_a_person_through_the_api(client, make_user, token_for, clock):
    from docflow.auth.models import Role

    user = make_user()
    _fail(client, user.username, 6)
    headers = token_for(make_user(roles=(Role.ADMIN,)))
    assert client.post(f"/api/v1/admin/users/{user.id}/unlock", headers=headers).status_code == 204
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_only_administrators_unlock(client, make_user, token_for, clock):
    user = make_user()
    response = client.post(f"/api/v1/admin/users/{user.id}/unlock", headers=token_for(make_user()))
    assert response.status_code == 403


@pytest.fixture
def smtp():
    from tests.test_notifications import Inbox, _free_port
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_a_person_unlocks_herself_by_an_emailed_link(smtp, make_services, db, make_user, monkeypatch):
    """Through the outbox: ask on the page, the worker mails a link, the link works once."""
    from docflow import create_app
    from docflow.outbox.models import JobState, OutboxJob
    from docflow.outbox.worker import Worker

    controller, inbox = smtp
    services = make_services(mail={"host": "127.0.0.1", "port": controller.port, "sender": "docflow@kota.go.id"},
                             server={"public_url": "https://docflow.kota.go.id"})
    clock = [START]
    monkeypatch.setattr(services, "now", lambda: clock[0].astimezone(services.timezone))
    app = create_app(services)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.set_cookie("lang", "en")
    user = make_user()
    user.email = "siti@kota.go.id"
    db.commit()
    _fail(client, user.username, 6)
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Locked out? Get an unlock link by e-mail." in locked.get_data(as_text=True)

    for name in (user.username, "nobody-here"):  # the same answer for anyone
        response = client.post("/login/unlock", data={"username": name}, follow_redirects=True)
        assert "If this account has an e-mail address, a link to unlock it is on its way." in response.get_data(
            as_text=True)
    client.post("/login/unlock", data={"username": user.username})  # asked twice: one mail
    assert inbox.messages == []  # nothing leaves before the worker runs
    Worker(services).run_pending()
    [message] = inbox.messages
    assert message["To"] == f"{user.display_name} <siti@kota.go.id>"
    link = re.search(r"https://docflow\.kota\.go\.id(/login/unlock/\S+)", message.get_payload(decode=True).decode()).group(1)
    job = db.scalars(select(OutboxJob).where(OutboxJob.kind == "login_unlock_mail")).one()
    db.refresh(job)
    assert job.state == JobState.DONE and link.rsplit("/", 1)[1] not in str(job.payload)

    assert client.get(link).status_code == 200  # a page with a button: a link scanner unlocks nothing
    assert _login(client, user.username, PASSWORD).status_code == 429
    assert "Your account is unlocked." in client.post(link, follow_redirects=True).get_data(as_text=True)
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.post("/logout")
    clock[0] += timedelta(seconds=1)
    _fail(client, user.username, 6)
    used = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "This unlock link is invalid, used or expired." in used
    assert _login(client, user.username, PASSWORD).status_code == 429


def test_without_mail_the_page_sends_people_to_an_administrator(client, db, make_user, clock):
    from docflow.outbox.models import OutboxJob

    user = make_user()
    user.email = "siti@kota.go.id"
    db.commit()
    _fail(client, user.username, 6)
    html = _login(client, user.username, PASSWORD).get_data(as_text=True)
    assert "Locked out? An administrator can unlock your account." in html
    client.post("/login/unlock", data={"username": user.username})
    assert db.scalars(select(OutboxJob).where(OutboxJob.kind == "login_unlock_mail")).all() == []


def test_a_forged_unlock_link_unlocks_nothing(client, make_user, clock):
    from docflow.auth.operations import unlock_link_token

    user = make_user()
    _fail(client, user.username, 6)
    forged = unlock_link_token("another-secret", user)
    response = client.post(f"/login/unlock/{forged}", follow_redirects=True)
    assert "This unlock link is invalid, used or expired." in response.get_data(as_text=True)
    assert _login(client, user.username, PASSWORD).status_code == 429



# -- the real server behind a proxy ---------------------------------------------------------------------

def _post_login(base: str, username: str, password: str, forwarded: str) -> int:
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         NoRedirect())
    with opener.open(base + "/login", timeout=30) as page:
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": csrf}).encode()
    request = urllib.request.Request(base + "/login", data=data, headers={"X-Forwarded-For": forwarded})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_serve_reads_forwarded_for_from_a_trusted_proxy_only(tmp_path):
    """Under `serve` (waitress), behind a trusted proxy at 127.0.0.1, does each client count on its own?"""
    from tests.test_end_to_end import Instance

    instance = Instance(tmp_path)
    instance.cli("init")
    instance.cli("user", "create", "siti", "--role", "drafter", stdin=PASSWORD + "\n")
    instance.env["DOCFLOW_SERVER__TRUSTED_PROXIES"] = "127.0.0.1"
    instance.start("serve", "--host", "127.0.0.1", "--port", str(instance.port))
    try:
        instance.wait_ready()
        for _ in range(6):
            assert _post_login(instance.base, "siti", "wrong password", "198.51.100.7") == 200
        assert _post_login(instance.base, "siti", PASSWORD, "198.51.100.7") == 429
        assert _post_login(instance.base, "siti", PASSWORD, "198.51.100.8") == 302
    finally:
        instance.stop()
