"""Intake by e-mail against a real Dovecot on loopback: messages become pending registrations, nothing is lost."""
from __future__ import annotations

import logging
import os
from email.message import EmailMessage

import pytest
from sqlalchemy import select, text

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role
from docflow.incoming.intake import ROUND_LOCK_CLASS
from docflow.incoming.intake_models import IntakeSource, PendingRegistration
from docflow.incoming.models import IncomingLetter
from docflow.incoming.poll import poll_sources
from docflow.incoming.sources import IntakeSources, MailboxSource
from tests.fixtures import make_pdf
from tests.imapserver import PASSWORD, running_dovecot
from tests.workflow.helpers import build_office

pytestmark = pytest.mark.slow

USER = "tu.diskominfo"


@pytest.fixture
def dovecot():
    with running_dovecot([USER]) as server:
        yield server


@pytest.fixture
def office(db):
    o = build_office(db, "DISKOMINFO")
    db.commit()
    return o


def _source(server, **extra) -> IntakeSources:
    values = {"name": "diskominfo", "unit": "DISKOMINFO", "host": server.host, "port": server.port,
              "username": USER, "password": PASSWORD, "security": "none", **extra}
    return IntakeSources(mailboxes=(MailboxSource(**values),))


def _message(subject="Undangan rapat koordinasi", sender="Kementerian Dalam Negeri <tu@kemendagri.go.id>",
             attachments=(("undangan.pdf", None, "application", "pdf"),), message_id=None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "tu@diskominfo.kota.go.id"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 07 Dec 2026 09:30:00 +0700"
    msg["Message-ID"] = message_id or f"<{abs(hash((subject, sender)))}@kemendagri.go.id>"
    msg.set_content("Terlampir surat kami.")
    for name, data, main, sub in attachments:
        body = data if data is not None else make_pdf(f"{subject}\nNomor 005/123/SJ")
        msg.add_attachment(body, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


def _rows(db):
    db.expire_all()
    return db.scalars(select(PendingRegistration).order_by(PendingRegistration.id)).all()


def test_a_message_with_a_pdf_becomes_a_pending_registration_and_is_registered(
        dovecot, office, services, db, client, token_for, run_worker):
    """Does a mailed letter wait, prefilled, on the clerk's list, and become a letter with its text read?"""
    dovecot.deliver(USER, _message())
    rounds = poll_sources(services, _source(dovecot))
    assert rounds["mail:diskominfo"].taken == 1 and rounds["mail:diskominfo"].error is None
    (row,) = _rows(db)
    assert (row.state, row.sender, row.sender_address, row.subject, row.filename, row.mime_type) == (
        "pending", "Kementerian Dalam Negeri", "tu@kemendagri.go.id", "Undangan rapat koordinasi", "undangan.pdf",
        "application/pdf")
    assert services.store.exists(row.file_key) and services.store.exists(row.original_key)
    # Marked in the mailbox only after the commit, and not taken twice.
    assert "$DocflowTaken" in dovecot.flags(USER)[1] and "\\Seen" in dovecot.flags(USER)[1]
    assert poll_sources(services, _source(dovecot))["mail:diskominfo"].taken == 0
    assert len(_rows(db)) == 1

    clerk = token_for(office.clerk)
    listed = client.get("/api/v1/pending-registrations", headers=clerk).get_json()
    assert listed["total"] == 1
    item = listed["results"][0]
    # Received: the day the mailbox got it (its IMAP internal date), as the city counts days.
    assert item["prefilled"] == {"sender": "Kementerian Dalam Negeri", "subject": "Undangan rapat koordinasi",
                                 "received_on": services.today().isoformat()}
    # Someone of another role, or another unit, does not see it.
    assert client.get("/api/v1/pending-registrations", headers=token_for(office.head_user)).status_code == 403

    r = client.post(f"/api/v1/pending-registrations/{row.id}/register", headers=clerk,
                    json={"sender_number": "005/123/SJ", "sender_date": "2026-12-01", "addressees": [office.head.id],
                          "subject": "Undangan rapat koordinasi pimpinan"})
    assert r.status_code == 201, r.get_json()
    letter = r.get_json()
    assert letter["agenda_number"] == 1 and letter["subject"] == "Undangan rapat koordinasi pimpinan"
    assert letter["sender"] == "Kementerian Dalam Negeri"
    assert client.get("/api/v1/pending-registrations", headers=clerk).get_json()["total"] == 0
    again = client.post(f"/api/v1/pending-registrations/{row.id}/register", headers=clerk,
                        json={"sender_number": "005/123/SJ", "sender_date": "2026-12-01",
                              "addressees": [office.head.id]})
    assert again.status_code == 409
    run_worker()
    stored = db.get(IncomingLetter, letter["id"])
    db.refresh(stored.document.versions[0])
    assert "005/123/SJ" in (stored.document.versions[0].text or "")
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.document_id == stored.document_id)).all()[-1] == \
        "register_pending"


