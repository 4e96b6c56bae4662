"""The incoming flow beyond the first slice: reply letters, forwarding to the right unit, follow-up files,
the start page's sections."""
from __future__ import annotations

import io

from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.audit.operations import verify_chain
from docflow.incoming.models import FollowUpAttachment, IncomingLetter
from tests.fixtures import make_pdf
from tests.incoming.helpers import act, dispose, instruction_ids, register
from tests.signing.helpers import PASSPHRASE, give_certificate, setup_ca
from tests.workflow.helpers import build_office


def _office(db, code="DISKOMINFO"):
    office = build_office(db, code)
    db.commit()
    return office


def _actions(db, document_id):
    return db.scalars(select(AuditEvent.action).where(AuditEvent.document_id == document_id)
                      .order_by(AuditEvent.id)).all()


def _reply(client, headers, letter_id, **fields):
    form = {**fields, "file": (io.BytesIO(make_pdf("Balasan\nDengan hormat, menindaklanjuti surat Saudara ...")),
                               "balasan.pdf")}
    return client.post(f"/api/v1/incoming-letters/{letter_id}/replies", data=form, headers=headers,
                       content_type="multipart/form-data")


def test_signed_reply_reports_the_follow_up_of_the_disposisi_that_asked_for_it(client, db, services, token_for):
    """Register -> disposisi -> "Buat surat balasan" -> submit, sign: is the node followed up, by the seam?"""
    o = _office(db)
    setup_ca(db, services)
    give_certificate(db, services, o.head_user)
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id], sender_person="Sekretaris Jenderal",
                      classification_code="000").get_json()
    ids = instruction_ids(client, head)
    (node,) = dispose(client, head, letter["id"], [o.secretary.id], [ids["Siapkan jawaban"]]).get_json()["dispositions"]

    r = _reply(client, sec, letter["id"], disposition_id=str(node["id"]))
    assert r.status_code == 201, r.get_json()
    reply = r.get_json()
    assert reply["disposition_id"] == node["id"] and reply["state"] == "draft" and reply["recorded_at"] is None
    assert reply["title"] == "Balasan surat 005/123/SJ: Undangan rapat koordinasi"
    draft = client.get(f"/api/v1/documents/{reply['document_id']}", headers=sec).get_json()
    assert [(x["kind"], x["name"], x["position_id"]) for x in draft["recipients"]] == [
        ("to", "Sekretaris Jenderal, Kementerian Dalam Negeri", None)]
    assert draft["classification_code"] == "000"
    # The disposisi is untouched until the reply is signed.
    assert client.get(f"/api/v1/dispositions/{node['id']}", headers=sec).get_json()["state"] == "unread"

    body = client.post(f"/api/v1/documents/{draft['id']}/actions/submit", json={"revision": draft["revision"]},
                       headers=sec).get_json()
    assert body["state"] == "approved", body
    r = client.post(f"/api/v1/documents/{draft['id']}/actions/sign",
                    json={"revision": body["revision"], "passphrase": PASSPHRASE}, headers=head)
    assert r.status_code == 200, r.get_json()
    number = r.get_json()["number"]

    shown = client.get(f"/api/v1/dispositions/{node['id']}", headers=sec).get_json()
    assert shown["state"] == "followed_up"
    assert shown["follow_up_note"] == f"Dijawab dengan surat nomor {number} ({reply['title']})"
    replies = client.get(f"/api/v1/incoming-letters/{letter['id']}/replies", headers=head).get_json()["results"]
    assert [(x["document_id"], x["number"], x["recorded_at"] is not None) for x in replies] == [
        (draft["id"], number, True)]
    assert _actions(db, letter["document_id"])[-3:] == ["dispose", "reply_started", "disposition_follow_up"]
    assert act(client, head, node["id"], "done").get_json()["state"] == "done"
    assert client.get(f"/api/v1/incoming-letters/{letter['id']}", headers=head).get_json()["state"] == "done"
    assert verify_chain(db) == []


