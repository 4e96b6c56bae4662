"""X.509 for the organisation's CA: make and load certificates, CRLs, and keep private keys sealed.

Pure cryptography (no database, no Flask). Two kinds of private key are sealed here:

- the CA key, as an encrypted PKCS#8 whose password is derived from the CA key's secret
  (`signing.ca_key_secret`, on the embedded default the instance secret key), so that every web
  process (which all share that secret) can publish the CRL;
- a signer's key, as an encrypted PKCS#8 (`BestAvailableEncryption`) whose password is derived
  from the signer's passphrase with scrypt and a per-key salt. OpenSSL's PKCS#8 encryption runs
  PBKDF2 only 2048 times; scrypt in front of it makes guessing a passphrase from a stolen database
  dump expensive. The passphrase itself is never stored.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from docflow.errors import N_, ValidationFailed
from docflow.signing.errors import CertificateProblem, WrongPassphrase

logger = logging.getLogger(__name__)

CA_KEY_BITS = 3072
SIGNER_KEY_BITS = 2048
CA_YEARS = 10
SIGNER_DAYS = 2 * 365
MIN_PASSPHRASE = 8
# Revocation reasons a CRL entry may carry (RFC 5280 CRLReason), by the names we accept.
REVOCATION_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}
_SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}
KDF_NAME = "scrypt:n=32768,r=8,p=1"
_CA_KEY_INFO = b"docflow signing authority key v1"

PrivateKey = rsa.RSAPrivateKey


@dataclass(frozen=True)
class SealedKey:
    """A private key encrypted for storage, with what is needed to open it again."""

    pem: str
    kdf: str
    salt: str


@dataclass(frozen=True)
class RevokedEntry:
    """One certificate on the CRL."""

    serial: int
    revoked_at: datetime
    reason: str


def check_passphrase(passphrase: str) -> str:
    """Refuse a passphrase that is too short to protect a signing key."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(N_("the passphrase must have at least %(min)s characters"), field="passphrase",
                               min=MIN_PASSPHRASE)
    return passphrase


def new_key(bits: int) -> PrivateKey:
    """Make a new RSA key (RSA for the widest support among PDF readers)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def serial_hex(cert: x509.Certificate) -> str:
    """Return the certificate's serial number as certificate viewers show it."""
    return format(cert.serial_number, "x")


def subject_text(cert: x509.Certificate) -> str:
    """Return the certificate's subject as readable text."""
    return cert.subject.rfc4514_string()


def common_name(name: x509.Name) -> str:
    """Return a name's CN (or its whole text when it has none)."""
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def organisation(name: x509.Name) -> str:
    """Return a name's O, or an empty string."""
    values = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else ""


def cert_to_pem(cert: x509.Certificate) -> str:
    """Return the PEM text of a certificate."""
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certs_from_pem(text: str) -> list[x509.Certificate]:
    """Load every certificate in a PEM text."""
    return x509.load_pem_x509_certificates(text.encode("ascii")) if text.strip() else []


def _name(common: str, org: str, unit: str = "", serial_number: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if org:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common[:64]))
    if serial_number:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number[:64]))
    return x509.Name(attributes)


def create_ca(common: str, org: str, now: datetime, *, key: PrivateKey | None = None
              ) -> tuple[x509.Certificate, PrivateKey]:
    """Make a self-signed CA certificate that may sign signers' certificates and CRLs."""
    key = key or new_key(CA_KEY_BITS)
    name = _name(common, org)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def check_ca(cert: x509.Certificate, key: PrivateKey) -> None:
    """Refuse a CA certificate that cannot sign certificates, or a key that is not its own."""
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        raise CertificateProblem(N_("the certificate is not a CA certificate (no basic constraints)"),
                                 field="certificate") from None
    if not constraints.ca:
        raise CertificateProblem(N_("the certificate is not a CA certificate"), field="certificate")
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise CertificateProblem(N_("the key does not belong to the CA certificate"), field="key")


def load_private_key_pem(data: bytes, password: bytes | None) -> PrivateKey:
    """Load a PEM private key (RSA), encrypted or not."""
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise CertificateProblem(N_("the private key cannot be read: %(problem)s"), field="key",
                                 problem=str(exc)) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateProblem(N_("only RSA keys are supported"), field="key")
    return key


def load_certificate_pem(data: bytes) -> x509.Certificate:
    """Load one PEM certificate."""
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise CertificateProblem(N_("the certificate cannot be read: %(problem)s"), field="certificate",
                                 problem=str(exc)) from None


