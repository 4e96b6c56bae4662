"""The retention API and pages over HTTP, on the real day: letters signed years ago are due today."""
from __future__ import annotations

from datetime import datetime

import pytest

from docflow.documents.models import Custody
from docflow.fixity import check_all
from tests.incoming.helpers import register
from tests.retention.helpers import JAKARTA, build_archives, sign_through, signed_letter
from tests.workflow.helpers import build_office


@pytest.fixture
def world(db, services):
    """A Dinas whose letters were signed years ago, and the archives unit."""
    office = build_office(db, "DISHUB")
    archives = build_archives(db)
    db.commit()
    return office, archives


def _years_ago(services, years: int) -> datetime:
    return datetime(services.today().year - years, 3, 2, 9, 0, tzinfo=JAKARTA)


def test_a_letter_shows_its_retention(client, db, services, token_for, world):
    """Does GET /api/v1/documents/{id} carry the four retention names, counted from the year after signing?"""
    office, _ = world
    document = signed_letter(db, services, office, now=_years_ago(services, 3))
    db.commit()
    body = client.get(f"/api/v1/documents/{document.id}", headers=token_for(office.drafter)).get_json()
    year = services.today().year
    assert body["retention"]["active_until"] == f"{year - 1}-12-31"
    assert body["retention"]["inactive_until"] == f"{year + 2}-12-31"
    assert (body["retention"]["final_fate"], body["retention"]["status"]) == ("destroy", "due_for_transfer")
    assert body["retention"]["classification_name"] == "Perjalanan Dinas"


def test_an_incoming_letter_has_retention_too(client, db, services, token_for, world):
    office, _ = world
    letter = register(client, token_for(office.clerk), addressees=[office.head.id], classification_code="000.1.2")
    assert letter.status_code == 201, letter.get_json()
    document_id = letter.get_json()["document_id"]
    body = client.get(f"/api/v1/documents/{document_id}", headers=token_for(office.clerk)).get_json()
    assert body["retention"]["status"] == "active"
    assert body["retention"]["active_until"] == f"{services.today().year + 2}-12-31"


def test_holds_over_the_api(client, db, services, token_for, world):
    office, archives = world
    document = signed_letter(db, services, office, now=_years_ago(services, 6))
    db.commit()
    first, second = token_for(archives.archivist), token_for(archives.second)
    assert client.post(f"/api/v1/documents/{document.id}/holds", json={"reason": "x"},
                       headers=token_for(office.drafter)).status_code == 403
    placed = client.post(f"/api/v1/documents/{document.id}/holds", json={"reason": "Perkara 7/2026"}, headers=first)
    assert placed.status_code == 201, placed.get_json()
    hold_id = placed.get_json()["id"]
    listed = client.get("/api/v1/retention/due?list=hold", headers=first).get_json()
    assert [r["document_id"] for r in listed["results"]] == [document.id]
    refused = client.post("/api/v1/retention/batches", headers=first,
                          json={"kind": "destruction", "document_ids": [document.id]})
    assert refused.status_code == 409 and "legal hold" in refused.get_json()["errors"][0]["reason"]
    same = client.post(f"/api/v1/retention/holds/{hold_id}/lift", json={"reason": "selesai"}, headers=first)
    assert same.status_code == 403
    lifted = client.post(f"/api/v1/retention/holds/{hold_id}/lift", json={"reason": "selesai"}, headers=second)
    assert lifted.status_code == 200 and lifted.get_json()["lifted_by"] == archives.second.username


