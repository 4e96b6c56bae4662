"""Long-term validity: with a timestamp authority letters are PAdES B-LTA, checkable offline, and the page says so."""
from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import find_cms_attribute_iter
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature, validate_pdf_timestamp
from sqlalchemy import func, select

from docflow.config import ConfigError
from docflow.documents.models import Document
from docflow.signing import pki
from docflow.signing.models import VerificationToken
from docflow.signing.validation import PadesLevel
from docflow.workflow.models import AllocatedNumber
from tests.conftest import make_settings
from tests.signing.helpers import PASSPHRASE, act, approved_letter, ca_certificate, signed_file
from tests.signing.tsa import PASSWORD, USERNAME, LoopbackTSA, run_tsa


@pytest.fixture(scope="module")
def tsa() -> Iterator[LoopbackTSA]:
    """A timestamp authority on the loopback, with its own CA publishing a CRL."""
    yield from run_tsa()


@pytest.fixture(scope="module")
def tsa_crl_down() -> Iterator[LoopbackTSA]:
    """A timestamp authority whose certificate names a CRL address where nothing answers."""
    yield from run_tsa(crl_url=f"http://127.0.0.1:{_closed_port()}/tsa-ca.crl")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tsa_settings(tmp_path: Path, tsa: LoopbackTSA, ca_pem: str | None = None, **signing):
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "tsa-ca.pem").write_text(ca_pem or tsa.root_pem)
    values = {"tsa_url": tsa.url, "tsa_username": USERNAME, "tsa_password": PASSWORD, "tsa_ca_file": "tsa-ca.pem",
              "tsa_timeout_seconds": 5, **signing}
    return make_settings(tmp_path, signing=values)


@pytest.fixture
def settings(tmp_path, tsa, request):
    """This instance signs with the test TSA (a test may change the signing settings by parametrizing)."""
    param = dict(getattr(request, "param", {}))
    chosen = request.getfixturevalue(param.pop("tsa")) if "tsa" in param else tsa
    if param.pop("ca_pem", None) == "city":
        param["ca_pem"] = pki.cert_to_pem(x509.load_der_x509_certificate(ca_certificate().dump()))
    return _tsa_settings(tmp_path, chosen, **param)


def _sign(client, office, token_for):
    letter = approved_letter(client, office, token_for)
    return letter, act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)


def _roots(tsa: LoopbackTSA) -> list[asn1_x509.Certificate]:
    return [ca_certificate(), asn1_x509.Certificate.load(tsa.root.public_bytes(serialization.Encoding.DER))]


def test_letter_signed_with_a_tsa_is_b_lta_and_checkable_offline(client, db, services, office, token_for, tsa):
    """Does a letter get the TSA's signature timestamp, the revocation data of signer and TSA, and a document timestamp?"""
    before = tsa.crl_downloads
    letter, response = _sign(client, office, token_for)
    assert response.status_code == 200, response.get_json()
    data = signed_file(db, services, letter.id)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signature = reader.embedded_regular_signatures[-1]
    assert len(reader.embedded_regular_signatures) == 1
    # B-T: the signature carries a timestamp token from the TSA, over the signature value.
    [token_info] = find_cms_attribute_iter(signature.signer_info["unsigned_attrs"], "signature_time_stamp_token")
    assert "TSA Uji" in {c.chosen.subject.native["common_name"] for c in token_info["content"]["certificates"]}
    # B-LT: the DSS holds our CA's CRL and the TSA's CA's CRL (fetched from where the TSA's certificate says).
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(list(dss.crls)) == 2 and tsa.crl_downloads > before
    # B-LTA: a document timestamp, made after the DSS was added.
    [doc_timestamp] = reader.embedded_timestamp_signatures
    assert doc_timestamp.signed_revision > signature.signed_revision
    # The whole chain validates from what is in the file alone: nothing is fetched.
    # Signature, its timestamp and the document timestamp validate from the file's DSS alone (nothing fetched),
    # with revocation checking required: trusting only the two CAs, as a reader years later would.
    def offline():
        return dss.as_validation_context({"trust_roots": _roots(tsa), "allow_fetching": False,
                                          "revocation_mode": "hard-fail"})

    status = validate_pdf_signature(signature, offline(), ts_validation_context=offline())
    assert status.bottom_line and not status.revoked, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    sealed = validate_pdf_timestamp(doc_timestamp, validation_context=offline())
    assert sealed.intact and sealed.valid and sealed.trusted
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one()
    assert token.pades_level == PadesLevel.B_LTA


