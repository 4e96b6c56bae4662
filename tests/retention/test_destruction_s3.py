"""Destruction on the S3 backend (moto's server over the real protocol): the objects go only with the signed
berita acara, a file another letter still holds stays, and check tells destroyed from missing."""
from __future__ import annotations

import uuid

from docflow.fixity import check_all
from docflow.outbox.worker import Worker
from docflow.retention.operations import decide_batch, propose_batch
from tests.retention.helpers import MUCH_LATER, build_archives, context, filing, sign_through, signed_letter
from tests.workflow.helpers import build_office


def test_destruction_deletes_from_s3_only_after_the_signature(moto_server, make_services, db):
    services = make_services(storage={
        "backend": "minio", "endpoint": moto_server.endpoint, "access_key": moto_server.access_key,
        "secret_key": moto_server.secret_key, "bucket": f"docflow-{uuid.uuid4().hex[:12]}", "secure": False})
    office = build_office(db, "DISHUB")
    archives = build_archives(db)
    # Two letters with the same file: destroying one keeps the object the other still holds.
    doomed = signed_letter(db, services, office, title="Surat sama")
    twin = signed_letter(db, services, office, title="Surat sama")
    other = signed_letter(db, services, office, title="Surat lain")
    assert doomed.versions[0].storage_key == twin.versions[0].storage_key
    ctx = context(services, MUCH_LATER)
    batch = propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[doomed.id, other.id],
                          note="", ctx=ctx)
    decide_batch(db, actor=archives.second, batch_id=batch.id, action="review", ctx=ctx)
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    db.commit()
    worker = Worker(services)
    worker.run_pending()
    keys = {v.storage_key for d in (doomed, other) for v in d.versions}
    assert all(services.store.exists(k) for k in keys)
    sign_through(db, services, batch.berita_acara, archives.archivist, office, archives.office)
    db.commit()
    worker.run_pending()
    shared = doomed.versions[0].storage_key
    assert services.store.exists(shared)  # the twin letter still holds this file
    gone = keys - {shared}
    assert gone and not any(services.store.exists(k) for k in gone)
    problems = check_all(services)
    assert not [p for p in problems.problems if p.kind in ("missing-object", "orphan-object")], problems.problems
    assert problems.destroyed_versions == sum(len(d.versions) for d in (doomed, other))
