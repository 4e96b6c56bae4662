"""Stamp a letter before it is signed: its number, the signature block with a QR code, the e-signature footer.

Everything is drawn into the pages' content (not into annotations), so that text extraction and
search find the number and the signature block, and the signature that follows covers them. The
text is set in a TrueType font embedded with its Unicode map (every name as written, searchable).
"""
from __future__ import annotations

import functools
import io
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdf
import qrcode
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from docflow.errors import N_
from docflow.signing.errors import UnusablePdf

logger = logging.getLogger(__name__)

MARGIN = 50.0
# Our footer, and usually the letter's own page footer, live below this height on every page.
FOOTER_ZONE = 60.0
BLOCK_GAP = 24.0        # between the letter's last line and the signature block
QR_SIZE = 72
BLOCK_FONT = 9
FOOTER_FONT = 6
# TrueType fonts that carry every Indonesian name and title: Liberation (metric twins of Arial and Times New
# Roman, the fonts of the national templates), else DejaVu (Debian fonts-liberation, fonts-dejavu-core).
FONT_FILES = {
    "sans": ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
             "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "serif": ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
}
# A field's marker in a PDF: `${nomor}`, or a tag as national signing services use (`#ttd#`).
MARKER = re.compile(r"\$\{([a-z_]+)\}|#([a-z_]+)#")
PLACED_FIELDS = frozenset({"nomor", "tanggal", "ttd"})
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")


@dataclass(frozen=True)
class LetterStamp:
    """What is stamped onto a letter at signing."""

    number: str
    signature_lines: Sequence[str]
    date_text: str
    verify_url: str
    footer: str


def indonesian_date(day: date) -> str:
    """Return a date as written on Indonesian letters: `28 November 2026`."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def block_lines(signature_block: str) -> list[str]:
    """Return the frozen signature block without the blank lines kept for a wet signature."""
    lines = [line.rstrip() for line in signature_block.splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    while collapsed and not collapsed[-1]:
        collapsed.pop()
    return collapsed


@functools.cache
def _fonts() -> dict[str, str]:
    """Register the stamp fonts once: a sans and a serif that carry every Indonesian name (reportlab names)."""
    registered = {}
    for family, paths in FONT_FILES.items():
        path = next((p for p in paths if Path(p).is_file()), None)
        if path is None:
            continue
        name = f"Docflow{family.title()}"
        pdfmetrics.registerFont(TTFont(name, path))
        registered[family] = name
    if not registered:
        logger.warning("no TrueType font for stamping found (Debian: fonts-liberation or fonts-dejavu-core); "
                       "names outside Latin-1 lose their accents")
    return registered


def _font_for(letter_font: str = "") -> str:
    """Return the stamp font closest to the letter's own: serif for a serif letter, sans otherwise."""
    fonts = _fonts()
    serif = any(word in letter_font.lower() for word in ("serif", "times", "bookman", "georgia", "cambria"))
    serif = serif and "sans" not in letter_font.lower()
    return fonts.get("serif" if serif else "sans") or fonts.get("sans") or fonts.get("serif") or "Helvetica"


def _covering(font: str, text: str) -> str:
    """Return the font, or the installed one that has a glyph for every letter of the text (DejaVu is widest)."""
    if not font.startswith("Docflow"):
        return font
    candidates = [font] + ([f"{font}Wide"] if f"{font}Wide" in _wide_fonts() else [])
    for name in candidates:
        face = pdfmetrics.getFont(name).face
        if all(ord(ch) in face.charToGlyph or ch.isspace() for ch in text):
            return name
    return candidates[-1]


@functools.cache
def _wide_fonts() -> frozenset[str]:
    """Register DejaVu as the fallback of each family, for letters Liberation lacks."""
    names = set()
    for family, paths in FONT_FILES.items():
        wide = paths[-1]
        if Path(wide).is_file() and family in _fonts():
            name = f"{_fonts()[family]}Wide"
            pdfmetrics.registerFont(TTFont(name, wide))
            names.add(name)
    return frozenset(names)


def _printable(text: str, font: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if font.startswith("Docflow"):
        return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    # The standard Helvetica with WinAnsi encoding, only where no TrueType font is installed.
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ord(ch) < 256 and unicodedata.category(ch)[0] != "C":
            out.append(ch)
            continue
        out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?")
    return "".join(out)


def _width(lines: Sequence[str], font: str, size: float) -> float:
    return max((pdfmetrics.stringWidth(_printable(line, font), font, size) for line in lines), default=0.0)


@dataclass(frozen=True)
class Marker:
    """Where a field's marker text (`${nomor}`) stands in a PDF: page, baseline start, width, size, font."""

    page: int
    x: float
    y: float
    width: float
    size: float
    font: str


def find_markers(pdf: bytes) -> dict[str, Marker]:
    """Return the first place of each field marker (`${nomor}`, `${tanggal}`, `${ttd}`) in a PDF's text."""
    found: dict[str, Marker] = {}
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            return {}
        for index, page in enumerate(reader.pages):
            def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                      index: int = index) -> None:
                if "${" not in text and "#" not in text:
                    return
                base = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
                scale = (tm[0] * cm[0] + tm[1] * cm[2]) or 1.0
                real = abs(size * scale)
                x0 = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y0 = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                measure = _font_for(base)
                for match in MARKER.finditer(text):
                    name = match.group(1) or match.group(2)
                    if name in found or name not in PLACED_FIELDS:
                        continue
                    before = pdfmetrics.stringWidth(_printable(text[:match.start()], measure), measure, real)
                    width = pdfmetrics.stringWidth(match.group(0), measure, real)
                    found[name] = Marker(index, x0 + before, y0, width, real, base)

            page.extract_text(visitor_text=visit)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("no field markers read from the PDF: %s", exc)
        return {}
    return found


