"""Named fields in a DOCX letter (`${nomor}`, `${ttd}` ...): find them and fill them where they stand.

Pure functions on bytes (no Flask, no database). A field may be split over several runs by a word
processor (`${`, `nomor`, `}` typed at different times): the text of the runs it spans is joined into
the first of them, which keeps that run's font, so the filled value looks like the letter around it.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import qrcode
from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FIELD = re.compile(r"\$\{([a-z_]+)\}")
# Filled when the letter is signed; the rest when it is drafted.
SIGNING_FIELDS = frozenset({"nomor", "tanggal", "ttd"})
BODY_FIELD = "isi"
QR_WIDTH_CM = 2.2
QR_GAP_PT = 4


@dataclass(frozen=True)
class SignatureBlock:
    """What `${ttd}` becomes: the position lines, the QR code (PNG) where the wet signature was, the rest."""

    heading: Sequence[str]
    qr_png: bytes | None
    rest: Sequence[str]
    url: str = ""


class NotALetter(ValueError):
    """The bytes are not a DOCX document that can be read."""


def _open(data: bytes) -> DocxDocument:
    try:
        return open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NotALetter(str(exc)) from exc


def _paragraphs_of(container) -> Iterator[Paragraph]:
    yield from container.paragraphs
    for table in getattr(container, "tables", []):
        yield from _table_paragraphs(table)


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column it spans
                continue
            seen.add(id(cell._tc))
            yield from _paragraphs_of(cell)


def _all_paragraphs(doc: DocxDocument) -> list[Paragraph]:
    found = list(_paragraphs_of(doc))
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            found += list(_paragraphs_of(part))
    return found


def fields_in(data: bytes) -> set[str]:
    """Return the names of the fields a DOCX letter contains."""
    doc = _open(data)
    return {m.group(1) for p in _all_paragraphs(doc) for m in FIELD.finditer(p.text)}


def _replace_in_paragraph(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    """Replace each known field of a paragraph by its text, in the run where the field starts."""
    while True:
        runs = paragraph.runs
        text = "".join(r.text for r in runs)
        match = next((m for m in FIELD.finditer(text) if m.group(1) in values), None)
        if match is None:
            return
        start, end = match.span()
        offset = 0
        first = None
        for run in runs:
            length = len(run.text)
            run_start, run_end = offset, offset + length
            offset = run_end
            if run_end <= start or run_start >= end:
                continue
            if first is None:
                first = run
                tail = text[end:run_end] if run_end > end else ""
                run.text = run.text[:start - run_start] + values[match.group(1)] + tail
            else:
                run.text = run.text[max(0, end - run_start):] if run_end > end else ""


def _expand_body(paragraph: Paragraph, paragraphs: Sequence[str]) -> None:
    """Turn the paragraph that holds `${isi}` alone into one paragraph per body paragraph, same style."""
    paragraphs = list(paragraphs) or [""]
    anchor = paragraph._p
    _replace_in_paragraph(paragraph, {BODY_FIELD: paragraphs[0]})
    template = copy.deepcopy(anchor)
    for text in reversed(paragraphs[1:]):
        clone = copy.deepcopy(template)
        anchor.addnext(clone)
        new = Paragraph(clone, paragraph._parent)
        runs = new.runs
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
        if runs:
            runs[0].text = text
        else:
            new.add_run(text)


def _expand_signature(paragraph: Paragraph, block: SignatureBlock) -> None:
    """Write the signature block where `${ttd}` stands: heading, QR code, name, rank, NIP."""
    _replace_in_paragraph(paragraph, {"ttd": "\n".join(block.heading)})
    anchor = paragraph._p
    after = []
    if block.qr_png:
        qr = copy.deepcopy(anchor)
        after.append(("qr", qr))
    rest = copy.deepcopy(anchor)
    after.append(("rest", rest))
    for _kind, element in reversed(after):
        anchor.addnext(element)
    for kind, element in after:
        new = Paragraph(element, paragraph._parent)
        runs = new.runs
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
        run = runs[0] if runs else new.add_run()
        run.text = ""
        if kind == "qr":
            # Clear of the descenders above and the name below.
            new.paragraph_format.space_before = Pt(QR_GAP_PT)
            new.paragraph_format.space_after = Pt(QR_GAP_PT)
            inline = run.add_picture(io.BytesIO(block.qr_png), width=Cm(QR_WIDTH_CM))
            if block.url:
                _link_picture(paragraph, inline, block.url)
        else:
            run.text = "\n".join(block.rest)


def _link_picture(paragraph: Paragraph, inline, url: str) -> None:
    """Make the picture a link (the QR code's address), which LibreOffice keeps in the PDF."""
    rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    doc_pr = inline._inline.docPr
    link = OxmlElement("a:hlinkClick")
    link.set(qn("r:id"), rel)
    doc_pr.append(link)


def qr_png(url: str) -> bytes:
    """Return the QR code of an address as a PNG."""
    out = io.BytesIO()
    qrcode.make(url, box_size=8, border=0).save(out)
    return out.getvalue()


def fill_docx(data: bytes, values: Mapping[str, str], *, body: Sequence[str] | None = None,
              signature: SignatureBlock | None = None) -> bytes:
    """Return the DOCX with its fields filled: text fields, the body paragraphs and the signature block.

    Fields without a value stay as they are (the signing fields wait for the signature).
    """
    doc = _open(data)
    for paragraph in _all_paragraphs(doc):
        text = paragraph.text
        if "${" not in text:
            continue
        if body is not None and text.strip() == "${%s}" % BODY_FIELD:
            _expand_body(paragraph, body)
            continue
        if signature is not None and "${ttd}" in text:
            _expand_signature(paragraph, signature)
            continue
        _replace_in_paragraph(paragraph, values)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
