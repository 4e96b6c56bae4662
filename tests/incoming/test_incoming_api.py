"""Incoming letters through the API: register, disposisi two levels down, read, follow-up, done; refusals; rights."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.audit.operations import verify_chain
from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.org.operations import create_delegation
from docflow.outbox.models import OutboxJob
from tests.incoming.helpers import act, dispose, instruction_ids, register
from tests.workflow.helpers import build_office


def _office(db, code="DISKOMINFO"):
    office = build_office(db, code)
    db.commit()
    return office


def test_instruction_list_holds_the_national_defaults(client, db, token_for):
    """Does the city's list start with the six standard instructions, in order?"""
    o = _office(db)
    texts = list(instruction_ids(client, token_for(o.clerk)))
    assert texts == ["Untuk diketahui", "Untuk ditindaklanjuti", "Siapkan jawaban", "Hadiri/wakili",
                     "Koordinasikan", "Simpan/arsipkan"]


def test_whole_loop_register_dispose_two_levels_read_follow_up_done(client, db, token_for, run_worker):
    o = _office(db)
    clerk, head, sec, sub = (token_for(u) for u in (o.clerk, o.head_user, o.secretary_user, o.subhead_user))
    r = register(client, clerk, addressees=[o.head.id], urgency="segera", classification_code="000")
    assert r.status_code == 201, r.get_json()
    letter = r.get_json()
    assert letter["agenda_number"] == 1 and letter["state"] == "registered"
    assert letter["addressees"] == [{"position_id": o.head.id, "title": o.head.title, "read_at": None}]
    # The scan is a document of its own state: no route, no signing.
    doc = client.get(f"/api/v1/documents/{letter['document_id']}", headers=head).get_json()
    assert doc["state"] == "received"
    assert client.post(f"/api/v1/documents/{letter['document_id']}/actions/submit", json={"revision": 1},
                       headers=clerk).status_code == 409
    second = register(client, clerk, addressees=[o.head.id], sender_number="005/124/SJ").get_json()
    assert second["agenda_number"] == 2

    ids = instruction_ids(client, head)
    r = dispose(client, head, letter["id"], [o.secretary.id], [ids["Untuk ditindaklanjuti"], ids["Siapkan jawaban"]],
                note="Segera koordinasikan", due_on="2099-01-31")
    assert r.status_code == 201, r.get_json()
    (top,) = r.get_json()["dispositions"]
    assert top["state"] == "unread" and top["to_position_id"] == o.secretary.id
    assert [i["text"] for i in top["instructions"]] == ["Untuk ditindaklanjuti", "Siapkan jawaban"]
    assert r.get_json()["letter_state"] == "in_progress"

    # The secretary passes it down to the sub-head: her node is read by doing so.
    mine = client.get("/api/v1/dispositions", headers=sec).get_json()
    assert [n["id"] for n in mine["results"]] == [top["id"]] and mine["total"] == 1
    r = act(client, sec, top["id"], "forward", recipients=[o.subhead.id], instructions=[ids["Koordinasikan"]])
    assert r.status_code == 201, r.get_json()
    (low,) = r.get_json()["dispositions"]
    assert r.get_json()["parent"]["state"] == "read" and low["parent_id"] == top["id"]

    r = act(client, sub, low["id"], "read")
    assert r.status_code == 200 and r.get_json()["state"] == "read"
    r = act(client, sub, low["id"], "follow-up", note="Rapat dihadiri, notula terlampir")
    assert r.status_code == 200 and r.get_json()["state"] == "followed_up"
    assert act(client, sub, low["id"], "done").get_json()["state"] == "done"
    assert act(client, sec, top["id"], "follow-up", note="Sudah ditindaklanjuti").get_json()["state"] == "followed_up"
    assert act(client, head, top["id"], "done").get_json()["state"] == "done"  # the issuer closes it

    shown = client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=head).get_json()
    assert shown["state"] == "done"
    assert [(n["id"], n["parent_id"], n["state"]) for n in shown["dispositions"]] == [
        (top["id"], None, "done"), (low["id"], top["id"], "done")]
    book = client.get("/api/v1/incoming-letters?state=done", headers=clerk).get_json()
    assert [x["id"] for x in book["results"]] == [letter["id"]] and book["total"] == 1
    assert client.get("/api/v1/incoming-letters?state=registered", headers=clerk).get_json()["total"] == 1

    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.document_id == letter["document_id"])
                         .order_by(AuditEvent.id)).all()
    assert actions == ["register_incoming", "dispose", "disposition_read", "dispose", "disposition_read",
                       "disposition_follow_up", "disposition_done", "disposition_follow_up", "disposition_done"]
    assert verify_chain(db) == []
    notices = [j.payload for j in db.scalars(select(OutboxJob).where(OutboxJob.kind == "notify")
                                           .order_by(OutboxJob.id)).all()
               if j.payload.get("document_id") == letter["document_id"]]
    assert [(n["event"], n["position_ids"]) for n in notices] == [
        ("incoming", [o.head.id]), ("disposition", [o.secretary.id]), ("disposition", [o.subhead.id])]