def test_transfer_and_destruction_over_the_api(client, db, services, token_for, world, run_worker):
    """From the lists through the decisions to the signed berita acara; the file answers 410 afterwards."""
    office, archives = world
    young = signed_letter(db, services, office, title="Surat muda", now=_years_ago(services, 3))
    old = [signed_letter(db, services, office, title=f"Surat lama {n}", now=_years_ago(services, 6)) for n in range(2)]
    db.commit()
    arsip = token_for(archives.archivist)
    assert client.get("/api/v1/retention/due", headers=token_for(office.drafter)).status_code == 403
    due = client.get("/api/v1/retention/due?list=transfer", headers=arsip).get_json()
    assert [r["document_id"] for r in due["results"]] == [young.id]
    decision = client.get("/api/v1/retention/due?list=decision", headers=arsip).get_json()
    assert {r["document_id"] for r in decision["results"]} == {d.id for d in old}

    proposed = client.post("/api/v1/retention/batches", headers=arsip,
                           json={"kind": "transfer", "document_ids": [young.id], "note": "Pemindahan tahunan"})
    assert proposed.status_code == 201, proposed.get_json()
    batch = proposed.get_json()
    assert batch["actions"] == ["cancel"]
    head = token_for(office.head_user)
    assert client.get(f"/api/v1/retention/batches/{batch['id']}", headers=head).get_json()["actions"] == [
        "approve", "reject"]
    approved = client.post(f"/api/v1/retention/batches/{batch['id']}/approve", headers=head,
                           json={"revision": batch["revision"]})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "awaiting_signature"
    ba = db.get(type(young), approved.get_json()["berita_acara_id"])
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    db.commit()
    assert client.get(f"/api/v1/retention/batches/{batch['id']}", headers=arsip).get_json()["state"] == "done"
    assert client.get(f"/api/v1/documents/{young.id}", headers=arsip).get_json()["retention"]["status"] == "inactive"

    proposed = client.post("/api/v1/retention/batches", headers=arsip,
                           json={"kind": "destruction", "document_ids": [d.id for d in old]}).get_json()
    panel = token_for(archives.second)
    reviewed = client.post(f"/api/v1/retention/batches/{proposed['id']}/review", headers=panel,
                           json={"remove": [{"document_id": old[1].id, "reason": "Masih diperlukan"}]})
    assert reviewed.status_code == 200, reviewed.get_json()
    assert [i["removed"] for i in reviewed.get_json()["items"]] == [False, True]
    rejected = client.post(f"/api/v1/retention/batches/{proposed['id']}/reject", headers=head, json={})
    assert rejected.status_code == 400  # a rejection says why
    approved = client.post(f"/api/v1/retention/batches/{proposed['id']}/approve", headers=head, json={}).get_json()
    assert client.get(f"/api/v1/documents/{old[0].id}/content", headers=arsip).status_code == 200
    ba = db.get(type(young), approved["berita_acara_id"])
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    db.commit()
    run_worker()
    gone = client.get(f"/api/v1/documents/{old[0].id}/content", headers=arsip)
    assert gone.status_code == 410 and "berita acara" in gone.get_json()["errors"][0]["reason"]
    assert client.get(f"/api/v1/documents/{old[1].id}/content", headers=arsip).status_code == 200
    shown = client.get(f"/api/v1/documents/{old[0].id}", headers=arsip).get_json()
    assert shown["number"] == old[0].number and shown["retention"]["status"] == "destroyed"
    assert shown["versions"][0]["destroyed_at"]
    db.expire_all()
    assert db.get(type(young), old[0].id).custody == Custody.DESTROYED
    assert not [p for p in check_all(services).problems if p.kind in ("missing-object", "orphan-object")]


def test_pages_show_retention_and_the_lists(client, db, services, login, make_user, world):
    from docflow.auth.operations import set_password

    office, archives = world
    document = signed_letter(db, services, office, now=_years_ago(services, 3))
    for user in (archives.archivist, office.drafter, office.head_user):
        set_password(db, user, "correct horse battery")
    db.commit()
    login(office.drafter)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Retention (JRA)" in page and "Due for transfer to inactive" in page and "Perjalanan Dinas" in page
    assert 'id="hold-form"' not in page
    assert client.get("/retention").status_code == 403
    archive = client.get("/archive").get_data(as_text=True)
    assert "Due for transfer to inactive" in archive
    client.post("/logout")
    login(archives.archivist)
    lists = client.get("/retention?list=transfer").get_data(as_text=True)
    assert f'value="{document.id}"' in lists and "propose-transfer" in lists
    assert 'id="hold-form"' in client.get(f"/documents/{document.id}").get_data(as_text=True)
    client.post("/logout")
    login(office.head_user)  # an official with nothing to decide now sees so, not a refusal
    assert 'id="nothing-awaits"' in client.get("/retention").get_data(as_text=True)


def test_a_handover_over_the_api_and_its_page(client, db, services, token_for, login, world, run_worker):
    """Is a hand-over proposed and approved over the API, its package downloadable (API and page) and audited?"""
    import io

    from sqlalchemy import select

    from docflow.audit.models import AuditEvent
    from docflow.audit.operations import record_hash
    from docflow.auth.operations import set_password
    from docflow.documents.classification import ClassificationCode
    from docflow.export.bag import verify_bag

    office, archives = world
    letter = signed_letter(db, services, office, title="Perda RTRW", classification="000.8.3.3",
                           now=_years_ago(services, 6))
    db.get(ClassificationCode, "000.8.3.3").final_fate = "permanent"
    set_password(db, archives.archivist, "correct horse battery")
    db.commit()
    arsip, head = token_for(archives.archivist), token_for(office.head_user)
    proposed = client.post("/api/v1/retention/batches", headers=arsip,
                           json={"kind": "handover", "document_ids": [letter.id]})
    assert proposed.status_code == 201, proposed.get_json()
    batch = proposed.get_json()
    assert batch["kind"] == "handover" and batch["package"] is None
    approved = client.post(f"/api/v1/retention/batches/{batch['id']}/approve", headers=head, json={})
    assert approved.status_code == 200, approved.get_json()
    assert client.get(f"/api/v1/retention/batches/{batch['id']}/package", headers=arsip).status_code == 404
    ba = db.get(type(letter), approved.get_json()["berita_acara_id"])
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    db.commit()
    run_worker()
    shown = client.get(f"/api/v1/retention/batches/{batch['id']}", headers=arsip).get_json()
    assert shown["state"] == "done" and shown["package"]["size"] > 0
    download = client.get(shown["package"]["url"], headers=arsip)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert verify_bag(io.BytesIO(download.data), record_hash=record_hash).ok
    assert client.get(f"/api/v1/documents/{letter.id}", headers=arsip).get_json()["retention"]["status"] == \
        "handed_over"
    assert client.get(f"/api/v1/documents/{letter.id}/content", headers=arsip).status_code == 200  # still here
    assert client.get(shown["package"]["url"], headers=token_for(office.drafter)).status_code == 404
    login(archives.archivist)
    page = client.get(f"/retention/batches/{batch['id']}").get_data(as_text=True)
    assert 'id="handover-package"' in page and f"/retention/batches/{batch['id']}/package" in page
    assert client.get(f"/retention/batches/{batch['id']}/package").data == download.data
    downloads = db.scalars(select(AuditEvent).where(AuditEvent.action == "package_downloaded")).all()
    assert len(downloads) == 2 and all(e.actor_user_id == archives.archivist.id for e in downloads)
    assert f"ids: {min(letter.id, ba.id)},{max(letter.id, ba.id)}" in downloads[0].comment


