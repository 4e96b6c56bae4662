"""The public check of an uploaded copy cannot stall Docflow: no database lock while it runs, a size
limit, a time limit, few checks at once, and a genuine copy recognised by its hash alone."""
from __future__ import annotations

import io
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from docflow.errors import TooManyRequests
from docflow.signing.models import VerificationToken
from docflow.verify import checks
from docflow.verify.gate import UploadGate
from tests.conftest import make_settings
from tests.signing.helpers import PASSPHRASE, act, approved_letter, give_certificate, make_office, setup_ca, signed_file


class HeldCheck:
    """Wraps the signature check so that a test can hold an upload in the middle of it."""

    def __init__(self, real) -> None:
        self.real = real
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args, **kwargs):
        self.started.set()
        assert self.release.wait(30), "the test never released the check"
        return self.real(*args, **kwargs)


@pytest.fixture
def held(monkeypatch) -> Iterator[HeldCheck]:
    hold = HeldCheck(checks.inspect_pdf)
    monkeypatch.setattr(checks, "inspect_pdf", hold)
    yield hold
    hold.release.set()


def _sign(client, db, office, token_for) -> tuple[str, int]:
    letter = approved_letter(client, office, token_for)
    response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one()
    return token.token, letter.id


def _modified(data: bytes) -> bytes:
    # Bytes added after the signed range: still a readable PDF carrying our signature, whatever the
    # signing time made of the file's layout (a byte flipped at a fixed offset sometimes broke the
    # file's structure instead, and the verdict was "unknown").
    return data + b"\n% added after signing\n"


def _post(client, token: str, data: bytes, **kwargs):
    return client.post(f"/verify/{token}", data={"file": (io.BytesIO(data), "salinan.pdf")},
                       content_type="multipart/form-data", **kwargs)


def _in_thread(target) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def run() -> None:
        try:
            box["response"] = target()
        except BaseException as exc:  # surfaced by the test after join
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


# --- the database stays free (its own database, as a served instance has it) ----------------------


@pytest.fixture
def database_url(tmp_path: Path, backend: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'docflow.sqlite3'}"
        return
    from tests import pg

    with pg.postgres_database() as url:
        yield url


@pytest.fixture
def own_instance(tmp_path: Path, database_url: str):
    """An app on a database of its own (no test transaction around it), with a signed letter."""
    from docflow import create_app
    from docflow.auth.operations import create_token
    from docflow.migrate import upgrade
    from docflow.services import Services

    svc = Services.from_settings(make_settings(tmp_path, database={"url": database_url, "pool_size": 3}))
    upgrade(svc.db.engine)
    svc.store.ensure_ready()
    svc.index.ensure_ready()
    app = create_app(svc)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    db = svc.db.session()

    def token_for(user) -> dict[str, str]:
        token = create_token(db, user)
        db.commit()
        return {"Authorization": f"Bearer {token}"}

    office = make_office(db, "DISKOMINFO")
    setup_ca(db, svc)
    give_certificate(db, svc, office.head_user)
    client = app.test_client()
    token, document_id = _sign(client, db, office, token_for)
    data = signed_file(db, svc, document_id)
    db.close()
    try:
        yield app, svc, token, data
    finally:
        svc.close()


def _write_elsewhere(svc, database_url: str) -> None:
    """Write from another connection; on SQLite, fail at once if anyone holds the write lock."""
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # the write lock: "database is locked" if the upload held it
            other.execute("UPDATE users SET full_name = full_name")
            other.execute("COMMIT")
        finally:
            other.close()
        return
    from sqlalchemy import text

    with svc.db.engine.connect() as conn:
        # No connection of the app sits in an open transaction (holding locks and a pooled connection).
        idle = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"))
        assert idle == 0
        conn.execute(text("SET lock_timeout = '500ms'"))
        conn.execute(text("UPDATE users SET full_name = full_name"))
        conn.commit()


def test_database_and_health_answer_while_an_upload_is_checked(own_instance, database_url, held):
    """While a visitor's copy is being checked, can others write and does /readyz find the database at once?"""
    app, svc, token, data = own_instance
    thread, box = _in_thread(lambda: _post(app.test_client(), token, _modified(data)))
    try:
        assert held.started.wait(30), "the check did not start"
        _write_elsewhere(svc, database_url)
        started = time.monotonic()
        health = app.test_client().get("/readyz")  # not ready overall here: no worker runs
        assert health.get_json()["checks"]["database"] == "ok"
        assert time.monotonic() - started < 2
    finally:
        held.release.set()
        thread.join(30)
    assert "error" not in box, box.get("error")
    assert box["response"].status_code == 200
    assert 'data-verdict="modified"' in box["response"].get_data(as_text=True)


# --- on both backends, through the usual fixtures -------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, verify={"max_concurrent": 2, "max_concurrent_per_client": 1,
                                           "timeout_seconds": 20})


