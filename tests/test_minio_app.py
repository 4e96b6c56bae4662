"""The application on the MinIO backend (moto's S3 server over the real protocol): upload, extract,
search, download and check, exactly as on the filesystem."""
from __future__ import annotations

import io
import uuid

from minio import Minio

from tests.conftest import upload
from tests.fixtures import make_pdf


def test_upload_search_download_and_check_on_s3(moto_server, make_services, db, make_user):
    from docflow import create_app
    from docflow.auth.operations import create_token
    from docflow.fixity import check_all
    from docflow.outbox.worker import Worker

    bucket = f"docflow-{uuid.uuid4().hex[:12]}"
    services = make_services(storage={
        "backend": "minio", "endpoint": moto_server.endpoint, "access_key": moto_server.access_key,
        "secret_key": moto_server.secret_key, "bucket": bucket, "secure": False})
    client = create_app(services).test_client()
    user = make_user()
    headers = {"Authorization": f"Bearer {create_token(db, user)}"}
    db.commit()
    pdf = make_pdf("Laporan pelaksanaan kegiatan kearsipan")
    doc_id = upload(client, headers, pdf, title="Laporan kegiatan").get_json()["id"]
    Worker(services).run_pending()
    assert client.get("/api/v1/search?q=dilaksanakan", headers=headers).get_json()["total"] == 1
    assert client.get(f"/api/v1/documents/{doc_id}/content", headers=headers).data == pdf
    assert check_all(services).problems == []
    # Overwrite the object behind Docflow's back: check names the corruption.
    [info] = list(services.store.iter_objects())
    raw = Minio(moto_server.endpoint, moto_server.access_key, moto_server.secret_key, secure=False)
    tampered = pdf.replace(b"%PDF", b"%PDX", 1)
    raw.put_object(bucket, info.key, io.BytesIO(tampered), len(tampered))
    kinds = [(p.kind, p.subject.split(" (")[0]) for p in check_all(services).problems]
    assert kinds == [("corrupt-object", f"document {doc_id} version 1")]
