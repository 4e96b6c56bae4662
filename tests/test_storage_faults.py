"""Faults a city's server meets: the object store down during uploads, a full disk. The person gets a clear
answer within seconds, and nothing is half-saved (no row without its file, no partial file)."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.s3server import running_moto_server


def _row_counts(db) -> dict[str, int]:
    from docflow.audit.models import AuditEvent
    from docflow.documents.models import Document, Version
    from docflow.outbox.models import OutboxJob

    db.expire_all()
    return {model.__name__: db.scalar(select(func.count()).select_from(model))
            for model in (Document, Version, OutboxJob, AuditEvent)}


def _client(svc):
    from docflow import create_app

    application = create_app(svc)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    test_client = application.test_client()
    test_client.set_cookie("lang", "en")
    return test_client


# -- the object store down ---------------------------------------------------------------------------


@pytest.fixture
def own_moto() -> Iterator[tuple]:
    """A moto S3 server of this test's own, to stop and kill."""
    with running_moto_server() as running:
        yield running


def _s3_services(make_services, server):
    return make_services(storage={
        "backend": "minio", "endpoint": server.endpoint, "access_key": server.access_key,
        "secret_key": server.secret_key, "bucket": f"docflow-{uuid.uuid4().hex[:12]}", "secure": False})


def _refused_quickly(client, headers, db, title: str) -> None:
    before = _row_counts(db)
    started = time.monotonic()
    response = upload(client, headers, make_pdf(title), title=title)
    took = time.monotonic() - started
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["errors"][0]["reason"] == (
        "the document store is unavailable; nothing was saved, please try again")
    assert took < 10, f"the refusal took {took:.1f} s"
    assert _row_counts(db) == before


@pytest.mark.slow
def test_an_object_store_that_hangs_or_dies_mid_session_refuses_uploads_within_seconds(
        own_moto, make_services, db, make_user, token_for):
    """When the S3 server stops answering, then dies, is each upload refused (503) within 10 s, nothing saved?"""
    server, process = own_moto
    svc = _s3_services(make_services, server)
    client = _client(svc)
    headers = token_for(make_user())
    assert upload(client, headers, make_pdf("Surat pertama"), title="Surat pertama").status_code == 201

    process.send_signal(signal.SIGSTOP)  # hung: connections are accepted, nothing is answered
    try:
        _refused_quickly(client, headers, db, "Surat saat server macet")
    finally:
        process.send_signal(signal.SIGCONT)

    process.kill()  # gone: connections are refused
    process.wait()
    _refused_quickly(client, headers, db, "Surat saat server mati")
    assert list(svc.spool_dir.iterdir()) == []


# -- a full disk -------------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (root only), unmounted after the test."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill the disk but for about `leave` bytes."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def _letter_of(size: int) -> bytes:
    line = b"Laporan realisasi anggaran belanja daerah triwulan ketiga.\n"
    return (line * (size // len(line) + 1))[:size]


def test_a_full_object_store_disk_refuses_the_upload_with_507_and_keeps_nothing(tiny_disk, make_services, db,
                                                                                 make_user, token_for):
    """With the objects' disk full, is the upload refused (507, saying so) with no row and no partial file?"""
    svc = make_services(storage={"path": str(tiny_disk / "objects")})
    client = _client(svc)
    headers = token_for(make_user())
    _fill(tiny_disk, leave=64 * 1024)
    before = _row_counts(db)

    response = upload(client, headers, _letter_of(300 * 1024), filename="laporan.txt", title="Laporan")

    assert response.status_code == 507, response.get_json()
    assert response.get_json()["errors"][0]["reason"].startswith("the document store is full; nothing was saved")
    assert _row_counts(db) == before
    assert list(svc.store.iter_objects()) == []
    assert list((tiny_disk / "objects" / "tmp").iterdir()) == []
    assert list(svc.spool_dir.iterdir()) == []


def test_a_full_spool_disk_refuses_the_upload_with_507_in_indonesian(tiny_disk, tmp_path, make_services, db,
                                                                      make_user, login):
    """With the instance's disk full, does the form say so in Indonesian, keeping nothing?"""
    svc = make_services(server={"instance_dir": str(tiny_disk)}, storage={"path": str(tmp_path / "objects")})
    client = _client(svc)
    user = make_user()
    login(user, client)
    client.set_cookie("lang", "id")
    _fill(tiny_disk, leave=64 * 1024)
    before = _row_counts(db)

    response = client.post("/documents/new", data={
        "title": "Laporan", "doc_type": "nota_dinas", "classification_code": "000",
        "file": (__import__("io").BytesIO(_letter_of(300 * 1024)), "laporan.txt")},
        content_type="multipart/form-data")

    assert response.status_code == 507
    html = response.get_data(as_text=True)
    assert "disk server penuh; tidak ada yang disimpan" in html
    assert _row_counts(db) == before
    assert list(svc.store.iter_objects()) == []
    assert list(svc.spool_dir.iterdir()) == []
