"""A corrupt stored file: re-uploading it repairs it (and the trail says so); downloads never pass it off
as the letter, and once known it is refused with a page that says whom to ask."""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.documents.models import DamagedObject, Version
from storage import IntegrityError, sha256_from_key
from tests.conftest import upload
from tests.fixtures import make_pdf


@dataclass
class Instance:
    """An app on one storage backend, with a backdoor to damage stored objects."""

    services: Any
    client: Any

    def overwrite(self, key: str, data: bytes) -> None:
        store = self.services.store
        if hasattr(store, "path_for"):
            path = store.path_for(key)
            path.chmod(0o644)
            path.write_bytes(data)
            path.chmod(0o444)
        else:  # S3: keep the metadata that claims the right hash, as a silent bit flip would
            raw = store._client  # noqa: SLF001 - the test damages the object behind the store's back
            raw.put_object(store.bucket, key, io.BytesIO(data), len(data), metadata={"sha256": sha256_from_key(key)})


@pytest.fixture(params=["filesystem", "s3"])
def instance(request, services, make_services, app) -> Instance:
    """The application on the filesystem store or on moto's S3 server."""
    from docflow import create_app

    if request.param == "filesystem":
        client = app.test_client()
        client.set_cookie("lang", "en")
        return Instance(services, client)
    server = request.getfixturevalue("moto_server")
    svc = make_services(storage={
        "backend": "minio", "endpoint": server.endpoint, "access_key": server.access_key,
        "secret_key": server.secret_key, "bucket": f"docflow-{uuid.uuid4().hex[:12]}", "secure": False})
    application = create_app(svc)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = application.test_client()
    client.set_cookie("lang", "en")
    return Instance(svc, client)


def _key(db, document_id: int) -> str:
    return db.scalar(select(Version.storage_key).where(Version.document_id == document_id))


def _version_id(db, document_id: int) -> int:
    return db.scalar(select(Version.id).where(Version.document_id == document_id))


def _flip_first_byte(data: bytes) -> bytes:
    return bytes([data[0] ^ 0xFF]) + data[1:]


def test_uploading_the_same_file_again_repairs_a_corrupt_copy(instance, db, make_user, token_for):
    """When the stored copy of a letter rotted, does a new upload of the same file mend it for both letters?"""
    client = instance.client
    headers = token_for(make_user())
    pdf = make_pdf("Undangan rapat koordinasi kearsipan")
    first = upload(client, headers, pdf, title="Undangan rapat").get_json()["id"]
    key = _key(db, first)
    damaged = _flip_first_byte(pdf)  # same size: only the hash tells
    instance.overwrite(key, damaged)

    second = upload(client, headers, pdf, title="Undangan rapat (salinan)")

    assert second.status_code == 201, second.get_json()
    for document_id in (first, second.get_json()["id"]):
        assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).get_data() == pdf
    assert instance.services.store.verify(key).size == len(pdf)
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "repair_file")).all()
    assert event.document_id == first
    assert event.file_sha256 == sha256_from_key(key)
    assert event.comment == f"{len(damaged)} bytes, sha256 {__import__('hashlib').sha256(damaged).hexdigest()}"


def test_a_corrupt_download_is_cut_short_recorded_and_then_refused(instance, db, make_user, token_for,
                                                                    monkeypatch):
    """Does a download of a corrupt copy stop before its last bytes, and the next one refuse with a reason?"""
    client = instance.client
    headers = token_for(make_user())
    # Several chunks of the download, in a body under the 500 KB at which the test client spools to disk.
    monkeypatch.setattr("docflow.documents.download._CHUNK", 64 * 1024)
    text = b"Surat edaran tentang tata naskah dinas elektronik.\n" * 8_000
    document_id = upload(client, headers, text, filename="edaran.txt").get_json()["id"]
    key = _key(db, document_id)
    instance.overwrite(key, _flip_first_byte(text))

    response = client.get(f"/api/v1/documents/{document_id}/content", headers=headers)
    assert response.status_code == 200  # the damage only shows once every byte has been hashed
    received = bytearray()
    with pytest.raises(IntegrityError):
        for chunk in response.response:
            received += chunk
    response.close()
    assert 0 < len(received) < len(text)  # the last chunk is held back: the client sees a broken download
    db.expire_all()
    assert db.get(DamagedObject, key).found_by == "download"

    refused = client.get(f"/api/v1/documents/{document_id}/content", headers=headers)
    assert refused.status_code == 500
    assert refused.get_json()["errors"][0]["reason"].startswith(
        "the stored file of this version is damaged and cannot be downloaded; ask an administrator to repair it")

    # The drafter (or anyone) uploads the original again: the copy is mended and served once more.
    assert upload(client, headers, text, filename="edaran.txt").status_code == 201
    db.expire_all()
    assert db.get(DamagedObject, key) is None
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).get_data() == text


