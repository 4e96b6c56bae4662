"""Domain writes of electronic signing: the CA, signers' credentials, revocation, and signing a letter."""
from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from pypdf import PdfReader
from pypdf.errors import PyPdfError as PdfError
from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.config import SigningSettings, ca_key_secret
from docflow.health.metrics import count_signing_failure
from docflow.documents.models import Document, ExtractionStatus, Version
from docflow.errors import N_, Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from docflow.extraction import DOCX, ODT, PDF
from docflow.outbox.operations import EXTRACT_VERSION, enqueue_job
from docflow.services import Services
from docflow.signing import pki
from docflow.signing.backend import LocalCASigner, Signer, TimestampAuthority
from docflow.signing.conversion import CONVERTIBLE, DEFAULT_TIMEOUT, convert_to_docx, convert_to_pdf
from docflow.signing.errors import CertificateProblem, SigningError
from docflow.signing.models import CertificateAuthority, CredentialSource, SignerCredential, VerificationToken
from docflow.signing.queries import active_authority, all_authorities, usable_credential
from docflow.signing.fields import NotALetter, SignatureBlock, fields_in, fill_docx, qr_png
from docflow.signing.stamping import LetterStamp, block_lines, indonesian_date, placement_of, stamp_letter
from docflow.signing.validation import signed_digest_of, signed_level_of
from docflow.org.queries import capacity_for
from docflow.workflow.operations import (
    Acting,
    available_actions,
    check_deadline,
    current_step,
    lock_document,
    perform_action,
    signature_block,
)
from docflow.workflow.states import FINAL_STATES, FROZEN_STATES, Action, transition_for
from storage import IntegrityError, ObjectStore, StorageError, StorageUnavailable

logger = logging.getLogger(__name__)

PDF_FOR_SIGNING = "PDF untuk ditandatangani (hasil konversi)"
SIGNED_COMMENT = "Ditandatangani secara elektronik (PAdES)"
SIGNATURE_FIELD = "TandaTanganElektronik"
FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan "
          "oleh {issuer}. Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka alamat di bawah.")
DEFAULT_CA_NAME = "Docflow Certificate Authority"
VERIFY_PATH = "/verify/"
CRL_PATH = "/crl.crl"


def _now_utc(now: datetime) -> datetime:
    return now.astimezone(UTC)


# --- the certificate authority -------------------------------------------------------------


def init_ca(session: Session, *, secret_key: str, now: datetime, common: str = DEFAULT_CA_NAME,
            org: str = "", certificate_pem: bytes | None = None, key_pem: bytes | None = None,
            key_password: str | None = None) -> CertificateAuthority:
    """Create the organisation's CA, or import an existing CA certificate and key."""
    if active_authority(session) is not None:
        raise Conflict(N_("this instance already has a certificate authority"), field="certificate")
    if (certificate_pem is None) != (key_pem is None):
        raise ValidationFailed(N_("import the CA certificate and its key together"), field="certificate")
    if certificate_pem is not None and key_pem is not None:
        cert = pki.load_certificate_pem(certificate_pem)
        key = pki.load_private_key_pem(key_pem, key_password.encode() if key_password else None)
        pki.check_ca(cert, key)
        if cert.not_valid_after_utc <= _now_utc(now):
            raise CertificateProblem(N_("the CA certificate has expired"), field="certificate")
    else:
        if not common.strip():
            raise ValidationFailed(N_("name the certificate authority"), field="name")
        cert, key = pki.create_ca(common.strip(), org.strip(), _now_utc(now))
    authority = CertificateAuthority(
        subject=pki.subject_text(cert), serial=pki.serial_hex(cert), certificate_pem=pki.cert_to_pem(cert),
        encrypted_key_pem=pki.wrap_ca_key(key, secret_key), not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc, imported=certificate_pem is not None, is_active=True,
    )
    session.add(authority)
    session.flush()
    logger.info("certificate authority %s %s (%s)", authority.id, "imported" if authority.imported else "created",
                authority.subject)
    return authority