def placement_of(pdf: bytes) -> str:
    """Tell how the number and the signature block will be placed on a PDF: `markers` or `margin`."""
    markers = find_markers(pdf)
    return "markers" if {"nomor", "ttd"} <= set(markers) else "margin"


class _Sheet:
    """What is drawn onto one page: a reportlab page of the same size, placed over it as a form."""

    def __init__(self, left: float, bottom: float, width: float, height: float) -> None:
        self.left, self.bottom = left, bottom
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=(width, height), pageCompression=1)

    def cover(self, x: float, y: float, width: float, size: float) -> None:
        """Paint white over a marker (its text stays underneath, hidden)."""
        self.canvas.setFillColorRGB(1, 1, 1)
        self.canvas.rect(x - self.left - 1, y - self.bottom - size * 0.3, width + 2, size * 1.25, fill=1, stroke=0)
        self.canvas.setFillColorRGB(0, 0, 0)

    def text(self, x: float, y: float, lines: Sequence[str], font: str, size: float) -> None:
        """Write lines downwards from a baseline."""
        for i, line in enumerate(lines):
            face = _covering(font, line)
            self.canvas.setFont(face, size)
            self.canvas.drawString(x - self.left, y - self.bottom - i * (size + 2), _printable(line, face))

    def qr(self, x: float, y: float, url: str) -> None:
        """Draw the QR code with its lower left corner at (x, y)."""
        image = qrcode.make(url, box_size=4, border=0).get_image()
        self.canvas.drawImage(ImageReader(image), x - self.left, y - self.bottom, QR_SIZE, QR_SIZE)

    def pdf(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def _link(writer: IncrementalPdfFileWriter, page: int, rect: tuple[float, float, float, float], url: str) -> None:
    # A plain link without a border (some viewers draw the default 1pt border round the block).
    link = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
        generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, rect)),
        generic.pdf_name("/Border"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 0))),
        generic.pdf_name("/A"): generic.DictionaryObject({
            generic.pdf_name("/S"): generic.pdf_name("/URI"),
            generic.pdf_name("/URI"): generic.pdf_string(url)}),
    })
    page_ref = writer.find_page_for_modification(page)[0]
    writer.register_annotation(page_ref, writer.add_object(link))


def _place(writer: IncrementalPdfFileWriter, page: int, sheet: _Sheet, name: str) -> None:
    overlay = PdfFileReader(io.BytesIO(sheet.pdf()), strict=False)
    form = writer.import_page_as_xobject(overlay)
    content = f"q 1 0 0 1 {sheet.left:.3f} {sheet.bottom:.3f} cm /{name} Do Q".encode("ascii")
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    resources = generic.DictionaryObject({generic.pdf_name("/XObject"): generic.DictionaryObject(
        {generic.pdf_name(f"/{name}"): form})})
    writer.add_stream_to_page(page, stream, resources=resources)


def _lowest_text_y(page: pypdf.PageObject, bottom: float) -> float | None:
    """Return the height of the page's lowest line of body text (page footers do not count)."""
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: float) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if y > bottom + FOOTER_ZONE:
                heights.append(y)

    page.extract_text(visitor_text=visit)
    return min(heights) if heights else None


