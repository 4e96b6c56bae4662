"""The berita acara of a batch as a PDF (reportlab): the text of the decision and the list of letters."""
from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


@dataclass(frozen=True)
class ListedLetter:
    """One row of the list (daftar arsip) attached to a berita acara."""

    number: str
    title: str
    filed_on: str
    classification: str
    retention: str


@dataclass(frozen=True)
class BeritaAcaraText:
    """The words of a berita acara, in Indonesian as the national rules write it."""

    title: str
    opening: str
    closing: str
    place_date: str


def berita_acara_pdf(text: BeritaAcaraText, letters: list[ListedLetter]) -> bytes:
    """Return the berita acara with its list as PDF bytes (the signature block is stamped when it is signed)."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=30 * mm, title=text.title, author="Docflow")
    rows = [["No.", "Nomor", "Perihal", "Tanggal", "Klasifikasi", "Retensi (JRA)"]]
    for n, letter in enumerate(letters, start=1):
        rows.append([str(n), Paragraph(escape(letter.number), cell), Paragraph(escape(letter.title), cell),
                     letter.filed_on, letter.classification, Paragraph(escape(letter.retention), cell)])
    table = Table(rows, repeatRows=1, colWidths=[10 * mm, 38 * mm, 56 * mm, 20 * mm, 20 * mm, 26 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [
        Paragraph(escape(text.title), styles["Title"]),
        Paragraph(escape(text.opening), styles["BodyText"]),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(escape(text.closing), styles["BodyText"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(text.place_date), styles["BodyText"]),
    ]
    doc.build(story)
    return out.getvalue()
