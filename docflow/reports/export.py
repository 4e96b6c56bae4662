"""The report as CSV (the same figures as the JSON, one row per unit and one for the city)."""
from __future__ import annotations

import csv
import io

from docflow.reports.figures import COUNT_FIGURES, INCOMING_FIGURES, Figures, Report

CITY = "TOTAL"
COLUMNS = ("unit", "unit_name", *COUNT_FIGURES, "reams_not_printed", "paper_cost_saved", "submit_to_sign_hours_median",
           "submit_to_sign_hours_p90", "verify_hold_hours_median", "verify_hold_hours_p90", "sign_hold_hours_median",
           "sign_hold_hours_p90", "returns_per_letter", "overdue_longest_hours", *INCOMING_FIGURES,
           "incoming_paperless_share")


def _cell(value) -> str:
    return "" if value is None else str(value)


def _row(figures: Figures, code: str, name: str, cost_per_ream: float) -> list[str]:
    data = figures.as_dict(cost_per_ream)
    for spread in ("submit_to_sign_hours", "verify_hold_hours", "sign_hold_hours"):
        values = data.pop(spread)
        data[f"{spread}_median"], data[f"{spread}_p90"] = values["median"], values["p90"]
    data.update(unit=code, unit_name=name)
    return [_cell(data[column]) for column in COLUMNS]


def report_csv(report: Report, city_name: str) -> str:
    """Return the report as CSV text: a header, the units' rows, then the city's row (unit TOTAL)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["# period", report.period.start.isoformat(), report.period.end.isoformat(),
                     report.period.zone.key, "computed_at", report.computed_at.isoformat()])
    writer.writerow(COLUMNS)
    for row in report.units:
        writer.writerow(_row(row, row.unit_code, row.unit_name, report.cost_per_ream))
    writer.writerow(_row(report.total, CITY, city_name, report.cost_per_ream))
    return out.getvalue()