def _pages(pdf: bytes) -> list[tuple[float, float, float, float, float | None]]:
    """Return (left, bottom, width, height, lowest text y) of each page."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise UnusablePdf(N_("the PDF is encrypted; upload it without a password to sign it"), field="file")
        result = []
        for index, page in enumerate(reader.pages):
            box = page.mediabox
            last = index == len(reader.pages) - 1
            result.append((float(box.left), float(box.bottom), float(box.width), float(box.height),
                           _lowest_text_y(page, float(box.bottom)) if last else None))
    except pypdf.errors.PyPdfError as exc:
        raise UnusablePdf(N_("the PDF cannot be read for stamping: %(problem)s"), field="file", problem=str(exc)) from None
    if not result:
        raise UnusablePdf(N_("the PDF has no pages"), field="file")
    return result


def stamp_letter(pdf: bytes, stamp: LetterStamp, *, fields_filled: bool = False) -> bytes:
    """Return the PDF with number, signature block + QR code and footer drawn in (an incremental update).

    `fields_filled`: the letter came from a DOCX whose fields already carry the number, the date and the
    block with the QR code; only the footer is added. Otherwise each goes where its marker text
    (`${nomor}`, `${tanggal}`, `${ttd}`) stands, and without a marker, as the last resort, the number in
    the top margin and the block under the last line of text.
    """
    pages = _pages(pdf)
    markers = {} if fields_filled else find_markers(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    sheets: dict[int, _Sheet] = {}

    def sheet(index: int) -> _Sheet:
        if index not in sheets:
            left, bottom, width, height, _ = pages[index]
            sheets[index] = _Sheet(left, bottom, width, height)
        return sheets[index]

    font = _font_for()
    if not fields_filled:
        number = markers.get("nomor")
        if number is not None:
            face = _font_for(number.font)
            sheet(number.page).cover(number.x, number.y, number.width, number.size)
            sheet(number.page).text(number.x, number.y, [stamp.number], face, number.size)
        else:
            left, bottom, width, height, _ = pages[0]
            line = [f"Nomor: {stamp.number}"]
            x = left + max(MARGIN, width - MARGIN - _width(line, font, BLOCK_FONT) - 8)
            sheet(0).text(x, bottom + height - 24 - BLOCK_FONT, line, font, BLOCK_FONT)
        day = markers.get("tanggal")
        if day is not None:
            face = _font_for(day.font)
            sheet(day.page).cover(day.x, day.y, day.width, day.size)
            sheet(day.page).text(day.x, day.y, [stamp.date_text], face, day.size)
        heading, rest = _split_block(stamp.signature_lines)
        place = markers.get("ttd")
        if place is not None:
            face, size = _font_for(place.font), place.size
            target = sheet(place.page)
            target.cover(place.x, place.y, place.width, size)
            lead = [*([] if day is not None else [stamp.date_text]), *heading]
            target.text(place.x, place.y, lead, face, size)
            qr_top = place.y - (len(lead) - 1) * (size + 2) - size * 0.4
            target.qr(place.x, qr_top - QR_SIZE, stamp.verify_url)
            target.text(place.x, qr_top - QR_SIZE - size - 2, rest, face, size)
            _link(writer, place.page, (place.x, qr_top - QR_SIZE, place.x + QR_SIZE, qr_top), stamp.verify_url)
        else:
            _margin_block(writer, pages, sheet, stamp, font)

    chars_font = font
    footer_width = pages[0][2] - 2 * MARGIN
    words = _printable(stamp.footer, chars_font).split()
    footer: list[str] = []
    for word in words:
        if footer and pdfmetrics.stringWidth(f"{footer[-1]} {word}", chars_font, FOOTER_FONT) <= footer_width:
            footer[-1] = f"{footer[-1]} {word}"
        else:
            footer.append(word)
    footer.append(f"Verifikasi: {stamp.verify_url}")
    for index, (left, bottom, _w, _h, _low) in enumerate(pages):
        sheet(index).text(left + MARGIN, bottom + 8 + (len(footer) - 1) * (FOOTER_FONT + 2), footer, chars_font,
                          FOOTER_FONT)
    for index in sorted(sheets):
        _place(writer, index, sheets[index], f"DocflowStamp{index}")
    out = io.BytesIO()
    writer.write(out)
    logger.debug("stamped number %s (%s) and footer on %d pages", stamp.number,
                 "fields" if fields_filled else ("markers" if "ttd" in markers else "margin"), len(pages))
    return out.getvalue()


def _split_block(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split a signature block at the space for the signature: position lines, then name, rank and NIP."""
    lines = list(lines)
    if "" in lines:
        gap = lines.index("")
        return lines[:gap], [line for line in lines[gap:] if line]
    return lines[:1], lines[1:]


def _margin_block(writer: IncrementalPdfFileWriter, pages: list, sheet, stamp: LetterStamp, font: str) -> None:
    """Place the block under the letter's last line (or on a page of its own): the last resort."""
    heading, rest = _split_block(stamp.signature_lines)
    lines = [stamp.date_text, *heading, *rest]
    line_height = BLOCK_FONT + 2
    block_height = max(QR_SIZE + 6, len(lines) * line_height + 6)
    block_width = QR_SIZE + 12 + _width(lines, font, BLOCK_FONT)
    last = len(pages) - 1
    left, bottom, width, height, lowest = pages[last]
    top = (lowest if lowest is not None else bottom + height - MARGIN) - BLOCK_GAP
    if top - block_height < bottom + FOOTER_ZONE:
        # No room under the last line: the block goes on a page of its own, as on paper.
        content = writer.add_object(generic.StreamObject(stream_data=b""))
        writer.insert_page(PageObject(contents=content, media_box=(left, bottom, left + width, bottom + height)))
        pages.append((left, bottom, width, height, None))
        last += 1
        top = bottom + height - 2 * MARGIN
    x = left + max(MARGIN, width - MARGIN - block_width)
    target = sheet(last)
    target.qr(x, top - QR_SIZE, stamp.verify_url)
    target.text(x + QR_SIZE + 12, top - BLOCK_FONT, lines, font, BLOCK_FONT)
    _link(writer, last, (x, top - QR_SIZE, x + QR_SIZE, top), stamp.verify_url)
