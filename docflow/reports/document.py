"""The report as a PDF for a meeting's minutes (reportlab); signed afterwards by the person who asks for it."""
from __future__ import annotations

import io
from collections.abc import Mapping
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from docflow.reports.figures import Figures, Report

# The words of the PDF, in the reader's language (the caller translates them).
LABELS = ("title", "period", "counted", "incoming_registered", "disposisi_issued", "disposisi_followed_up",
          "incoming_share", "city", "units", "figure", "this_period", "previous_period",
          "unit", "created", "signed", "sent", "pages", "reams", "cost", "verify_hold", "sign_hold", "median", "p90", "returns", "overdue", "signers",
          "with_certificate", "signed_in_period", "no_value")


def _rupiah(value: float | None) -> str:
    return "" if value is None else f"{int(value):,}".replace(",", ".")


def _hours(value: float | None, none: str) -> str:
    return none if value is None else f"{value:.1f}"


def _table(rows: list[list[str]], header_rows: int = 1) -> Table:
    style = getSampleStyleSheet()["BodyText"].clone("header", fontName="Helvetica-Bold", fontSize=8, leading=9)
    rows = [[Paragraph(escape(cell), style) for cell in rows[0]], *rows[1:]]
    table = Table(rows, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _city_rows(report: Report, words: Mapping[str, str]) -> list[list[str]]:
    t, p = report.total, report.previous_total
    none = words["no_value"]

    def both(label: str, now, before) -> list[str]:
        return [words[label], str(now), str(before) if p is not None else none]

    return [
        [words["figure"], words["this_period"], words["previous_period"]],
        both("created", t.letters_created, p.letters_created if p else None),
        both("signed", t.letters_signed, p.letters_signed if p else None),
        both("sent", t.letters_sent, p.letters_sent if p else None),
        both("pages", t.pages_not_printed, p.pages_not_printed if p else None),
        both("reams", t.reams_not_printed, p.reams_not_printed if p else None),
        *([both("cost", _rupiah(t.paper_cost(report.cost_per_ream)),
                _rupiah(p.paper_cost(report.cost_per_ream)) if p else None)] if report.cost_per_ream > 0 else []),
        both("median", _hours(t.hours()["median"], none), _hours(p.hours()["median"], none) if p else None),
        both("p90", _hours(t.hours()["p90"], none), _hours(p.hours()["p90"], none) if p else None),
        both("verify_hold", _hours(t.verify_hold()["median"], none),
             _hours(p.verify_hold()["median"], none) if p else None),
        both("sign_hold", _hours(t.sign_hold()["median"], none), _hours(p.sign_hold()["median"], none) if p else None),
        both("returns", t.returns, p.returns if p else None),
        [words["overdue"], str(t.overdue_now), none],
        [words["signers"], str(t.signers), none],
        [words["with_certificate"], str(t.signers_with_certificate), none],
        both("signed_in_period", t.signers_who_signed, p.signers_who_signed if p else None),
        both("incoming_registered", t.incoming_registered, p.incoming_registered if p else None),
        both("disposisi_issued", t.disposisi_issued, p.disposisi_issued if p else None),
        both("disposisi_followed_up", t.disposisi_followed_up, p.disposisi_followed_up if p else None),
        both("incoming_share", _share(t, none), _share(p, none) if p else None),
    ]


def _share(row: Figures, none: str) -> str:
    share = row.incoming_paperless_share
    return none if share is None else f"{row.incoming_with_disposisi} / {row.incoming_registered} ({share:.0%})"


def _unit_row(row: Figures, none: str) -> list[str]:
    hours = row.hours()
    return [f"{row.unit_code} · {row.unit_name}", str(row.letters_created), str(row.letters_signed),
            str(row.letters_sent), str(row.pages_not_printed), _hours(hours["median"], none), _hours(hours["p90"], none),
            str(row.returns), str(row.overdue_now), str(row.signers), str(row.signers_with_certificate),
            str(row.signers_who_signed)]


def report_pdf(report: Report, words: Mapping[str, str]) -> bytes:
    """Return the report as an A4 landscape PDF: the city's figures with the trend, then each unit's."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=words["title"], author="Docflow",
                            invariant=True)
    story = [
        Paragraph(escape(words["title"]), styles["Title"]),
        Paragraph(escape(words["period"]), styles["Normal"]),
        Paragraph(escape(words["counted"]), styles["Normal"]),
        Spacer(1, 5 * mm),
        Paragraph(escape(words["city"]), styles["Heading2"]),
        _table(_city_rows(report, words)),
    ]
    if report.units:
        header = [words[k] for k in ("unit", "created", "signed", "sent", "pages", "median", "p90", "returns",
                                     "overdue", "signers", "with_certificate", "signed_in_period")]
        story += [Spacer(1, 5 * mm), Paragraph(escape(words["units"]), styles["Heading2"]),
                  _table([header] + [_unit_row(row, words["no_value"]) for row in report.units])]
    pdf.build(story)
    return out.getvalue()