def test_reply_is_started_only_by_those_the_letter_asks(client, db, token_for):
    """Is a reply refused to someone outside the tree (403) and from a closed node (409)?"""
    o = _office(db)
    clerk, head, sub = token_for(o.clerk), token_for(o.head_user), token_for(o.subhead_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    r = _reply(client, sub, letter["id"])
    assert r.status_code == 403 and r.get_json()["errors"][0]["reason"].startswith("a reply is started by")
    ids = instruction_ids(client, head)
    (node,) = dispose(client, head, letter["id"], [o.subhead.id], [ids["Untuk diketahui"]]).get_json()["dispositions"]
    act(client, sub, node["id"], "read")
    act(client, sub, node["id"], "done")
    r = _reply(client, sub, letter["id"], disposition_id=str(node["id"]))
    assert r.status_code == 409 and r.get_json()["errors"][0]["field"] == "disposition_id"
    # The head, an addressee, may always answer; no disposisi is then waiting for it.
    r = _reply(client, head, letter["id"], title="Jawaban Kepala Dinas")
    assert r.status_code == 201 and r.get_json()["disposition_id"] is None


def test_forward_moves_a_letter_to_the_right_units_book(client, db, token_for):
    """Does teruskan give the letter the right unit's next agenda number, keep this entry, and tell both books?"""
    wrong, right = _office(db), _office(db, "DINKES")
    clerk_a, clerk_b, head_b = token_for(wrong.clerk), token_for(right.clerk), token_for(right.head_user)
    register(client, clerk_b, addressees=[right.head.id], sender_number="B/1")  # agenda 1 in the right book
    letter = register(client, clerk_a, addressees=[wrong.head.id], subject="Pelaporan kasus DBD").get_json()
    assert "forward" in letter["permissions"]

    assert client.post(f"/api/v1/incoming-letters/{letter['id']}/actions/forward", json={"unit_id": right.unit.id},
                       headers=token_for(wrong.head_user)).status_code == 403
    r = client.post(f"/api/v1/incoming-letters/{letter['id']}/actions/forward",
                    json={"unit_id": right.unit.id, "note": "Salah alamat: urusan kesehatan"}, headers=clerk_a)
    assert r.status_code == 201, r.get_json()
    moved = r.get_json()
    assert (moved["unit"], moved["agenda_number"], moved["state"]) == ("DINKES", 2, "registered")
    assert moved["addressees"] == [{"position_id": right.head.id, "title": right.head.title,
                                    "read_at": None}]
    assert moved["forwarded_from"]["state"] == "forwarded"
    assert moved["forwarded_from"]["forwarded_to_id"] == moved["id"]
    # The old entry stays in its book with its number; the right book lists the letter.
    book_a = client.get("/api/v1/incoming-letters", headers=clerk_a).get_json()
    assert [(x["agenda_number"], x["state"]) for x in book_a["results"]] == [(1, "forwarded")]
    book_b = client.get("/api/v1/incoming-letters", headers=clerk_b).get_json()
    assert [x["id"] for x in book_b["results"]][0] == moved["id"]
    # The right head gives the disposisi there; here it is refused.
    ids = instruction_ids(client, head_b)
    assert dispose(client, head_b, moved["id"], [right.secretary.id], [ids["Untuk ditindaklanjuti"]]).status_code == 201
    assert dispose(client, token_for(wrong.head_user), letter["id"], [wrong.secretary.id],
                   [ids["Untuk ditindaklanjuti"]]).status_code == 409
    # Forwarding again, or once a disposisi exists, is a conflict.
    r = client.post(f"/api/v1/incoming-letters/{moved['id']}/actions/forward", json={"unit_id": wrong.unit.id},
                    headers=clerk_b)
    assert r.status_code == 409
    events = db.scalars(select(AuditEvent).where(AuditEvent.document_id == letter["document_id"],
                                                 AuditEvent.action.in_(["forward_incoming", "register_incoming"]))
                        .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["register_incoming", "forward_incoming", "register_incoming"]
    assert "agenda 1/" in events[1].comment and "DISKOMINFO -> DINKES" in events[1].comment
    assert "agenda 2/" in events[2].comment and "forwarded from agenda 1/" in events[2].comment
    assert "Salah alamat" in events[1].comment
    stored = db.get(IncomingLetter, letter["id"])
    db.refresh(stored)
    assert stored.forwarded_to_id == moved["id"] and stored.document.unit_id == right.unit.id


def test_forward_refuses_bad_input_with_a_clear_message(client, db, token_for):
    o = _office(db)
    clerk = token_for(o.clerk)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    url = f"/api/v1/incoming-letters/{letter['id']}/actions/forward"
    r = client.post(url, json={}, headers=clerk)
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "unit_id"
    r = client.post(url, json={"unit_id": o.unit.id}, headers=clerk)
    assert r.status_code == 400 and "already in this unit" in r.get_json()["errors"][0]["reason"]
    r = client.post(url, json={"unit_id": 999_999}, headers=clerk)
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "unit_id"


def test_follow_up_with_a_file(client, db, services, token_for):
    """Is a file sent with the follow-up stored, claimed by the report, downloadable and kept by the sweep?"""
    from docflow.fixity import _claimed_keys

    o = _office(db)
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    ids = instruction_ids(client, head)
    (node,) = dispose(client, head, letter["id"], [o.secretary.id], [ids["Hadiri/wakili"]]).get_json()["dispositions"]
    act(client, sec, node["id"], "read")
    notula = make_pdf("Notula rapat koordinasi\nHadir: Sekretaris Dinas")
    r = client.post(f"/api/v1/dispositions/{node['id']}/actions/follow-up", headers=sec,
                    content_type="multipart/form-data",
                    data={"note": "Rapat dihadiri", "file": (io.BytesIO(notula), "notula.pdf")})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "followed_up" and body["follow_up_note"] == "Rapat dihadiri"
    (attachment,) = body["attachments"]
    assert attachment["filename"] == "notula.pdf" and attachment["size"] == len(notula)
    download = client.get(attachment["content_url"], headers=head)
    assert download.status_code == 200 and download.data == notula
    assert client.get(attachment["content_url"], headers=token_for(build_office(db, "LAIN").clerk)).status_code == 404
    # A file without a report is refused, nothing recorded; a file with "read" is refused too.
    r = client.post(f"/api/v1/dispositions/{node['id']}/actions/done", headers=sec,
                    content_type="multipart/form-data", data={"file": (io.BytesIO(notula), "lagi.pdf")})
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "file"
    # The sweep removes only objects no row claims: the report's row claims this one.
    assert db.scalars(select(FollowUpAttachment.storage_key)).one() in _claimed_keys(services)
    comment = db.scalars(select(AuditEvent.comment).where(AuditEvent.action == "disposition_follow_up")).one()
    assert "notula.pdf" in comment


def test_start_page_sections_follow_the_letter(client, db, token_for, app):
    """Do the head, the secretary and the clerk each see their sections, and do items leave them when done?"""
    o = _office(db)
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id], subject="Permohonan data statistik").get_json()
    sections = app.extensions["dashboard"]
    assert [s.key for s in sections.sections] == ["incoming_unread", "dispositions_unread", "dispositions_open",
                                                  "without_disposition", "to_register", "to_send", "to_file"]

    def shown(user):
        from docflow.dashboard import DashboardContext
        from docflow.org.queries import acting_position_ids

        with app.test_request_context():
            today = app.extensions["docflow"].today()
            context = DashboardContext(db, user, frozenset(acting_position_ids(db, user.id, today)),
                                       app.extensions["docflow"].now(), today)
            return {s.section.key: [i.label for i in s.items] for s in sections.shown_to(context)}

    label = f"{letter['agenda']} · Permohonan data statistik"
    assert shown(o.head_user)["incoming_unread"] == [label]
    assert shown(o.head_user)["without_disposition"] == [label]
    assert shown(o.clerk) == {"without_disposition": [label], "to_register": [], "to_send": [], "to_file": []}
    ids = instruction_ids(client, head)
    (node,) = dispose(client, head, letter["id"], [o.secretary.id], [ids["Untuk ditindaklanjuti"]],
                      due_on="2099-01-01").get_json()["dispositions"]
    # Giving the disposisi is reading the letter.
    assert shown(o.head_user)["incoming_unread"] == [] and shown(o.head_user)["without_disposition"] == []
    assert shown(o.secretary_user)["dispositions_unread"] == [label]
    act(client, sec, node["id"], "read")
    assert shown(o.secretary_user)["dispositions_unread"] == []
    assert shown(o.secretary_user)["dispositions_open"] == [label]
    act(client, sec, node["id"], "follow-up", note="Data dikirim")
    assert shown(o.secretary_user)["dispositions_open"] == []
