"""The documents API: upload, refusals that leave nothing behind, listing, download, versions."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from docflow.auth.models import Role
from docflow.documents.models import Document, Version
from docflow.outbox.models import OutboxJob
from tests.conftest import upload
from tests.fixtures import make_docx, make_pdf


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_upload_stores_bytes_and_answers_201_with_id(client, db, services, make_user, token_for):
    user = make_user()
    pdf = make_pdf("Nota dinas tentang penugasan pegawai")
    response = upload(client, token_for(user), pdf, title="Penugasan pegawai")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["title"] == "Penugasan pegawai"
    assert body["state"] == "draft"
    assert body["doc_type"] == "nota_dinas"
    assert body["security_class"] == "biasa"
    [version] = body["versions"]
    assert version["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert version["mime_type"] == "application/pdf"
    assert version["extraction_status"] == "pending"
    assert response.headers["Location"].endswith(f"/api/v1/documents/{body['id']}")
    row = db.get(Version, db.scalar(select(Version.id).where(Version.document_id == body["id"])))
    assert services.store.verify(row.storage_key).sha256 == version["sha256"]
    kinds = db.scalars(select(OutboxJob.kind)).all()
    assert kinds == ["extract_version"]


def test_type_is_decided_from_content_not_the_name(client, make_user, token_for):
    response = upload(client, token_for(make_user()), make_docx("Surat undangan rapat"), filename="surat.pdf")
    assert response.status_code == 201
    assert response.get_json()["versions"][0]["mime_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_refused_type_gets_415_and_leaves_nothing(client, db, services, make_user, token_for):
    response = upload(client, token_for(make_user()), b"<html><script>alert(1)</script></html>", filename="a.pdf")
    assert response.status_code == 415
    [error] = response.get_json()["errors"]
    assert error["field"] == "file"
    assert "not accepted" in error["reason"]
    assert _count(db, Document) == 0
    assert list(services.store.iter_objects()) == []
    assert list(services.spool_dir.iterdir()) == []


def test_too_large_gets_413_and_leaves_nothing(make_services, make_user, db, token_for):
    from docflow import create_app

    services = make_services(uploads={"max_size_mb": 0.01})
    client = create_app(services).test_client()
    user = make_user()
    big = make_pdf("x" * 100, *["halaman " * 200] * 40)
    assert len(big) > 0.01 * 1024 * 1024
    response = upload(client, token_for(user), big)
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["field"] == "file"
    assert list(services.store.iter_objects()) == []
    assert _count(db, Document) == 0


def test_missing_title_and_file_are_400_naming_the_fields(client, make_user, token_for):
    headers = token_for(make_user())
    response = client.post("/api/v1/documents", data={"title": "x"}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"field": "file", "reason": "a file is required"}]
    response = upload(client, headers, make_pdf("a"), title="", security_class="super")
    assert response.status_code == 400
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"title", "security_class"}


def test_empty_file_is_refused(client, make_user, token_for):
    response = upload(client, token_for(make_user()), b"")
    assert response.status_code == 400
    assert "empty" in response.get_json()["errors"][0]["reason"]


def test_api_needs_a_valid_token(client):
    assert client.get("/api/v1/documents").status_code == 401
    response = client.get("/api/v1/documents", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["errors"][0]["reason"] == "the API token is unknown, revoked or expired"


def test_download_returns_the_stored_bytes_as_attachment(client, make_user, token_for):
    headers = token_for(make_user())
    pdf = make_pdf("Isi surat")
    doc_id = upload(client, headers, pdf, filename="Surat Édaran.pdf").get_json()["id"]
    response = client.get(f"/api/v1/documents/{doc_id}/content", headers=headers)
    assert response.status_code == 200
    assert response.data == pdf
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Surat%20%C3%89daran.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_other_units_cannot_see_or_download(client, make_user, token_for, make_unit):
    owner = make_user()
    stranger = make_user(unit=make_unit())
    doc_id = upload(client, token_for(owner), make_pdf("rahasia kecil")).get_json()["id"]
    headers = token_for(stranger)
    assert client.get(f"/api/v1/documents/{doc_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{doc_id}/content", headers=headers).status_code == 404
    assert client.get("/api/v1/documents", headers=headers).get_json()["total"] == 0


def test_unit_colleague_reads_biasa_but_not_rahasia(client, make_user, token_for):
    owner = make_user()
    colleague = make_user(unit=owner.unit)
    open_id = upload(client, token_for(owner), make_pdf("a"), title="Biasa").get_json()["id"]
    secret_id = upload(client, token_for(owner), make_pdf("b"), title="Rahasia",
                       security_class="rahasia").get_json()["id"]
    listing = client.get("/api/v1/documents", headers=token_for(colleague)).get_json()
    assert [d["id"] for d in listing["results"]] == [open_id]
    assert client.get(f"/api/v1/documents/{secret_id}", headers=token_for(colleague)).status_code == 404


def test_new_version_by_drafter_with_revision_check(client, make_user, token_for):
    owner = make_user()
    headers = token_for(owner)
    created = upload(client, headers, make_pdf("versi satu")).get_json()
    doc_id = created["id"]
    data = {"file": (__import__("io").BytesIO(make_pdf("versi dua")), "v2.pdf"), "revision": str(created["revision"]),
            "comment": "perbaikan"}
    response = client.post(f"/api/v1/documents/{doc_id}/versions", data=data, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 2
    stale = {"file": (__import__("io").BytesIO(make_pdf("versi tiga")), "v3.pdf"), "revision": str(created["revision"])}
    response = client.post(f"/api/v1/documents/{doc_id}/versions", data=stale, headers=headers)
    assert response.status_code == 409
    assert "changed since you opened it" in response.get_json()["errors"][0]["reason"]
    versions = client.get(f"/api/v1/documents/{doc_id}/versions", headers=headers).get_json()["results"]
    assert [v["number"] for v in versions] == [1, 2]
    first = client.get(f"/api/v1/documents/{doc_id}/versions/1/content", headers=headers)
    assert first.data == make_pdf("versi satu")


def test_colleague_may_not_add_a_version(client, make_user, token_for):
    owner = make_user()
    colleague = make_user(unit=owner.unit, roles=(Role.DRAFTER,))
    doc_id = upload(client, token_for(owner), make_pdf("a")).get_json()["id"]
    data = {"file": (__import__("io").BytesIO(make_pdf("b")), "b.pdf")}
    response = client.post(f"/api/v1/documents/{doc_id}/versions", data=data, headers=token_for(colleague))
    assert response.status_code == 403


def test_dead_store_gets_503_and_nothing_is_recorded(make_services, db, make_user, token_for):
    """A MinIO store whose server is down: a clear 503, no row, no job."""
    import socket

    from docflow import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave the block: nobody listens there
    services = make_services(ready=False, storage={"backend": "minio", "endpoint": f"127.0.0.1:{port}",
                                                   "access_key": "k", "secret_key": "s", "secure": False})
    services.index.ensure_ready()
    client = create_app(services).test_client()
    response = upload(client, token_for(make_user()), make_pdf("a"))
    assert response.status_code == 503
    assert "nothing was saved" in response.get_json()["errors"][0]["reason"]
    assert _count(db, Document) == 0
    assert _count(db, OutboxJob) == 0


def test_upload_holds_no_transaction_while_its_file_is_stored(client, db, services, make_user, token_for,
                                                              monkeypatch):
    """Is the file received and stored between transactions, so other writers never wait for its fsyncs?"""
    from flask import g

    seen: list[bool] = []
    put = services.store.put

    def watching_put(*args, **kwargs):
        seen.append(g.db_session.in_transaction())
        return put(*args, **kwargs)

    monkeypatch.setattr(services.store, "put", watching_put)
    response = upload(client, token_for(make_user()), make_pdf("Nota dinas tentang kearsipan"), title="Kearsipan")
    assert response.status_code == 201, response.get_json()
    assert seen == [False]
    assert _count(db, Document) == 1
    assert db.scalars(select(OutboxJob.kind)).all() == ["extract_version"]


def test_upload_refused_by_its_checks_stores_nothing(client, db, services, make_user, token_for):
    """Does a refusal decided in the database (an unknown classification) come before the file is stored?"""
    response = upload(client, token_for(make_user()), make_pdf("Nota dinas"), classification_code="999.9")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "classification_code"
    assert _count(db, Document) == 0
    assert list(services.store.iter_objects()) == []
    assert list(services.spool_dir.iterdir()) == []
