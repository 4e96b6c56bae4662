"""The worker extracts and indexes after commit; search finds what a user may read, in any word form."""
from __future__ import annotations

from sqlalchemy import select

from docflow.documents.models import Version
from docflow.outbox.models import JobState, OutboxJob
from tests.conftest import upload
from tests.fixtures import make_docx, make_pdf

LETTER = ("Nota Dinas Nomor 000.8.3.3/15/DISKOMINFO/2026\n"
          "Dengan hormat, bersama ini kami sampaikan penugasan pegawai\n"
          "untuk mengikuti pelatihan kearsipan di Balai Kota.")


def test_worker_extracts_then_indexes_and_search_finds_inflected_word(client, db, make_user, token_for, run_worker):
    user = make_user()
    headers = token_for(user)
    doc_id = upload(client, headers, make_pdf(LETTER), title="Penugasan pelatihan").get_json()["id"]
    assert client.get("/api/v1/search?q=ditugaskan", headers=headers).get_json()["total"] == 0
    assert run_worker() == 2  # extract, then index
    version = db.scalars(select(Version).where(Version.document_id == doc_id)).one()
    db.refresh(version)
    assert version.extraction_status == "ok"
    assert version.page_count == 1
    assert "penugasan pegawai" in version.text
    body = client.get("/api/v1/search?q=ditugaskan", headers=headers).get_json()
    assert body["total"] == 1
    [hit] = body["results"]
    assert hit["id"] == doc_id
    assert hit["title"] == "Penugasan pelatihan"
    assert any("<mark>" in f for f in hit["fragments"]) or "<mark>" in hit["title_html"]
    assert client.get("/api/v1/search?q=arsip", headers=headers).get_json()["total"] == 1
    jobs = db.scalars(select(OutboxJob.state)).all()
    assert set(jobs) == {JobState.DONE}


def test_search_never_counts_documents_of_another_unit(client, make_user, make_unit, token_for, run_worker):
    owner = make_user()
    stranger = make_user(unit=make_unit())
    upload(client, token_for(owner), make_pdf(LETTER), title="Penugasan")
    run_worker()
    body = client.get("/api/v1/search?q=penugasan&facets=1", headers=token_for(stranger)).get_json()
    assert body["total"] == 0
    assert body["results"] == []
    assert all(sum(v.values()) == 0 for v in body["facets"].values())


def test_docx_text_is_searchable(client, make_user, token_for, run_worker):
    headers = token_for(make_user())
    upload(client, headers, make_docx("Undangan rapat koordinasi tindak lanjut disposisi"), filename="u.docx",
           title="Undangan rapat", doc_type="surat_undangan")
    run_worker()
    body = client.get("/api/v1/search?q=disposisi&type=surat_undangan", headers=headers).get_json()
    assert body["total"] == 1
    assert client.get("/api/v1/search?q=disposisi&type=nota_dinas", headers=headers).get_json()["total"] == 0


def test_encrypted_pdf_is_recorded_and_still_downloadable(client, db, make_user, token_for, run_worker):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf("rahasia"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="kunci-rahasia", owner_password="pemilik")
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    headers = token_for(make_user())
    doc_id = upload(client, headers, data, title="Terkunci").get_json()["id"]
    run_worker()
    version = client.get(f"/api/v1/documents/{doc_id}", headers=headers).get_json()["versions"][0]
    assert version["extraction_status"] == "encrypted"
    assert version["encrypted"] is True
    assert client.get(f"/api/v1/documents/{doc_id}/content", headers=headers).data == data


def test_broken_pdf_fails_cleanly_and_stays_downloadable(client, make_user, token_for, run_worker):
    headers = token_for(make_user())
    broken = make_pdf("utuh")[:300]
    doc_id = upload(client, headers, broken, title="Rusak").get_json()["id"]
    run_worker()
    version = client.get(f"/api/v1/documents/{doc_id}", headers=headers).get_json()["versions"][0]
    assert version["extraction_status"].split(":")[0] in {"failed", "empty"}
    assert client.get(f"/api/v1/documents/{doc_id}/content", headers=headers).data == broken
    # The document is still found by its title even though its text could not be read.
    assert client.get("/api/v1/search?q=rusak", headers=headers).get_json()["total"] == 1


