"""Decide a file's type from its content, never from its name."""
from __future__ import annotations

import logging
import re
import unicodedata
import xml.parsers.expat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import magic

from docflow.extraction.containers import open_zip, read_member
from docflow.extraction.formats import ALLOWED_TYPES, DOCX, ODT, PDF, TEXT

logger = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
ZIP = "application/zip"
OCTET_STREAM = "application/octet-stream"

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# libmagic names ZIP-based office files by their type, by the container, or not at all
# ("data", which the PK signature then catches).
_ZIP_VERDICTS = frozenset({ZIP, DOCX, ODT, "application/x-zip-compressed"})
_DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_MAX_MIMETYPE_BYTES = 256
# Acrobat accepts up to 1 KB of junk before the header; libmagic only looks at offset 0.
_PDF_HEADER = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
# Markup that makes a "text" file dangerous to show inline, checked on NUL-free lowercased bytes.
# Tags may carry a namespace prefix (`<a:script xmlns:a="http://www.w3.org/1999/xhtml">` runs in
# XHTML). Bare `<a>`/`<b>` stay text: linguistic data and plain letters use such brackets.
_TAG_PREFIX = rb"<\s*(?:[a-z0-9_.-]+:)?"
_LINK_TAGS = ((re.compile(rb"<a\s"), b"href"), (re.compile(rb"<img\s"), b"src"))


def _links(probe: bytes) -> bool:
    """Tell whether an `<a` tag has an `href`, or an `<img` tag a `src`, before the tag's `>`.

    Checked one stretch between two `>` at a time, from the first opening there (it reaches
    furthest): linear in the probe, where `<a\\s[^>]*href` backtracked quadratically on a head
    full of unclosed `<a ` (4 s of a request's CPU for 64 KB).
    """
    for stretch in probe.split(b">"):
        for opening, attribute in _LINK_TAGS:
            found = opening.search(stretch)
            if found is not None and attribute in stretch[found.end():]:
                return True
    return False


_MARKUP = (
    (re.compile(rb"<\?php|<\?=\s").search, "text/x-php"),
    (re.compile(_TAG_PREFIX + rb"svg[\s>/]").search, "image/svg+xml"),
    (
        re.compile(
            rb"<!doctype\s+html|<!--#|<%|"
            + _TAG_PREFIX
            + rb"(?:html|head|body|script|iframe|frame|frameset|object|embed|applet|meta|style|form|base|link)"
            + rb"[\s>/]"
        ).search,
        "text/html",
    ),
    # A link or image with an address (`<a ... href`, `<img ... src`, within one tag): see _links.
    (_links, "text/html"),
    # XML anywhere in the head, or a file that opens with a tag, comment or declaration.
    (re.compile(rb"<\?xml|<!doctype|<!entity|^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?\s*<[a-z!?]").search, "text/xml"),
)
# Share of control characters (tab and line breaks excepted) above which "text" is binary.
_MAX_CONTROL_SHARE = 0.01
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c")


@dataclass(frozen=True)
class DetectedType:
    """A file's MIME type and libmagic's description of it (for messages)."""

    mime: str
    description: str


def detect_type(path: str | Path) -> DetectedType:
    """Return the type of the file at `path`, judged from its bytes alone."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    mime = magic.from_buffer(head, mime=True)
    description = magic.from_buffer(head)
    if head.startswith(_ZIP_SIGNATURES) or mime in _ZIP_VERDICTS:
        detected = _detect_zip(path, mime, description)
    elif mime == OCTET_STREAM and _PDF_HEADER in head[:_PDF_HEADER_WINDOW]:
        detected = DetectedType(PDF, f"{description} (PDF after leading junk)")
    elif mime in (TEXT, OCTET_STREAM) and head:
        detected = _detect_text(head, mime, description)
    else:
        detected = DetectedType(mime, description)
    logger.debug("detected %s as %s (%s)", path, detected.mime, detected.description)
    return detected


def _detect_zip(path: str | Path, mime: str, description: str) -> DetectedType:
    """Look inside a ZIP for a Word or OpenDocument text document."""
    archive = open_zip(path)
    if archive is None:
        return DetectedType(ZIP, f"{description} (unreadable or oversized ZIP directory)")
    with archive:
        inner = _office_type(archive)
    if inner is not None:
        return DetectedType(inner, description)
    if mime in ALLOWED_TYPES or mime == OCTET_STREAM:
        # libmagic guessed from the first entry's name; the directory says otherwise.
        return DetectedType(ZIP, f"{description} (no Word or OpenDocument text inside)")
    return DetectedType(mime, description)


def _office_type(archive: zipfile.ZipFile) -> str | None:
    """Return DOCX or ODT if the container declares one, else None."""
    content_types = read_member(archive, "[Content_Types].xml", _MAX_CONTENT_TYPES_BYTES)
    if content_types is not None and _declares_docx_main_part(content_types):
        return DOCX
    declared = read_member(archive, "mimetype", _MAX_MIMETYPE_BYTES)
    if declared is not None and declared.strip() == ODT.encode("ascii"):
        return ODT
    return None


def _declares_docx_main_part(content_types: bytes) -> bool:
    """Tell whether `[Content_Types].xml` names a WordprocessingML main document part."""
    found = False

    def on_element(name: str, attributes: dict[str, str]) -> None:
        nonlocal found
        if name.rpartition(" ")[2] in ("Override", "Default") and attributes.get("ContentType") == _DOCX_MAIN_PART:
            found = True

    def on_doctype(*_args: object) -> None:
        raise _HasDoctype

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = on_element
    parser.StartDoctypeDeclHandler = on_doctype
    try:
        parser.Parse(content_types, True)
    except (_HasDoctype, xml.parsers.expat.ExpatError):
        return False
    return found


class _HasDoctype(Exception):
    """A DTD in an OOXML part: no honest producer writes one."""


def _detect_text(head: bytes, mime: str, description: str) -> DetectedType:
    """Call `head` plain text only if it decodes as text and carries no markup or script."""
    probe = head.replace(b"\x00", b"").lower()
    for contains, markup_type in _MARKUP:
        if contains(probe):
            return DetectedType(markup_type, f"{description} (contains markup or script)")
    if mime == OCTET_STREAM and b"\x00" in head:
        return DetectedType(mime, description)
    sample = head
    if len(head) == HEAD_BYTES and b"\x00" not in head and b"\n" in head:
        # Do not let a multi-byte character cut at the end of the sample spoil the guess.
        sample = head[: head.rindex(b"\n") + 1]
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return DetectedType(OCTET_STREAM, f"{description} (not decodable as text)")
    text = str(best)
    controls = sum(1 for char in text if char not in _TEXT_CONTROLS and unicodedata.category(char) == "Cc")
    if controls > _MAX_CONTROL_SHARE * max(len(text), 1):
        return DetectedType(OCTET_STREAM, f"{description} (binary data)")
    if mime == OCTET_STREAM:
        description = f"{best.encoding} text with a few control characters"
    return DetectedType(TEXT, description)