def test_api_get_of_a_letter_marks_it_read_as_the_page_does(client, db, token_for):
    """Does an addressee who opens a letter through the API read it (once; the clerk's look does not count), as
    when she opens its page?"""
    from docflow.incoming.models import IncomingAddressee

    o = _office(db)
    clerk, head = token_for(o.clerk), token_for(o.head_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    shown = client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=clerk).get_json()
    assert shown["addressees"][0]["read_at"] is None  # the clerk is not at the addressee's desk
    shown = client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=head).get_json()
    first = shown["addressees"][0]["read_at"]
    assert first is not None
    row = db.scalars(select(IncomingAddressee).where(IncomingAddressee.letter_id == letter["id"])).one()
    db.refresh(row)
    assert row.read_at is not None and row.read_by_id == o.head_user.id
    again = client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=head).get_json()
    assert datetime.fromisoformat(again["addressees"][0]["read_at"]) == datetime.fromisoformat(first)


def test_disposition_only_to_desks_below(client, db, token_for):
    o = _office(db)
    other = _office(db, "DINKES")
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    ids = list(instruction_ids(client, head).values())
    r = dispose(client, head, letter["id"], [other.secretary.id], ids[:1])
    assert r.status_code == 403
    assert "is not below" in r.get_json()["errors"][0]["reason"]
    assert r.get_json()["errors"][0]["field"] == "recipients"
    # Not an addressee: the secretary may not start a disposisi of her own.
    assert dispose(client, sec, letter["id"], [o.subhead.id], ids[:1]).status_code == 403
    (top,) = dispose(client, head, letter["id"], [o.secretary.id], ids[:1]).get_json()["dispositions"]
    # Passing it up (to the head) or sideways is refused as well; nothing changed.
    r = act(client, sec, top["id"], "forward", recipients=[o.head.id], instructions=ids[:1])
    assert r.status_code == 403
    assert client.get(f"/api/v1/dispositions/{top['id']}", headers=sec).get_json()["state"] == "unread"
    # Bad input is named.
    r = dispose(client, head, letter["id"], [], [])
    assert r.status_code == 400
    assert {e["field"] for e in r.get_json()["errors"]} == {"recipients", "instructions"}


def test_cancel_only_while_unread(client, db, token_for):
    o = _office(db)
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    ids = list(instruction_ids(client, head).values())
    a, b = dispose(client, head, letter["id"], [o.secretary.id, o.subhead.id], ids[:1]).get_json()["dispositions"]
    # Only the issuer cancels.
    assert act(client, sec, a["id"], "cancel").status_code == 403
    r = act(client, head, b["id"], "cancel")
    assert r.status_code == 200 and r.get_json()["state"] == "cancelled"
    assert act(client, sec, a["id"], "read").get_json()["state"] == "read"
    r = act(client, head, a["id"], "cancel")
    assert r.status_code == 409
    assert "read" in r.get_json()["errors"][0]["reason"]
    assert client.get(f"/api/v1/dispositions/{a['id']}", headers=head).get_json()["state"] == "read"
    # A follow-up needs its report.
    assert act(client, sec, a["id"], "follow-up").status_code == 400
    cancels = db.scalars(select(AuditEvent).where(AuditEvent.action == "disposition_cancel")).all()
    assert [(e.document_id, e.actor_user_id, e.from_state, e.to_state) for e in cancels] == [
        (letter["document_id"], o.head_user.id, "unread", "cancelled")]


