"""`check` names every object that is missing or corrupt, every orphan, and index drift."""
from __future__ import annotations

import io
import os
from datetime import timedelta

from sqlalchemy import select

from docflow.documents.models import Version
from docflow.fixity import check_all, find_orphans, sweep_orphans
from tests.conftest import upload
from tests.fixtures import make_pdf


def _keys(db, ids):
    return {i: db.scalar(select(Version.storage_key).where(Version.document_id == i)) for i in ids}


def test_check_reports_corrupt_and_missing_objects(client, db, services, make_user, token_for, run_worker):
    headers = token_for(make_user())
    ids = [upload(client, headers, make_pdf(f"surat {n}"), title=f"Surat {n}").get_json()["id"] for n in range(3)]
    run_worker()
    assert check_all(services).problems == []
    keys = _keys(db, ids)
    # Corrupt one object in place (one byte flipped) and delete another, behind Docflow's back.
    path = services.settings.instance_file(services.settings.storage.path) / keys[ids[0]]
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    services.store.delete(keys[ids[1]])
    problems = check_all(services).problems
    kinds = {(p.kind, p.subject.split(" (")[0]) for p in problems}
    assert ("corrupt-object", f"document {ids[0]} version 1") in kinds
    assert ("missing-object", f"document {ids[1]} version 1") in kinds
    assert len(problems) == 2


def test_orphans_are_listed_and_swept_only_after_the_grace_period(services):
    info = services.store.put(io.BytesIO(b"nobody claims me"))
    assert find_orphans(services) == [info.key]
    assert find_orphans(services, older_than=timedelta(hours=1)) == []
    assert sweep_orphans(services) == []  # younger than the 24 h grace period
    assert services.store.exists(info.key)
    # An old orphan (mtime in the past) is reported by check and removed by the sweep.
    path = services.settings.instance_file(services.settings.storage.path) / info.key
    old = path.stat().st_mtime - 2 * 24 * 3600
    os.utime(path, (old, old))
    assert [p.kind for p in check_all(services).problems] == ["orphan-object"]
    assert sweep_orphans(services) == [info.key]
    assert not services.store.exists(info.key)


def test_check_compares_index_with_database(client, db, services, make_user, token_for, run_worker):
    headers = token_for(make_user())
    doc_id = upload(client, headers, make_pdf("indeks"), title="Indeks").get_json()["id"]
    run_worker()
    assert check_all(services).problems == []
    with services.index.writer() as batch:
        batch.delete(doc_id)
    problems = check_all(services).problems
    assert [(p.kind, p.subject) for p in problems] == [("not-indexed", f"document {doc_id}")]


def test_check_names_an_edited_audit_record(client, db, services, make_unit, make_user, token_for):
    from sqlalchemy import text

    from tests.workflow_factories import make_office

    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = upload(client, headers, make_pdf("a"), title="Audit").get_json()
    body = client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]},
                       headers=headers).get_json()
    client.post(f"/api/v1/documents/{doc['id']}/actions/withdraw", json={"revision": body["revision"]},
                headers=headers)
    assert [p for p in check_all(services).problems if p.kind == "audit-chain"] == []
    first = db.execute(text("SELECT min(id) FROM audit_events")).scalar()
    db.execute(text("UPDATE audit_events SET comment = 'disetujui' WHERE id = :id"), {"id": first})
    db.commit()
    problems = [p for p in check_all(services).problems if p.kind == "audit-chain"]
    assert [p.subject for p in problems] == [f"audit record {first}"]
    assert "edited" in problems[0].detail
