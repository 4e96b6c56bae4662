"""The clerk's dispatch: signed letters e-mailed (through the outbox, to a real SMTP server) or delivered as
recorded in the expedition book; bulk send and file; the start page shows what waits for the clerk."""
from __future__ import annotations

import email
import re

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.dispatch.models import Delivery
from docflow.documents.models import Document
from docflow.workflow.operations import perform_action
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.test_notifications import smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.test_notifications import _services_with_mail
from tests.workflow.helpers import NOW
from tests.workflow_factories import make_office

EMAILED = "Kementerian PAN-RB <persuratan@menpan.go.id>"
BY_HAND = "Lurah Sukamaju"


def _signed(client, db, services, office, token_for, title="Undangan rapat evaluasi", to_name=(EMAILED, BY_HAND)):
    """Upload a letter to external addressees and take it through its route to the signature."""
    body = upload(client, token_for(office.drafter), make_pdf(f"{title}\nDengan hormat"), title=title,
                  to_name=list(to_name)).get_json()
    document = db.get(Document, body["id"])
    for actor, action in ((office.drafter, "submit"), (office.subhead_user, "initial"),
                          (office.secretary_user, "initial"), (office.head_user, "sign")):
        db.refresh(document)
        document = perform_action(db, actor=actor, document_id=document.id, action=action,
                                  expected_revision=document.revision, now=NOW, settings=services.settings.workflow)
    db.commit()
    assert document.state == "signed"
    return document


def test_external_recipient_line_keeps_its_email_address(client, db, make_unit, make_user, token_for):
    office = make_office(db, make_unit, make_user)
    body = upload(client, token_for(office.drafter), make_pdf("Surat"), to_name=[EMAILED, BY_HAND]).get_json()
    assert [(r["name"], r["email"]) for r in body["recipients"]] == [
        ("Kementerian PAN-RB", "persuratan@menpan.go.id"), (BY_HAND, None)]
    r = upload(client, token_for(office.drafter), make_pdf("Surat"), to_name=["Dinas X <bukan-alamat>"])
    assert r.status_code == 400 and "not an e-mail address" in r.get_json()["errors"][0]["reason"]


def test_send_emails_the_signed_pdf_and_records_the_other_deliveries(smtp, make_services, db, make_unit,  # noqa: F811
                                                                       make_user):
    """Is the PDF e-mailed after commit (delivery sent), the hand delivery recorded, all audited, then filed?"""
    from docflow import create_app
    from docflow.auth.operations import create_token
    from docflow.outbox.worker import Worker

    controller, handler = smtp
    services = _services_with_mail(make_services, controller.port)
    office = make_office(db, make_unit, make_user)
    db.commit()
    client = create_app(services).test_client()

    def token_for(user):
        token = create_token(db, user)
        db.commit()
        return {"Authorization": f"Bearer {token}"}

    document = _signed(client, db, services, office, token_for)
    clerk = token_for(office.clerk)
    # Without saying how the letter reaches the addressee who has no e-mail address: refused, nothing sent.
    r = client.post("/api/v1/dispatch/send", json={"documents": [document.id]}, headers=clerk)
    assert r.status_code == 400 and BY_HAND in r.get_json()["errors"][0]["reason"]
    assert r.get_json()["errors"][0]["field"] == "method"
    # Only the unit's clerk sends.
    r = client.post("/api/v1/dispatch/send", json={"documents": [document.id], "method": "hand"},
                    headers=token_for(office.drafter))
    assert r.status_code == 403
    r = client.post("/api/v1/dispatch/send", headers=clerk, json={
        "documents": [document.id], "method": "hand", "receiver": "Bu Sri (staf kelurahan)",
        "delivered_on": NOW.date().isoformat()})
    assert r.status_code == 200, r.get_json()
    (result,) = r.get_json()["results"]
    assert result["state"] == "sent"
    assert [(d["addressee"], d["method"], d["status"], d["address"], d["receiver"]) for d in result["deliveries"]] == [
        ("Kementerian PAN-RB", "email", "queued", "persuratan@menpan.go.id", ""),
        (BY_HAND, "hand", "delivered", "", "Bu Sri (staf kelurahan)")]
    assert handler.messages == []  # nothing leaves before the worker runs, after commit

    Worker(services).run_pending()
    (message,) = [m for m in handler.messages if "persuratan@menpan.go.id" in m["To"]]
    parsed = email.message_from_string(message.as_string())
    (attachment,) = [p for p in parsed.walk() if p.get_content_type() == "application/pdf"]
    db.refresh(document)
    assert attachment.get_payload(decode=True) == _current_bytes(services, document)
    assert document.number in parsed["Subject"]
    deliveries = client.get(f"/api/v1/documents/{document.id}/deliveries", headers=clerk).get_json()["results"]
    assert [(d["method"], d["status"]) for d in deliveries] == [("email", "sent"), ("hand", "delivered")]
    assert deliveries[0]["sent_at"] is not None
    book = client.get("/api/v1/dispatch/deliveries", headers=clerk).get_json()
    assert book["total"] == 2
    comments = db.scalars(select(AuditEvent.comment).where(AuditEvent.document_id == document.id,
                                                           AuditEvent.action == "record_delivery")).all()
    assert comments == ["Kementerian PAN-RB: e-mail to persuratan@menpan.go.id",
                        f"{BY_HAND}: hand on {NOW.date().isoformat()}, received by Bu Sri (staf kelurahan)"]

    r = client.post("/api/v1/dispatch/file", json={"documents": [document.id]}, headers=clerk)
    assert r.status_code == 200 and r.get_json()["results"][0]["state"] == "filed"


