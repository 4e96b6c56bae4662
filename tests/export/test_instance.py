"""Whole-instance export and import: into an empty instance, `check` passes, and a second export is byte-identical."""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from docflow.export.instance import CHECKSUMS, TransferRefused, export_instance, import_instance
from docflow.fixity import check_all
from tests import pg
from tests.conftest import make_settings, upload
from tests.fixtures import make_pdf
from tests.signing.helpers import PASSPHRASE, act, approved_letter, give_certificate, make_office, setup_ca


@pytest.fixture
def empty_instance(tmp_path: Path, backend: str):
    """Build a new, empty instance of the same database kind (its own database, store and index)."""
    from docflow.db import make_engine
    from docflow.migrate import upgrade
    from docflow.services import Services

    stack = ExitStack()
    made = []

    def factory(name: str = "target", **sections):
        if backend == "postgresql":
            url = stack.enter_context(pg.postgres_database())
        else:
            url = f"sqlite:///{tmp_path / name / 'docflow.sqlite3'}"
            (tmp_path / name).mkdir(parents=True, exist_ok=True)
        settings = make_settings(tmp_path / name, database={"url": url}, **sections)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        svc = Services.from_settings(settings)
        svc.store.ensure_ready()
        svc.index.ensure_ready()
        made.append(svc)
        return svc

    yield factory
    for svc in made:
        svc.close()
    stack.close()


def _populate(client, db, services, token_for, run_worker) -> tuple[int, dict[str, str]]:
    office = make_office(db, "DISKOMINFO")
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    letter = approved_letter(client, office, token_for)
    assert act(client, token_for(office.head_user), letter.id, "sign", letter.revision,
               passphrase=PASSPHRASE).status_code == 200
    drafter = token_for(office.drafter)
    for n in range(3):
        upload(client, drafter, make_pdf(f"Nota dinas penugasan kearsipan nomor {n}"), title=f"Nota {n}")
    run_worker()
    return letter.id, drafter


def test_export_import_round_trips_byte_for_byte(client, db, services, token_for, run_worker, tmp_path,
                                                  empty_instance):
    """Does an import into an empty instance pass `check`, find letters, and export to the same checksums?"""
    signed_id, drafter = _populate(client, db, services, token_for, run_worker)
    first = tmp_path / "export-a"
    report = export_instance(services, first)
    assert report.objects >= 5 and report.rows["documents"] == 4 and report.rows["audit_events"] >= 4
    settings = json.loads((first / "settings.json").read_text())
    assert "secret_key" not in settings["server"] and "ca_key_secret" not in settings["signing"]

    target = empty_instance()
    imported = import_instance(target, first)
    assert imported.indexed == 4 and imported.rows == report.rows and imported.notes == ()
    assert check_all(target).problems == []
    from docflow import create_app
    from docflow.documents.models import Document

    # The drafter's API token came along; the rebuilt index finds her letters in any word form.
    found = create_app(target).test_client().get("/api/v1/search?q=ditugaskan", headers=drafter).get_json()
    assert found["total"] == 4, found

    with target.db.session() as session:
        assert session.get(Document, signed_id).number.startswith("000.8.3.3/1/DISKOMINFO/")

    second = tmp_path / "export-b"
    export_instance(target, second)
    assert (second / CHECKSUMS).read_bytes() == (first / CHECKSUMS).read_bytes()
    assert len((first / CHECKSUMS).read_text().splitlines()) == len(report.rows) + report.objects

    # An instance with letters is not a target; an export with a changed byte is refused before any write.
    with pytest.raises(TransferRefused, match="not empty"):
        import_instance(target, first)
    table = first / "tables" / "documents.jsonl"
    table.write_bytes(table.read_bytes().replace(b"Nota 1", b"Nota 9"))
    with pytest.raises(TransferRefused, match="tables/documents.jsonl: its SHA-256 differs"):
        import_instance(empty_instance("other"), first)


def test_import_refuses_a_folder_that_is_no_export(services, tmp_path, empty_instance):
    """Is a folder without a manifest refused, naming it, and an export into a non-empty folder refused?"""
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "note.txt").write_text("bukan ekspor")
    with pytest.raises(TransferRefused, match="manifest.json cannot be read"):
        import_instance(empty_instance(), tmp_path / "x")
    with pytest.raises(TransferRefused, match="not empty"):
        export_instance(services, tmp_path / "x")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_round_trip_on_s3(moto_server, client, db, services, make_services, token_for, run_worker, tmp_path,
                          empty_instance):
    """Does the round trip hold when both instances keep their objects in S3 buckets (moto's server)?"""
    def s3(bucket: str) -> dict:
        return {"backend": "minio", "endpoint": moto_server.endpoint, "access_key": moto_server.access_key,
                "secret_key": moto_server.secret_key, "bucket": bucket, "secure": False}

    from docflow import create_app
    from docflow.outbox.worker import Worker

    source = make_services(storage=s3(f"src-{uuid.uuid4().hex[:10]}"))
    s3_client = create_app(source).test_client()
    s3_client.set_cookie("lang", "en")
    _populate(s3_client, db, source, token_for, Worker(source).run_pending)
    first = tmp_path / "export-a"
    report = export_instance(source, first)
    target = empty_instance(storage=s3(f"dst-{uuid.uuid4().hex[:10]}"))
    import_instance(target, first)
    assert check_all(target).problems == []
    assert len(list(target.store.iter_objects())) == report.objects
    export_instance(target, tmp_path / "export-b")
    assert (tmp_path / "export-b" / CHECKSUMS).read_bytes() == (first / CHECKSUMS).read_bytes()
