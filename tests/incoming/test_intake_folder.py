"""Intake from a scanner's folder, and the clerk's "to register" pages."""
from __future__ import annotations

import os
import re
import time

import pytest
from sqlalchemy import select

from docflow.incoming.intake_models import PendingRegistration
from docflow.incoming.poll import poll_sources
from docflow.incoming.queries import pending_count_for
from docflow.incoming.sources import FolderSource, IntakeSources, parse_sources
from docflow.config import ConfigError
from tests.fixtures import make_pdf
from tests.workflow_factories import make_office


@pytest.fixture
def office(db, make_unit, make_user):
    return make_office(db, make_unit, make_user, "DISKOMINFO")


def _aged(path, seconds=60):
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_scanned_files_become_pending_and_unreadable_ones_are_kept(tmp_path, office, services, db, client, login):
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "surat-001.pdf").write_bytes(make_pdf("Undangan\nNomor 005/1/SJ"))
    (scans / "rusak.pdf").write_bytes(b"%PDF-1.4\nnot really")
    (scans / "masih-ditulis.pdf").write_bytes(make_pdf("baru"))
    (scans / ".hidden").write_bytes(b"x")
    for name in ("surat-001.pdf", "rusak.pdf"):
        _aged(scans / name)
    sources = IntakeSources(folders=(FolderSource(name="scanner-tu", unit="DISKOMINFO", path=scans),))
    result = poll_sources(services, sources)["folder:scanner-tu"]
    assert (result.taken, result.failed, result.error) == (1, 1, None)
    rows = {r.filename: r for r in db.scalars(select(PendingRegistration))}
    assert rows["surat-001.pdf"].state == "pending" and rows["rusak.pdf"].state == "failed"
    assert services.store.exists(rows["rusak.pdf"].original_key)  # kept, not dropped
    # Moved aside only after the commit; the file still being written waits for the next round.
    assert sorted(p.name for p in scans.iterdir()) == [".hidden", "failed", "masih-ditulis.pdf", "taken"]
    assert (scans / "taken" / "surat-001.pdf").exists() and (scans / "failed" / "rusak.pdf").exists()
    assert pending_count_for(db, office.clerk) == 2 and pending_count_for(db, office.head_user) == 0

    # The same scan dropped in again after a crash (file back, row committed) is not taken twice.
    os.replace(scans / "taken" / "surat-001.pdf", scans / "surat-001.pdf")
    _aged(scans / "surat-001.pdf")
    assert poll_sources(services, sources)["folder:scanner-tu"].taken == 0
    assert db.scalar(select(PendingRegistration.id).where(PendingRegistration.filename == "surat-001.pdf")) \
        == rows["surat-001.pdf"].id

    # The clerk's page lists both, the failed one with its reason; registering from the prefilled form.
    login(office.clerk)
    # Her start page lists both under "To register", the unreadable one saying so; the head's does not.
    start = client.get("/").get_data(as_text=True)
    to_register = start[start.index("To register"):]
    assert "surat-001.pdf" in to_register and "rusak.pdf" in to_register and "could not be read" in to_register
    page = client.get("/incoming/pending").get_data(as_text=True)
    assert "surat-001.pdf" in page and "cannot be read" in page
    form = client.get(f"/incoming/pending/{rows['surat-001.pdf'].id}").get_data(as_text=True)
    assert 'type="file"' not in form and "surat-001.pdf" in form
    r = client.post(f"/incoming/pending/{rows['surat-001.pdf'].id}", data={
        "sender": "Kementerian Dalam Negeri", "sender_number": "005/1/SJ", "sender_date": "2026-12-01",
        "subject": "Undangan", "addressees": [str(office.head.id)], "classification_code": "000"})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert re.search(r"/incoming/\d+$", r.headers["Location"])
    r = client.post(f"/incoming/pending/{rows['rusak.pdf'].id}/discard", data={"reason": "Dipindai ulang"})
    assert r.status_code == 302
    assert pending_count_for(db, office.clerk) == 0


def test_a_folder_that_is_missing_is_reported_not_fatal(tmp_path, office, services):
    sources = IntakeSources(folders=(FolderSource(name="scanner", unit="DISKOMINFO", path=tmp_path / "nope"),))
    result = poll_sources(services, sources)["folder:scanner"]
    assert result.error and "nope" in result.error