def _current_bytes(services, document):
    with services.store.open(document.current_version.storage_key) as reader:
        return reader.read()


def test_bulk_send_and_file_all_or_nothing(client, db, services, make_unit, make_user, token_for):
    """Are several letters sent at once, and is a batch with one unsendable letter refused whole?"""
    office = make_office(db, make_unit, make_user)
    first = _signed(client, db, services, office, token_for, "Surat pertama", to_name=[BY_HAND])
    second = _signed(client, db, services, office, token_for, "Surat kedua", to_name=["Camat Utara"])
    draft = upload(client, token_for(office.drafter), make_pdf("Konsep")).get_json()
    clerk = token_for(office.clerk)
    r = client.post("/api/v1/dispatch/send", headers=clerk,
                    json={"documents": [first.id, second.id, draft["id"]], "method": "courier"})
    assert r.status_code == 409
    db.expire_all()
    assert [db.get(Document, i).state for i in (first.id, second.id)] == ["signed", "signed"]
    assert db.scalars(select(Delivery)).all() == []
    r = client.post("/api/v1/dispatch/send", headers=clerk,
                    json={"documents": [first.id, second.id], "method": "courier", "reference": "JNE 123"})
    assert r.status_code == 200, r.get_json()
    assert [x["state"] for x in r.get_json()["results"]] == ["sent", "sent"]
    r = client.post("/api/v1/dispatch/file", headers=clerk, json={"documents": [first.id, second.id]})
    assert [x["state"] for x in r.get_json()["results"]] == ["filed", "filed"]
    for bad, field in (({"documents": []}, "documents"), ({"documents": ["x"]}, "documents"),
                       ({"documents": [first.id], "method": "pigeon"}, "method"),
                       ({"documents": [first.id], "method": "hand", "delivered_on": "2999-01-01"}, "delivered_on")):
        r = client.post("/api/v1/dispatch/send", headers=clerk, json=bad)
        assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == field, (bad, r.get_json())


@pytest.mark.parametrize("lang,waiting,filed_word", [("en", "Signed letters waiting to be sent", "File the ticked"),
                                                     ("id", "Surat ditandatangani menunggu dikirim", "Arsipkan")])
def test_clerk_sees_what_waits_and_sends_from_the_page(app, client, db, services, make_unit, make_user, token_for,
                                                       login, lang, waiting, filed_word):
    """Does the clerk's inbox list signed letters waiting (not "nothing waits"), and send and file them in bulk?"""
    office = make_office(db, make_unit, make_user)
    document = _signed(client, db, services, office, token_for, to_name=[BY_HAND])
    web = app.test_client()
    web.set_cookie("lang", lang)
    login(office.clerk, web)
    inbox = web.get("/inbox").get_data(as_text=True)
    assert waiting in inbox and document.title in inbox
    assert "Nothing waits for you" not in inbox and "Tidak ada yang menunggu" not in inbox
    start = web.get("/").get_data(as_text=True)
    assert waiting in start
    page = web.get("/dispatch").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'name="documents" value="{document.id}"' in page
    r = web.post("/dispatch/send", data={"csrf_token": csrf, "documents": [str(document.id)], "method": "portal",
                                         "reference": "SRIKANDI-77"})
    assert r.status_code == 302
    page = web.get("/dispatch").get_data(as_text=True)
    assert "SRIKANDI-77" in page and filed_word in page
    r = web.post("/dispatch/file", data={"csrf_token": csrf, "documents": [str(document.id)]})
    assert r.status_code == 302
    db.expire_all()
    assert db.get(Document, document.id).state == "filed"