def test_unreadable_messages_are_kept_and_listed_with_the_reason(dovecot, office, services, db, client, token_for):
    """A broken PDF, a file that is no letter, a message without a file: each kept, listed as failed, with why."""
    dovecot.deliver(USER, _message("Surat rusak", attachments=[("rusak.pdf", b"%PDF-1.4\n garbage", "application",
                                                                  "pdf")]))
    dovecot.deliver(USER, _message("Program", attachments=[("setup.zip", b"PK\x03\x04" + b"\0" * 200, "application",
                                                             "zip")]))
    dovecot.deliver(USER, _message("Tanpa lampiran", attachments=[]))
    result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert (result.taken, result.failed) == (0, 3)
    rows = _rows(db)
    assert [r.state for r in rows] == ["failed"] * 3
    assert all(services.store.exists(r.original_key) for r in rows)  # the whole message is kept
    clerk = token_for(office.clerk)
    listed = client.get("/api/v1/pending-registrations", headers=clerk).get_json()["results"]
    reasons = {i["subject"]: i["reason"] for i in listed}
    assert "cannot be read" in reasons["Surat rusak"] and "rusak.pdf" in reasons["Surat rusak"]
    assert "setup.zip" in reasons["Program"] and "not accepted" in reasons["Program"]
    assert reasons["Tanpa lampiran"] == "the message has no attached file"
    # Failed intakes cannot be registered, only discarded with a reason (audited); the original can be read.
    failed = rows[0]
    assert client.post(f"/api/v1/pending-registrations/{failed.id}/register", headers=clerk,
                       json={"sender_number": "1", "sender_date": "2026-12-01",
                             "addressees": [office.head.id]}).status_code == 400
    assert client.post(f"/api/v1/pending-registrations/{failed.id}/discard", headers=clerk,
                       json={}).status_code == 400
    r = client.post(f"/api/v1/pending-registrations/{failed.id}/discard", headers=clerk,
                    json={"reason": "Pengirim diminta mengirim ulang"})
    assert r.status_code == 200 and r.get_json()["state"] == "discarded"
    comment = db.scalars(select(AuditEvent.comment).where(AuditEvent.action == "discard_pending")).one()
    assert "Pengirim diminta mengirim ulang" in comment


def test_a_huge_message_stays_in_the_mailbox_and_is_listed(dovecot, office, make_services, db):
    """Is a message above the limit left in the mailbox, not fetched, and listed as failed?"""
    services = make_services(intake={"max_message_mb": 0.05})
    dovecot.deliver(USER, _message("Peta besar", attachments=[("peta.pdf", None, "application", "pdf"),
                                                               ("peta.tif", os.urandom(100_000), "image", "tiff")]))
    result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert result.failed == 1
    (row,) = _rows(db)
    assert row.state == "failed" and row.original_key is None and row.subject == "Peta besar"
    assert "stays in the mailbox" in row.reason
    assert list(dovecot.flags(USER)) == [1]  # still there


def test_a_second_delivery_of_the_same_message_is_not_taken_twice(dovecot, office, services, db):
    message = _message(message_id="<dup-1@kemendagri.go.id>")
    dovecot.deliver(USER, message)
    dovecot.deliver(USER, message)
    result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert (result.taken, result.duplicates) == (1, 1)
    assert len(_rows(db)) == 1
    assert all("$DocflowTaken" in flags for flags in dovecot.flags(USER).values())


def test_a_crash_between_commit_and_marking_takes_nothing_twice(dovecot, office, services, db):
    """After a crash that left the message unmarked, is it found already taken instead of taken again?"""
    dovecot.deliver(USER, _message())
    poll_sources(services, _source(dovecot))
    conn = dovecot.client(USER)  # undo the mark, as if the worker died right after its commit
    conn.select("INBOX")
    conn.uid("STORE", "1", "-FLAGS", "(\\Seen $DocflowTaken)")
    conn.logout()
    assert "$DocflowTaken" not in dovecot.flags(USER)[1]
    result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert (result.taken, result.duplicates) == (0, 1)
    assert len(_rows(db)) == 1 and "$DocflowTaken" in dovecot.flags(USER)[1]


def test_a_mailbox_that_is_down_is_logged_recorded_and_read_later(dovecot, office, services, db, caplog, client):
    """Mailbox down: a clear error in the log and in /metrics; once it is back, its messages come in."""
    dovecot.deliver(USER, _message())
    dovecot.stop()
    with caplog.at_level(logging.ERROR, logger="docflow.incoming.mailbox"):
        result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert result.error and "ConnectionRefusedError" in result.error
    assert any("diskominfo" in r.getMessage() and "unavailable" in r.getMessage() for r in caplog.records)
    source = db.scalars(select(IntakeSource)).one()
    assert source.consecutive_failures == 1 and source.last_ok_at is None
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'docflow_intake_source_up{source="mail:diskominfo"} 0.0' in metrics
    assert poll_sources(services, _source(dovecot, password="wrong"))["mail:diskominfo"].error
    dovecot.start()
    wrong = poll_sources(services, _source(dovecot, password="wrong"))["mail:diskominfo"]
    assert "AUTHENTICATIONFAILED" in wrong.error or "failed" in wrong.error.lower()
    assert _rows(db) == []
    result = poll_sources(services, _source(dovecot))["mail:diskominfo"]
    assert result.error is None and result.taken == 1
    db.expire_all()
    assert db.scalars(select(IntakeSource)).one().consecutive_failures == 0
    assert 'docflow_intake_source_up{source="mail:diskominfo"} 1.0' in client.get("/metrics").get_data(as_text=True)