def test_duplicate_is_named_then_confirmed(client, db, token_for):
    o = _office(db)
    clerk = token_for(o.clerk)
    first = register(client, clerk, addressees=[o.head.id], received_on="2026-03-02").get_json()
    r = register(client, clerk, addressees=[o.head.id], sender="  kementerian dalam  NEGERI ")
    assert r.status_code == 409
    reason = r.get_json()["errors"][0]["reason"]
    assert f"already registered as agenda {first['agenda']} on 2026-03-02" in reason
    assert f"incoming letter {first['id']}" in reason
    # Nothing was kept: the next registration still takes number 2.
    r = register(client, clerk, addressees=[o.head.id], confirm_duplicate="true")
    assert r.status_code == 201 and r.get_json()["agenda_number"] == 2
    # Another number of the same sender is another letter.
    assert register(client, clerk, addressees=[o.head.id], sender_number="005/999/SJ").status_code == 201


def test_only_records_clerks_register_and_bad_input_is_named(client, db, token_for):
    o = _office(db)
    other = _office(db, "DINKES")
    r = register(client, token_for(o.drafter), addressees=[o.head.id])
    assert r.status_code == 403
    clerk = token_for(o.clerk)
    r = register(client, clerk, addressees=[other.head.id])
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "addressees"
    r = register(client, clerk, addressees=[], sender="", sender_date="kemarin")
    assert r.status_code == 400
    assert {"sender", "sender_date", "addressees"} <= {e["field"] for e in r.get_json()["errors"]}


def test_rights_outsider_addressee_tree_and_rahasia(client, db, token_for, run_worker):
    o = _office(db)
    other = _office(db, "DINKES")
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    biasa = register(client, clerk, addressees=[o.head.id], subject="Surat biasa tentang anggaran").get_json()
    secret = register(client, clerk, addressees=[o.head.id], security_class="rahasia", sender_number="R/1",
                      subject="Surat rahasia tentang penyidikan").get_json()
    # Another unit's people never see them.
    outsider = token_for(other.head_user)
    for letter in (biasa, secret):
        assert client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=outsider).status_code == 404
        assert act(client, outsider, 1, "read").status_code == 404
    # Rahasia: the clerk who registered it and the addressee, not the rest of the unit.
    colleague = token_for(o.drafter)
    assert client.get(f"/api/v1/incoming-letters/{biasa['id']}", headers=colleague).status_code == 200
    assert client.get(f"/api/v1/incoming-letters/{secret['id']}", headers=colleague).status_code == 404
    assert client.get(f"/api/v1/incoming-letters/{secret['id']}", headers=sec).status_code == 404
    assert client.get(f"/api/v1/incoming-letters/{secret['id']}", headers=head).status_code == 200
    other_clerk = create_user(db, username="tu-kedua", password=None, roles=(Role.RECORDS_CLERK,), unit=o.unit)
    db.commit()
    book = client.get("/api/v1/incoming-letters", headers=token_for(other_clerk)).get_json()
    assert [x["id"] for x in book["results"]] == [biasa["id"]]
    r = client.get(f"/api/v1/incoming-letters?unit_id={o.unit.id}", headers=outsider)
    assert r.status_code == 403 and r.get_json()["errors"][0]["field"] == "unit_id"
    # Once named in the tree, the secretary reads it, in the book and in search too.
    ids = list(instruction_ids(client, head).values())
    dispose(client, head, secret["id"], [o.secretary.id], ids[:1])
    assert client.get(f"/api/v1/incoming-letters/{secret['id']}", headers=sec).status_code == 200
    run_worker()
    hits = client.get("/api/v1/search?q=penyidikan", headers=sec).get_json()
    assert [h["id"] for h in hits["results"]] == [secret["document_id"]]
    assert client.get("/api/v1/search?q=penyidikan", headers=colleague).get_json()["results"] == []


