"""The report's one input shape (a period and perhaps a unit), for the page and the API alike."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from docflow.errors import N_, ValidationFailed
from docflow.reports.figures import Period

# A report spans at most about three years (a meeting compares years, not decades).
MAX_DAYS = 3 * 366
FORMATS = ("json", "csv")


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    unit_code: str
    format: str


def month_of(day: date) -> tuple[date, date]:
    """Return the first and last day of the day's month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _date(args: Mapping[str, str], name: str, default: date) -> date:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(N_("%(name)s must be a date written YYYY-MM-DD"), field=name, name=name) from None


def parse_report_request(args: Mapping[str, str], *, today: date, zone: ZoneInfo) -> ReportRequest:
    """Return the period (this month by default), unit and format asked for, or raise ValidationFailed."""
    first, last = month_of(today)
    start = _date(args, "from", first)
    end = _date(args, "to", last)
    if end < start:
        raise ValidationFailed(N_("the end of the period is before its start"), field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(N_("a report spans at most %(days)s days"), field="to", days=MAX_DAYS)
    fmt = (args.get("format") or "json").strip().lower()
    if fmt not in FORMATS:
        raise ValidationFailed(N_("format must be one of %(formats)s"), field="format", formats=", ".join(FORMATS))
    return ReportRequest(Period(start, end, zone), (args.get("unit") or "").strip()[:40], fmt)
