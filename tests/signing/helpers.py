"""Builders for the signing tests: a CA made once per session, certificates, letters up to approval."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from docflow.config import ca_key_secret
from docflow.documents.models import Document, Version
from docflow.signing import pki
from docflow.signing.models import SignerCredential
from docflow.signing.operations import init_ca, issue_credential
from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.org.operations import assign_position, create_position, create_unit
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.workflow_factories import SINCE, Office

PASSPHRASE = "kunci rahasia penandatangan"
LETTER_TEXT = "Nota dinas penugasan pegawai\nDengan hormat, kami menugaskan Saudara untuk menghadiri rapat koordinasi."


@cache
def _ca_pem() -> tuple[bytes, bytes]:
    # An RSA-3072 key takes a while to make: the suite shares one CA, imported into each test's database.
    cert, key = pki.create_ca("CA Pemerintah Kota Uji", "Pemerintah Kota Uji", datetime.now(UTC))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def setup_ca(db, services) -> Any:
    """Give the test's instance the shared CA (imported, as `ca init --import-cert` does)."""
    cert_pem, key_pem = _ca_pem()
    authority = init_ca(db, secret_key=ca_key_secret(services.settings), now=services.now(),
                        certificate_pem=cert_pem, key_pem=key_pem)
    db.commit()
    return authority


def give_certificate(db, services, user, passphrase: str = PASSPHRASE) -> SignerCredential:
    """Issue a signing certificate to a user, naming the test server's CRL."""
    credential = issue_credential(db, secret_key=ca_key_secret(services.settings), user=user,
                                  passphrase=passphrase, now=services.now(), base_url="http://localhost/")
    db.commit()
    return credential


def make_office(db, code: str) -> Office:
    """Build the four-desk office of tests.workflow_factories, without passwords (scrypt is slow)."""
    unit = create_unit(db, code=code, name=f"Dinas Uji {code.title()}")
    head = create_position(db, unit=unit, title=f"Kepala Dinas {unit.name}", eselon="II.b")
    secretary = create_position(db, unit=unit, title=f"Sekretaris Dinas {unit.name}", eselon="III.a", parent=head)
    subhead = create_position(db, unit=unit, title="Kepala Sub Bagian Umum", eselon="IV.a", parent=secretary)
    staff = create_position(db, unit=unit, title="Pengadministrasi Umum", parent=subhead)
    people = {}
    for name, position, role in (("head", head, Role.SIGNER), ("secretary", secretary, Role.VERIFIER),
                                 ("subhead", subhead, Role.VERIFIER), ("drafter", staff, Role.DRAFTER)):
        user = create_user(db, username=f"{name}-{code.lower()}", password=None, roles=[role], unit=unit,
                           full_name=f"{name.title()} {code}", nip="198001012005011001" if name == "head" else None)
        assign_position(db, position=position, user=user, starts_on=SINCE)
        people[name] = user
    clerk = create_user(db, username=f"tu-{code.lower()}", password=None, roles=[Role.RECORDS_CLERK], unit=unit)
    db.commit()
    return Office(unit, head, secretary, subhead, staff, people["head"], people["secretary"], people["subhead"],
                  people["drafter"], clerk)


def act(client, headers: dict[str, str], doc_id: int, action: str, revision: int, **extra: Any):
    """POST an action to the workflow API."""
    return client.post(f"/api/v1/documents/{doc_id}/actions/{action}", json={"revision": revision, **extra},
                       headers=headers)


@dataclass
class Letter:
    id: int
    revision: int


def approved_letter(client, office, token_for, data: bytes | None = None, filename: str = "surat.pdf",
                    **fields: Any) -> Letter:
    """Upload a letter as the office's drafter and take it through both verifiers: it awaits the head."""
    drafter = token_for(office.drafter)
    body = upload(client, drafter, data or make_pdf(LETTER_TEXT), filename=filename,
                  title=fields.pop("title", "Penugasan rapat koordinasi"),
                  classification_code=fields.pop("classification_code", "000.8.3.3"), **fields).get_json()
    body = act(client, drafter, body["id"], "submit", body["revision"]).get_json()
    body = act(client, token_for(office.subhead_user), body["id"], "initial", body["revision"]).get_json()
    body = act(client, token_for(office.secretary_user), body["id"], "initial", body["revision"]).get_json()
    assert body["state"] == "approved", body
    return Letter(body["id"], body["revision"])


def signed_file(db, services, doc_id: int) -> bytes:
    """Return the bytes of a letter's newest version."""
    document = db.get(Document, doc_id)
    db.refresh(document)
    version: Version = document.current_version
    with services.store.open(version.storage_key) as reader:
        return reader.read()


def ca_certificate() -> asn1_x509.Certificate:
    """Return the shared CA certificate as pyHanko wants it."""
    return asn1_x509.Certificate.load(pki.load_certificate_pem(_ca_pem()[0]).public_bytes(serialization.Encoding.DER))


def pyhanko_status(data: bytes, crls: list[bytes] | None = None):
    """Validate the last embedded signature with pyHanko, trusting only our CA."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=[ca_certificate()], crls=crls or [], allow_fetching=False,
                                revocation_mode="soft-fail")
    return validate_pdf_signature(reader.embedded_signatures[-1], context)