def issue_certificate(ca_cert: x509.Certificate, ca_key: PrivateKey, *, public_key: rsa.RSAPublicKey,
                      name: str, unit: str, nip: str | None, crl_url: str | None, now: datetime,
                      days: int = SIGNER_DAYS) -> x509.Certificate:
    """Issue a signer's certificate for document signing (non-repudiation), pointing at our CRL."""
    not_after = min(now + timedelta(days=days), ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation(ca_cert.subject), unit, f"NIP.{nip}" if nip else ""))
        .issuer_name(ca_cert.subject).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
    )
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Tell whether `issuer` signed `cert`."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def build_crl(ca_cert: x509.Certificate, ca_key: PrivateKey, revoked: list[RevokedEntry], *, now: datetime,
              valid_for: timedelta = timedelta(days=1)) -> x509.CertificateRevocationList:
    """Sign a CRL that lists the revoked certificates, valid for a day."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + valid_for)
        # Increases with time, so relying parties always see the newest CRL as newest.
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
    )
    for entry in revoked:
        item = (x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.revoked_at)
                .add_extension(x509.CRLReason(REVOCATION_REASONS.get(entry.reason, x509.ReasonFlags.unspecified)),
                               critical=False)
                .build())
        builder = builder.add_revoked_certificate(item)
    return builder.sign(ca_key, hashes.SHA256())


def _instance_password(secret_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CA_KEY_INFO).derive(secret_key.encode())
    return base64.b64encode(derived)


def wrap_ca_key(key: PrivateKey, secret_key: str) -> str:
    """Encrypt the CA key for the database with a password derived from the instance secret."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(_instance_password(secret_key))).decode("ascii")


def unwrap_ca_key(pem: str, secret_key: str) -> PrivateKey:
    """Open the CA key; fails when its secret changed without `python -m docflow secret rotate`."""
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=_instance_password(secret_key))
    except ValueError:
        raise CertificateProblem(N_("the CA key cannot be opened with the configured secret; after changing "
                                    "signing.ca_key_secret (or server.secret_key without it), run `python -m "
                                    "docflow secret rotate` with the previous secret"), field="key") from None
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def rewrap_ca_key(pem: str, old_secret: str, new_secret: str) -> str:
    """Encrypt the CA key anew: opened with the old secret, sealed with the new one."""
    return wrap_ca_key(unwrap_ca_key(pem, old_secret), new_secret)


def opens_with(pem: str, secret_key: str) -> bool:
    """Tell whether the secret opens the CA key."""
    try:
        unwrap_ca_key(pem, secret_key)
    except CertificateProblem:
        return False
    return True


def _passphrase_password(passphrase: str, salt: bytes) -> bytes:
    derived = Scrypt(salt=salt, length=32, **_SCRYPT).derive(passphrase.encode("utf-8"))
    return base64.b64encode(derived)


def seal_signer_key(key: PrivateKey, passphrase: str) -> SealedKey:
    """Encrypt a signer's key with their passphrase (scrypt-stretched) as a PKCS#8 PEM."""
    salt = os.urandom(16)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(_passphrase_password(passphrase, salt)))
    return SealedKey(pem=pem.decode("ascii"), kdf=KDF_NAME, salt=salt.hex())


def open_signer_key(sealed: SealedKey, passphrase: str) -> PrivateKey:
    """Decrypt a signer's key, or raise WrongPassphrase."""
    if sealed.kdf != KDF_NAME:
        raise CertificateProblem(N_("unknown key protection %(kdf)r"), field="passphrase", kdf=sealed.kdf)
    try:
        key = serialization.load_pem_private_key(
            sealed.pem.encode("ascii"), password=_passphrase_password(passphrase, bytes.fromhex(sealed.salt)))
    except ValueError:
        raise WrongPassphrase(N_("the passphrase does not open your signing key"), field="passphrase") from None
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def load_pkcs12(data: bytes, password: str) -> tuple[PrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Read a PKCS#12 file: the key, its certificate and any other certificates it carries."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except ValueError:
        raise CertificateProblem(N_("the PKCS#12 file cannot be opened (wrong password or not a PKCS#12 file)"),
                                 field="file") from None
    if key is None or cert is None:
        raise CertificateProblem(N_("the PKCS#12 file must hold a private key and its certificate"), field="file")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateProblem(N_("only RSA keys are supported"), field="file")
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise CertificateProblem(N_("the key in the PKCS#12 file does not belong to its certificate"), field="file")
    return key, cert, list(extra or [])


def fingerprint(cert: x509.Certificate) -> str:
    """Return the SHA-256 fingerprint of a certificate, colon-separated."""
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
