"""Reads of the signing tables: the active CA, a signer's usable credential, credentials to list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.errors import N_, NotFound
from docflow.signing.models import CertificateAuthority, SignerCredential, VerificationToken


def active_authority(session: Session) -> CertificateAuthority | None:
    """Return the CA that issues certificates and publishes the CRL now."""
    return session.scalars(select(CertificateAuthority).where(CertificateAuthority.is_active)
                           .order_by(CertificateAuthority.id.desc()).limit(1)).first()


def all_authorities(session: Session) -> list[CertificateAuthority]:
    """Return every CA this instance ever had (old letters were signed under them)."""
    return list(session.scalars(select(CertificateAuthority).order_by(CertificateAuthority.id)))


def usable_credential(session: Session, user: User, now: datetime) -> SignerCredential | None:
    """Return the user's newest credential that is neither revoked nor expired."""
    return session.scalars(
        select(SignerCredential).where(SignerCredential.user_id == user.id, SignerCredential.revoked_at.is_(None),
                                       SignerCredential.not_before <= now, SignerCredential.not_after > now)
        .order_by(SignerCredential.id.desc()).limit(1)).first()


def find_credentials(session: Session, user_or_serial: str) -> list[SignerCredential]:
    """Return the credentials of a username, or the one with this serial number (hex)."""
    text = user_or_serial.strip().lower()
    serial = text.removeprefix("0x").replace(":", "")
    return list(session.scalars(
        select(SignerCredential).join(User, User.id == SignerCredential.user_id)
        .where(or_(User.username == text, SignerCredential.serial == serial))
        .order_by(SignerCredential.id)))


def list_credentials(session: Session) -> list[SignerCredential]:
    """Return every credential, newest first, with its holder."""
    return list(session.scalars(select(SignerCredential).options(selectinload(SignerCredential.user))
                                .order_by(SignerCredential.id.desc())))


def get_credential(session: Session, credential_id: int) -> SignerCredential:
    """Return a credential or raise NotFound."""
    credential = session.get(SignerCredential, credential_id)
    if credential is None:
        raise NotFound(N_("no certificate %(id)s"), id=credential_id)
    return credential


def token_for_document(session: Session, document_id: int) -> VerificationToken | None:
    """Return the verification token of a signed letter."""
    return session.scalars(select(VerificationToken).where(VerificationToken.document_id == document_id)).first()


def get_token(session: Session, token: str) -> VerificationToken:
    """Return the verification record for a public token, or raise NotFound."""
    row = session.scalars(select(VerificationToken).where(VerificationToken.token == token)
                          .options(selectinload(VerificationToken.credential))).first() if token else None
    if row is None:
        raise NotFound(N_("no letter has this verification code"))
    return row