def rotate_ca_secret(session: Session, *, old_secret: str, new_secret: str) -> list[CertificateAuthority]:
    """Re-encrypt every CA key that the old secret opens with the new one; return those changed.

    All or nothing: a key that neither secret opens refuses the rotation before anything changes,
    and keys already under the new secret are left as they are (running it twice is harmless).
    """
    authorities = all_authorities(session)
    pending = []
    for authority in authorities:
        if pki.opens_with(authority.encrypted_key_pem, new_secret):
            continue
        if not pki.opens_with(authority.encrypted_key_pem, old_secret):
            raise CertificateProblem(N_("the key of the certificate authority %(subject)s opens with neither the "
                                        "previous nor the configured secret; nothing was changed"),
                                     field="key", subject=authority.subject)
        pending.append(authority)
    for authority in pending:
        authority.encrypted_key_pem = pki.rewrap_ca_key(authority.encrypted_key_pem, old_secret, new_secret)
        logger.info("certificate authority %s: key encrypted with the new secret", authority.id)
    session.flush()
    return pending


def _require_authority(session: Session) -> CertificateAuthority:
    authority = active_authority(session)
    if authority is None:
        raise ValidationFailed(N_("this instance has no certificate authority yet; an administrator runs "
                                  "`python -m docflow ca init` first"), field="certificate")
    return authority


def _open_authority(authority: CertificateAuthority, secret_key: str) -> tuple[x509.Certificate, pki.PrivateKey]:
    cert = pki.load_certificate_pem(authority.certificate_pem.encode("ascii"))
    return cert, pki.unwrap_ca_key(authority.encrypted_key_pem, secret_key)


def crl_url(base_url: str) -> str:
    """Return the address of the CRL that certificates name (their CRL distribution point)."""
    return base_url.rstrip("/") + CRL_PATH


def current_crl(session: Session, *, secret_key: str, now: datetime,
                authority: CertificateAuthority | None = None) -> x509.CertificateRevocationList:
    """Sign a fresh CRL listing every revoked certificate of the (active) CA."""
    authority = authority or _require_authority(session)
    cert, key = _open_authority(authority, secret_key)
    revoked = session.scalars(select(SignerCredential).where(SignerCredential.authority_id == authority.id,
                                                             SignerCredential.revoked_at.is_not(None))
                              .order_by(SignerCredential.id)).all()
    entries = [pki.RevokedEntry(serial=int(c.serial, 16), revoked_at=c.revoked_at, reason=c.revocation_reason)
               for c in revoked]
    return pki.build_crl(cert, key, entries, now=_now_utc(now))


def trust_material(session: Session, *, secret_key: str, now: datetime) -> tuple[str, list[bytes]]:
    """Return every CA certificate (PEM) and a current CRL of each, for validating signatures."""
    roots, crls = [], []
    for authority in all_authorities(session):
        roots.append(authority.certificate_pem)
        crls.append(current_crl(session, secret_key=secret_key, now=now, authority=authority)
                    .public_bytes(serialization.Encoding.DER))
    return "".join(roots), crls


# --- signers' credentials ------------------------------------------------------------------


def _store_credential(session: Session, *, user: User, authority: CertificateAuthority, cert: x509.Certificate,
                      key: pki.PrivateKey, chain: list[x509.Certificate], passphrase: str, source: str,
                      actor: User | None) -> SignerCredential:
    sealed = pki.seal_signer_key(key, passphrase)
    credential = SignerCredential(
        user_id=user.id, authority_id=authority.id, source=source, subject=pki.subject_text(cert),
        serial=pki.serial_hex(cert), certificate_pem=pki.cert_to_pem(cert),
        chain_pem="".join(pki.cert_to_pem(c) for c in chain), encrypted_key_pem=sealed.pem, key_kdf=sealed.kdf,
        key_salt=sealed.salt, not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        created_by_id=actor.id if actor else None,
    )
    session.add(credential)
    session.flush()
    return credential


def issue_credential(session: Session, *, secret_key: str, user: User, passphrase: str, now: datetime,
                     actor: User | None = None, base_url: str = "") -> SignerCredential:
    """Make a key for a signer, certify it with the organisation's CA and seal it with their passphrase."""
    pki.check_passphrase(passphrase)
    if not user.is_active:
        raise ValidationFailed(N_("%(username)s is deactivated"), field="user", username=user.username)
    authority = _require_authority(session)
    ca_cert, ca_key = _open_authority(authority, secret_key)
    key = pki.new_key(pki.SIGNER_KEY_BITS)
    cert = pki.issue_certificate(ca_cert, ca_key, public_key=key.public_key(), name=user.display_name,
                                 unit=user.unit.name if user.unit else "", nip=user.nip,
                                 crl_url=crl_url(base_url) if base_url else None, now=_now_utc(now))
    credential = _store_credential(session, user=user, authority=authority, cert=cert, key=key, chain=[],
                                   passphrase=passphrase, source=CredentialSource.ISSUED, actor=actor)
    logger.info("issued signing certificate %s to %s (by %s)", credential.serial, user.username,
                actor.username if actor else "the command line")
    return credential


