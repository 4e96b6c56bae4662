"""File-type detection and sandboxed text extraction (used by the worker; imports no Flask)."""
from __future__ import annotations

from docflow.extraction.detect import DetectedType, detect_type
from docflow.extraction.errors import ExtractionError, UnsafeDocument, UnsupportedType
from docflow.extraction.extract import extract_text, needs_ocr, read_text_layer
from docflow.extraction.formats import ALLOWED_TYPES, DOCX, EXTENSIONS, JPEG, ODT, PDF, PNG, TEXT, TIFF
from docflow.extraction.ocr import OcrOptions, find_ocr_problems
from docflow.extraction.results import ExtractionResult, ExtractionStatus

__all__ = [
    "ALLOWED_TYPES",
    "DOCX",
    "EXTENSIONS",
    "JPEG",
    "ODT",
    "PDF",
    "PNG",
    "TEXT",
    "TIFF",
    "DetectedType",
    "ExtractionError",
    "ExtractionResult",
    "ExtractionStatus",
    "OcrOptions",
    "UnsafeDocument",
    "UnsupportedType",
    "detect_type",
    "extract_text",
    "find_ocr_problems",
    "needs_ocr",
    "read_text_layer",
]