def test_plh_of_the_addressee_gives_the_disposisi(client, db, services, token_for):
    o = _office(db)
    create_delegation(db, position=o.head, delegate=o.secretary_user, kind="plh", starts_on=services.today(),
                      ends_on=services.today(), decree_reference="ND 1/2026")
    db.commit()
    clerk, sec = token_for(o.clerk), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    ids = list(instruction_ids(client, sec).values())
    r = dispose(client, sec, letter["id"], [o.subhead.id], ids[:1])
    assert r.status_code == 201, r.get_json()
    (node,) = r.get_json()["dispositions"]
    assert node["from_position_id"] == o.head.id and node["issued_via"] == "plh"


def test_letter_signed_by_another_unit_is_registered_without_retyping(client, db, services, token_for):
    """Does a letter another unit signed and sent to our head land in our clerk's list, and register in one call?"""
    from docflow.documents.models import DocumentRecipient, DocumentState
    from tests.workflow.helpers import put_in_state

    o = _office(db)
    sender = _office(db, "DINKES")
    sent = put_in_state(db, services, sender, DocumentState.SENT)
    sent.recipients.append(DocumentRecipient(kind="to", ordering=1, position_id=o.head.id, name=o.head.title))
    secret = put_in_state(db, services, sender, DocumentState.SENT)
    secret.security_class = "rahasia"
    secret.recipients.append(DocumentRecipient(kind="to", ordering=1, position_id=o.head.id, name=o.head.title))
    db.commit()
    clerk, head = token_for(o.clerk), token_for(o.head_user)
    assert client.get(f"/api/v1/documents/{sent.id}", headers=clerk).status_code == 404  # not hers yet
    waiting = client.get("/api/v1/incoming-letters/internal", headers=clerk).get_json()["results"]
    assert [w["document_id"] for w in waiting] == [sent.id]  # the Rahasia one goes to its desk only
    r = client.post("/api/v1/incoming-letters/internal", json={"document_id": sent.id}, headers=clerk)
    assert r.status_code == 201, r.get_json()
    letter = r.get_json()
    assert (letter["agenda_number"], letter["sender"], letter["sender_number"], letter["subject"]) == (
        1, sender.unit.name, sent.number, sent.title)
    assert letter["addressees"] == [{"position_id": o.head.id, "title": o.head.title, "read_at": None}]
    assert client.get(f"/api/v1/documents/{sent.id}", headers=clerk).status_code == 200
    assert client.get("/api/v1/incoming-letters/internal", headers=clerk).get_json()["results"] == []
    r = client.post("/api/v1/incoming-letters/internal", json={"document_id": sent.id}, headers=clerk)
    assert r.status_code == 409  # registered once per unit, and the refusal names the registration
    assert f"already registered as agenda {letter['agenda']}" in r.get_json()["errors"][0]["reason"]
    ids = list(instruction_ids(client, head).values())
    assert dispose(client, head, letter["id"], [o.secretary.id], ids[:1]).status_code == 201
    # The sending unit reads its letter, not our book's entry and its disposisi.
    sender_head = token_for(sender.head_user)
    assert client.get(f"/api/v1/documents/{sent.id}", headers=sender_head).status_code == 200
    assert client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=sender_head).status_code == 404
    secretary = token_for(o.secretary_user)
    assert client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=secretary).status_code == 200
    # The sending unit's clerk cannot enter her own letter in her book this way.
    r = client.post("/api/v1/incoming-letters/internal", json={"document_id": sent.id},
                    headers=token_for(sender.clerk))
    assert r.status_code == 400
