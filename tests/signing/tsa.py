"""A timestamp authority (RFC 3161) on the loopback for the signing tests.

Its certificate is issued by a test CA of its own (not the city's), which publishes a CRL that the
TSA's certificate names, as a real TSA's does: signing must fetch it and embed it (PAdES B-LT).
pyHanko's DummyTimeStamper makes the responses; this module only puts HTTP around it.
"""
from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from docflow.signing import pki

USERNAME = "docflow"
PASSWORD = "rahasia-tsa"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Otoritas Waktu Uji"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass
class LoopbackTSA:
    """A running TSA: its URL, its root certificate, and what it was asked."""

    url: str
    crl_url: str
    root: x509.Certificate
    timestamps: int = 0
    crl_downloads: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root_pem(self) -> str:
        """Return the TSA's CA certificate as PEM, as an operator would save it for tsa_ca_file."""
        return pki.cert_to_pem(self.root)


def _certificates(crl_url: str) -> tuple[x509.Certificate, x509.Certificate, pki.PrivateKey, bytes]:
    now = datetime.now(UTC)
    root_key, tsa_key = pki.new_key(2048), pki.new_key(2048)
    root = (x509.CertificateBuilder().subject_name(_name("CA Otoritas Waktu Uji")).issuer_name(_name("CA Otoritas Waktu Uji"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    tsa = (x509.CertificateBuilder().subject_name(_name("TSA Uji")).issuer_name(root.subject)
           .public_key(tsa_key.public_key()).serial_number(x509.random_serial_number())
           .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=180))
           .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
           .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                        data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                        crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
           .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
           .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
               full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
               crl_issuer=None)]), critical=False)
           .sign(root_key, hashes.SHA256()))
    crl = pki.build_crl(root, root_key, [], now=now, valid_for=timedelta(days=30))
    return root, tsa, tsa_key, crl.public_bytes(serialization.Encoding.DER)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def run_tsa(crl_url: str | None = None) -> Iterator[LoopbackTSA]:
    """Start the TSA on 127.0.0.1 (basic authentication required), yield it, stop it.

    `crl_url` gives the TSA's certificate another CRL address than this server's (one that is down, say).
    """
    expected_auth = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    holder: dict[str, object] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            state: LoopbackTSA = holder["state"]  # type: ignore[assignment]
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Authorization") != expected_auth:
                with state.lock:
                    state.refused += 1
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="tsa"')
                self.end_headers()
                return
            response = holder["stamper"].request_tsa_response(tsp.TimeStampReq.load(body)).dump()  # type: ignore[attr-defined]
            with state.lock:
                state.timestamps += 1
            self._reply("application/timestamp-reply", response)

        def do_GET(self) -> None:  # noqa: N802
            state: LoopbackTSA = holder["state"]  # type: ignore[assignment]
            if self.path != "/tsa-ca.crl":
                self.send_response(404)
                self.end_headers()
                return
            with state.lock:
                state.crl_downloads += 1
            self._reply("application/pkix-crl", holder["crl"])  # type: ignore[arg-type]

        def _reply(self, content_type: str, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    root, tsa_cert, tsa_key, crl = _certificates(crl_url or f"{base}/tsa-ca.crl")
    key_info = asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    holder.update(stamper=DummyTimeStamper(tsa_cert=_asn1(tsa_cert), tsa_key=key_info,
                                           certs_to_embed=[_asn1(root)]),
                  crl=crl, state=LoopbackTSA(url=f"{base}/tsr", crl_url=crl_url or f"{base}/tsa-ca.crl",
                                                      root=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["state"]  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
