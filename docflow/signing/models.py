"""The organisation's certificate authority, signers' credentials and the tokens of signed letters."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.auth.models import User
from docflow.db import Base, utcnow
from docflow.documents.models import Document, Version


class CredentialSource(enum.StrEnum):
    ISSUED = "issued"      # key made here, certificate issued by the organisation's CA
    IMPORTED = "imported"  # key and certificate brought in a PKCS#12 file


class CertificateAuthority(Base):
    """The organisation's CA: its certificate and its private key, wrapped with the instance secret.

    The key is kept in the database, not in a file, because every web process needs it to publish
    the CRL and issue certificates, and web processes may run on several hosts that share only the
    database and the configured secrets. It is an encrypted PKCS#8 whose password is derived
    (HKDF) from `signing.ca_key_secret` (on the embedded default `server.secret_key`): a database
    dump alone does not reveal it, nor does the session secret.
    """

    __tablename__ = "signing_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str] = mapped_column(String(64))
    certificate_pem: Mapped[str] = mapped_column(Text)
    encrypted_key_pem: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    imported: Mapped[bool] = mapped_column(default=False)
    # Only one CA issues and publishes at a time; older ones stay for validating old letters.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignerCredential(Base):
    """A signer's certificate and private key; the key is encrypted with a passphrase only the signer knows."""

    __tablename__ = "signer_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("signing_authorities.id"))
    source: Mapped[str] = mapped_column(String(10), default=CredentialSource.ISSUED)
    subject: Mapped[str] = mapped_column(String(500))
    # Hexadecimal, as certificate viewers show it.
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    # Certificates between the signer's and the CA's, from an imported PKCS#12 (usually empty).
    chain_pem: Mapped[str] = mapped_column(Text, default="")
    encrypted_key_pem: Mapped[str] = mapped_column(Text)
    # How the PKCS#8 password is derived from the passphrase (see docflow.signing.pki).
    key_kdf: Mapped[str] = mapped_column(String(80))
    key_salt: Mapped[str] = mapped_column(String(64))
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    authority: Mapped[CertificateAuthority] = relationship()

    @property
    def is_revoked(self) -> bool:
        """Tell whether the certificate was revoked."""
        return self.revoked_at is not None


class VerificationToken(Base):
    """The public, unguessable handle of a signed letter: its QR code links to /verify/<token>."""

    __tablename__ = "verification_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    credential_id: Mapped[int] = mapped_column(ForeignKey("signer_credentials.id"))
    # SHA-256 of the signed file as issued: an uploaded copy with this hash is the genuine letter.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The messageDigest the signature commits to: it survives edits of the file, so a modified
    # copy is still recognised as a copy of this letter.
    signed_digest: Mapped[str] = mapped_column(String(128), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_position: Mapped[str] = mapped_column(String(500))
    signed_at: Mapped[datetime]
    # PAdES level of the signature as made (docflow.signing.validation.PadesLevel): how long it can be checked.
    pades_level: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship()
    version: Mapped[Version] = relationship()
    credential: Mapped[SignerCredential] = relationship()
