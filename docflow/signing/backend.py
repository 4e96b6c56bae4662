"""The signing step behind a small interface: a `Signer` turns PDF bytes into PAdES-signed PDF bytes.

`LocalCASigner` signs with a key from the organisation's own CA. A city that uses the national
signing service (BSrE) instead plugs in another `Signer`: its `sign` sends the document digest
(or the PDF) with the signer's NIK and the passphrase typed at the moment of signing to the
service and embeds what it returns; `describe` names BSrE as the issuer for the footer. Only
`docflow.signing.operations.sign_document` chooses the backend, so nothing else changes.

The signature is made for long-term validation: the CA's current CRL goes into the document
security store (DSS). With a timestamp authority (RFC 3161) configured, the signature also
carries the TSA's timestamp of the signing time, the TSA's revocation data joins the DSS and a
document timestamp seals it all (PAdES B-LTA). Without one, the signing time is only the
server's clock (PAdES B-B, with the revocation data).
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
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.fetchers.api import CRLFetcher, Fetchers
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from docflow.errors import N_
from docflow.signing.errors import SigningError, TimestampUnavailable
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


@dataclass(frozen=True)
class TimestampAuthority:
    """An RFC 3161 timestamp authority: its address, its login, and the CA(s) its certificate chains to."""

    url: str
    roots: Sequence[x509.Certificate]
    username: str = ""
    password: str = ""
    timeout: float = 10.0

    def timestamper(self) -> RequestsHTTPTimeStamper:
        """Return pyHanko's client for this TSA (HTTP basic authentication when a username is set)."""
        auth = (self.username, self.password) if self.username else None
        return _CheckedTimestamper(self.url, timeout=self.timeout, auth=auth)


class _TimestampCertificateProblem(Exception):
    """The TSA's certificate does not chain to tsa_ca_file, or its revocation data cannot be had."""


class _CheckedTimestamper(RequestsHTTPTimeStamper):
    """pyHanko's HTTP client, telling a TSA certificate that fails validation apart from the signer's."""

    async def validation_paths(self, validation_context):
        """Yield the validation paths of the TSA's certificates, as pyHanko does."""
        try:
            async for path in super().validation_paths(validation_context):
                yield path
        except (PathError, ValidationError) as exc:
            raise _TimestampCertificateProblem(str(exc)) from exc


class _OwnCRLFirst(CRLFetcher):
    """Fetch the CRLs of other CAs (the TSA's), but never our own CA's: its current CRL is handed over.

    Our signers' certificates name our own /crl.crl; fetching it would be a request from the
    server to itself in the middle of signing.
    """

    def __init__(self, inner: CRLFetcher, own_issuer: asn1_x509.Name) -> None:
        self._inner = inner
        self._own_issuer = own_issuer

    def _ours(self, cert) -> bool:
        return isinstance(cert, asn1_x509.Certificate) and cert.issuer == self._own_issuer

    async def fetch(self, cert, *, use_deltas=None):
        """Fetch a foreign certificate's CRLs; ours are already in the validation context."""
        return [] if self._ours(cert) else await self._inner.fetch(cert, use_deltas=use_deltas)

    def fetched_crls(self):
        """Return every CRL fetched so far."""
        return self._inner.fetched_crls()

    def fetched_crls_for_cert(self, cert):
        """Return the CRLs fetched for a certificate (none for ours: nothing is fetched for them)."""
        return [] if self._ours(cert) else self._inner.fetched_crls_for_cert(cert)


class LocalCASigner:
    """Sign with a key certified by the organisation's CA, embedding the chain and the current CRL."""

    def __init__(self, *, certificate: x509.Certificate, key: PrivateKey, ca_certificate: x509.Certificate,
                 chain: Sequence[x509.Certificate] = (), crls: Sequence[bytes] = (),
                 tsa: TimestampAuthority | None = None) -> None:
        self._certificate = certificate
        self._key = key
        self._ca = ca_certificate
        self._chain = list(chain)
        self._crls = list(crls)
        self._tsa = tsa

    def describe(self) -> SignerDescription:
        """Describe the signer and the CA that certified them."""
        issuer = organisation(self._ca.subject) or common_name(self._ca.subject)
        return SignerDescription(backend="local-ca", signer_name=common_name(self._certificate.subject),
                                 issuer_name=issuer, serial=format(self._certificate.serial_number, "x"))

    def _validation_context(self) -> ValidationContext:
        # Our CRL is handed over, not fetched: the CA is ours, and pyHanko embeds it in the DSS so
        # that the letter can be checked offline. The TSA's revocation data is fetched from where
        # its certificates say (its CA's CRL or OCSP), to be embedded too.
        roots = [_asn1(self._ca)]
        fetchers = None
        if self._tsa is not None:
            roots += [_asn1(c) for c in self._tsa.roots]
            inner = RequestsFetcherBackend(per_request_timeout=self._tsa.timeout).get_fetchers()
            fetchers = Fetchers(ocsp_fetcher=inner.ocsp_fetcher, cert_fetcher=inner.cert_fetcher,
                                crl_fetcher=_OwnCRLFirst(inner.crl_fetcher, roots[0].subject))
        return ValidationContext(trust_roots=roots, other_certs=[_asn1(c) for c in self._chain],
                                 crls=list(self._crls), allow_fetching=fetchers is not None, fetchers=fetchers,
                                 revocation_mode="hard-fail")

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
            use_pades_lta=self._tsa is not None,
        )
        timestamper = self._tsa.timestamper() if self._tsa is not None else None
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
            output = PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(writer)
        except TimestampRequestError as exc:
            # A TSA is configured because the city wants a trusted signing time: no letter goes
            # out without it (and nothing was changed: the request rolls back).
            assert self._tsa is not None
            logger.error("the timestamp authority %s did not answer: %s", self._tsa.url, exc)
            raise TimestampUnavailable(N_("the timestamp authority did not answer, so the letter was not signed; "
                                          "please try again shortly")) from exc
        except _TimestampCertificateProblem as exc:
            assert self._tsa is not None
            logger.error("the certificate of the timestamp authority %s cannot be validated: %s", self._tsa.url, exc)
            raise TimestampUnavailable(N_("the timestamp authority's certificate could not be checked (%(problem)s), "
                                          "so the letter was not signed; try again shortly, and if it persists ask "
                                          "an administrator to check signing.tsa_ca_file"), problem=str(exc)) from exc
        except (PyHankoSigningError, PdfError, PathError, ValidationError, ValueError) as exc:
            logger.error("PAdES signing failed for certificate %x: %s", self._certificate.serial_number, exc)
            raise SigningError(N_("the letter could not be signed: %(problem)s"), problem=str(exc)) from exc
        return output.getvalue()
