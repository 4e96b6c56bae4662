"""What the public verification page tells: a signed letter's status, and whether an uploaded PDF is it."""
from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from docflow.documents.models import Document, SecurityClass
from docflow.signing.models import VerificationToken
from docflow.signing.queries import token_for_document
from docflow.signing.validation import SignatureCheck, inspect_pdf
from docflow.workflow.models import DocumentTypeRule
from docflow.workflow.queries import replacement_of

logger = logging.getLogger(__name__)

# Their subject is itself secret: the page confirms number, signer and status only.
HIDDEN_SUBJECT = frozenset({SecurityClass.RAHASIA, SecurityClass.SANGAT_RAHASIA})


class LetterState(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    REPLACED = "replaced"


class Verdict(enum.StrEnum):
    GENUINE = "genuine"
    MODIFIED = "modified"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LetterStatus:
    """The public facts of a signed letter."""

    token: str
    number: str
    signed_at: datetime
    type_name: str
    subject: str | None
    signer_name: str
    signer_position: str
    state: LetterState
    revoked_at: datetime | None
    certificate_serial: str
    replaced_by_number: str | None
    replaced_by_token: str | None
    pades_level: str


@dataclass(frozen=True)
class SignedReference:
    """The signed letter's facts an uploaded copy is compared with (no database needed after reading)."""

    document_id: int
    sha256: str
    signed_digest: str
    signer_name: str
    revoked: bool


@dataclass(frozen=True)
class UploadVerdict:
    """Whether an uploaded PDF is the genuine letter, a modified copy of it, or unknown."""

    verdict: Verdict
    sha256: str
    hash_matches: bool
    signature: SignatureCheck | None
    detail: str
    readable: bool = True  # False: not a PDF that could be read
    checked: bool = True   # False: the check did not finish within its limits


def letter_status(session: Session, row: VerificationToken) -> LetterStatus:
    """Return what anyone may learn about a signed letter from its token."""
    document: Document = row.document
    rule = session.get(DocumentTypeRule, document.doc_type)
    replacement = replacement_of(session, document.id)
    replacement_token = token_for_document(session, replacement.id) if replacement is not None else None
    credential = row.credential
    if credential.revoked_at is not None:
        state = LetterState.REVOKED
    elif replacement is not None:
        state = LetterState.REPLACED
    else:
        state = LetterState.VALID
    return LetterStatus(
        token=row.token, number=document.number or "", signed_at=row.signed_at,
        type_name=rule.name if rule else document.doc_type,
        subject=None if document.security_class in HIDDEN_SUBJECT else document.title,
        signer_name=row.signer_name, signer_position=row.signer_position, state=state,
        revoked_at=credential.revoked_at, certificate_serial=credential.serial,
        replaced_by_number=replacement.number if replacement is not None else None,
        replaced_by_token=replacement_token.token if replacement_token is not None else None,
        pades_level=row.pades_level,
    )


def signed_reference(row: VerificationToken) -> SignedReference:
    """Return what an uploaded copy is compared with, read while the request's transaction is open."""
    return SignedReference(document_id=row.document_id, sha256=row.sha256, signed_digest=row.signed_digest,
                           signer_name=row.signer_name, revoked=row.credential.revoked_at is not None)


def check_upload(reference: SignedReference, *, path: Path, sha256: str,
                 trust: Callable[[], tuple[str, list[bytes]]], timeout: float,
                 memory_limit_mb: int) -> UploadVerdict:
    """Compare an uploaded PDF with the signed letter: by its hash first, else by its embedded signature.

    A byte-identical copy is the file Docflow signed and checked itself, so its hash settles it at
    once, however large it is. Any other PDF is validated in the sandbox within `timeout`; `trust`
    gives the CA certificates and CRLs for that (a database read, made only when needed).
    """
    if sha256 == reference.sha256:
        detail = "the file is byte for byte the letter Docflow signed"
        if reference.revoked:
            detail += ", but the signer's certificate has since been revoked"
        ours = SignatureCheck(signed_digest=reference.signed_digest, signer=reference.signer_name, intact=True,
                              valid=True, trusted=not reference.revoked, revoked=reference.revoked,
                              unchanged_after=True)
        logger.info("verification upload for document %s: %s by its hash", reference.document_id, Verdict.GENUINE)
        return UploadVerdict(verdict=Verdict.GENUINE, sha256=sha256, hash_matches=True, signature=ours,
                             detail=detail)
    roots, crls = trust()
    inspection = inspect_pdf(path, trust_roots_pem=roots, crls=crls, timeout=timeout,
                             memory_limit_mb=memory_limit_mb)
    ours = next((s for s in inspection.signatures if s.signed_digest == reference.signed_digest), None)
    if ours is not None:
        verdict = Verdict.MODIFIED
        if not ours.intact:
            detail = "the signed content was changed after signing: the signature no longer matches it"
        elif not ours.unchanged_after:
            detail = "content was added to the file after it was signed"
        else:
            detail = "the file differs from the letter Docflow signed"
    else:
        verdict = Verdict.UNKNOWN
        detail = inspection.problem or ("the file carries no signature of this letter" if inspection.signatures
                                        else "the file carries no electronic signature")
    logger.info("verification upload for document %s: %s (%s)", reference.document_id, verdict, detail)
    return UploadVerdict(verdict=verdict, sha256=sha256, hash_matches=False, signature=ours, detail=detail,
                         readable=inspection.readable, checked=inspection.checked)
