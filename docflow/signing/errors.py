"""Errors of electronic signing; all are DocflowErrors, so the app maps them to HTTP once."""
from __future__ import annotations

from docflow.errors import DocflowError, ServiceUnavailable, ValidationFailed


class SigningError(DocflowError):
    """Signing failed on our side (the key, the PDF library); nothing was changed."""

    status = 500
    code = "signing_failed"


class ConversionFailed(ValidationFailed):
    """LibreOffice could not turn this draft into a PDF."""

    code = "conversion_failed"


class UnusablePdf(ValidationFailed):
    """The PDF cannot be stamped or signed (encrypted, damaged, no pages)."""

    code = "unusable_pdf"


class ConverterUnavailable(ServiceUnavailable):
    """LibreOffice is missing or did not answer in time."""


class CertificateProblem(ValidationFailed):
    """A certificate, key or PKCS#12 file that cannot be used."""

    code = "certificate"


class WrongPassphrase(ValidationFailed):
    """The passphrase does not open the signer's key (the message never repeats what was typed)."""


class TimestampUnavailable(ServiceUnavailable):
    """The configured timestamp authority did not answer; the letter was not signed."""
