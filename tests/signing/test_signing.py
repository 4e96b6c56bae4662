"""Signing a letter: PAdES that pyHanko accepts, text still searchable, nothing changed on a refusal."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import func, select

from docflow.documents.models import Document
from docflow.extraction import PDF, extract_text
from docflow.auth.operations import create_user, set_password
from docflow.org.operations import create_delegation
from docflow.signing.models import VerificationToken
from docflow.workflow.models import AllocatedNumber
from tests.conftest import PASSWORD, upload
from tests.fixtures import make_docx, make_pdf
from tests.signing.helpers import (
    PASSPHRASE,
    act,
    approved_letter,
    give_certificate,
    make_office,
    pyhanko_status,
    setup_ca,
    signed_file,
)


def _sign(client, token_for, office, letter, passphrase=PASSPHRASE):
    return act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=passphrase)


def test_signed_letter_is_valid_pades_and_keeps_its_text(client, db, services, office, token_for, tmp_path,
                                                          run_worker):
    """Does pyHanko accept the signature (and reject a flipped byte); does extraction find words and number?"""
    letter = approved_letter(client, office, token_for)
    response = _sign(client, token_for, office, letter)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "signed" and body["number"].startswith("000.8.3.3/1/DISKOMINFO/")
    # The draft stays as it was; the signed PDF is a new version.
    assert [v["comment"] for v in body["versions"]] == ["", "Ditandatangani secara elektronik (PAdES)"]
    # Its page count is recorded at signing, before the worker reads the file (the paperless report counts it).
    assert db.get(Document, letter.id).current_version.page_count == 1
    data = signed_file(db, services, letter.id)
    status = pyhanko_status(data)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    # The CRL went into the document security store, so the letter validates offline later (PAdES B-LT).
    assert PdfFileReader(io.BytesIO(data), strict=False).root["/DSS"]["/CRLs"]
    assert status.signing_cert.subject.native["common_name"] == office.head_user.display_name

    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    text = extract_text(path, PDF).text
    assert "menugaskan Saudara untuk menghadiri rapat koordinasi" in text
    assert body["number"] in text
    assert "NIP. 198001012005011001" in text
    assert "ditandatangani secara elektronik" in text
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one()
    assert f"/verify/{token.token}" in text

    # The worker reads the signed version like any other, so search finds what only the stamp says.
    run_worker()
    hits = client.get("/api/v1/search", query_string={"q": "198001012005011001"},
                      headers=token_for(office.drafter)).get_json()
    assert [hit["id"] for hit in hits["results"]] == [letter.id]

    # One byte changed inside the signed content (the original revision): pyHanko rejects it.
    flipped = bytearray(data)
    flipped[db.get(Document, letter.id).versions[0].size // 2] ^= 0x01
    broken = pyhanko_status(bytes(flipped))
    assert not broken.intact and not broken.bottom_line


def test_wrong_passphrase_changes_nothing(client, db, services, office, token_for):
    """Is a wrong passphrase refused before a number is taken, the state moves or a version is added?"""
    letter = approved_letter(client, office, token_for)
    numbers = db.scalar(select(func.count(AllocatedNumber.id)))
    response = _sign(client, token_for, office, letter, passphrase="bukan kunci yang benar")
    assert response.status_code == 400
    error = response.get_json()["errors"][0]
    assert error["field"] == "passphrase" and "bukan kunci" not in error["reason"]
    db.expire_all()
    document = db.get(Document, letter.id)
    assert (document.state, document.number, document.revision) == ("approved", None, letter.revision)
    assert len(document.versions) == 1
    assert db.scalar(select(func.count(AllocatedNumber.id))) == numbers
    assert db.scalar(select(func.count(VerificationToken.id))) == 0


def test_signer_without_certificate_is_told_to_ask_an_administrator(client, db, services, token_for):
    office = make_office(db, "BAPPEDA")
    setup_ca(db, services)
    letter = approved_letter(client, office, token_for)
    response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)
    assert response.status_code == 400
    assert "administrator" in response.get_json()["errors"][0]["reason"]
    assert db.get(Document, letter.id).state == "approved"


def test_only_the_signer_may_sign_even_with_a_certificate(client, db, services, office, token_for):
    letter = approved_letter(client, office, token_for)
    give_certificate(db, services, office.secretary_user)
    response = act(client, token_for(office.secretary_user), letter.id, "sign", letter.revision,
                   passphrase=PASSPHRASE)
    assert response.status_code == 403
    assert db.get(Document, letter.id).state == "approved"


def test_plh_and_an_appear_in_the_stamped_block(client, db, services, office, token_for, tmp_path):
    """Does a letter signed a.n. the head by the secretary's Plh. say so on the page itself?"""
    stand_in = create_user(db, username="plh-sekretaris", password=None, unit=office.unit,
                           full_name="Siti Rahmawati", nip="198502022010012002")
    stand_in.rank = "Penata Tk. I"
    today = services.today()
    create_delegation(db, position=office.secretary, delegate=stand_in, kind="plh", starts_on=today - timedelta(days=1),
                      ends_on=today + timedelta(days=10))
    db.commit()
    give_certificate(db, services, stand_in)
    drafter = token_for(office.drafter)
    doc = upload(client, drafter, make_pdf("Surat edaran tentang jam kerja"), title="Jam kerja",
                 doc_type="nota_dinas").get_json()
    route = {"revision": doc["revision"], "steps": [
        {"kind": "verify", "position_id": office.subhead.id},
        {"kind": "sign", "position_id": office.secretary.id, "mode": "an", "on_behalf_position_id": office.head.id}]}
    body = client.put(f"/api/v1/documents/{doc['id']}/route", json=route, headers=drafter).get_json()
    body = act(client, drafter, doc["id"], "submit", body["revision"]).get_json()
    body = act(client, token_for(office.subhead_user), doc["id"], "initial", body["revision"]).get_json()
    response = act(client, token_for(stand_in), doc["id"], "sign", body["revision"], passphrase=PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    path = tmp_path / "plh.pdf"
    path.write_bytes(signed_file(db, services, doc["id"]))
    text = extract_text(path, PDF).text
    assert f"a.n. {office.head.title}" in text
    assert f"Plh. {office.secretary.title}," in text
    assert "Siti Rahmawati" in text and "Penata Tk. I" in text and "NIP. 198502022010012002" in text


@pytest.mark.slow  # LibreOffice takes a few seconds to start
def test_docx_draft_is_converted_then_signed(client, db, services, office, token_for, tmp_path):
    """Is a DOCX draft turned into a PDF the drafter can see, and is that PDF what gets signed?"""
    data = make_docx("Undangan rapat evaluasi kinerja", "Bertempat di ruang rapat utama.")
    letter = approved_letter(client, office, token_for, data=data, filename="undangan.docx")
    response = client.post(f"/api/v1/documents/{letter.id}/signing-pdf", headers=token_for(office.drafter))
    assert response.status_code == 201, response.get_json()
    prepared = response.get_json()
    assert prepared["mime_type"] == "application/pdf" and prepared["number"] == 2
    # Asking again gives the same PDF, not another conversion.
    again = client.post(f"/api/v1/documents/{letter.id}/signing-pdf", headers=token_for(office.drafter))
    assert again.status_code == 200 and again.get_json()["sha256"] == prepared["sha256"]

    body = _sign(client, token_for, office, letter).get_json()
    assert [v["mime_type"] for v in body["versions"]] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf",
        "application/pdf"]
    data = signed_file(db, services, letter.id)
    assert pyhanko_status(data).bottom_line
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    text = extract_text(path, PDF).text
    assert "Undangan rapat evaluasi kinerja" in text and body["number"] in text


