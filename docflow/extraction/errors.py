"""Errors raised by the extraction package."""
from __future__ import annotations


class ExtractionError(Exception):
    """Base class of every error this package raises."""


class UnsupportedType(ExtractionError, ValueError):
    """A caller asked to extract a MIME type outside ALLOWED_TYPES."""


class UnsafeDocument(ExtractionError):
    """A container or XML part was refused before parsing (zip bomb, DTD, too many parts)."""


class MalformedResult(ExtractionError):
    """The extraction child sent back something that is not a valid result."""


class SandboxError(ExtractionError):
    """The sandboxed child did not deliver a result; `reason` is short and human."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class SandboxTimeout(SandboxError):
    """The child exceeded its wall-clock or CPU time budget and was killed."""


class SandboxMemoryExceeded(SandboxError):
    """The child ran out of its address-space limit."""


class SandboxCrashed(SandboxError):
    """The child died by a signal or exited without a result."""


class SandboxOutputTooLarge(SandboxError):
    """The child tried to send back more bytes than allowed."""


class SandboxStartFailed(SandboxError):
    """The child could not be started (an operating-system condition, worth retrying)."""


class OcrError(ExtractionError):
    """Tesseract or pdftoppm could not read a page or image; `reason` is short and human."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OcrTimeout(OcrError):
    """OCR of one file ran past its time budget; its programs were killed."""
