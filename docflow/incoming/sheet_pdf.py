"""The lembar disposisi as a PDF for the archive (reportlab): the letter's particulars and its disposisi tree.

No Flask here: the caller hands in the words in the reader's language and the city's time zone.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from docflow.incoming.models import Disposition, IncomingLetter

# The words of the PDF, in the reader's language (the caller translates them).
LABELS = ("title", "agenda", "received_on", "sender", "sender_number", "subject", "security", "urgency",
          "addressed_to", "disposisi", "from", "to", "instructions", "note", "given_at", "due_on", "state",
          "follow_up", "none_yet", "as_of")


def _time(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if value is not None else ""


def sheet_pdf(letter: IncomingLetter, rows: Sequence[tuple[int, Disposition]], *, words: Mapping[str, str],
              tz: tzinfo, now: datetime, date_text: Callable[[object], str],
              state_text: Callable[[str], str], security_text: str, urgency_text: str) -> bytes:
    """Return the sheet as an A4 PDF: particulars, then one row per disposisi node (indented by depth)."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("sheet", fontName="Helvetica", fontSize=8, leading=10)
    bold = body.clone("sheet-bold", fontName="Helvetica-Bold")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    document = letter.document
    sender = letter.sender_institution + (f" ({letter.sender_person})" if letter.sender_person else "")
    particulars = Table([[p(words[k], bold), p(v)] for k, v in (
        ("agenda", letter.agenda_label), ("received_on", date_text(letter.received_on)), ("sender", sender),
        ("sender_number", f"{letter.sender_number} · {date_text(letter.sender_date)}"),
        ("subject", document.title), ("security", security_text), ("urgency", urgency_text),
        ("addressed_to", "; ".join(a.position.title for a in letter.addressees)),
    )], colWidths=[45 * mm, 130 * mm])
    particulars.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                     ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [p(letter.unit.name, bold), Paragraph(escape(words["title"]), styles["Title"]), particulars,
             Spacer(1, 6 * mm), Paragraph(escape(words["disposisi"]), styles["Heading2"])]
    if rows:
        table_rows = [[p(words[k], bold) for k in ("from", "to", "instructions", "note", "given_at", "due_on",
                                                   "state")]]
        for depth, node in rows:
            giver = node.from_position.title + (f" ({node.issued_via.upper()}.)" if node.issued_via != "holder"
                                                else "")
            note = node.note + (f"\n{words['follow_up']}: {node.follow_up_note}" if node.follow_up_note else "")
            table_rows.append([p("— " * depth + giver), p(node.to_position.title),
                               p(", ".join(i.text for i in node.instructions)), p(note),
                               p(_time(node.created_at, tz)), p(date_text(node.due_on) if node.due_on else ""),
                               p(state_text(node.state))])
        tree = Table(table_rows, repeatRows=1,
                     colWidths=[33 * mm, 28 * mm, 28 * mm, 38 * mm, 22 * mm, 18 * mm, 16 * mm])
        tree.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(tree)
    else:
        story.append(p(words["none_yet"]))
    story += [Spacer(1, 6 * mm), p(words["as_of"] % {"when": _time(now, tz)})]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title=f"{words['title']} {letter.agenda_label}",
                      invariant=True).build(story)
    return buffer.getvalue()