def test_starttls_checks_the_server_certificate(office, services, db):
    """STARTTLS with the server's CA file reads the mailbox; without it, the unknown certificate is refused."""
    with running_dovecot([USER], tls=True) as server:
        server.deliver(USER, _message())
        refused = poll_sources(services, _source(server, security="starttls"))["mail:diskominfo"]
        assert refused.error and "CERTIFICATE_VERIFY_FAILED" in refused.error
        ok = poll_sources(services, _source(server, security="starttls", ca_file=str(server.cert_file)))
        assert ok["mail:diskominfo"].error is None and ok["mail:diskominfo"].taken == 1


def test_a_refused_attachment_is_shown_in_indonesian(dovecot, office, services, app, db, login, token_for,
                                                     make_user):
    """Is the upload refusal inside an intake failure shown in the reader's language (API and page), not kept as
    the English text it was stored with, for one refused file and for several?"""
    zip_file = ("setup.zip", b"PK\x03\x04" + b"\0" * 200, "application", "zip")
    broken = ("rusak.pdf", b"%PDF-1.4\n garbage", "application", "pdf")
    dovecot.deliver(USER, _message("Program", attachments=[zip_file]))
    dovecot.deliver(USER, _message("Dua lampiran", attachments=[zip_file, broken]))
    assert poll_sources(services, _source(dovecot))["mail:diskominfo"].failed == 2
    client = app.test_client()  # no language cookie: the request's Accept-Language decides
    listed = client.get("/api/v1/pending-registrations", headers={**token_for(office.clerk),
                                                                   "Accept-Language": "id"}).get_json()["results"]
    reasons = {i["subject"]: i["reason"] for i in listed}
    assert reasons["Program"].startswith("setup.zip: berkas ini berjenis ")
    assert "yang tidak diterima" in reasons["Program"] and "not accepted" not in reasons["Program"]
    several = reasons["Dua lampiran"]
    assert several.startswith("tidak ada lampiran yang dapat diterima: setup.zip: berkas ini berjenis "), several
    assert "rusak.pdf: PDF rusak.pdf tidak dapat dibaca" in several
    assert "not accepted" not in several and "cannot be read" not in several
    # The page shows the same, and English to an English reader (a clerk of the unit who logs in).
    clerk = make_user("tu2-diskominfo", roles=(Role.RECORDS_CLERK,), unit=office.unit)
    client.set_cookie("lang", "id")
    login(clerk, client)
    page = client.get("/incoming/pending").get_data(as_text=True)
    assert "yang tidak diterima" in page and "not accepted" not in page
    client.set_cookie("lang", "en")
    page = client.get("/incoming/pending").get_data(as_text=True)
    assert "which is not accepted" in page and "rusak.pdf: the PDF rusak.pdf cannot be read" in page


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_second_worker_skips_a_mailbox_another_is_reading(dovecot, office, services, db, backend):
    """On PostgreSQL, while one worker holds a mailbox's round (its advisory lock, on a connection of its own),
    does a second skip that mailbox, touching nothing, and take the message once the first is done?"""
    from docflow.incoming.intake import source_round
    from docflow.incoming.poll import SKIPPED

    dovecot.deliver(USER, _message())
    sources = _source(dovecot)
    with source_round(services.db, "mail:diskominfo") as first:
        assert first is True
        with source_round(services.db, "mail:diskominfo") as second, \
                source_round(services.db, "folder:diskominfo") as other_source:
            assert (second, other_source) == (False, True)  # per source, on another connection
        assert poll_sources(services, sources) == {"mail:diskominfo": SKIPPED}
        assert _rows(db) == [] and "$DocflowTaken" not in dovecot.flags(USER)[1]
        assert db.scalars(select(IntakeSource)).all() == []  # its health is the other worker's to record
    result = poll_sources(services, sources)["mail:diskominfo"]
    assert result.taken == 1 and len(_rows(db)) == 1 and "$DocflowTaken" in dovecot.flags(USER)[1]
    # Released: nobody holds it any more.
    with services.db.engine.connect() as conn:
        held = conn.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :c"),
                           {"c": ROUND_LOCK_CLASS})
    assert held == 0


@pytest.mark.parametrize("backend", ["sqlite"])
def test_on_sqlite_every_round_is_the_worker_s(services, backend):
    """SQLite has one writer at a time: the round lock always lets the worker in."""
    from docflow.incoming.intake import source_round

    with source_round(services.db, "mail:x") as first, source_round(services.db, "mail:x") as second:
        assert (first, second) == (True, True)
