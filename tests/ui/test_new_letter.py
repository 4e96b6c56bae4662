"""The new-letter page: fields, classification picker, save as draft, route review and submit."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.fixtures import make_pdf
from tests.workflow_factories import make_office


def _new_letter(client, intent: str, **fields):
    form = {"title": "Undangan rapat koordinasi", "doc_type": "nota_dinas", "classification_code": "000.1.3",
            "security_class": "biasa", "urgency": "segera", "intent": intent,
            "file": (io.BytesIO(make_pdf("Undangan rapat")), "undangan.pdf"), **fields}
    return client.post("/documents/new", data=form, content_type="multipart/form-data")


def test_new_letter_page_offers_the_classification_picker_and_both_buttons(client, make_user, login):
    login(make_user())
    html = client.get("/documents/new").get_data(as_text=True)
    assert 'list="classification-list"' in html
    assert '<option value="000.5">000.5 Kearsipan</option>' in html
    assert 'name="intent" value="draft"' in html and 'name="intent" value="route"' in html
    assert '<label for="classification_code">' in html and '<label for="file">' in html
    assert "docflow.js" in html


def test_save_as_draft_keeps_the_letter_a_draft(client, db, make_unit, make_user, login):
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    response = _new_letter(client, "draft")
    assert response.status_code == 302
    document = db.scalars(select(Document)).one()
    assert (document.state, document.classification_code, document.urgency) == ("draft", "000.1.3", "segera")
    assert response.headers["Location"].endswith(f"/documents/{document.id}")


def test_unknown_classification_code_is_refused_with_a_message(client, make_user, login, db):
    from docflow.documents.models import Document

    login(make_user())
    response = _new_letter(client, "draft", classification_code="999.9")
    assert response.status_code == 400
    assert "unknown classification code &#39;999.9&#39;" in response.get_data(as_text=True)
    assert db.scalars(select(Document)).first() is None


def test_submit_along_an_adjusted_route(client, db, make_unit, make_user, login):
    """Can the drafter drop a verifier, pick the secretary as signer, and submit in one step?"""
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    response = _new_letter(client, "route")
    assert response.status_code == 302 and response.headers["Location"].endswith("#route-form")
    document = db.scalars(select(Document)).one()
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "This is the route the rules propose" in page
    assert f'<option value="{office.head.id}" selected>' in page  # the head of the unit signs by default
    assert f'<option value="{office.subhead.id}" selected>' in page
    response = client.post(f"/documents/{document.id}/route", data={
        "revision": document.revision, "verifier_1": office.subhead.id, "signer": office.secretary.id,
        "signer_mode": "direct", "intent": "submit", "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    document = db.get(Document, document.id)
    assert document.state == "in_verification"
    assert [(s.kind, s.position_id, s.state) for s in document.steps] == [
        ("verify", office.subhead.id, "current"), ("sign", office.secretary.id, "waiting")]
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "The letter was submitted for verification." in page
    assert 'id="route-form"' not in page  # no longer the drafter's to change


def test_route_against_the_rules_is_refused_with_the_reason(client, db, make_unit, make_user, login):
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    _new_letter(client, "route")
    document = db.scalars(select(Document)).one()
    response = client.post(f"/documents/{document.id}/route", data={
        "revision": document.revision, "verifier_1": office.head.id, "signer": office.head.id,
        "intent": "save"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "a position appears twice on the route" in html
    assert 'id="route-form"' in html
    db.expire_all()
    assert db.get(Document, document.id).steps == []


def test_submit_needs_the_confirmation(client, db, make_unit, make_user, login):
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    _new_letter(client, "route")
    document = db.scalars(select(Document)).one()
    response = client.post(f"/documents/{document.id}/route", data={
        "revision": document.revision, "verifier_1": office.subhead.id, "signer": office.head.id,
        "intent": "submit"})
    assert response.status_code == 400
    assert "I confirm" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Document, document.id).state == "draft"


def test_saving_a_stale_route_says_someone_acted_first(client, db, make_unit, make_user, login):
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    _new_letter(client, "route")
    document = db.scalars(select(Document)).one()
    stale = document.revision
    form = {"revision": stale, "verifier_1": office.subhead.id, "signer": office.head.id, "intent": "save"}
    assert client.post(f"/documents/{document.id}/route", data=form).status_code == 302
    response = client.post(f"/documents/{document.id}/route", data=form)
    assert response.status_code == 409
    assert "someone acted on this letter first" in response.get_data(as_text=True)


def test_only_the_drafter_may_set_the_route(client, db, make_unit, make_user, login, token_for):
    from tests.ui.helpers import api_letter

    office = make_office(db, make_unit, make_user)
    doc = api_letter(client, token_for(office.drafter), make_pdf("x"))
    login(office.subhead_user)
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert 'id="route-form"' not in page
    response = client.post(f"/documents/{doc['id']}/route", data={
        "revision": doc["revision"], "signer": office.head.id, "intent": "save"})
    assert response.status_code == 403
    assert "only the drafter of this letter" in response.get_data(as_text=True)


def test_classification_codes_endpoint_finds_by_code_and_by_name(client, make_user, token_for):
    headers = token_for(make_user())
    by_name = client.get("/api/v1/classification-codes?q=arsip", headers=headers).get_json()["results"]
    assert "000.5" in [c["code"] for c in by_name]
    by_code = client.get("/api/v1/classification-codes?q=000.8", headers=headers).get_json()["results"]
    assert [c["code"] for c in by_code] == ["000.8", "000.8.1", "000.8.2", "000.8.3", "000.8.3.3"]
    assert by_code[0]["final_fate"] in ("destroy", "permanent", "review")
    assert client.get("/api/v1/classification-codes?q=%25", headers=headers).get_json()["results"] == []
    assert client.get("/api/v1/classification-codes").status_code == 401
