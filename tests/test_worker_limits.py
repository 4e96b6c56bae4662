"""The worker's bounds: index commits limited by bytes, indexed text capped per document, queues by
job kind, and finished jobs pruned after their retention."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from docflow.db import utcnow
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import EXTRACT_VERSION, INDEX_DOCUMENT, NOTIFY, OCR_VERSION, SEND_LETTER, enqueue_job
from docflow.outbox.worker import Worker, kinds_of_queues
from tests.conftest import make_settings, upload

CAP = 20_000
PLACES = ["sungai", "jembatan", "stadion", "sekolah", "taman", "terminal", "bendungan", "perpustakaan", "museum",
          "pelabuhan"]
FILLER = "surat dinas pemerintah kota tentang pelaksanaan kegiatan pelayanan publik "


@pytest.fixture
def settings(tmp_path):
    # 0.1 MB a commit: four documents of CAP characters (and their bookkeeping) fit, a fifth does not.
    return make_settings(tmp_path, index={"max_text_chars": CAP, "batch_max_mb": 0.1})


def _long_text(n: int) -> bytes:
    head = f"Nota dinas nomor {n}. Perihal kalibrasi timbangan pasar. "
    body = FILLER * (60_000 // len(FILLER))
    assert len(head + body) > CAP
    return (head + body + " Lampiran transmigrasi penduduk.").encode()


def test_large_texts_are_indexed_in_bounded_commits_with_the_text_capped(
        client, db, services, make_user, token_for, monkeypatch, caplog):
    """Do ten long texts go into commits of at most batch_max_mb, each text cut at max_text_chars,
    and is each document still found by its title and the start of its text?"""
    headers = token_for(make_user())
    ids = [upload(client, headers, _long_text(n), filename=f"nota-{n}.txt", title=f"Nota timbangan {PLACES[n]}").get_json()["id"]
           for n in range(10)]
    assert Worker(services, kinds={EXTRACT_VERSION}).run_pending() == 10
    waiting = db.scalars(select(OutboxJob.kind).where(OutboxJob.state == JobState.PENDING)).all()
    assert waiting and set(waiting) == {INDEX_DOCUMENT}  # the extract-only worker left them

    commits: list[int] = []
    real_writer = services.index.writer

    @contextmanager
    def counting_writer():
        with real_writer() as batch:
            yield batch
            commits.append(len(batch))

    monkeypatch.setattr(services.index, "writer", counting_writer)
    with caplog.at_level(logging.WARNING, logger="docflow.search.indexing"):
        Worker(services, kinds={INDEX_DOCUMENT}).run_pending()
    assert commits == [4, 4, 2]
    assert sum("truncated to the first 20000" in r.getMessage() for r in caplog.records) == 10
    assert set(db.scalars(select(OutboxJob.state))) == {JobState.DONE}

    def found(q: str) -> set[int]:
        return {r["id"] for r in client.get(f"/api/v1/search?q={q}&per_page=50", headers=headers).get_json()["results"]}

    assert found("timbangan") == set(ids)  # the title and the text's start
    assert found("kalibrasi") == set(ids)
    assert found("transmigrasi") == set()  # past the cap
    assert found("pelabuhan") == {ids[9]}


def test_a_short_text_is_indexed_whole(client, services, make_user, token_for, run_worker):
    headers = token_for(make_user())
    doc_id = upload(client, headers, b"Undangan rapat kalibrasi. Lampiran transmigrasi.", filename="u.txt",
                    title="Undangan").get_json()["id"]
    run_worker()
    body = client.get("/api/v1/search?q=transmigrasi", headers=headers).get_json()
    assert [r["id"] for r in body["results"]] == [doc_id]


def test_finished_jobs_are_pruned_after_the_retention_period(services, db):
    """Are done jobs older than worker.finished_retention_days deleted, and dead or waiting ones kept?"""
    retention = services.settings.worker.finished_retention_days
    old = utcnow() - timedelta(days=retention, hours=1)
    recent = utcnow() - timedelta(days=retention) + timedelta(hours=1)
    jobs = {}
    for name, state, finished in [("old_done", JobState.DONE, old), ("recent_done", JobState.DONE, recent),
                                  ("old_dead", JobState.DEAD, old), ("waiting", JobState.PENDING, None)]:
        job = enqueue_job(db, NOTIFY, document_id=1)
        job.state, job.finished_at = state, finished
        jobs[name] = job.id
    db.commit()
    assert Worker(services).prune_finished() == 1
    left = set(db.scalars(select(OutboxJob.id)))
    assert left == {jobs["recent_done"], jobs["old_dead"], jobs["waiting"]}


def test_a_worker_takes_only_its_queues(services, db):
    enqueue_job(db, NOTIFY, document_id=123456)
    enqueue_job(db, INDEX_DOCUMENT, document_id=123456)
    db.commit()
    assert Worker(services, kinds=kinds_of_queues(["extract"])).run_pending() == 0
    assert Worker(services, kinds=kinds_of_queues(["mail"])).run_pending() == 1
    kinds = dict(db.execute(select(OutboxJob.kind, OutboxJob.state)).all())
    assert kinds == {NOTIFY: JobState.DONE, INDEX_DOCUMENT: JobState.PENDING}
    assert Worker(services).run_pending() == 1


def test_queue_names():
    # The mail queue carries notices and the signed letters e-mailed to external addressees.
    assert kinds_of_queues(["extract", "ocr", "index", "mail"]) == {EXTRACT_VERSION, OCR_VERSION, INDEX_DOCUMENT, NOTIFY,
                                                                    SEND_LETTER}
    with pytest.raises(ValueError, match="unknown queue printing; the queues are extract, ocr, index, mail"):
        kinds_of_queues(["mail", "printing"])


def test_worker_command_refuses_an_unknown_queue():
    from docflow.cli import cli

    result = CliRunner().invoke(cli, ["worker", "--queues", "extract,printing", "--once"])
    assert result.exit_code == 2
    assert "unknown queue printing" in result.output


def test_scans_go_to_the_ocr_queue_and_text_layers_do_not(client, db, services, make_user, token_for, tmp_path):
    """Does an extract-only worker read a text file at once, and leave a scan pending for an OCR worker?"""
    from docflow.documents.models import Version
    from tests.extraction.builders import scan_image, write_image

    headers = token_for(make_user())
    scan = write_image(tmp_path / "pindai.png", scan_image(["Surat penugasan kepada Kepala Dinas",
                                                            "untuk menghadiri rapat koordinasi kearsipan"]), "PNG")
    scanned = upload(client, headers, scan.read_bytes(), filename="pindai.png", title="Pindaian").get_json()["id"]
    typed = upload(client, headers, b"Undangan rapat koordinasi anggaran.", filename="u.txt",
                   title="Undangan").get_json()["id"]
    assert Worker(services, kinds=kinds_of_queues(["extract"])).run_pending() == 2

    def status(document_id: int) -> str:
        version = db.scalars(select(Version).where(Version.document_id == document_id)).one()
        db.refresh(version)
        return version.extraction_status

    assert (status(typed), status(scanned)) == ("ok", "pending")
    [ocr_job] = db.scalars(select(OutboxJob).where(OutboxJob.kind == OCR_VERSION)).all()
    assert ocr_job.state == JobState.PENDING
    assert Worker(services, kinds=kinds_of_queues(["ocr"])).run_pending() == 1
    assert status(scanned) == "ok"
    version = db.scalars(select(Version).where(Version.document_id == scanned)).one()
    assert version.ocr is True and "penugasan" in version.text.lower()
    Worker(services, kinds=kinds_of_queues(["index"])).run_pending()
    found = client.get("/api/v1/search?q=kearsipan", headers=headers).get_json()["results"]
    assert [r["id"] for r in found] == [scanned]


def test_with_ocr_off_a_scan_is_recorded_empty_without_an_ocr_job(client, db, make_services, make_user, token_for,
                                                                  tmp_path):
    from docflow.documents.models import Version
    from tests.extraction.builders import scan_image, write_image

    services = make_services(extraction={"ocr": False})
    headers = token_for(make_user())
    scan = write_image(tmp_path / "pindai.png", scan_image(["Surat penugasan"]), "PNG")
    doc_id = upload(client, headers, scan.read_bytes(), filename="pindai.png", title="Pindaian").get_json()["id"]
    Worker(services).run_pending()
    assert db.scalars(select(OutboxJob).where(OutboxJob.kind == OCR_VERSION)).all() == []
    version = db.scalars(select(Version).where(Version.document_id == doc_id)).one()
    db.refresh(version)
    assert (version.extraction_status, version.ocr) == ("empty", False)
