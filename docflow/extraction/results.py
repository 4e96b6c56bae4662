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

    @classmethod
    def failed(cls, reason: str, *, retryable: bool = False, encrypted: bool = False,
               page_count: int | None = None) -> ExtractionResult:
        """Build a FAILED result."""
        return cls(ExtractionStatus.FAILED, "", page_count, encrypted, reason, retryable)


def encode_result(result: ExtractionResult) -> bytes:
    """Serialise `result` as JSON bytes (never pickle: the child handles hostile input)."""
    return json.dumps(asdict(result), ensure_ascii=False).encode("utf-8")


def decode_result(data: bytes) -> ExtractionResult:
    """Parse and validate what the child sent; raise MalformedResult on anything unexpected."""
    try:
        fields = json.loads(data.decode("utf-8"))
        status = ExtractionStatus(fields["status"])
        text, page_count = fields["text"], fields["page_count"]
        encrypted, reason, retryable = fields["encrypted"], fields["reason"], fields["retryable"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise MalformedResult(f"unreadable result from the extraction child ({type(exc).__name__})") from exc
    valid = (
        isinstance(text, str)
        and (page_count is None or (type(page_count) is int and page_count >= 0))
        and type(encrypted) is bool
        and type(retryable) is bool
        and (reason is None or isinstance(reason, str))
        and (status is ExtractionStatus.OK or text == "")
    )
    if not valid:
        raise MalformedResult("the extraction child sent a result with invalid fields")
    if reason is not None:
        reason = reason[:_MAX_REASON_CHARS]
    return ExtractionResult(status, text, page_count, encrypted, reason, retryable)
