"""A letter's recipients: addressees (Yth.) and copies (tembusan), internal desks or external lines; the desks
read the letter once it is sent, find it in search and see it among the letters sent to them."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from docflow.audit.models import AuditEvent
from docflow.documents.access import can_read, readable_clause
from docflow.documents.models import Document, DocumentState
from docflow.documents.operations import set_recipients
from docflow.documents.recipients import RecipientSpec, position_label, recipients_from_form, validate_recipients
from docflow.errors import Conflict, PermissionDenied, ValidationFailed
from docflow.org.models import Assignment
from docflow.org.operations import assign_position, create_delegation, end_assignment
from docflow.org.queries import acting_position_ids
from docflow.outbox.models import OutboxJob
from docflow.outbox.operations import INDEX_DOCUMENT, NOTIFY
from docflow.search.indexing import to_indexed
from docflow.workflow.queries import incoming_letters
from tests.conftest import PASSWORD, upload
from tests.fixtures import make_pdf
from tests.workflow.helpers import NOW, Office, act, build_office, new_letter

EXTERNAL = "Kepala Dinas Pendidikan Provinsi Jawa Barat"
SEND_PATH = (("drafter", "submit"), ("subhead_user", "initial"), ("secretary_user", "initial"),
             ("head_user", "sign"), ("clerk", "send"))


@pytest.fixture
def offices(db) -> tuple[Office, Office]:
    """The sending Dinas and the Dinas the letter is addressed to (another unit: it reads nothing by default)."""
    sender, receiver = build_office(db, "DISKOMINFO"), build_office(db, "DISDIK")
    db.commit()
    return sender, receiver


def _positions(db, user) -> set[int]:
    return acting_position_ids(db, user.id, NOW.date())


def _addressed(db, services, sender: Office, receiver: Office, *, title: str = "Undangan rapat koordinasi") -> Document:
    document = new_letter(db, services, sender.drafter, title=title)
    specs = validate_recipients(db, [{"kind": "to", "position_id": receiver.head.id}, {"kind": "to", "name": EXTERNAL},
                                     {"kind": "cc", "position_id": receiver.secretary.id}])
    set_recipients(db, actor=sender.drafter, document=document, recipients=specs,
                   expected_revision=document.revision, positions=_positions(db, sender.drafter))
    db.commit()
    return document


def _send(db, services, office: Office, document: Document) -> Document:
    for who, action in SEND_PATH:
        act(db, services, getattr(office, who), document, action)
    db.commit()
    return document


# -- the validator (one for the form and the API) ---------------------------------------------------------------

def test_validator_reads_positions_by_id_or_picker_label_and_external_lines(db, offices):
    sender, receiver = offices
    label = position_label(receiver.head)
    assert label.endswith(f"(#{receiver.head.id})") and receiver.unit.name in label
    form = MultiDict([("to_position", label), ("to_position", ""), ("to_name", f"{EXTERNAL}\r\n\r\nWali Kota"),
                      ("cc_position", str(receiver.secretary.id)), ("cc_name", "")])
    specs = validate_recipients(db, recipients_from_form(form))
    assert specs == [RecipientSpec("to", receiver.head.id, receiver.head.title), RecipientSpec("to", None, EXTERNAL),
                     RecipientSpec("to", None, "Wali Kota"),
                     RecipientSpec("cc", receiver.secretary.id, receiver.secretary.title)]
    assert validate_recipients(db, None) == [] and validate_recipients(db, []) == []


@pytest.mark.parametrize("items, reason", [
    ([{"kind": "to", "position_id": 999_999}], "no position"),
    ([{"kind": "to", "position_id": "Kepala Dinas Entah"}], "choose one from the list"),
    ([{"kind": "bcc", "name": "X"}], "not one of to, cc"),
    ([{"kind": "to"}], "position_id (internal) or a name"),
    ([{"kind": "to", "name": "A", "position_id": 1}], "not both"),
    ([{"kind": "to", "name": "Camat Utara"}, {"kind": "cc", "name": "camat  utara"}], "more than once"),
    ([{"kind": "cc", "name": "Inspektur"}], "at least one addressee"),
    ([{"kind": "to", "name": "x" * 301}], "at most 300"),
    ("Wali Kota", "a list"),
    (["Wali Kota"], "an object"),
])
def test_validator_refuses_with_a_reason(db, offices, items, reason):
    with pytest.raises(ValidationFailed) as refused:
        validate_recipients(db, items)
    assert any(reason in r for _, r in refused.value.errors), refused.value.errors
    assert {f for f, _ in refused.value.errors} == {"recipients"}


def test_validator_refuses_a_desk_listed_twice_and_an_inactive_desk(db, offices):
    _, receiver = offices
    with pytest.raises(ValidationFailed, match="more than once"):
        validate_recipients(db, [{"kind": "to", "position_id": receiver.head.id},
                                 {"kind": "cc", "position_id": receiver.head.id}])
    receiver.staff.is_active = False
    db.flush()
    with pytest.raises(ValidationFailed, match="no position"):
        validate_recipients(db, [{"kind": "to", "position_id": receiver.staff.id}])


# -- operations and access ----------------------------------------------------------------------------------------

def test_recipients_are_kept_in_order_audited_and_reindexed(db, services, offices):
    sender, receiver = offices
    document = _addressed(db, services, sender, receiver)
    assert [(r.kind, r.position_id, r.name) for r in document.recipients] == [
        ("to", receiver.head.id, receiver.head.title), ("to", None, EXTERNAL),
        ("cc", receiver.secretary.id, receiver.secretary.title)]
    event = db.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id)).one()
    assert event.action == "set_recipients" and EXTERNAL in event.comment and "Tembusan:" in event.comment
    assert event.actor_position_id == sender.staff.id
    jobs = db.scalars(select(OutboxJob).where(OutboxJob.kind == INDEX_DOCUMENT)).all()
    assert any(j.payload["document_id"] == document.id for j in jobs)
    entry = to_indexed(document)
    assert EXTERNAL in entry.recipients and receiver.unit.name in entry.recipients


def test_only_the_drafter_changes_recipients_and_only_before_submission(db, services, offices):
    sender, receiver = offices
    document = _addressed(db, services, sender, receiver)
    specs = [RecipientSpec("to", None, "Wali Kota")]
    with pytest.raises(PermissionDenied):
        set_recipients(db, actor=sender.subhead_user, document=document, recipients=specs,
                       expected_revision=document.revision, positions=_positions(db, sender.subhead_user))
    with pytest.raises(Conflict):
        set_recipients(db, actor=sender.drafter, document=document, recipients=specs,
                       expected_revision=document.revision - 1, positions=_positions(db, sender.drafter))
    act(db, services, sender.drafter, document, "submit")
    with pytest.raises(Conflict, match="draft or returned"):
        set_recipients(db, actor=sender.drafter, document=document, recipients=specs,
                       expected_revision=document.revision, positions=_positions(db, sender.drafter))
    act(db, services, sender.subhead_user, document, "return", comment="Tambahkan tembusan")
    set_recipients(db, actor=sender.drafter, document=document, recipients=specs,
                   expected_revision=document.revision, positions=_positions(db, sender.drafter))
    assert [r.name for r in document.recipients] == ["Wali Kota"]


def test_recipient_desks_read_the_letter_from_sending_on(db, services, offices):
    sender, receiver = offices
    document = _addressed(db, services, sender, receiver)
    head, secretary, staff = receiver.head_user, receiver.secretary_user, receiver.drafter

    def readers() -> dict[str, bool]:
        found = {}
        for name, user in (("head", head), ("secretary", secretary), ("staff", staff)):
            positions = _positions(db, user)
            by_sql = document.id in set(db.scalars(select(Document.id).where(readable_clause(user, positions))))
            assert by_sql == can_read(user, document, positions)  # the SQL rule and the Python rule agree
            found[name] = by_sql
        return found

    assert readers() == {"head": False, "secretary": False, "staff": False}
    assert incoming_letters(db, _positions(db, head)) == []
    for who, action in SEND_PATH[:-1]:
        act(db, services, getattr(sender, who), document, action)
    assert document.state == DocumentState.SIGNED
    assert readers() == {"head": False, "secretary": False, "staff": False}
    act(db, services, sender.clerk, document, "send")
    assert readers() == {"head": True, "secretary": True, "staff": False}
    assert incoming_letters(db, _positions(db, head)) == [document]
    assert incoming_letters(db, _positions(db, secretary)) == [document]
    assert incoming_letters(db, _positions(db, staff)) == []
    act(db, services, sender.clerk, document, "file")
    assert readers()["head"] is True  # a filed letter stays readable to its recipients


def test_rights_follow_the_desk_not_the_person(db, services, offices):
    """Does the Plh. of an addressed desk read the letter, and does its next holder inherit it?"""
    sender, receiver = offices
    document = _send(db, services, sender, _addressed(db, services, sender, receiver))
    on = NOW.date()
    stand_in = receiver.outsider  # same unit, no desk of her own
    assert not can_read(stand_in, document, acting_position_ids(db, stand_in.id, on))
    create_delegation(db, position=receiver.head, delegate=stand_in, kind="plh", starts_on=on - timedelta(days=1),
                      ends_on=on + timedelta(days=5))
    assert can_read(stand_in, document, acting_position_ids(db, stand_in.id, on))
    assert incoming_letters(db, acting_position_ids(db, stand_in.id, on)) == [document]
    # The head moves on: whoever holds the desk next reads the letter, the former holder no longer does.
    later = on + timedelta(days=30)
    held = db.scalars(select(Assignment).where(Assignment.user_id == receiver.head_user.id)).one()
    end_assignment(db, held, ends_on=later - timedelta(days=1))
    assign_position(db, position=receiver.head, user=receiver.drafter, starts_on=later)
    assert can_read(receiver.drafter, document, acting_position_ids(db, receiver.drafter.id, later))
    assert not can_read(receiver.head_user, document, acting_position_ids(db, receiver.head_user.id, later))


def test_sending_records_the_delivery_and_tells_the_recipient_desks(db, services, offices):
    sender, receiver = offices
    document = _send(db, services, sender, _addressed(db, services, sender, receiver))
    trail = db.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in trail][-2:] == ["send", "deliver"]
    # The history names the desks and their unit, not their ids.
    assert trail[-1].comment == (f"Yth. {receiver.head.title} — {receiver.unit.name}; "
                                 f"Tembusan: {receiver.secretary.title} — {receiver.unit.name}")
    assert EXTERNAL not in trail[-1].comment  # an external recipient gains no access
    notices = [j.payload for j in db.scalars(select(OutboxJob).where(OutboxJob.kind == NOTIFY))]
    assert {"event": "received", "position_ids": sorted([receiver.head.id, receiver.secretary.id])}.items() <= \
        next(p for p in notices if p["event"] == "received").items()


def test_a_letter_without_internal_recipients_is_sent_without_a_delivery_record(db, services, offices):
    sender, _ = offices
    document = new_letter(db, services, sender.drafter)
    set_recipients(db, actor=sender.drafter, document=document, recipients=[RecipientSpec("to", None, EXTERNAL)],
                   expected_revision=document.revision, positions=_positions(db, sender.drafter))
    _send(db, services, sender, document)
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.document_id == document.id)).all()
    assert "deliver" not in actions and actions[-1] == "send"


# -- API --------------------------------------------------------------------------------------------------------

def test_api_creates_a_letter_with_recipients_and_replaces_them(client, db, offices, token_for):
    sender, receiver = offices
    headers = token_for(sender.drafter)
    response = upload(client, headers, make_pdf("Undangan rapat"), title="Undangan rapat",
                      to_position=[str(receiver.head.id)], to_name=[EXTERNAL], cc_position=[str(receiver.secretary.id)])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # Each row has its id (the expedition book names it) and an external one its e-mail address, if any.
    assert [{k: v for k, v in r.items() if k not in ("id", "email")} for r in body["recipients"]] == [
        {"kind": "to", "position_id": receiver.head.id, "name": receiver.head.title, "unit": "DISDIK"},
        {"kind": "to", "position_id": None, "name": EXTERNAL, "unit": None},
        {"kind": "cc", "position_id": receiver.secretary.id, "name": receiver.secretary.title, "unit": "DISDIK"}]
    url = f"/api/v1/documents/{body['id']}/recipients"
    new = [{"kind": "to", "name": "Wali Kota"}, {"kind": "cc", "position_id": receiver.head.id}]
    stale = client.put(url, json={"revision": body["revision"] - 1, "recipients": new}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["errors"][0]["field"] == "revision"
    bad = client.put(url, json={"revision": body["revision"], "recipients": [{"kind": "to", "position_id": 0}]},
                     headers=headers)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "recipients"
    other = client.put(url, json={"revision": body["revision"], "recipients": new}, headers=token_for(sender.outsider))
    assert other.status_code == 403
    ok = client.put(url, json={"revision": body["revision"], "recipients": new}, headers=headers)
    assert ok.status_code == 200, ok.get_json()
    assert [(r["kind"], r["name"]) for r in ok.get_json()["recipients"]] == [
        ("to", "Wali Kota"), ("cc", receiver.head.title)]
    assert ok.get_json()["revision"] == body["revision"] + 1
    shown = client.get(f"/api/v1/documents/{body['id']}", headers=headers).get_json()
    assert shown["recipients"] == ok.get_json()["recipients"]


def test_api_refuses_recipients_of_a_bad_form_on_create(client, offices, token_for):
    sender, _ = offices
    response = upload(client, token_for(sender.drafter), make_pdf("x"), cc_name=["Inspektur"])
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "recipients", "reason": "copies (tembusan) need at least one addressee (Yth.)"}]


def test_api_refuses_changing_recipients_of_a_sent_letter_and_lists_incoming(client, db, services, offices,
                                                                               token_for):
    sender, receiver = offices
    document = _send(db, services, sender, _addressed(db, services, sender, receiver))
    response = client.put(f"/api/v1/documents/{document.id}/recipients", headers=token_for(sender.drafter),
                          json={"revision": document.revision, "recipients": []})
    assert response.status_code == 409 and response.get_json()["errors"][0]["field"] == "recipients"
    incoming = client.get("/api/v1/incoming", headers=token_for(receiver.head_user)).get_json()
    assert [d["id"] for d in incoming["results"]] == [document.id] and incoming["total"] == 1
    assert client.get("/api/v1/incoming", headers=token_for(receiver.drafter)).get_json()["results"] == []
    shown = client.get(f"/api/v1/documents/{document.id}", headers=token_for(receiver.head_user))
    assert shown.status_code == 200 and shown.get_json()["permissions"] == ["read"]


# -- search -----------------------------------------------------------------------------------------------------

def test_a_recipient_desk_finds_the_letter_only_once_it_is_sent(client, db, services, offices, token_for, run_worker):
    sender, receiver = offices
    document = _addressed(db, services, sender, receiver, title="Undangan rapat koordinasi kearsipan")
    run_worker()
    head = token_for(receiver.head_user)
    assert client.get("/api/v1/search?q=kearsipan", headers=head).get_json()["total"] == 0
    # The drafter finds it by a recipient's words too (the recipients are indexed).
    found = client.get("/api/v1/search?q=Jawa Barat", headers=token_for(sender.drafter)).get_json()
    assert [h["id"] for h in found["results"]] == [document.id]
    for who, action in SEND_PATH[:-1]:
        act(db, services, getattr(sender, who), document, action)
    db.commit()
    run_worker()
    assert client.get("/api/v1/search?q=kearsipan", headers=head).get_json()["total"] == 0
    act(db, services, sender.clerk, document, "send")
    db.commit()
    run_worker()  # the outbox refreshes the index entry, with the recipients' desks among its readers
    body = client.get("/api/v1/search?q=kearsipan", headers=head).get_json()
    assert [h["id"] for h in body["results"]] == [document.id]
    assert client.get("/api/v1/search?q=kearsipan", headers=token_for(receiver.drafter)).get_json()["total"] == 0


# -- pages ------------------------------------------------------------------------------------------------------

def _login(client, db, user):
    from docflow.auth.operations import set_password

    set_password(db, user, PASSWORD)
    db.commit()
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def _csrf(html: str) -> str:
    """Return the page's CSRF token ("" where the test client does not check them)."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    return match.group(1) if match else ""


