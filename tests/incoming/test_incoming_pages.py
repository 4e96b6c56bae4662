"""The pages of incoming letters, in English and Indonesian: register (with a duplicate), the book, the letter with
its disposisi tree, the disposisi form, and "disposisi for me" with its actions."""
from __future__ import annotations

import io
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from docflow.incoming.models import Disposition, IncomingLetter
from tests.fixtures import make_pdf
from tests.workflow_factories import make_office


def _client(app, login, user, lang="en"):
    c = app.test_client()
    c.set_cookie("lang", lang)
    login(user, c)
    return c


def _register_form(office, **extra):
    return {"sender": "Kementerian Dalam Negeri", "sender_number": "005/77/SJ", "sender_date": "2026-03-01",
            "subject": "Undangan rapat koordinasi", "doc_type": "surat_undangan", "classification_code": "000",
            "security_class": "biasa", "urgency": "segera", "addressees": [str(office.head.id)],
            "file": (io.BytesIO(make_pdf("Undangan rapat koordinasi")), "scan.pdf"), **extra}


def _instruction_ids(html: str) -> list[str]:
    return re.findall(r'name="instructions" value="(\d+)"', html)


def test_register_dispose_forward_follow_up_through_the_pages(app, db, make_unit, make_user, login):
    o = make_office(db, make_unit, make_user, "DISPERKIM")
    clerk = _client(app, login, o.clerk)
    book = clerk.get("/incoming").get_data(as_text=True)
    assert "Incoming book" in book and 'href="/incoming/new"' in book
    form = clerk.get("/incoming/new").get_data(as_text=True)
    assert f'name="addressees" value="{o.head.id}"' in form
    r = clerk.post("/incoming/new", data=_register_form(o), content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    letter = db.scalars(select(IncomingLetter)).one()
    assert r.headers["Location"].endswith(f"/incoming/{letter.id}")
    # The same letter again: the form names the registration, links it, and offers to confirm a second copy.
    r = clerk.post("/incoming/new", data=_register_form(o), content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert f"already registered as agenda {letter.agenda_label}" in html
    assert f'href="/incoming/{letter.id}"' in html and 'name="confirm_duplicate"' in html
    r = clerk.post("/incoming/new", data=_register_form(o, confirm_duplicate="1"), content_type="multipart/form-data")
    assert r.status_code == 302
    book = clerk.get("/incoming").get_data(as_text=True)
    assert f"{letter.agenda_label}</a>" in book and "Undangan rapat koordinasi" in book

    head = _client(app, login, o.head_user)
    page = head.get(f"/incoming/{letter.id}").get_data(as_text=True)
    assert "Give a disposisi" in page and f'name="recipients" value="{o.secretary.id}"' in page
    # The file's own page shows it as an incoming letter, with no route to set and no action to take.
    file_page = head.get(f"/documents/{letter.document_id}")
    assert file_page.status_code == 200 and "Incoming letter" in file_page.get_data(as_text=True)
    assert "/actions/submit" not in file_page.get_data(as_text=True)
    ids = _instruction_ids(page)
    assert len(ids) == 6
    r = head.post(f"/incoming/{letter.id}/dispositions", data={
        "recipients": [str(o.secretary.id)], "instructions": ids[1:3], "note": "Mohon dihadiri",
        "due_on": "2099-12-31", "priority": "segera"})
    assert r.status_code == 302
    node = db.scalars(select(Disposition)).one()
    page = head.get(f"/incoming/{letter.id}").get_data(as_text=True)
    local = node.created_at.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M")
    assert f"Given by {o.head_user.display_name} on {local}" in page
    assert "Untuk ditindaklanjuti, Siapkan jawaban" in page and "Unread" in page
    # The head's own desk is not below her: refused with the reason, on the page.
    r = head.post(f"/incoming/{letter.id}/dispositions", data={"recipients": [str(o.head.id)],
                                                              "instructions": ids[:1]})
    assert r.status_code == 403 and "is not below" in r.get_data(as_text=True)

    secretary = _client(app, login, o.secretary_user)
    mine = secretary.get("/dispositions").get_data(as_text=True)
    assert "Disposisi for me" in mine and f'action="/dispositions/{node.id}/actions/read"' in mine
    r = secretary.post(f"/dispositions/{node.id}/actions/read", data={"next": "mine", "revision": node.revision})
    assert r.status_code == 302 and r.headers["Location"].endswith("/dispositions")
    page = secretary.get(f"/incoming/{letter.id}").get_data(as_text=True)
    assert f'action="/dispositions/{node.id}/actions/forward"' in page
    r = secretary.post(f"/dispositions/{node.id}/actions/forward", data={
        "recipients": [str(o.subhead.id)], "instructions": ids[4:5], "note": "Tolong siapkan bahan"})
    assert r.status_code == 302
    child = db.scalars(select(Disposition).where(Disposition.parent_id == node.id)).one()

    subhead = _client(app, login, o.subhead_user)
    subhead.post(f"/dispositions/{child.id}/actions/read", data={})
    r = subhead.post(f"/dispositions/{child.id}/actions/follow-up", data={"note": "Bahan rapat sudah disiapkan"})
    assert r.status_code == 302
    page = subhead.get(f"/incoming/{letter.id}").get_data(as_text=True)
    assert f"Followed up by {o.subhead_user.display_name}" in page and "Bahan rapat sudah disiapkan" in page
    # The lembar disposisi: the particulars and the tree as rows, the passed-down node indented.
    sheet = head.get(f"/incoming/{letter.id}/sheet").get_data(as_text=True)
    assert "Disposition sheet (lembar disposisi)" in sheet and letter.agenda_label in sheet
    assert f"— {o.secretary.title}" in sheet and "Bahan rapat sudah disiapkan" in sheet
    assert f'href="/incoming/{letter.id}/sheet"' in page
    # Cancelling what was read: refused, with the reason flashed.
    r = secretary.post(f"/dispositions/{child.id}/actions/cancel", data={})
    assert r.status_code == 303
    assert "cannot be given the action" in secretary.get(r.headers["Location"]).get_data(as_text=True)


def test_pages_speak_indonesian(app, db, make_unit, make_user, login, services):
    o = make_office(db, make_unit, make_user, "BAPPEDA")
    clerk = _client(app, login, o.clerk, "id")
    assert "Buku agenda surat masuk" in clerk.get("/incoming").get_data(as_text=True)
    form = clerk.get("/incoming/new").get_data(as_text=True)
    assert "Registrasi surat masuk" in form and "Register an incoming letter" not in form
    r = clerk.post("/incoming/new", data=_register_form(o), content_type="multipart/form-data")
    assert r.status_code == 302
    letter = db.scalars(select(IncomingLetter)).one()
    head = _client(app, login, o.head_user, "id")
    page = head.get(f"/incoming/{letter.id}").get_data(as_text=True)
    assert "Berikan disposisi" in page and "Give a disposisi" not in page
    head.post(f"/incoming/{letter.id}/dispositions", data={"recipients": [str(o.secretary.id)],
                                                           "instructions": _instruction_ids(page)[:1]})
    mine = _client(app, login, o.secretary_user, "id").get("/dispositions").get_data(as_text=True)
    assert "Disposisi untuk saya" in mine and "Tandai sudah dibaca" in mine and "Mark as read" not in mine


def test_outsider_gets_404_and_drafters_no_register_form(app, db, make_unit, make_user, login, client):
    o = make_office(db, make_unit, make_user, "DINSOS")
    other = make_office(db, make_unit, make_user, "DISDIK")
    clerk = _client(app, login, o.clerk)
    clerk.post("/incoming/new", data=_register_form(o), content_type="multipart/form-data")
    letter = db.scalars(select(IncomingLetter)).one()
    outsider = _client(app, login, other.head_user)
    assert outsider.get(f"/incoming/{letter.id}").status_code == 404
    assert letter.agenda_label not in outsider.get("/incoming").get_data(as_text=True)
    drafter = _client(app, login, o.drafter)
    assert drafter.get("/incoming/new").status_code == 403
    assert 'href="/incoming/new"' not in drafter.get("/incoming").get_data(as_text=True)


def test_clerk_registers_a_letter_from_another_unit_in_one_click(app, db, make_unit, make_user, login, services):
    from docflow.documents.models import DocumentRecipient, DocumentState
    from tests.workflow.helpers import put_in_state

    o = make_office(db, make_unit, make_user, "DISHUB")
    sender = make_office(db, make_unit, make_user, "DISPORA")
    sent = put_in_state(db, services, sender, DocumentState.SENT)
    sent.recipients.append(DocumentRecipient(kind="to", ordering=1, position_id=o.head.id, name=o.head.title))
    db.commit()
    clerk = _client(app, login, o.clerk)
    book = clerk.get("/incoming").get_data(as_text=True)
    assert "Sent to this unit by other units, to register" in book and sent.title in book
    r = clerk.post(f"/incoming/internal/{sent.id}", data={})
    assert r.status_code == 302
    letter = db.scalars(select(IncomingLetter).where(IncomingLetter.document_id == sent.id)).one()
    assert r.headers["Location"].endswith(f"/incoming/{letter.id}")
    assert "to register" not in clerk.get("/incoming").get_data(as_text=True)
