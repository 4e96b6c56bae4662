"""The file types Docflow accepts, named by MIME type."""
from __future__ import annotations

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

ALLOWED_TYPES: frozenset[str] = frozenset({PDF, DOCX, ODT, TEXT, PNG, JPEG, TIFF})

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf",
    DOCX: ".docx",
    ODT: ".odt",
    TEXT: ".txt",
    PNG: ".png",
    JPEG: ".jpg",
    TIFF: ".tif",
}

IMAGE_TYPES: frozenset[str] = frozenset({PNG, JPEG, TIFF})
