"""Refusals reach the page in the reader's language: an Indonesian page says in Indonesian why nothing was done."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from babel.dates import format_date

from docflow.documents.models import Document
from docflow.org.operations import create_delegation
from tests.fixtures import make_pdf
from tests.workflow_factories import SINCE, make_office


def _indonesian(client) -> None:
    client.set_cookie("lang", "id")


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-error"[^>]*>([^<]*)</p>', html)


def _submitted_letter(client, db, office, token_for, title: str = "Undangan rapat koordinasi") -> dict:
    headers = token_for(office.drafter)
    doc = client.post("/api/v1/documents", headers=headers, data={
        "title": title, "file": (io.BytesIO(make_pdf(title)), "undangan.pdf")}).get_json()
    return client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]},
                       headers=headers).get_json()


def test_a_wrong_file_type_on_the_upload_form_is_refused_in_indonesian(client, make_user, login):
    """Does the new-letter form tell an Indonesian reader, in Indonesian, that a ZIP archive is not accepted?"""
    login(make_user("sri", full_name="Sri Wahyuni"))
    _indonesian(client)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("catatan.txt", "bukan surat")
    response = client.post("/documents/new", data={
        "title": "Nota dinas", "doc_type": "nota_dinas", "classification_code": "000",
        "file": (io.BytesIO(archive.getvalue()), "surat.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 415
    html = response.get_data(as_text=True)
    assert "yang tidak diterima; jenis yang diterima: PDF, DOCX, ODT" in html
    assert "which is not accepted" not in html


def test_an_approval_someone_else_gave_first_is_refused_in_indonesian(client, db, make_unit, make_user, login,
                                                                     token_for, services):
    """When the Plh. initials first, does the sub-head's own (now stale) form say so in Indonesian?"""
    office = make_office(db, make_unit, make_user)
    plh = make_user("plh-umum", unit=office.unit, full_name="Plh Umum")
    create_delegation(db, position=office.subhead, delegate=plh, kind="plh", starts_on=SINCE,
                      ends_on=services.today() + timedelta(days=10))
    db.commit()
    body = _submitted_letter(client, db, office, token_for)
    first = client.post(f"/api/v1/documents/{body['id']}/actions/initial", json={"revision": body["revision"]},
                        headers=token_for(plh))
    assert first.status_code == 200, first.get_json()
    login(office.subhead_user)
    _indonesian(client)
    response = client.post(f"/documents/{body['id']}/actions/initial",
                           data={"revision": body["revision"], "confirm": "1"})
    assert response.status_code == 303
    flashes = _flashes(client.get(f"/documents/{body['id']}").get_data(as_text=True))
    assert flashes == [f"orang lain sudah lebih dahulu menindaklanjuti naskah ini (kini revisi "
                       f"{body['revision'] + 1}, Anda melihat revisi {body['revision']}); muat ulang untuk "
                       "melihat perubahannya"]


def test_a_passed_deadline_is_explained_in_indonesian(client, db, make_unit, make_user, login, token_for, services):
    """After the letter's deadline, does the verifier's page say in Indonesian why initialling is refused?"""
    office = make_office(db, make_unit, make_user)
    body = _submitted_letter(client, db, office, token_for)
    yesterday = services.today() - timedelta(days=1)
    db.get(Document, body["id"]).deadline = yesterday  # set in time, and the days went by
    db.commit()
    login(office.subhead_user)
    _indonesian(client)
    expected = (f"Batas waktu naskah ini telah lewat pada {format_date(yesterday, 'long', locale='id')}; konseptor "
                "dapat menetapkan batas waktu baru atau menarik kembali naskah ini")
    page = client.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert expected in page
    assert f"/documents/{body['id']}/actions/initial" not in page  # no button for what the rule forbids
    response = client.post(f"/documents/{body['id']}/actions/initial",
                           data={"revision": body["revision"], "confirm": "1"})
    assert response.status_code == 303
    assert expected in _flashes(client.get(f"/documents/{body['id']}").get_data(as_text=True))
    assert db.get(Document, body["id"]).steps[0].state == "current"