def test_bad_query_syntax_is_a_400_on_q(client, make_user, token_for):
    response = client.get('/api/v1/search?q="unclosed', headers=token_for(make_user()))
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.get_json()["errors"][0]["field"] == "q"
    response = client.get("/api/v1/search?q=a&sort=sideways", headers=token_for(make_user()))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "sort"


def test_missing_object_is_recorded_as_failed_not_retried_forever(client, db, services, make_user, token_for,
                                                                  run_worker):
    headers = token_for(make_user())
    doc_id = upload(client, headers, make_pdf("hilang"), title="Hilang").get_json()["id"]
    key = db.scalar(select(Version.storage_key).where(Version.document_id == doc_id))
    services.store.delete(key)
    run_worker()
    status = client.get(f"/api/v1/documents/{doc_id}", headers=headers).get_json()["versions"][0]["extraction_status"]
    assert status.startswith("failed: stored object missing")


def test_retry_with_backoff_then_dead(services, db, make_user):
    """A job that keeps failing is retried later, then parked as dead for `check` to report."""
    from docflow.outbox.operations import enqueue_job
    from docflow.outbox.worker import Worker

    enqueue_job(db, "no_such_kind")
    db.commit()
    worker = Worker(services)
    assert worker.run_pending() == 1
    job = db.scalars(select(OutboxJob)).one()
    db.refresh(job)
    assert job.state == JobState.PENDING
    assert job.attempts == 1
    assert job.run_after > job.created_at
    assert "no handler" in job.last_error
    for _ in range(services.settings.worker.max_attempts - 1):
        job.run_after = job.created_at
        db.commit()
        worker.run_pending()
        db.refresh(job)
    assert job.state == JobState.DEAD


def test_the_worker_merges_large_index_segments_in_the_background_and_stop_cancels(services, monkeypatch):
    """Large segments are merged beside the loop (search_index.whoosh_engine.merging); a stopping worker drops the merge."""
    from docflow.outbox.worker import Worker
    from search_index.whoosh_engine import merging
    from tests.search_index.factories import make_document

    monkeypatch.setattr(merging, "SMALL_SEGMENT_DOCS", 3)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 2)
    index = services.index
    for start in (1, 5):
        with index.writer() as batch:
            for doc_id in range(start, start + 4):
                batch.upsert(make_document(doc_id))
    assert index.wants_merge()
    worker = Worker(services)
    worker._maybe_merge()
    assert worker._merging is not None
    worker._merging.join(120)
    assert not index.wants_merge() and index.doc_count() == 8

    for start in (11, 15):
        with index.writer() as batch:
            for doc_id in range(start, start + 4):
                batch.upsert(make_document(doc_id))
    assert index.wants_merge()
    worker.stop()
    worker._next_merge_check = 0.0
    worker._maybe_merge()
    worker._merging.join(120)
    assert index.wants_merge() and index.doc_count() == 16


def test_a_failing_merge_is_tried_again_later_and_later(services, monkeypatch):
    """A merge that fails (disk full, ...) is not restarted every few seconds: the wait doubles, to an hour."""
    import time

    from docflow.outbox import worker as worker_module

    def full_disk(**_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.index, "wants_merge", lambda: True)
    monkeypatch.setattr(services.index, "merge_segments", full_disk)
    worker = worker_module.Worker(services)
    waits = []
    for _ in range(8):
        worker._next_merge_check = 0.0
        worker._maybe_merge()
        worker._merging.join(30)
        waits.append(round(worker._next_merge_check - time.monotonic()))
    assert waits[:3] == [60, 120, 240] and waits[-1] == 3600
