"""The signing step behind a small interface: a `Signer` turns PDF bytes into PAdES-signed PDF bytes.

`LocalCASigner` signs with a key from the organisation's own CA. A city that uses the national
signing service (BSrE) instead plugs in another `Signer`: its `sign` sends the document digest
(or the PDF) with the signer's NIK and the passphrase typed at the moment of signing to the
service and embeds what it returns; `describe` names BSrE as the issuer for the footer. Only
`docflow.signing.operations.sign_document` chooses the backend, so nothing else changes.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from docflow.errors import N_
from docflow.signing.errors import SigningError
from docflow.signing.pki import PrivateKey, common_name, organisation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignerDescription:
    """Who signs and on whose authority, as printed in the footer and shown on the verification page."""

    backend: str
    signer_name: str
    issuer_name: str
    serial: str


class Signer(Protocol):
    """A signing backend: PAdES-sign a PDF in one signature field."""

    def sign(self, pdf_bytes: bytes, *, field: str, reason: str, location: str = "") -> bytes:
        """Return the PDF with a PAdES signature added as an incremental update."""
        ...

    def describe(self) -> SignerDescription:
        """Describe the signer and the issuer of its certificate."""
        ...


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class LocalCASigner:
    """Sign with a key certified by the organisation's CA, embedding the chain and the current CRL."""

    def __init__(self, *, certificate: x509.Certificate, key: PrivateKey, ca_certificate: x509.Certificate,
                 chain: Sequence[x509.Certificate] = (), crls: Sequence[bytes] = ()) -> None:
        self._certificate = certificate
        self._key = key
        self._ca = ca_certificate
        self._chain = list(chain)
        self._crls = list(crls)

    def describe(self) -> SignerDescription:
        """Describe the signer and the CA that certified them."""
        issuer = organisation(self._ca.subject) or common_name(self._ca.subject)
        return SignerDescription(backend="local-ca", signer_name=common_name(self._certificate.subject),
                                 issuer_name=issuer, serial=format(self._certificate.serial_number, "x"))

    def _validation_context(self) -> ValidationContext:
        # The CRL is handed over, not fetched: the CA is ours, and pyHanko embeds it in the DSS so
        # that the letter can be checked offline (PAdES B-LT without a timestamp authority).
        return ValidationContext(trust_roots=[_asn1(self._ca)], other_certs=[_asn1(c) for c in self._chain],
                                 crls=list(self._crls), allow_fetching=False, revocation_mode="hard-fail")

    def sign(self, pdf_bytes: bytes, *, field: str, reason: str, location: str = "") -> bytes:
        """Return the PDF PAdES-signed in a new invisible field (the visible block is in the page)."""
        key_info = asn1_keys.PrivateKeyInfo.load(self._key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        signer = SimpleSigner(
            signing_cert=_asn1(self._certificate), signing_key=key_info,
            cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in (*self._chain, self._ca)]))
        meta = PdfSignatureMetadata(
            field_name=field, reason=reason, location=location or None, md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES, embed_validation_info=True,
            validation_context=self._validation_context(), signer_key_usage={"non_repudiation"},
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
            output = PdfSigner(meta, signer).sign_pdf(writer)
        except (PyHankoSigningError, PdfError, PathError, ValidationError, ValueError) as exc:
            logger.error("PAdES signing failed for certificate %x: %s", self._certificate.serial_number, exc)
            raise SigningError(N_("the letter could not be signed: %(problem)s"), problem=str(exc)) from exc
        return output.getvalue()
