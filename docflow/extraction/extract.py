"""Extract text from an uploaded file inside a sandboxed child process."""
from __future__ import annotations

import logging
import math
from pathlib import Path

from docflow.extraction.errors import MalformedResult, SandboxError, UnsupportedType
from docflow.extraction.formats import ALLOWED_TYPES, IMAGE_TYPES, PDF
from docflow.extraction.results import ExtractionResult, ExtractionStatus, decode_result
from docflow.extraction.sandbox import Limits, run_sandboxed

logger = logging.getLogger(__name__)

# JSON may spend up to four bytes on a character; the rest is room for the other fields.
_OUTPUT_BYTES_PER_CHAR = 4
_OUTPUT_OVERHEAD = 64 * 1024


def extract_text(path: str | Path, mime: str, *, timeout: float = 30.0, memory_limit_mb: int = 768,
                 max_chars: int = 5_000_000) -> ExtractionResult:
    """Extract normalised text from `path`, whose `mime` came from detect_type, in a sandbox."""
    if mime not in ALLOWED_TYPES:
        raise UnsupportedType(f"cannot extract text from {mime!r}")
    if timeout <= 0 or memory_limit_mb <= 0 or max_chars <= 0:
        raise ValueError("timeout, memory_limit_mb and max_chars must be positive")
    limits = Limits(
        memory_mb=memory_limit_mb,
        # A backstop only: the parent's wall-clock deadline normally fires first.
        cpu_seconds=math.ceil(timeout) + 1,
        max_output_bytes=_OUTPUT_BYTES_PER_CHAR * max_chars + _OUTPUT_OVERHEAD,
    )
    try:
        payload = run_sandboxed(_extract_in_child, (str(path), mime, max_chars), timeout=timeout, limits=limits)
        result = decode_result(payload)
    except SandboxError as exc:
        result = ExtractionResult.failed(exc.reason, retryable=exc.retryable)
    except MalformedResult as exc:
        result = ExtractionResult.failed(str(exc))
    if len(result.text) > max_chars:
        result = ExtractionResult(result.status, result.text[:max_chars], result.page_count, result.encrypted,
                                  result.reason, result.retryable)
    if result.status is ExtractionStatus.FAILED:
        logger.warning("extracting %s (%s) failed: %s", path, mime, result.reason)
    if needs_ocr(result, mime):
        # The one place where OCR will plug in: every scanned PDF and every image passes here.
        logger.info("%s (%s) has no text layer; OCR is not available yet", path, mime)
    return result


def _extract_in_child(path: str, mime: str, max_chars: int) -> bytes:
    # Imported here so the caller's process never loads the parsers; the forkserver has them.
    from docflow.extraction.readers import extract_in_child

    return extract_in_child(path, mime, max_chars)


def needs_ocr(result: ExtractionResult, mime: str) -> bool:
    """Tell whether only OCR could read this file (an EMPTY PDF or image)."""
    return result.status is ExtractionStatus.EMPTY and (mime == PDF or mime in IMAGE_TYPES)
