"""The document page: inline preview under a sandbox, confirmations, who is next, overdue steps."""
from __future__ import annotations

from datetime import timedelta

from tests.fixtures import make_docx, make_pdf
from tests.ui.helpers import api_letter, make_png
from tests.workflow_factories import make_office


def test_pdf_is_framed_and_previewed_inline_in_a_sandbox(client, make_user, login, token_for):
    user = make_user()
    pdf = make_pdf("Surat edaran")
    doc = api_letter(client, token_for(user), pdf)
    login(user)
    page = client.get(f"/documents/{doc['id']}")
    html = page.get_data(as_text=True)
    assert f'<iframe src="/documents/{doc["id"]}/versions/1/preview"' in html
    assert "frame-src 'self'" in page.headers["Content-Security-Policy"]
    preview = client.get(f"/documents/{doc['id']}/versions/1/preview")
    assert preview.status_code == 200 and preview.data == pdf
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert preview.headers["Content-Security-Policy"].startswith("sandbox;")
    assert preview.mimetype == "application/pdf"


def test_image_is_shown_in_an_img(client, make_user, login, token_for):
    user = make_user()
    doc = api_letter(client, token_for(user), make_png(), filename="scan.png")
    login(user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert f'<img src="/documents/{doc["id"]}/versions/1/preview"' in html
    preview = client.get(f"/documents/{doc['id']}/versions/1/preview")
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in preview.headers["Content-Security-Policy"]


def test_other_types_are_never_inline(client, make_user, login, token_for):
    user = make_user()
    doc = api_letter(client, token_for(user), make_docx("Nota dinas"), filename="nota.docx")
    login(user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "<iframe" not in html and "/preview" not in html
    assert "download it to read it" in html
    preview = client.get(f"/documents/{doc['id']}/versions/1/preview")
    assert preview.headers["Content-Disposition"].startswith("attachment;")


def test_preview_of_an_unreadable_letter_is_not_found(client, make_user, login, token_for):
    doc = api_letter(client, token_for(make_user()), make_pdf("x"), security_class="rahasia")
    login(make_user())
    assert client.get(f"/documents/{doc['id']}/versions/1/preview").status_code == 404


def test_every_action_asks_before_it_happens(client, db, make_unit, make_user, login, token_for):
    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = api_letter(client, headers, make_pdf("x"), title="Nota rapat")
    client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]}, headers=headers)
    login(office.subhead_user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    forms = html.count('action="/documents/%d/actions/' % doc["id"])
    assert forms >= 2  # initial and return, at least
    assert html.count('<input type="checkbox" name="confirm" value="1" required>') == forms
    assert 'data-confirm="Initial this letter?"' in html
    assert "next to act" in html and "waiting" in html


def test_overdue_step_is_marked(client, db, make_unit, make_user, login, token_for, services):
    from docflow.documents.models import Document

    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = api_letter(client, headers, make_pdf("x"))
    client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]}, headers=headers)
    step = db.get(Document, doc["id"]).steps[0]
    step.due_at = services.now() - timedelta(days=1)
    db.commit()
    login(office.subhead_user)
    assert '<strong class="overdue">overdue</strong>' in client.get(f"/documents/{doc['id']}").get_data(as_text=True)


def test_refused_file_type_is_explained(client, make_user, login):
    import io

    login(make_user())
    response = client.post("/documents/new", data={
        "title": "Skrip", "classification_code": "000",
        "file": (io.BytesIO(b"#!/bin/sh\nrm -rf /\n" * 10), "surat.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 415
    assert "not accepted" in response.get_data(as_text=True)
