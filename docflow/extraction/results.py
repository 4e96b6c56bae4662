"""What an extraction produces, and its wire form between the child and the parent."""
from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass

from docflow.extraction.errors import MalformedResult

_MAX_REASON_CHARS = 300


class ExtractionStatus(enum.StrEnum):
    """How an extraction ended."""

    OK = "ok"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    FAILED = "failed"


@dataclass(frozen=True)
class ExtractionResult:
    """The text of one file, or why there is none."""

    status: ExtractionStatus
    text: str
    page_count: int | None
    encrypted: bool
    reason: str | None
    retryable: bool
    # OCR decided this result: OK with text read (at least partly) from scans, EMPTY when OCR
    # found nothing, FAILED when OCR failed.
    ocr: bool = False

    @classmethod
    def failed(cls, reason: str, *, retryable: bool = False, encrypted: bool = False,
               page_count: int | None = None, ocr: bool = False) -> ExtractionResult:
        """Build a FAILED result."""
        return cls(ExtractionStatus.FAILED, "", page_count, encrypted, reason, retryable, ocr)


def encode_result(result: ExtractionResult, *, pages_without_text: int = 0) -> bytes:
    """Serialise `result` and its count of pages without a text layer as JSON bytes (never pickle)."""
    fields = {**asdict(result), "pages_without_text": pages_without_text}
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def decode_answer(data: bytes) -> tuple[ExtractionResult, int]:
    """Parse and validate the child's result and its count of pages without a text layer.

    Raise MalformedResult on anything unexpected.
    """
    try:
        fields = json.loads(data.decode("utf-8"))
        status = ExtractionStatus(fields["status"])
        text, page_count = fields["text"], fields["page_count"]
        encrypted, reason, retryable = fields["encrypted"], fields["reason"], fields["retryable"]
        ocr, pages_without_text = fields["ocr"], fields["pages_without_text"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise MalformedResult(f"unreadable result from the extraction child ({type(exc).__name__})") from exc
    valid = (
        isinstance(text, str)
        and (page_count is None or (type(page_count) is int and page_count >= 0))
        and type(encrypted) is bool
        and type(retryable) is bool
        and type(ocr) is bool
        and type(pages_without_text) is int and pages_without_text >= 0
        and (reason is None or isinstance(reason, str))
        and (status is ExtractionStatus.OK or text == "")
    )
    if not valid:
        raise MalformedResult("the extraction child sent a result with invalid fields")
    if reason is not None:
        reason = reason[:_MAX_REASON_CHARS]
    return ExtractionResult(status, text, page_count, encrypted, reason, retryable, ocr), pages_without_text