class _Refusing:
    """An SMTP server that refuses every recipient, as a mail server does for an address that does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        return "550 5.1.1 <%s>: mailbox unavailable" % address


def test_a_refused_email_is_delivered_another_way_from_the_page(make_services, db, make_unit, make_user, login):
    """When the mail server refuses the address, does the dispatch page list the refusal and record the courier
    delivery that replaced it (not only the API), after which the refusal leaves the list?"""
    from aiosmtpd.controller import Controller

    from docflow import create_app
    from docflow.auth.operations import create_token
    from docflow.outbox.worker import Worker
    from tests.test_notifications import _free_port

    controller = Controller(_Refusing(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        services = make_services(mail={"host": "127.0.0.1", "port": controller.port, "sender": "docflow@kota.go.id"},
                                 server={"public_url": "https://docflow.kota.go.id"}, worker={"max_attempts": 1})
        office = make_office(db, make_unit, make_user)
        db.commit()
        app = create_app(services)
        app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
        client = app.test_client()

        def token_for(user):
            token = create_token(db, user)
            db.commit()
            return {"Authorization": f"Bearer {token}"}

        document = _signed(client, db, services, office, token_for, to_name=[EMAILED])
        r = client.post("/api/v1/dispatch/send", json={"documents": [document.id]}, headers=token_for(office.clerk))
        assert r.status_code == 200, r.get_json()
        Worker(services).run_pending()
    finally:
        controller.stop()
    (refused,) = db.scalars(select(Delivery)).all()
    db.refresh(refused)
    assert (refused.status, refused.method) == ("failed", "email") and "mailbox unavailable" in refused.detail

    web = app.test_client()
    web.set_cookie("lang", "en")
    login(office.clerk, web)
    page = web.get("/dispatch").get_data(as_text=True)
    assert "E-mails refused: record how the letter went instead" in page and "mailbox unavailable" in page
    form = page[page.index(f'id="refused-{refused.id}"'):]
    assert f'action="/dispatch/documents/{document.id}/deliveries"' in form
    assert f'name="recipient_id" value="{refused.recipient_id}"' in form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    fields = {"csrf_token": csrf, "recipient_id": str(refused.recipient_id), "delivered_on": NOW.date().isoformat(),
              "receiver": "Pak Budi (bagian umum)", "reference": "POS-RI 991"}
    # No method: refused with the reason, nothing recorded.
    r = web.post(f"/dispatch/documents/{document.id}/deliveries", data=fields, follow_redirects=True)
    assert "this field is required" in r.get_data(as_text=True)
    assert len(db.scalars(select(Delivery)).all()) == 1
    r = web.post(f"/dispatch/documents/{document.id}/deliveries", data={**fields, "method": "courier"})
    assert r.status_code == 302
    db.expire_all()
    lines = db.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert [(d.method, d.status, d.receiver, d.reference) for d in lines] == [
        ("email", "failed", "", ""), ("courier", "delivered", "Pak Budi (bagian umum)", "POS-RI 991")]
    page = web.get("/dispatch").get_data(as_text=True)
    assert "E-mails refused" not in page and "POS-RI 991" in page
    comment = db.scalars(select(AuditEvent.comment).where(AuditEvent.action == "record_delivery")
                         .order_by(AuditEvent.id.desc())).first()
    assert comment.startswith("Kementerian PAN-RB: courier on ")
    # Only the unit's clerk records it.
    other = app.test_client()
    login(office.drafter, other)
    r = other.post(f"/dispatch/documents/{document.id}/deliveries", data={**fields, "method": "hand"})
    assert r.status_code == 403