def test_new_letter_form_offers_the_position_picker_and_saves_recipients(client, db, offices):
    sender, receiver = offices
    _login(client, db, sender.drafter)
    page = client.get("/documents/new").get_data(as_text=True)
    assert 'list="position-list"' in page and 'name="to_name"' in page and 'name="cc_position"' in page
    assert f'<option value="{position_label(receiver.head)}">' in page.replace("&#34;", '"')
    assert "<script>" not in page  # CSP: no inline script; the picker is a native list
    data = {"title": "Undangan rapat", "doc_type": "nota_dinas", "classification_code": "000.8.3.3",
            "security_class": "biasa", "urgency": "biasa", "to_position": position_label(receiver.head),
            "to_name": EXTERNAL, "cc_position": "", "cc_name": "", "intent": "draft",
            "file": (io.BytesIO(make_pdf("Undangan rapat")), "surat.pdf")}
    response = client.post("/documents/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    document = db.scalars(select(Document).where(Document.title == "Undangan rapat")).one()
    assert [(r.kind, r.position_id, r.name) for r in document.recipients] == [
        ("to", receiver.head.id, receiver.head.title), ("to", None, EXTERNAL)]
    shown = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Addressed to (Yth.)" in shown and EXTERNAL in shown and receiver.unit.name in shown
    assert "Change the recipients" in shown


def test_new_letter_form_keeps_what_was_typed_when_a_recipient_is_refused(client, db, offices):
    sender, _ = offices
    _login(client, db, sender.drafter)
    data = {"title": "Undangan", "classification_code": "000", "to_position": "Kepala Dinas Entah",
            "to_name": EXTERNAL, "file": (io.BytesIO(make_pdf("x")), "surat.pdf")}
    response = client.post("/documents/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "choose one from the list" in page
    assert 'value="Kepala Dinas Entah"' in page and EXTERNAL in page


def test_draft_page_changes_recipients_with_csrf_and_refuses_after_submission(web_client, db, services, offices):
    sender, receiver = offices
    document = _addressed(db, services, sender, receiver)
    _login(web_client, db, sender.drafter)
    page = web_client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'value="{position_label(receiver.head)}"' in page.replace("&#34;", '"')
    token = _csrf(page)
    url = f"/documents/{document.id}/recipients"
    assert web_client.post(url, data={"to_name": "Wali Kota", "revision": document.revision}).status_code == 400
    response = web_client.post(url, data={"csrf_token": token, "revision": document.revision, "to_name": "Wali Kota",
                                          "cc_position": str(receiver.head.id)})
    assert response.status_code == 302
    db.expire_all()
    assert [(r.kind, r.name) for r in db.get(Document, document.id).recipients] == [
        ("to", "Wali Kota"), ("cc", receiver.head.title)]
    act(db, services, sender.drafter, db.get(Document, document.id), "submit")
    db.commit()
    page = web_client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Change the recipients" not in page and "Wali Kota" in page
    refused = web_client.post(url, data={"csrf_token": token, "revision": document.revision + 1, "to_name": "X"})
    assert refused.status_code == 409 and "draft or returned" in refused.get_data(as_text=True)


def test_dashboard_lists_letters_sent_to_my_desk(client, db, services, offices):
    sender, receiver = offices
    document = _send(db, services, sender, _addressed(db, services, sender, receiver))
    _login(client, db, receiver.head_user)
    page = client.get("/").get_data(as_text=True)
    assert "Letters sent to me" in page and f'/documents/{document.id}"' in page and document.number in page
    assert client.get(f"/documents/{document.id}").status_code == 200


def test_the_drafts_page_offers_the_picker_its_desks(client, db, offices):
    """Does the draft's own page, where the drafter changes recipients, list the desks to choose from?"""
    sender, receiver = offices
    _login(client, db, sender.drafter)
    data = {"title": "Nota dinas jadwal", "doc_type": "nota_dinas", "classification_code": "000.8.3.3",
            "security_class": "biasa", "urgency": "biasa", "intent": "draft",
            "file": (io.BytesIO(make_pdf("Nota dinas jadwal")), "surat.pdf")}
    response = client.post("/documents/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True).replace("&#34;", '"')
    assert 'list="position-list"' in page
    assert f'<option value="{position_label(receiver.head)}">' in page