def test_a_destroyed_incoming_letter_takes_its_follow_up_files_and_intake_originals(
        client, db, services, token_for, login, world, run_worker):
    """Do a follow-up's file and the intake's .eml go with the letter, a file a live intake holds stay, 410 after?"""
    import io
    from datetime import date

    from sqlalchemy import select

    from docflow.auth.operations import set_password
    from docflow.incoming.intake_models import PendingRegistration
    from docflow.incoming.models import FollowUpAttachment
    from docflow.retention.operations import decide_batch, propose_batch
    from tests.fixtures import make_pdf
    from tests.incoming.helpers import act as act_on_disposition
    from tests.incoming.helpers import dispose, instruction_ids
    from tests.retention.helpers import context, filing

    office, archives = world
    clerk, head, sec = token_for(office.clerk), token_for(office.head_user), token_for(office.secretary_user)
    letter = register(client, clerk, addressees=[office.head.id], classification_code="000.1.2").get_json()
    (node,) = dispose(client, head, letter["id"], [office.secretary.id],
                      [instruction_ids(client, head)["Hadiri/wakili"]]).get_json()["dispositions"]
    act_on_disposition(client, sec, node["id"], "read")
    followed = client.post(f"/api/v1/dispositions/{node['id']}/actions/follow-up", headers=sec,
                           content_type="multipart/form-data",
                           data={"note": "Dihadiri", "file": (io.BytesIO(make_pdf("Notula rapat")), "notula.pdf")})
    assert followed.status_code == 200, followed.get_json()
    (attachment,) = followed.get_json()["attachments"]
    notula_key = db.scalars(select(FollowUpAttachment.storage_key)).one()
    # The intake the letter came from kept its e-mail; its scan is also held by another intake still open.
    eml = services.store.put(io.BytesIO(b"From: dinas@example.go.id\r\nSubject: Undangan\r\n\r\nTerlampir.")).key
    shared = services.store.put(io.BytesIO(make_pdf("Pindaian bersama"))).key
    intake = PendingRegistration(unit_id=office.unit.id, channel="mail", source_key="imap:INBOX:1:7",
                                 state="registered", letter_id=letter["id"], file_key=shared, original_key=eml)
    other = PendingRegistration(unit_id=office.unit.id, channel="folder", source_key="folder:tu:x", state="pending",
                                file_key=shared)
    db.add_all([intake, other])
    set_password(db, office.clerk, "correct horse battery")
    db.commit()

    ctx = context(services, date(services.today().year + 10, 6, 1))
    batch = propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[letter["document_id"]],
                          note="", ctx=ctx)
    decide_batch(db, actor=archives.second, batch_id=batch.id, action="review", ctx=ctx)
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    db.commit()
    run_worker()
    assert services.store.exists(notula_key) and services.store.exists(eml)  # nothing before the signature
    sign_through(db, services, batch.berita_acara, archives.archivist, office, archives.office)
    db.commit()
    run_worker()
    assert not services.store.exists(notula_key) and not services.store.exists(eml)
    assert services.store.exists(shared)  # the open intake still holds it
    gone = client.get(attachment["content_url"], headers=head)
    assert gone.status_code == 410 and "berita acara" in gone.get_json()["errors"][0]["reason"]
    login(office.clerk)
    assert client.get(f"/incoming/pending/{intake.id}/original").status_code == 410
    assert client.get(f"/incoming/pending/{other.id}/file").status_code == 200
    report = check_all(services)
    assert not [p for p in report.problems if p.kind in ("missing-object", "orphan-object")], report.problems
    assert report.destroyed_files == 2  # the follow-up's file, and the intake's files