def test_too_many_uploads_at_once_are_refused_with_429(app, client, db, office, token_for, services, held):
    """With one check running per address and two in all, is the next upload told 429, when to retry, and why?"""
    token, document_id = _sign(client, db, office, token_for)
    data = signed_file(db, services, document_id)
    first, first_box = _in_thread(lambda: _post(app.test_client(), token, _modified(data),
                                                environ_base={"REMOTE_ADDR": "198.51.100.7"}))
    assert held.started.wait(30), "the first check did not start"
    same = _post(client, token, _modified(data), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert same.status_code == 429, same.get_data(as_text=True)
    assert same.headers["Retry-After"] == "20"
    assert "A file you sent is still being checked" in same.get_data(as_text=True)
    assert 'data-status="valid"' in same.get_data(as_text=True)  # the letter's facts are still shown
    # In the page's language: Bahasa Indonesia without the English choice.
    indonesian = _post(app.test_client(), token, _modified(data), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert indonesian.status_code == 429 and "masih diperiksa" in indonesian.get_data(as_text=True)

    held.started.clear()
    second, second_box = _in_thread(lambda: _post(app.test_client(), token, _modified(data),
                                                  environ_base={"REMOTE_ADDR": "203.0.113.9"}))
    assert held.started.wait(30), "the second check did not start"
    third = _post(client, token, _modified(data), environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert third.status_code == 429 and third.headers["Retry-After"] == "20", third.get_data(as_text=True)
    assert "Too many files are being checked right now" in third.get_data(as_text=True)
    # The rest of the service is not held up.
    assert client.get(f"/verify/{token}").status_code == 200

    held.release.set()
    for thread in (first, second):
        thread.join(30)
    for box in (first_box, second_box):
        assert "error" not in box, box.get("error")
        assert box["response"].status_code == 200, box["response"].get_data(as_text=True)
    # The places are free again.
    again = _post(client, token, _modified(data), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert again.status_code == 200 and 'data-verdict="modified"' in again.get_data(as_text=True), \
        again.get_data(as_text=True)


def test_genuine_copy_is_known_by_its_hash_without_the_slow_check(client, db, office, token_for, services,
                                                                  monkeypatch):
    """Is a byte-identical copy genuine at once, without validating its signature again?"""
    token, document_id = _sign(client, db, office, token_for)
    data = signed_file(db, services, document_id)

    def never(*_args, **_kwargs):
        raise AssertionError("a byte-identical copy needs no signature check")

    monkeypatch.setattr(checks, "inspect_pdf", never)
    response = _post(client, token, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-verdict="genuine"' in page and "matches the signed letter" in page


class TestLimits:
    @pytest.fixture
    def settings(self, tmp_path):
        return make_settings(tmp_path, verify={"max_size_mb": 0.05, "timeout_seconds": 0.001})

    def test_file_over_the_limit_is_refused_on_the_page(self, client, db, office, token_for, web_client):
        """Is a copy larger than verify.max_size_mb refused with the limit named, however it arrives?"""
        token, _document_id = _sign(client, db, office, token_for)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                         web_client.get(f"/verify/{token}").get_data(as_text=True)).group(1)
        limit = int(0.05 * 1024 * 1024)
        # Just over the limit: counted while it is received.
        # Far over it: refused from the announced length, before the form (and its CSRF token) is read.
        for body in (b"%PDF-1.4\n" + b"0" * (limit + 10), b"%PDF-1.4\n" + b"0" * (4 * limit)):
            response = web_client.post(f"/verify/{token}", data={"csrf_token": csrf,
                                                                  "file": (io.BytesIO(body), "salinan.pdf")},
                                       content_type="multipart/form-data")
            assert response.status_code == 413, response.get_data(as_text=True)
            page = response.get_data(as_text=True)
            assert "larger than the limit of 0.05 MB" in page and 'data-status="valid"' in page
        unknown = web_client.post("/verify/" + "x" * 32, data={"csrf_token": csrf,
                                                               "file": (io.BytesIO(b"0" * (4 * limit)), "x.pdf")},
                                  content_type="multipart/form-data")
        assert unknown.status_code == 404

    def test_check_past_its_time_limit_says_so(self, client, db, office, token_for, services):
        """Does a check that outlasts verify.timeout_seconds end with 'could not be checked' instead of a stall?"""
        token, document_id = _sign(client, db, office, token_for)
        started = time.monotonic()
        response = _post(client, token, _modified(signed_file(db, services, document_id)))
        assert time.monotonic() - started < 10
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'data-verdict="unknown"' in page and "Not checked: checking this file took longer than allowed" in page


# --- the gate itself --------------------------------------------------------------------------------


def test_gate_counts_per_client_and_in_all_and_frees_places_on_errors():
    gate = UploadGate(total=2, per_client=1, retry_after=15)
    with gate.admit("a"):
        with pytest.raises(TooManyRequests) as same:
            with gate.admit("a"):
                pass
        assert same.value.retry_after == 15 and same.value.status == 429
        with gate.admit("b"):
            assert gate.running == 2
            with pytest.raises(TooManyRequests, match="Too many files"):
                with gate.admit("c"):
                    pass
        with pytest.raises(RuntimeError):
            with gate.admit("c"):
                raise RuntimeError("the check failed")
        assert gate.running == 1
    assert gate.running == 0
    with gate.admit("a"), gate.admit("c"):
        assert gate.running == 2