def import_credential(session: Session, *, user: User, p12: bytes, p12_password: str, passphrase: str,
                      now: datetime, actor: User | None = None) -> SignerCredential:
    """Take a signer's key and certificate from a PKCS#12 file issued under one of our CAs."""
    pki.check_passphrase(passphrase)
    key, cert, extra = pki.load_pkcs12(p12, p12_password)
    authority = next((a for a in all_authorities(session)
                      if pki.issued_by(cert, pki.load_certificate_pem(a.certificate_pem.encode("ascii")))), None)
    if authority is None:
        raise CertificateProblem(N_("the certificate was not issued by this organisation's certificate authority; "
                                    "import that CA first (`ca init --import-cert`)"), field="file")
    if cert.not_valid_after_utc <= _now_utc(now):
        raise CertificateProblem(N_("the certificate in the PKCS#12 file has expired"), field="file")
    if session.scalar(select(SignerCredential.id).where(SignerCredential.serial == pki.serial_hex(cert))):
        raise Conflict(N_("this certificate was imported already"), field="file")
    ca_der = pki.load_certificate_pem(authority.certificate_pem.encode("ascii")).public_bytes(
        serialization.Encoding.DER)
    chain = [c for c in extra if c.public_bytes(serialization.Encoding.DER) != ca_der]
    credential = _store_credential(session, user=user, authority=authority, cert=cert, key=key, chain=chain,
                                   passphrase=passphrase, source=CredentialSource.IMPORTED, actor=actor)
    logger.info("imported signing certificate %s for %s", credential.serial, user.username)
    return credential


def revoke_credential(session: Session, *, credential: SignerCredential, reason: str, now: datetime,
                      actor: User | None = None) -> SignerCredential:
    """Revoke a signer's certificate: it goes on the CRL and its letters show as revoked."""
    if reason not in pki.REVOCATION_REASONS:
        raise ValidationFailed(N_("reason must be one of %(choices)s"), field="reason",
                               choices=", ".join(pki.REVOCATION_REASONS))
    if credential.revoked_at is not None:
        raise Conflict(N_("certificate %(serial)s was revoked already"), field="certificate", serial=credential.serial)
    credential.revoked_at = _now_utc(now)
    credential.revocation_reason = reason
    session.flush()
    logger.info("revoked signing certificate %s of user %s (%s) by %s", credential.serial, credential.user_id,
                reason, actor.username if actor else "the command line")
    return credential


# --- the PDF that is signed ----------------------------------------------------------------


def _read(store: ObjectStore, version: Version) -> bytes:
    try:
        with store.open(version.storage_key, verify=True) as reader:
            return reader.read()
    except IntegrityError as exc:
        logger.error("version %s of document %s is corrupt: %s", version.id, version.document_id, exc)
        raise SigningError(N_("the stored file of this letter is damaged; an administrator has to restore it")) from exc
    except StorageError as exc:
        raise ServiceUnavailable(N_("the document store is unavailable; please try again shortly")) from exc


