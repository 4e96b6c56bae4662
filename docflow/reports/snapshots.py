"""Periods of the report counted ahead (by the worker) and kept as snapshots, so that a reader never waits.

Counting a year of a city with a million letters takes the better part of a minute; the meeting
clicks through this year's months, quarters and the year itself. The worker counts those periods
(and the periods just before them, for the trend) ahead and keeps each as a `ReportSnapshot`: the
figures exactly as `compute_report` counts them at `computed_at`, which the page and the JSON show
("figures as of"). A period that ended more than a day before it was counted is settled (its
events are in the past) and is counted again once a day, for its figures that are about "now"; a
period that reaches into the last day is counted again every `refresh_seconds`. Other periods are
counted on request (and kept in the web process's cache).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.org.models import Unit
from docflow.reports.figures import Period, Report, compute_report
from docflow.reports.models import ReportSnapshot

logger = logging.getLogger(__name__)

# A period whose end is this long before its counting no longer changes but for its "now" figures.
SETTLE = timedelta(days=1)
# A settled period's snapshot is counted again after this long (overdue letters, certificates).
SETTLED_REFRESH = timedelta(days=1)


def _month(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def standard_periods(today: date, zone: ZoneInfo) -> list[Period]:
    """Return the periods counted ahead: this year's months and quarters so far, the year, last month and
    last year, each followed by the period just before it (the trend)."""
    spans: list[tuple[date, date]] = [_month(today.year, m) for m in range(1, today.month + 1)]
    spans += [(_month(today.year, q)[0], _month(today.year, q + 2)[1]) for q in range(1, today.month + 1, 3)]
    spans += [(date(today.year, 1, 1), date(today.year, 12, 31))]
    spans += [_month(today.year - 1, 12), (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))]
    periods: list[Period] = []
    for start, end in spans:
        for period in (Period(start, end, zone), Period(start, end, zone).previous()):
            if period not in periods:
                periods.append(period)
    return periods


def _snapshot(session: Session, period: Period) -> ReportSnapshot | None:
    return session.scalars(select(ReportSnapshot).where(
        ReportSnapshot.period_start == period.start, ReportSnapshot.period_end == period.end,
        ReportSnapshot.timezone == period.zone.key)).first()


def _unit_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Unit.code)))


def _same_units(snapshot: ReportSnapshot, codes: set[str]) -> bool:
    """Tell whether the snapshot has a row for each unit of the city now (a unit made since is not in it)."""
    return {row["unit_code"] for row in snapshot.figures["units"]} == codes


def _due(snapshot: ReportSnapshot | None, period: Period, now: datetime, refresh: timedelta, codes: set[str]) -> bool:
    if snapshot is None or not _same_units(snapshot, codes):
        return True
    counted = snapshot.computed_at
    if counted > now:  # a clock set back: count again
        return True
    settled = counted >= period.ends_at + SETTLE
    return now - counted >= (SETTLED_REFRESH if settled else refresh)


def due_periods(session: Session, periods: Iterable[Period], *, now: datetime, refresh_seconds: float) -> list[Period]:
    """Return the periods whose snapshot is missing or due to be counted again, the oldest first."""
    refresh = timedelta(seconds=refresh_seconds)
    codes = _unit_codes(session)
    due = []
    for period in periods:
        snapshot = _snapshot(session, period)
        if _due(snapshot, period, now, refresh, codes):
            due.append((snapshot.computed_at if snapshot else datetime.min.replace(tzinfo=now.tzinfo), period))
    return [period for _, period in sorted(due, key=lambda pair: pair[0])]


def store_snapshot(session: Session, period: Period, *, now: datetime) -> ReportSnapshot:
    """Count the city's report of the period now and keep it as the period's snapshot (flushes)."""
    began = time.perf_counter()
    report = compute_report(session, period, now=now, with_previous=False)
    seconds = round(time.perf_counter() - began, 3)
    snapshot = _snapshot(session, period)
    if snapshot is None:
        snapshot = ReportSnapshot(period_start=period.start, period_end=period.end, timezone=period.zone.key,
                                  computed_at=now, seconds=seconds, figures=report.stored())
        session.add(snapshot)
    else:
        snapshot.computed_at, snapshot.seconds, snapshot.figures = now, seconds, report.stored()
    session.flush()
    logger.info("counted the report of %s to %s in %.1f s", period.start, period.end, seconds)
    return snapshot


def load_snapshot(session: Session, period: Period, *, now: datetime, max_age_seconds: float) -> Report | None:
    """Return the period's report as last counted ahead, or None when none is kept, it is too old, or the
    city has a unit that it lacks (or no longer has one of its units)."""
    snapshot = _snapshot(session, period)
    if snapshot is None or not _same_units(snapshot, _unit_codes(session)):
        return None
    age = (now - snapshot.computed_at).total_seconds()
    if age < 0 or age > max_age_seconds:
        return None
    return Report.from_stored(period, snapshot.computed_at, snapshot.figures)


def refresh_snapshots(transaction: Callable, *, zone: ZoneInfo, now: Callable[[], datetime],
                      refresh_seconds: float, stop: Callable[[], bool] = lambda: False) -> list[Period]:
    """Count again every standard period that is due, one transaction each; return the periods counted.

    `transaction` opens a session that commits on leaving (services.db.transaction); `now` is the clock.
    """
    at = now()
    with transaction() as session:
        due = due_periods(session, standard_periods(at.astimezone(zone).date(), zone), now=at,
                          refresh_seconds=refresh_seconds)
    counted = []
    for period in due:
        if stop():
            break
        with transaction() as session:
            store_snapshot(session, period, now=now())
        counted.append(period)
    return counted
