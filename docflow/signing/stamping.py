"""Stamp a letter before it is signed: its number, the signature block with a QR code, the e-signature footer.

Everything is drawn into the pages' content (not into annotations), so that text extraction and
search find the number and the signature block, and the signature that follows covers them.
"""
from __future__ import annotations

import io
import logging
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pypdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.stamp import QRStamp, QRStampStyle, TextStamp, TextStampStyle

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
_COURIER_WIDTH = 0.6    # the stamps use Courier: every glyph is 0.6 em wide
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


def _printable(text: str) -> str:
    # The stamps use a standard font with WinAnsi encoding: keep Latin-1, strip accents elsewhere.
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ord(ch) < 256 and unicodedata.category(ch)[0] != "C":
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append(base or "?")
    return "".join(out)


class _TextStamp(TextStamp):
    # pyHanko's default parameters read the local time zone (tzlocal); ours come in fully formed.
    def get_default_text_params(self) -> dict[str, str]:
        return {}


class _QRStamp(QRStamp):
    def get_default_text_params(self) -> dict[str, str]:
        return {"url": self.url}

    def apply(self, dest_page: int, x: float, y: float, **kwargs: object) -> tuple[object, tuple[float, float]]:
        # pyHanko's own link has the default 1pt border, which some viewers draw round the block.
        page_ref, (w, h) = TextStamp.apply(self, dest_page, x, y, **kwargs)
        link = generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
            generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (x, y, x + w, y + h))),
            generic.pdf_name("/Border"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 0))),
            generic.pdf_name("/A"): generic.DictionaryObject({
                generic.pdf_name("/S"): generic.pdf_name("/URI"),
                generic.pdf_name("/URI"): generic.pdf_string(self.url)}),
        })
        self.writer.register_annotation(page_ref, self.writer.add_object(link))
        return page_ref, (w, h)


def _text_style(size: int) -> TextStampStyle:
    return TextStampStyle(stamp_text="%(text)s", border_width=0,
                          text_box_style=TextBoxStyle(font_size=size, leading=size + 2))


def _width(lines: Sequence[str], size: int) -> float:
    return max((len(line) for line in lines), default=0) * _COURIER_WIDTH * size


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


def stamp_letter(pdf: bytes, stamp: LetterStamp) -> bytes:
    """Return the PDF with number, signature block + QR code and footer drawn in (an incremental update)."""
    pages = _pages(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)

    left, bottom, width, height, _ = pages[0]
    number = [_printable(f"Nomor: {stamp.number}")]
    _TextStamp(writer, style=_text_style(BLOCK_FONT), text_params={"text": number[0]}).apply(
        0, left + max(MARGIN, width - MARGIN - _width(number, BLOCK_FONT) - 8), bottom + height - 24)

    lines = [_printable(line) for line in [stamp.date_text, *stamp.signature_lines]]
    text_height = len(lines) * (BLOCK_FONT + 2) + 6
    block_height = max(QR_SIZE + 6, text_height)
    block_width = QR_SIZE + 12 + _width(lines, BLOCK_FONT)
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
    qr_style = QRStampStyle(stamp_text="%(text)s", border_width=0, qr_inner_size=QR_SIZE, innsep=3,
                            text_box_style=TextBoxStyle(font_size=BLOCK_FONT, leading=BLOCK_FONT + 2))
    _QRStamp(writer, url=stamp.verify_url, style=qr_style, text_params={"text": "\n".join(lines)}).apply(
        last, left + max(MARGIN, width - MARGIN - block_width), top - block_height)

    chars = max(40, int((pages[0][2] - 2 * MARGIN) / (_COURIER_WIDTH * FOOTER_FONT)))
    footer = textwrap.wrap(_printable(stamp.footer), chars) + [_printable(f"Verifikasi: {stamp.verify_url}")]
    for index, (left, bottom, _width_, _height, _low) in enumerate(pages):
        _TextStamp(writer, style=_text_style(FOOTER_FONT), text_params={"text": "\n".join(footer)}).apply(
            index, left + MARGIN, bottom + 8)
    out = io.BytesIO()
    writer.write(out)
    logger.debug("stamped number %s, signature block on page %d and footer on %d pages", stamp.number, last + 1,
                 len(pages))
    return out.getvalue()
