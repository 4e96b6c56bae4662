"""Fixes from the walk-through (issue 17): what a person reads on the letter page."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.documents.models import Document
from tests.fixtures import make_pdf
from tests.ui.helpers import api_letter
from tests.workflow_factories import make_office

WIB = ZoneInfo("Asia/Jakarta")


def _act(client, headers, doc_id, action, revision, comment=""):
    response = client.post(f"/api/v1/documents/{doc_id}/actions/{action}",
                           json={"revision": revision, "comment": comment}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _submitted(client, db, make_unit, make_user, token_for, **fields):
    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = api_letter(client, headers, make_pdf("Nota dinas rapat koordinasi"), title="Nota rapat", **fields)
    doc = _act(client, headers, doc["id"], "submit", doc["revision"])
    return office, headers, doc


def test_times_on_the_letter_page_are_in_the_city_time_zone(client, db, make_unit, make_user, login, token_for):
    """Are history, route, due dates and uploads shown in WIB, named, rather than in UTC?"""
    office, _, doc = _submitted(client, db, make_unit, make_user, token_for)
    document = db.get(Document, doc["id"])
    step = document.steps[0]
    login(office.subhead_user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    submitted = db.scalars(select(AuditEvent.created_at).where(AuditEvent.document_id == doc["id"],
                                                               AuditEvent.action == "submit")).one()
    assert submitted.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB") in html          # history
    assert document.versions[0].created_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB") in html  # versions
    assert f"due {step.due_at.astimezone(WIB).strftime('%Y-%m-%d %H:%M WIB')}" in html  # route
    assert submitted.strftime("%Y-%m-%d %H:%M") + "</time>" not in html


def test_inbox_due_times_are_in_the_city_time_zone(client, db, make_unit, make_user, login, token_for):
    """Does the inbox give a step's due time in WIB?"""
    office, _, doc = _submitted(client, db, make_unit, make_user, token_for)
    due = db.get(Document, doc["id"]).steps[0].due_at
    login(office.subhead_user)
    html = client.get("/inbox").get_data(as_text=True)
    assert due.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB") in html