def test_the_drafter_moves_a_passed_deadline_from_the_page(client, db, make_unit, make_user, login, token_for,
                                                           services):
    """Can the drafter set a new deadline from the letter's page, and is a past day refused in Indonesian?"""
    office = make_office(db, make_unit, make_user)
    body = _submitted_letter(client, db, office, token_for)
    db.get(Document, body["id"]).deadline = services.today() - timedelta(days=1)
    db.commit()
    login(office.drafter)
    _indonesian(client)
    page = client.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert 'id="deadline-form"' in page
    past = services.today() - timedelta(days=2)
    client.post(f"/documents/{body['id']}/deadline", data={"revision": body["revision"], "deadline": past.isoformat()})
    assert _flashes(client.get(f"/documents/{body['id']}").get_data(as_text=True)) == [
        f"batas waktu {format_date(past, 'long', locale='id')} sudah lewat; pilih hari ini atau hari sesudahnya"]
    later = services.today() + timedelta(days=7)
    response = client.post(f"/documents/{body['id']}/deadline",
                           data={"revision": body["revision"], "deadline": later.isoformat()})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Document, body["id"]).deadline == later
    page = client.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert f"Batas waktu naskah sekarang {format_date(later, 'long', locale='id')}." in page
    assert "telah lewat" not in page


def test_no_right_to_act_is_explained_in_indonesian(client, db, make_unit, make_user, login, token_for):
    """Does the signer who tries to initial the sub-head's step read, in Indonesian, whose step it is?"""
    office = make_office(db, make_unit, make_user)
    body = _submitted_letter(client, db, office, token_for)
    login(office.head_user)
    _indonesian(client)
    client.post(f"/documents/{body['id']}/actions/initial", data={"revision": body["revision"], "confirm": "1"})
    assert _flashes(client.get(f"/documents/{body['id']}").get_data(as_text=True)) == [
        "tahap ini menunggu Kepala Sub Bagian Umum, atau siapa pun yang bertindak untuk jabatan itu"]


def test_the_error_page_speaks_indonesian(client, make_user, login):
    """Is a forbidden administration page refused in Indonesian, and the same refusal English in the API?"""
    login(make_user("budi"))
    _indonesian(client)
    response = client.get("/admin/units")
    assert response.status_code == 403
    assert "hanya administrator yang boleh mengelola organisasi" in response.get_data(as_text=True)


def test_an_expired_form_is_refused_in_indonesian(web_client, make_user):
    """Does a form without its CSRF token get the Indonesian 'form expired' page?"""
    make_user("sri")
    _indonesian(web_client)
    response = web_client.post("/login", data={"username": "sri", "password": "x"})
    assert response.status_code == 400
    assert "Formulir telah kedaluwarsa; muat ulang halaman dan coba lagi." in response.get_data(as_text=True)


def test_the_api_keeps_its_english_reasons(client, db, make_unit, make_user, token_for):
    """Does an API client still read the English reason, whatever language cookie it carries?"""
    office = make_office(db, make_unit, make_user)
    body = _submitted_letter(client, db, office, token_for)
    _indonesian(client)
    response = client.post(f"/api/v1/documents/{body['id']}/actions/initial", json={"revision": body["revision"]},
                           headers=token_for(office.head_user))
    assert response.status_code == 403
    assert response.get_json() == {"errors": [{"field": None, "reason": (
        "this step waits for Kepala Sub Bagian Umum, or whoever acts for that desk")}]}


def test_the_new_letter_form_takes_a_deadline(client, make_user, login, services):
    """Does a deadline chosen on the new-letter form appear on the letter's page, the Indonesian way?"""
    login(make_user("sri", full_name="Sri Wahyuni"))
    _indonesian(client)
    deadline = services.today() + timedelta(days=5)
    response = client.post("/documents/new", data={
        "title": "Undangan rapat koordinasi", "doc_type": "nota_dinas", "classification_code": "000",
        "deadline": deadline.isoformat(), "file": (io.BytesIO(make_pdf("Undangan")), "undangan.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"<dt>Batas waktu naskah</dt><dd>{format_date(deadline, 'long', locale='id')}</dd>" in page