def test_the_sources_file_is_checked_and_reads_secrets(tmp_path):
    secret = tmp_path / "mail.secret"
    secret.write_text("s3cret\n")
    sources = parse_sources({"mailbox": [{"name": "tu", "unit": "DISKOMINFO", "host": "imap.kota.go.id",
                                          "username": "tu", "password_file": "mail.secret"},
                                         {"name": "setda", "unit": "SETDA", "host": "imap.kota.go.id",
                                          "security": "starttls", "username": "umum", "password_env": "PW"}],
                             "folder": [{"name": "scan", "unit": "DISKOMINFO", "path": "scans"}]},
                            base=tmp_path, origin="intake.toml", environ={"PW": "dari-env"})
    tu, setda = sources.mailboxes
    assert (tu.password, tu.port, tu.security) == ("s3cret", 993, "tls")
    assert (setda.password, setda.port) == ("dari-env", 143)
    assert sources.folders[0].path == tmp_path / "scans"
    with pytest.raises(ConfigError, match="password_env"):
        parse_sources({"mailbox": [{"name": "x", "unit": "U", "host": "h", "username": "u", "password_env": "NO"}]},
                      base=tmp_path, origin="intake.toml", environ={})
    with pytest.raises(ConfigError, match="security"):
        parse_sources({"mailbox": [{"name": "x", "unit": "U", "host": "h", "username": "u", "password": "p",
                                    "security": "ssl3"}]}, base=tmp_path, origin="intake.toml", environ={})


def test_the_worker_reads_the_configured_sources(tmp_path, office, make_services, db):
    """Does the worker's round read intake.sources_file and take in a scanner's file?"""
    from docflow.outbox.worker import Worker

    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "surat.pdf").write_bytes(make_pdf("Surat"))
    _aged(scans / "surat.pdf")
    sources = tmp_path / "intake.toml"
    sources.write_text(f'[[folder]]\nname = "scanner"\nunit = "DISKOMINFO"\npath = "{scans}"\n')
    services = make_services(intake={"sources_file": str(sources)})
    Worker(services)._maybe_take_in()
    assert [r.filename for r in db.scalars(select(PendingRegistration))] == ["surat.pdf"]
    assert (scans / "taken" / "surat.pdf").exists()


def test_an_intake_s_file_is_sent_alike_to_the_page_and_the_api(tmp_path, office, services, db, app, client, login,
                                                                  token_for):
    """Do the page and the API send an intake's file (and what arrived) with the same bytes and the same headers:
    an attachment under its own name that no browser runs, never cached; and refuse an unreadable intake's file?"""
    scans = tmp_path / "scans"
    scans.mkdir()
    pdf = make_pdf("Undangan\nNomor 005/9/SJ")
    (scans / "surat rapat é.pdf").write_bytes(pdf)
    (scans / "rusak.pdf").write_bytes(b"%PDF-1.4\nnot really")
    for name in ("surat rapat é.pdf", "rusak.pdf"):
        _aged(scans / name)
    sources = IntakeSources(folders=(FolderSource(name="scanner-tu", unit="DISKOMINFO", path=scans),))
    poll_sources(services, sources)
    rows = {r.filename: r for r in db.scalars(select(PendingRegistration))}
    good, bad = rows["surat rapat é.pdf"], rows["rusak.pdf"]
    clerk = token_for(office.clerk)
    shown = client.get(f"/api/v1/pending-registrations/{good.id}", headers=clerk).get_json()
    assert shown["file_url"] == f"/api/v1/pending-registrations/{good.id}/file"
    login(office.clerk)
    headers = ("Content-Type", "Content-Disposition", "Content-Security-Policy", "X-Content-Type-Options",
               "Cache-Control")
    for which in ("file", "original"):
        page = client.get(f"/incoming/pending/{good.id}/{which}")
        api = client.get(f"/api/v1/pending-registrations/{good.id}/{which}", headers=clerk)
        assert page.status_code == api.status_code == 200
        assert page.data == api.data == pdf
        assert [page.headers.get(h) for h in headers] == [api.headers.get(h) for h in headers]
    assert api.headers["Content-Disposition"] == (
        "attachment; filename=\"surat rapat _.pdf\"; filename*=UTF-8''surat%20rapat%20%C3%A9.pdf")
    assert api.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert api.headers["Cache-Control"] == "private, no-store"
    # The unreadable scan has no file to register, only what arrived; someone else's unit gets 404, a head 403.
    listed = client.get(f"/api/v1/pending-registrations/{bad.id}", headers=clerk).get_json()
    assert listed["file_url"] is None and listed["original_url"].endswith("/original")
    assert client.get(f"/api/v1/pending-registrations/{bad.id}/file", headers=clerk).status_code == 404
    assert client.get(f"/api/v1/pending-registrations/{bad.id}/original", headers=clerk).status_code == 200
    assert client.get(f"/api/v1/pending-registrations/{good.id}/file",
                      headers=token_for(office.head_user)).status_code == 403