def test_the_refusal_page_tells_an_indonesian_reader_to_ask_for_a_repair(client, db, services, make_user,
                                                                          token_for, login):
    """Does the page for a known-damaged file say, in Indonesian, that an administrator must repair it?"""
    from docflow.fixity import check_all

    user = make_user()
    pdf = make_pdf("Nota dinas pengadaan")
    document_id = upload(client, token_for(user), pdf, title="Nota dinas").get_json()["id"]
    key = _key(db, document_id)
    path = services.store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(_flip_first_byte(pdf))
    assert [p.kind for p in check_all(services).problems if p.kind == "corrupt-object"] == ["corrupt-object"]
    assert db.get(DamagedObject, key).found_by == "check"

    login(user)
    client.set_cookie("lang", "id")
    page = client.get(f"/documents/{document_id}/download")

    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "rusak" in html and "administrator" in html
    assert "cannot be downloaded" not in html


def test_check_forgets_the_damage_of_a_restored_file(client, db, services, make_user, token_for):
    """Once an operator restores the right bytes from a backup, does check lift the refusal?"""
    from docflow.fixity import check_all

    headers = token_for(make_user())
    pdf = make_pdf("Laporan bulanan")
    document_id = upload(client, headers, pdf, title="Laporan").get_json()["id"]
    key = _key(db, document_id)
    path = services.store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(_flip_first_byte(pdf))
    check_all(services)
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).status_code == 500

    path.write_bytes(pdf)  # restored from a backup
    check_all(services)

    db.expire_all()
    assert db.get(DamagedObject, key) is None
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).get_data() == pdf


def test_the_worker_records_a_corrupt_object_it_cannot_extract(client, db, services, make_user, token_for,
                                                               run_worker):
    """Does extraction that meets a corrupt copy mark it damaged, so downloads refuse it?"""
    headers = token_for(make_user())
    pdf = make_pdf("Surat tugas")
    document_id = upload(client, headers, pdf, title="Surat tugas").get_json()["id"]
    key = _key(db, document_id)
    path = services.store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(pdf[:-10])

    run_worker()

    db.expire_all()
    assert db.get(DamagedObject, key).found_by == "worker"
    assert db.get(Version, _version_id(db, document_id)).extraction_status == "failed"
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).status_code == 500

    # The same file uploaded again mends the copy, and its text is read after all.
    assert upload(client, headers, pdf, title="Surat tugas (unggah ulang)").status_code == 201
    run_worker()
    db.expire_all()
    version = db.get(Version, _version_id(db, document_id))
    assert (version.extraction_status, version.extraction_reason) == ("ok", None)
    assert "Surat tugas" in version.text


def test_a_browser_sees_a_broken_download_not_a_wrong_file(app, services, db, make_user, token_for, monkeypatch):
    """Over real HTTP (waitress), does a corrupt copy end the connection short of its Content-Length?"""
    import http.client
    import threading

    from waitress.server import create_server

    monkeypatch.setattr("docflow.documents.download._CHUNK", 64 * 1024)
    headers = token_for(make_user())
    text = b"Keputusan wali kota tentang tim koordinasi kearsipan.\n" * 8_000
    client = app.test_client()
    document_id = upload(client, headers, text, filename="keputusan.txt").get_json()["id"]
    key = _key(db, document_id)
    path = services.store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(_flip_first_byte(text))

    server = create_server(app, host="127.0.0.1", port=0, threads=1)
    stop = threading.Event()

    def serve() -> None:
        # Loop in short rounds and close in this test's thread after the loop ends: closing the
        # server while its own loop polls races with the poll (EBADF in the server's thread).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
    try:
        connection.request("GET", f"/api/v1/documents/{document_id}/content", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(text)
        with pytest.raises(http.client.IncompleteRead) as broken:
            response.read()
    finally:
        connection.close()
        stop.set()
        thread.join(timeout=10)
        server.close()
        server.task_dispatcher.shutdown()
    assert 0 < len(broken.value.partial) < len(text)
    db.expire_all()
    assert db.get(DamagedObject, key).found_by == "download"
