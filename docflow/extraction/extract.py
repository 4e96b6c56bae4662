"""Extract text from an uploaded file inside sandboxed child processes, with OCR for scans."""
from __future__ import annotations

import dataclasses
import logging
import math
import time
from pathlib import Path

from docflow.extraction.errors import MalformedResult, SandboxError, SandboxTimeout, UnsupportedType
from docflow.extraction.formats import ALLOWED_TYPES, IMAGE_TYPES, PDF
from docflow.extraction.ocr import OcrOptions
from docflow.extraction.results import ExtractionResult, ExtractionStatus, decode_answer
from docflow.extraction.sandbox import Limits, run_sandboxed

logger = logging.getLogger(__name__)

# JSON may spend up to four bytes on a character; the rest is room for the other fields.
_OUTPUT_BYTES_PER_CHAR = 4
_OUTPUT_OVERHEAD = 64 * 1024
# The OCR child keeps its own deadline and stops its programs itself; the parent's deadline is a
# backstop for a child stuck elsewhere (re-reading a hostile PDF's text layer, say).
_OCR_GRACE_SECONDS = 5.0


def extract_text(path: str | Path, mime: str, *, timeout: float = 30.0, memory_limit_mb: int = 768,
                 max_chars: int = 5_000_000, ocr: OcrOptions | None = None) -> ExtractionResult:
    """Extract normalised text from `path`, whose `mime` came from detect_type, in a sandbox.

    With `ocr`, images and PDF pages without a text layer are then read by Tesseract in a second
    sandboxed child, under `ocr`'s own time budget; without it they are left EMPTY.
    """
    if mime not in ALLOWED_TYPES:
        raise UnsupportedType(f"cannot extract text from {mime!r}")
    if timeout <= 0 or memory_limit_mb <= 0 or max_chars <= 0:
        raise ValueError("timeout, memory_limit_mb and max_chars must be positive")
    result, pages_without_text = _run_child(path, mime, max_chars, None, timeout=timeout,
                                            memory_limit_mb=memory_limit_mb)
    if ocr is not None and pages_without_text and result.status in (ExtractionStatus.OK, ExtractionStatus.EMPTY):
        logger.info("reading %d pages of %s (%s) with OCR", pages_without_text, path, mime)
        started = time.monotonic()
        scanned, _ = _run_child(path, mime, max_chars, ocr, timeout=ocr.timeout_seconds + _OCR_GRACE_SECONDS,
                                memory_limit_mb=memory_limit_mb)
        logger.info("OCR of %s ended %s in %.1f s", path, scanned.status, time.monotonic() - started)
        result = _merge(result, scanned)
    elif needs_ocr(result, mime):
        logger.info("%s (%s) has no text layer and OCR is off", path, mime)
    if len(result.text) > max_chars:
        result = dataclasses.replace(result, text=result.text[:max_chars])
    if result.status is ExtractionStatus.FAILED:
        logger.warning("extracting %s (%s) failed: %s", path, mime, result.reason)
    return result


def read_text_layer(path: str | Path, mime: str, *, timeout: float = 30.0, memory_limit_mb: int = 768,
                    max_chars: int = 5_000_000) -> tuple[ExtractionResult, bool]:
    """Extract the text a file carries, without OCR; also tell whether OCR could read more of it.

    The second value is true for an image, or a PDF with pages without a text layer, that read
    cleanly: `extract_text` with OCR options would then run Tesseract over them.
    """
    if mime not in ALLOWED_TYPES:
        raise UnsupportedType(f"cannot extract text from {mime!r}")
    if timeout <= 0 or memory_limit_mb <= 0 or max_chars <= 0:
        raise ValueError("timeout, memory_limit_mb and max_chars must be positive")
    result, pages_without_text = _run_child(path, mime, max_chars, None, timeout=timeout,
                                            memory_limit_mb=memory_limit_mb)
    if len(result.text) > max_chars:
        result = dataclasses.replace(result, text=result.text[:max_chars])
    if result.status is ExtractionStatus.FAILED:
        logger.warning("extracting %s (%s) failed: %s", path, mime, result.reason)
    return result, bool(pages_without_text) and result.status in (ExtractionStatus.OK, ExtractionStatus.EMPTY)


def needs_ocr(result: ExtractionResult, mime: str) -> bool:
    """Tell whether only OCR could read this file (an EMPTY PDF or image that OCR has not tried)."""
    return result.status is ExtractionStatus.EMPTY and not result.ocr and (mime == PDF or mime in IMAGE_TYPES)


def _run_child(path: str | Path, mime: str, max_chars: int, ocr: OcrOptions | None, *, timeout: float,
               memory_limit_mb: int) -> tuple[ExtractionResult, int]:
    """Run one sandboxed reading of `path`; return its result and its count of pages without text."""
    limits = Limits(
        memory_mb=memory_limit_mb,
        # A backstop only: the parent's wall-clock deadline normally fires first.
        cpu_seconds=math.ceil(timeout) + 1,
        max_output_bytes=_OUTPUT_BYTES_PER_CHAR * max_chars + _OUTPUT_OVERHEAD,
    )
    try:
        payload = run_sandboxed(_extract_in_child, (str(path), mime, max_chars, ocr), timeout=timeout, limits=limits)
        return decode_answer(payload)
    except SandboxTimeout as exc:
        if ocr is not None:
            return ExtractionResult.failed(f"OCR timed out after {ocr.timeout_seconds:g} s", ocr=True), 0
        return ExtractionResult.failed(exc.reason), 0
    except SandboxError as exc:
        reason = f"OCR stopped: {exc.reason}" if ocr is not None else exc.reason
        return ExtractionResult.failed(reason, retryable=exc.retryable, ocr=ocr is not None), 0
    except MalformedResult as exc:
        return ExtractionResult.failed(str(exc), ocr=ocr is not None), 0


def _merge(text_layer: ExtractionResult, scanned: ExtractionResult) -> ExtractionResult:
    """Combine the text-layer reading with the OCR reading of the same file."""
    if scanned.status is ExtractionStatus.FAILED and text_layer.status is ExtractionStatus.OK:
        # A PDF with some text: keep it, and say why its scanned pages are missing.
        note = f"pages without text were not read ({scanned.reason})"
        return dataclasses.replace(text_layer, reason="; ".join(filter(None, (text_layer.reason, note))))
    if scanned.page_count is None:
        return dataclasses.replace(scanned, page_count=text_layer.page_count)
    return scanned


def _extract_in_child(path: str, mime: str, max_chars: int, ocr: OcrOptions | None) -> bytes:
    # Imported here so the caller's process never loads the parsers; the forkserver has them.
    from docflow.extraction.readers import extract_in_child

    return extract_in_child(path, mime, max_chars, ocr)