def _level_text(page: str, element: str) -> tuple[str, str]:
    match = re.search(rf'id="{element}" data-level="([^"]+)">([^<]+)<', page)
    assert match, page
    return match.group(1), match.group(2)


def test_verification_page_names_the_level_in_both_languages(client, db, services, office, token_for):
    """Does the page say "PAdES B-LTA" and explain it in English and in Indonesian, for the letter and a copy?"""
    letter, response = _sign(client, office, token_for)
    assert response.status_code == 200, response.get_json()
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one().token
    level, text = _level_text(client.get(f"/verify/{token}").get_data(as_text=True), "letter-level")
    assert level == "B-LTA" and text.startswith("PAdES B-LTA: a timestamp authority attests the signing time")
    client.set_cookie("lang", "id")
    level, text = _level_text(client.get(f"/verify/{token}").get_data(as_text=True), "letter-level")
    assert level == "B-LTA" and text.startswith("PAdES B-LTA: ") and "otoritas penanda waktu" in text
    client.set_cookie("lang", "en")
    checked = client.post(f"/verify/{token}", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(signed_file(db, services, letter.id)), "salinan.pdf")})
    page = checked.get_data(as_text=True)
    assert 'data-verdict="genuine"' in page and "Genuine: this is the signed letter" in page
    assert _level_text(page, "result-level")[0] == "B-LTA"


@pytest.mark.parametrize("settings", [{"tsa_url": f"http://127.0.0.1:{_closed_port()}/tsr"},
                                      {"tsa_password": "bukan-kata-sandinya"}],
                         ids=["tsa-down", "tsa-refuses-login"], indirect=True)
def test_letter_is_not_signed_while_the_tsa_does_not_answer(client, db, services, office, token_for):
    """Is a letter left unsigned and unnumbered, with a message to try again, when the TSA does not answer?"""
    letter, response = _sign(client, office, token_for)
    assert response.status_code == 503
    assert response.get_json()["errors"][0]["reason"] == (
        "the timestamp authority did not answer, so the letter was not signed; please try again shortly")
    db.expire_all()
    document = db.get(Document, letter.id)
    assert document.state == "approved" and document.number is None
    assert db.scalar(select(func.count()).select_from(VerificationToken)) == 0
    assert db.scalar(select(func.count()).select_from(AllocatedNumber)) == 0


@pytest.mark.parametrize(("settings", "problem"), [
    ({"tsa": "tsa_crl_down"}, "revocation"),
    ({"ca_pem": "city"}, "validation path"),
], ids=["tsa-crl-down", "wrong-tsa-ca"], indirect=["settings"])
def test_letter_is_not_signed_when_the_tsa_certificate_cannot_be_checked(client, db, services, office, token_for,
                                                                         problem):
    """Is a letter left unsigned, with a message naming the TSA's certificate, when it cannot be validated?"""
    letter, response = _sign(client, office, token_for)
    assert response.status_code == 503, response.get_json()
    reason = response.get_json()["errors"][0]["reason"]
    assert reason.startswith("the timestamp authority's certificate could not be checked (")
    assert problem in reason.lower() and reason.endswith("ask an administrator to check signing.tsa_ca_file")
    db.expire_all()
    assert db.get(Document, letter.id).number is None
    assert db.scalar(select(func.count()).select_from(VerificationToken)) == 0


def test_tsa_url_needs_the_tsa_ca_file(tmp_path, tsa):
    """Is a TSA without the CA its certificate chains to refused when the settings are read?"""
    with pytest.raises(ConfigError, match="signing.tsa_ca_file: required"):
        make_settings(tmp_path, signing={"tsa_url": tsa.url})
    with pytest.raises(ConfigError, match="signing.tsa_ca_file: no file"):
        make_settings(tmp_path, signing={"tsa_url": tsa.url, "tsa_ca_file": "missing.pem"})
    with pytest.raises(ConfigError, match="signing.tsa_url: expected an http"):
        _tsa_settings(tmp_path, tsa, tsa_url="ftp://127.0.0.1/tsr")