def test_sign_from_the_page_with_the_passphrase_field(app, client, db, services, office, token_for, login):
    """Can the head sign from the letter's page, through its CSRF-protected form, without the passphrase leaking?"""
    letter = approved_letter(client, office, token_for)
    set_password(db, office.head_user, PASSWORD)
    db.commit()
    login(office.head_user)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
    assert 'name="passphrase" type="password"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "revision": letter.revision, "confirm": "1"}
    assert client.post(f"/documents/{letter.id}/actions/sign", data={**form, "csrf_token": ""}).status_code == 400
    response = client.post(f"/documents/{letter.id}/actions/sign", data={**form, "passphrase": "salah sekali"})
    assert response.status_code == 303
    page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
    assert "salah sekali" not in page and "passphrase does not open" in page
    response = client.post(f"/documents/{letter.id}/actions/sign", data={**form, "passphrase": PASSPHRASE})
    assert response.status_code == 302
    db.expire_all()
    document = db.get(Document, letter.id)
    assert document.state == "signed" and len(document.versions) == 2
    page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
    assert document.number in page and PASSPHRASE not in page


@pytest.mark.slow
def test_drafter_sees_the_pdf_that_will_be_signed_from_the_page(client, db, office, token_for, login):
    """Does a DOCX letter's page offer the PDF that will be signed, and then show it inline?"""
    data = make_docx("Undangan rapat evaluasi kinerja")
    letter = approved_letter(client, office, token_for, data=data, filename="undangan.docx")
    set_password(db, office.drafter, PASSWORD)
    db.commit()
    login(office.drafter)
    page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
    assert f'action="/documents/{letter.id}/signing-pdf"' in page
    response = client.post(f"/documents/{letter.id}/signing-pdf")
    assert response.status_code == 302
    page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
    assert "is what will be signed" in page
    assert f'src="/documents/{letter.id}/versions/2/preview"' in page


def test_signing_after_the_letter_deadline_names_the_deadline(client, db, services, office, token_for):
    """Is the signer who signs after the letter's deadline told so (409), before anything is converted or numbered?"""
    letter = approved_letter(client, office, token_for)
    db.get(Document, letter.id).deadline = services.today() - timedelta(days=1)
    db.commit()
    response = _sign(client, token_for, office, letter)
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "deadline"
    assert response.get_json()["errors"][0]["reason"].startswith("The deadline for this letter passed on ")
    db.expire_all()
    document = db.get(Document, letter.id)
    assert (document.state, document.number, len(document.versions)) == ("approved", None, 1)