def _add_version(session: Session, store: ObjectStore, *, document: Document, actor: User, data: bytes,
                 filename: str, comment: str) -> Version:
    """Store PDF bytes object-first, then the version row claiming them and its extraction job."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        info = store.put(io.BytesIO(data), expected_sha256=digest)
    except StorageUnavailable as exc:
        logger.error("object store unavailable: %s", exc)
        raise ServiceUnavailable(N_("the document store is unavailable; nothing was saved, please try again")) from exc
    except StorageError as exc:
        raise ServiceUnavailable(N_("the document could not be stored: %(problem)s"), problem=str(exc)) from exc
    number = (session.scalar(select(func.max(Version.number)).where(Version.document_id == document.id)) or 0) + 1
    version = Version(document=document, number=number, storage_key=info.key, sha256=digest, size=len(data),
                      mime_type=PDF, original_filename=filename[:255], created_by_id=actor.id, comment=comment,
                      extraction_status=ExtractionStatus.PENDING)
    session.add(version)
    session.flush()
    enqueue_job(session, EXTRACT_VERSION, version_id=version.id)
    return version


def pdf_page_count(data: bytes) -> int | None:
    """Return the number of pages of a PDF, or None when it cannot be read."""
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PdfError, ValueError, KeyError) as exc:
        logger.warning("the page count of a signed PDF could not be read: %s", exc)
        return None


def _pdf_name(name: str, fallback: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or fallback}.pdf"


def signing_pdf(session: Session, store: ObjectStore, *, actor: User, document: Document,
                timeout: float = DEFAULT_TIMEOUT) -> Version:
    """Return the PDF version that will be signed, converting a DOCX or ODT draft (kept as a new version)."""
    current = document.current_version
    if current is None:
        raise ValidationFailed(N_("attach the letter's file before signing it"), field="file")
    if current.mime_type == PDF:
        return current
    if current.mime_type not in CONVERTIBLE:
        raise ValidationFailed(N_("only PDF, DOCX and ODT letters can be signed; upload the letter as a PDF"),
                               field="file")
    pdf = convert_to_pdf(_read(store, current), current.mime_type, timeout=timeout)
    # A rendering of the same letter, not a change of it: the revision stays, so forms stay valid.
    version = _add_version(session, store, document=document, actor=actor, data=pdf, comment=PDF_FOR_SIGNING,
                           filename=_pdf_name(current.original_filename, f"document-{document.id}"))
    logger.info("user %s: document %s version %s converted to PDF for signing (version %s)", actor.username,
                document.id, current.number, version.number)
    return version


def _draft_source(document: Document) -> Version | None:
    """Return the DOCX/ODT the letter is written in: the current version, or the one its signing PDF came from."""
    versions = document.versions
    if not versions:
        return None
    current = versions[-1]
    if current.mime_type in CONVERTIBLE:
        return current
    if current.mime_type == PDF and current.comment == PDF_FOR_SIGNING and len(versions) > 1 \
            and versions[-2].mime_type in CONVERTIBLE:
        return versions[-2]
    return None


def letter_with_fields(store: ObjectStore, document: Document) -> bytes | None:
    """Return the letter as DOCX when it has fields for the number or the signature block, else None."""
    source = _draft_source(document)
    if source is None:
        return None
    data = _read(store, source)
    if source.mime_type == ODT:
        data = convert_to_docx(data, ODT, timeout=DEFAULT_TIMEOUT)
    try:
        found = fields_in(data)
    except NotALetter:
        return None
    return data if found & {"nomor", "ttd"} else None


def fill_fields(docx: bytes, stamp: LetterStamp) -> bytes:
    """Fill the signing fields of a DOCX letter: the number, the date and the block with the QR code."""
    lines = list(stamp.signature_lines)
    gap = lines.index("") if "" in lines else 1
    block = SignatureBlock(heading=lines[:gap], qr_png=qr_png(stamp.verify_url),
                           rest=[line for line in lines[gap:] if line], url=stamp.verify_url)
    return fill_docx(docx, {"nomor": stamp.number, "tanggal": stamp.date_text}, signature=block)


class Placement(StrEnum):
    """Where the number and the signature block will go on a letter, as the signer is told before signing."""

    FIELDS = "fields"    # the letter's own ${nomor} / ${ttd} fields (a DOCX/ODT draft)
    MARKERS = "markers"  # marker text found in the PDF
    MARGIN = "margin"    # the last resort: the number in the top margin, the block under the last line


def _odt_has_fields(data: bytes) -> bool:
    # Without converting (a page view): the text of content.xml, tags dropped, names the fields.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as odt:
            text = re.sub(r"<[^>]+>", "", odt.read("content.xml").decode("utf-8", "replace"))
    except (zipfile.BadZipFile, KeyError):
        return False
    return "${nomor}" in text or "${ttd}" in text


def signing_placement(store: ObjectStore, document: Document) -> Placement:
    """Tell where signing will place the number and the signature block on this letter."""
    source = _draft_source(document)
    if source is not None and source.mime_type == ODT:
        if _odt_has_fields(_read(store, source)):
            return Placement.FIELDS
    elif source is not None and letter_with_fields(store, document) is not None:
        return Placement.FIELDS
    current = document.current_version
    if current is not None and current.mime_type == PDF and placement_of(_read(store, current)) == "markers":
        return Placement.MARKERS
    return Placement.MARGIN


@dataclass(frozen=True)
class SigningPreview:
    """What the signer is told before she signs: in what capacity, the block, and where it will stand."""

    heading: str
    capacity: str | None
    block: str
    placement: Placement


def signing_preview(session: Session, store: ObjectStore, *, actor: User, document: Document,
                    on: date) -> SigningPreview | None:
    """Return the signature the actor would make on the letter today, or None when no signing step waits for her."""
    step = current_step(document)
    if step is None:
        return None
    capacity = capacity_for(session, actor, step.position_id, on, author_id=document.author_id)
    if capacity is None:
        return None
    block = signature_block(session, step, Acting(actor, capacity))
    return SigningPreview(heading=_position_label(block), capacity=capacity.via, block=block,
                          placement=signing_placement(store, document))


def prepare_signing_pdf(session: Session, store: ObjectStore, *, actor: User, document: Document,
                        timeout: float = DEFAULT_TIMEOUT) -> Version:
    """Make (once) the PDF a DOCX/ODT draft will be signed as, so the drafter can check it before signing."""
    if document.state in FROZEN_STATES or document.state in FINAL_STATES:
        raise Conflict(N_("this letter is no longer on its way to a signature"), field="file")
    return signing_pdf(session, store, actor=actor, document=document, timeout=timeout)


# --- signing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Credential:
    row: SignerCredential
    key: pki.PrivateKey


def _unlock(session: Session, actor: User, passphrase: str, now: datetime) -> _Credential:
    credential = usable_credential(session, actor, _now_utc(now))
    if credential is None:
        raise ValidationFailed(N_("you have no valid signing certificate; ask an administrator to issue one"),
                               field="certificate")
    if not passphrase:
        raise ValidationFailed(N_("type your signing passphrase"), field="passphrase")
    key = pki.open_signer_key(pki.SealedKey(credential.encrypted_key_pem, credential.key_kdf, credential.key_salt),
                              passphrase)
    return _Credential(credential, key)


def timestamp_authority(settings: SigningSettings, ca_file: Path) -> TimestampAuthority | None:
    """Return the configured timestamp authority, or None when letters are signed without one."""
    if not settings.tsa_url:
        return None
    try:
        roots = pki.certs_from_pem(ca_file.read_text("ascii"))
    except (OSError, ValueError) as exc:
        logger.error("signing.tsa_ca_file %s cannot be read: %s", ca_file, exc)
        roots = []
    if not roots:
        raise SigningError(N_("the timestamp authority's CA certificate (signing.tsa_ca_file) cannot be read; "
                              "an administrator has to fix the setting"))
    return TimestampAuthority(url=settings.tsa_url, roots=roots, username=settings.tsa_username,
                              password=settings.tsa_password, timeout=settings.tsa_timeout_seconds)


def _local_signer(session: Session, credential: _Credential, *, secret_key: str, now: datetime,
                  tsa: TimestampAuthority | None) -> Signer:
    authority = credential.row.authority
    crl = current_crl(session, secret_key=secret_key, now=now, authority=authority)
    return LocalCASigner(
        certificate=pki.load_certificate_pem(credential.row.certificate_pem.encode("ascii")), key=credential.key,
        ca_certificate=pki.load_certificate_pem(authority.certificate_pem.encode("ascii")),
        chain=pki.certs_from_pem(credential.row.chain_pem), crls=[crl.public_bytes(serialization.Encoding.DER)],
        tsa=tsa)


def _position_label(signature_block: str) -> str:
    head = []
    for line in signature_block.splitlines():
        if not line.strip():
            break
        head.append(line.strip().rstrip(","))
    return ", ".join(head)


def _file_name(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", number).strip("-") + ".pdf"


SIGNING_NEEDS_PUBLIC_URL = N_("Signing is off until an administrator sets server.public_url, the address that "
                              "the QR code of a signed letter points to.")


REPORT_FIELD = "TandaTanganLaporan"


def sign_pdf(session: Session, settings, *, actor: User, passphrase: str, pdf: bytes, reason: str,
             location: str, now: datetime) -> bytes:
    """PAdES-sign a PDF that is not a letter (a report for a meeting's minutes) with the actor's own certificate."""
    credential = _unlock(session, actor, passphrase, now)
    signer = _local_signer(session, credential, secret_key=ca_key_secret(settings), now=now,
                           tsa=timestamp_authority(settings.signing, settings.instance_file(settings.signing.tsa_ca_file)))
    signed = signer.sign(pdf, field=REPORT_FIELD, reason=reason, location=location)
    logger.info("user %s signed a report PDF with certificate %s (%s bytes)", actor.username,
                credential.row.serial, len(signed))
    return signed


def sign_document(session: Session, services: Services, *, actor: User, document_id: int,
                  expected_revision: int | None, passphrase: str, now: datetime) -> Document:
    """Sign a letter: number it, stamp block, QR code and footer on its PDF, PAdES-sign it, keep it as a version."""
    try:
        return _sign_document(session, services, actor=actor, document_id=document_id,
                              expected_revision=expected_revision, passphrase=passphrase, now=now)
    except Exception as exc:
        count_signing_failure(exc)  # operators watch these (wrong passphrases, a TSA down ...)
        raise


def _sign_document(session: Session, services: Services, *, actor: User, document_id: int,
                   expected_revision: int | None, passphrase: str, now: datetime) -> Document:
    settings = services.settings
    # From the configuration only: a request's Host header would let anyone choose where the QR code points.
    base = settings.server.public_url.rstrip("/")
    if not base:
        raise ServiceUnavailable(SIGNING_NEEDS_PUBLIC_URL)
    # The key is opened before anything changes: a wrong passphrase leaves the letter as it was.
    credential = _unlock(session, actor, passphrase, now)
    document = lock_document(session, document_id)
    if Action.SIGN not in available_actions(session, actor, document, now.date(), heeding_deadline=False):
        transition_for(document.state, Action.SIGN)
        raise PermissionDenied(N_("this letter does not wait for your signature"))
    check_deadline(document, Action.SIGN, now.date())  # before converting and stamping anything
    fielded = letter_with_fields(services.store, document)
    if fielded is None:
        pdf = _read(services.store, signing_pdf(session, services.store, actor=actor, document=document,
                                                timeout=DEFAULT_TIMEOUT))
    document = perform_action(session, actor=actor, document_id=document_id, action=Action.SIGN,
                              expected_revision=expected_revision, now=now, settings=settings.workflow)
    token = secrets.token_urlsafe(24)
    secret_key = ca_key_secret(settings)
    signer = _local_signer(session, credential, secret_key=secret_key, now=now,
                           tsa=timestamp_authority(settings.signing, settings.instance_file(settings.signing.tsa_ca_file)))
    description = signer.describe()
    stamp = LetterStamp(
        number=document.number or "", signature_lines=block_lines(document.signature_block or ""),
        date_text=indonesian_date(now.date()), verify_url=f"{base}{VERIFY_PATH}{token}",
        footer=FOOTER.format(issuer=description.issuer_name))
    if fielded is not None:
        # The letter's own fields take the number, the date and the block: LibreOffice sets them in its fonts.
        pdf = convert_to_pdf(fill_fields(fielded, stamp), DOCX, timeout=DEFAULT_TIMEOUT)
    stamped = stamp_letter(pdf, stamp, fields_filled=fielded is not None)
    signed = signer.sign(stamped, field=SIGNATURE_FIELD, reason=f"Penandatanganan naskah dinas {document.number}",
                         location=document.unit.name)
    level = signed_level_of(signed)
    version = _add_version(session, services.store, document=document, actor=actor, data=signed,
                           filename=_file_name(document.number or f"document-{document.id}"), comment=SIGNED_COMMENT)
    # Known at once for the paperless report (pages not printed), not only once the worker reads the file.
    version.page_count = pdf_page_count(signed)
    session.add(VerificationToken(
        token=token, document_id=document.id, version_id=version.id, credential_id=credential.row.id,
        sha256=version.sha256, signed_digest=signed_digest_of(signed), signer_name=actor.display_name,
        signer_position=_position_label(document.signature_block or ""), signed_at=_now_utc(now),
        pades_level=level))
    session.flush()
    logger.info("user %s signed document %s as %s with certificate %s (version %s, %s, PAdES %s)", actor.username,
                document.id, document.number, credential.row.serial, version.number, version.sha256, level)
    return document