def test_history_names_desks_and_people_not_ids(client, db, make_unit, make_user, login, token_for):
    """Does the history say who is on the route, by desk and name, not by id?"""
    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = api_letter(client, headers, make_pdf("Nota dinas"), title="Nota rapat")
    response = client.put(f"/api/v1/documents/{doc['id']}/route", headers=headers, json={
        "revision": doc["revision"], "steps": [{"kind": "verify", "position_id": office.subhead.id},
                                               {"kind": "sign", "position_id": office.head.id}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    login(office.drafter)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    history = html[html.index('class="timeline"'):]
    history = history[:history.index("</ol>")]
    assert f"Paraf: Kepala Sub Bagian Umum ({office.subhead_user.display_name})" in history
    assert f"Tanda tangan: {office.head.title} ({office.head_user.display_name})" in history
    assert not re.search(r"\b(verify|sign) \d+", history)


def test_a_returned_letter_tells_its_drafter_why_and_what_next_at_the_top(client, db, make_unit, make_user, login,
                                                                          token_for):
    """Does the drafter see the reason for the return at the top of the page, with what to do next?"""
    office, _, doc = _submitted(client, db, make_unit, make_user, token_for)
    _act(client, token_for(office.subhead_user), doc["id"], "return", doc["revision"], "Perbaiki dasar hukumnya")
    login(office.drafter)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    notice = html.index('id="returned-notice"')
    assert notice < html.index("<dl class=\"fields\">")
    top = html[notice:html.index("</section>", notice)]
    assert "Perbaiki dasar hukumnya" in top
    assert office.subhead_user.display_name in top
    assert "upload a corrected version" in top and 'href="#upload-version"' in top
    assert 'id="upload-version"' in html


def test_a_verifier_sees_one_primary_action_and_a_reason_label_per_action(client, db, make_unit, make_user, login,
                                                                          token_for):
    """Is initialling the primary button, and does each reason box say which action it is for?"""
    office, _, doc = _submitted(client, db, make_unit, make_user, token_for)
    login(office.subhead_user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    buttons = dict(re.findall(r'action="/documents/\d+/actions/(\w+)".*?<button type="submit" class="(\w+)"', html,
                              re.S))
    assert buttons["initial"] == "primary"
    assert buttons["return"] == buttons["reject"] == "secondary"
    labels = re.findall(r'<label for="comment-(\w+)">([^<]+)</label>', html)
    assert dict(labels) == {"return": "Reason for returning it (required)",
                            "reject": "Reason for rejecting it (required)"}


def test_versions_table_names_file_types_and_reading_states(client, make_user, login, token_for):
    """Does the versions table say "PDF" and "Being read" rather than a MIME type and "pending"?"""
    user = make_user()
    doc = api_letter(client, token_for(user), make_pdf("Surat edaran"))
    login(user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    table = html[html.index("<h2>Versions</h2>"):]
    table = table[:table.index("</table>")]
    assert "<td>PDF</td>" in table and "<td>Being read</td>" in table
    assert "application/pdf" not in table and ">pending<" not in table


def test_making_the_signing_pdf_says_it_adds_a_version(client, make_user, login, token_for):
    """Does the button that converts a DOCX draft say that it adds a version?"""
    from tests.fixtures import make_docx

    user = make_user()
    doc = api_letter(client, token_for(user), make_docx("Nota dinas"), filename="nota.docx")
    login(user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "Make the PDF that will be signed (adds a version)" in html
    assert "keeps it as a new version of the letter" in html
    assert "Show the PDF that will be signed" not in html


def test_search_snippets_have_no_empty_ellipses(client, make_user, login, token_for, run_worker):
    """Does a snippet cut from a long letter start with one ellipsis and its text, never "… …"?"""
    user = make_user()
    filler = "Dengan hormat, bersama ini disampaikan bahwa kegiatan berjalan lancar. " * 6
    api_letter(client, token_for(user), make_pdf(filler + "Rapat penyusunan anggaran dipimpin Sekretaris. " + filler),
               title="Laporan kegiatan")
    run_worker()
    login(user)
    html = client.get("/search?q=penyusunan").get_data(as_text=True)
    fragments = re.findall(r'<p class="fragment">(.*?)</p>', html, re.S)
    assert fragments and all("… …" not in f for f in fragments)
    assert any(re.match(r"… \S", f) and "<mark>penyusunan</mark>" in f for f in fragments)


def test_a_refused_new_letter_keeps_its_file(app, client, db, make_user, login, services):
    """After an unknown addressee is refused, is the chosen file kept for the corrected form, for her alone?"""
    import io

    user = make_user()
    login(user)
    pdf = make_pdf("Undangan rapat evaluasi")
    form = {"title": "Undangan evaluasi", "doc_type": "nota_dinas", "classification_code": "000.1.2",
            "security_class": "biasa", "urgency": "biasa"}
    refused = client.post("/documents/new", data={**form, "to_position": "Kepala Dinas Entah",
                                                  "file": (io.BytesIO(pdf), "undangan.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "The file undangan.pdf you chose is kept" in html
    assert '<input id="file" name="file" type="file" aria-describedby' in html  # no longer required
    token = re.search(r'name="kept_upload" value="([^"]+)"', html).group(1)

    # Someone else's session cannot take the kept file by its token.
    other = app.test_client()
    other.set_cookie("lang", "en")
    login(make_user(), other)
    stolen = other.post("/documents/new", data={**form, "kept_upload": token}, content_type="multipart/form-data")
    assert stolen.status_code == 400 and "a file is required" in stolen.get_data(as_text=True)

    saved = client.post("/documents/new", data={**form, "kept_upload": token, "file": (io.BytesIO(b""), "")},
                        content_type="multipart/form-data")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    document = db.scalars(select(Document).where(Document.title == "Undangan evaluasi")).one()
    version = document.versions[0]
    assert version.original_filename == "undangan.pdf"
    with services.store.open(version.storage_key) as reader:
        assert reader.read() == pdf
    assert list((services.spool_dir / "kept").iterdir()) == []  # used, then removed


def test_a_copy_to_a_vacant_desk_is_warned_of(client, db, make_unit, make_user, login, token_for):
    """Is the drafter told that a tembusan goes to a desk nobody holds, and is the desk marked on the page?"""
    from docflow.org.operations import create_position

    office = make_office(db, make_unit, make_user)
    vacant = create_position(db, unit=office.unit, title="Kepala Bidang Kosong", eselon="III.b", parent=office.head)
    db.commit()
    doc = api_letter(client, token_for(office.drafter), make_pdf("Undangan"), title="Undangan rapat")
    login(office.drafter)
    response = client.post(f"/documents/{doc['id']}/recipients", data={
        "revision": doc["revision"], "to_position": str(office.head.id), "cc_position": str(vacant.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'class="flash flash-warning"[^>]*>Nobody holds or acts for Kepala Bidang Kosong today', html)
    assert html.count("vacant: nobody holds or acts for this desk today") == 1  # the head's desk is held


def test_a_correction_is_offered_on_a_signed_letters_page_and_replaces_it(client, db, make_unit, make_user, login,
                                                                           token_for):
    """Can the drafter make a ralat from the signed letter's page, the form filled in and linked to it?"""
    import io

    office = make_office(db, make_unit, make_user)
    doc = api_letter(client, token_for(office.drafter), make_pdf("Surat edaran jam kerja"), title="Edaran jam kerja",
                     classification_code="000.8.3.3")
    signed = db.get(Document, doc["id"])
    signed.state, signed.number = "signed", "000.8.3.3/7/UNIT/2026"  # as signing leaves it (signing has its own tests)
    db.commit()
    login(office.drafter)
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert f'href="/documents/new?replaces={doc["id"]}"' in page and "Make a correction (ralat)" in page
    form = client.get(f"/documents/new?replaces={doc['id']}").get_data(as_text=True)
    assert f'name="replaces" value="{doc["id"]}"' in form and "000.8.3.3/7/UNIT/2026" in form
    assert 'value="Edaran jam kerja"' in form and 'value="000.8.3.3"' in form
    response = client.post("/documents/new", data={
        "replaces": str(doc["id"]), "title": "Edaran jam kerja (ralat)", "doc_type": "nota_dinas",
        "classification_code": "000.8.3.3", "security_class": "biasa", "urgency": "biasa",
        "file": (io.BytesIO(make_pdf("Surat edaran jam kerja, ralat")), "ralat.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    correction = db.scalars(select(Document).where(Document.title == "Edaran jam kerja (ralat)")).one()
    assert correction.replaces_id == doc["id"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This letter corrects and replaces" in page
    # A draft is changed, not corrected: no offer on its page.
    assert "Make a correction (ralat)" not in page


def test_old_route_and_delivery_records_show_desk_names(client, db, make_unit, make_user, login, token_for):
    """Do records written before desks were named ("verify 4; sign 2", "(pos:8)") show the desks' names?"""
    from docflow.audit.operations import record_event

    office = make_office(db, make_unit, make_user)
    doc = api_letter(client, token_for(office.drafter), make_pdf("Nota"), title="Nota lama")
    record_event(db, action="set_route", document_id=doc["id"], from_state="draft", to_state="draft",
                 actor_name="Drafter", comment=f"verify {office.subhead.id}; sign {office.head.id}")
    record_event(db, action="deliver", document_id=doc["id"], from_state="sent", to_state="sent",
                 actor_name="Head", comment=f"Yth. {office.secretary.title} (pos:{office.secretary.id})")
    db.commit()
    login(office.drafter)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert f"<q>Paraf: Kepala Sub Bagian Umum; Tanda tangan: {office.head.title}</q>" in html
    assert f"<q>Yth. {office.secretary.title} — {office.unit.name}</q>" in html
    assert "pos:" not in html and not re.search(r"\b(verify|sign) \d+", html)
