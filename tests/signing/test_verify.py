"""The public verification page: facts and status without login, and the check of an uploaded copy."""
from __future__ import annotations

import io
import re

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import TextStamp, TextStampStyle
from sqlalchemy import select

from docflow.documents.models import Document
from docflow.signing.models import VerificationToken
from docflow.workflow.models import DocumentTypeRule
from tests.fixtures import make_pdf
from tests.signing.helpers import (
    PASSPHRASE,
    act,
    approved_letter,
    signed_file,
)


def _signed(client, db, office, token_for, **fields) -> tuple[Document, VerificationToken]:
    letter = approved_letter(client, office, token_for, **fields)
    response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    document = db.get(Document, letter.id)
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one()
    return document, token


def _check(client, token: str, data: bytes, name: str = "salinan.pdf") -> str:
    response = client.post(f"/verify/{token}", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r'data-verdict="(\w+)"', response.get_data(as_text=True)).group(1)


def test_page_shows_the_letter_to_anyone(app, client, db, office, token_for):
    """Does the page show number, date, type, subject, signer, position and status without a login?"""
    document, token = _signed(client, db, office, token_for)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get(f"/verify/{token.token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-status="valid"' in page
    assert document.number in page
    assert db.get(DocumentTypeRule, document.doc_type).name in page
    assert "Penugasan rapat koordinasi" in page
    assert office.head_user.display_name in page and office.head.title in page
    assert len(token.token) >= 32
    assert client.get("/verify/" + "x" * 32).status_code == 404
    ca = x509.load_pem_x509_certificate(client.get("/ca.pem").data)
    assert ca.subject.rfc4514_string() == token.credential.authority.subject
    # The check form is a browser form like the others: refused without its CSRF token.
    refused = client.post(f"/verify/{token.token}", data={}, content_type="multipart/form-data")
    assert refused.status_code == 400 and "The form expired" in refused.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    no_file = client.post(f"/verify/{token.token}", data={"csrf_token": csrf}, content_type="multipart/form-data")
    assert no_file.status_code == 400 and "a file is required" in no_file.get_data(as_text=True)


def test_classified_letters_hide_their_subject(client, db, office, token_for):
    document, token = _signed(client, db, office, token_for, title="Rencana mutasi pejabat",
                              security_class="rahasia")
    for security_class in ("rahasia", "sangat_rahasia"):
        document.security_class = security_class
        db.commit()
        page = client.get(f"/verify/{token.token}").get_data(as_text=True)
        assert "Rencana mutasi pejabat" not in page
        assert document.number in page and office.head_user.display_name in page
        assert office.head.title in page and 'data-status="valid"' in page


def test_upload_tells_genuine_modified_and_unknown(client, db, services, office, token_for):
    """Is the genuine file genuine, a one-byte change or an added page a modified copy, a stranger unknown?"""
    document, token = _signed(client, db, office, token_for)
    data = signed_file(db, services, document.id)
    assert _check(client, token.token, data) == "genuine"

    flipped = bytearray(data)
    flipped[document.versions[0].size // 2] ^= 0x01
    assert _check(client, token.token, bytes(flipped)) == "modified"

    # An incremental update after signing keeps the signed bytes intact, yet it is not the letter.
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    TextStamp(writer, style=TextStampStyle(stamp_text="DISETUJUI", border_width=0), text_params={"ts": ""}).apply(
        0, 100, 400)
    appended = io.BytesIO()
    writer.write(appended)
    response = client.post(f"/verify/{token.token}", data={"file": (io.BytesIO(appended.getvalue()), "a.pdf")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 'data-verdict="modified"' in page and "added to the file after it was signed" in page

    assert _check(client, token.token, make_pdf("Surat lain yang tidak ditandatangani")) == "unknown"
    response = client.post(f"/verify/{token.token}", data={"file": (io.BytesIO(b"bukan pdf sama sekali"), "x.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 415


def test_revoked_certificate_shows_on_the_page_and_the_crl(client, db, services, office, token_for):
    document, token = _signed(client, db, office, token_for)
    data = signed_file(db, services, document.id)
    from docflow.signing.operations import revoke_credential

    revoke_credential(db, credential=token.credential, reason="key_compromise", now=services.now())
    db.commit()
    page = client.get(f"/verify/{token.token}").get_data(as_text=True)
    assert 'data-status="revoked"' in page
    crl = x509.load_pem_x509_crl(client.get("/crl.pem").data)
    assert crl.get_revoked_certificate_by_serial_number(int(token.credential.serial, 16)) is not None
    der = x509.load_der_x509_crl(client.get("/crl.crl").data)
    assert der.get_revoked_certificate_by_serial_number(int(token.credential.serial, 16)) is not None
    # The file is still the one that was signed; the check says so, and that the certificate is revoked.
    response = client.post(f"/verify/{token.token}", data={"file": (io.BytesIO(data), "s.pdf")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 'data-verdict="genuine"' in page and "certificate revoked" in page


def test_replaced_letter_points_to_its_correction(client, db, office, token_for):
    document, token = _signed(client, db, office, token_for)
    correction, correction_token = _signed(client, db, office, token_for, title="Penugasan (perbaikan)",
                                           replaces=str(document.id))
    page = client.get(f"/verify/{token.token}").get_data(as_text=True)
    assert 'data-status="replaced"' in page
    assert correction.number in page and f"/verify/{correction_token.token}" in page
    assert 'data-status="valid"' in client.get(f"/verify/{correction_token.token}").get_data(as_text=True)


def test_without_a_tsa_the_page_says_b_b_with_revocation_data(client, db, services, office, token_for):
    """Without a timestamp authority, does the page say PAdES B-B with revocation data (not B-LT), as the file is?"""
    document, token = _signed(client, db, office, token_for)
    assert token.pades_level == "B-B+revocation"
    page = client.get(f"/verify/{token.token}").get_data(as_text=True)
    assert re.search(r'id="letter-level" data-level="B-B\+revocation">PAdES B-B with revocation data: the signing '
                     r"time is the signing server(&#39;|')s clock", page), page
    reader = PdfFileReader(io.BytesIO(signed_file(db, services, document.id)), strict=False)
    assert "/DSS" in reader.root and not reader.embedded_timestamp_signatures
