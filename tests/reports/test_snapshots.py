"""Do the periods counted ahead (snapshots) give exactly the figures counted live, and when are they counted again?"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from docflow.outbox.worker import Worker
from docflow.reports.figures import Period, compute_report, with_trend
from docflow.reports.models import ReportSnapshot
from docflow.reports.snapshots import due_periods, load_snapshot, standard_periods, store_snapshot
from tests.reports.history import NOW
from tests.reports import shared_history
from tests.workflow.helpers import JAKARTA

# The known history, built once per backend for the module; each test rolled back to it.
backend, history_instance, connection, services, db, history = shared_history.FIXTURES

MAY = Period(date(2026, 5, 1), date(2026, 5, 31), JAKARTA)
DAY = timedelta(days=1)


@pytest.mark.parametrize("period", [
    MAY, MAY.previous(), Period(date(2026, 6, 1), date(2026, 6, 30), JAKARTA),
    Period(date(2026, 5, 1), date(2026, 5, 1), JAKARTA), Period(date(2026, 5, 31), date(2026, 5, 31), JAKARTA),
    Period(date(2026, 4, 1), date(2026, 6, 30), JAKARTA),
], ids=["may", "before-may", "june", "1-may", "31-may", "quarter"])
def test_a_snapshot_gives_the_figures_counted_live(db, history, period):
    """Is a period read back from its snapshot the same, figure for figure, as the period counted now?"""
    store_snapshot(db, period, now=NOW)
    db.commit()
    kept = load_snapshot(db, period, now=NOW + timedelta(minutes=5), max_age_seconds=3600)
    assert kept is not None and kept.computed_at == NOW
    assert kept.as_dict() == compute_report(db, period, now=NOW, with_previous=False).as_dict()


def test_the_trend_from_snapshots_is_the_trend_counted_live(db, history):
    """Does May with the snapshot of the 31 days before it give each unit's trend as the live count does?"""
    for period in (MAY, MAY.previous()):
        store_snapshot(db, period, now=NOW)
    kept = [load_snapshot(db, p, now=NOW, max_age_seconds=60) for p in (MAY, MAY.previous())]
    live = compute_report(db, MAY, now=NOW)
    assert with_trend(kept[0], kept[1]).as_dict() == live.as_dict()
    trend = {row["unit"]: row["trend"] for row in live.as_dict()["units"]}
    assert trend["DISDIK"]["letters_signed"] == {"previous": 0, "change": 2}
    assert trend["DINKES"]["incoming_registered"] == {"previous": 0, "change": 3}


def test_the_incoming_figures_follow_the_citys_days(db, history):
    """Are a disposisi given at 00:30 WIB on 1 June, and a follow-up at 06:00, June's and not May's?"""
    june = compute_report(db, Period(date(2026, 6, 1), date(2026, 6, 30), JAKARTA), now=NOW).total
    assert (june.incoming_registered, june.disposisi_issued, june.disposisi_followed_up) == (0, 1, 1)
    april = compute_report(db, Period(date(2026, 4, 1), date(2026, 4, 30), JAKARTA), now=NOW).total
    # I3, registered at 02:00 WIB on 1 May (30 April in UTC), is not April's.
    assert (april.incoming_registered, april.disposisi_issued, april.incoming_paperless_share) == (0, 0, None)
    # The scans of incoming letters are not letters the units drafted.
    assert compute_report(db, MAY, now=NOW).total.letters_created == 8


def test_which_periods_are_counted_ahead_and_when_again(db, history):
    """Are this year's months, quarters, the year and their previous periods counted ahead, and settled ones daily?"""
    periods = standard_periods(date(2026, 6, 2), JAKARTA)
    spans = {(p.start, p.end) for p in periods}
    assert {(date(2026, 5, 1), date(2026, 5, 31)), (date(2026, 6, 1), date(2026, 6, 30)),
            (date(2026, 4, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2026, 12, 31)),
            (date(2025, 12, 1), date(2025, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
            (date(2026, 3, 31), date(2026, 4, 30))} <= spans
    assert (date(2026, 7, 1), date(2026, 7, 31)) not in spans and len(spans) == len(periods)
    june = Period(date(2026, 6, 1), date(2026, 6, 30), JAKARTA)
    assert due_periods(db, [MAY, june], now=NOW, refresh_seconds=600) == [MAY, june]  # none kept yet
    for period in (MAY, june):
        store_snapshot(db, period, now=NOW)
    # Counted on 2 June, more than a day after its end, May is settled: counted again once a day.
    # June is running: counted again every refresh_seconds.
    assert due_periods(db, [MAY, june], now=NOW + timedelta(seconds=599), refresh_seconds=600) == []
    assert due_periods(db, [MAY, june], now=NOW + timedelta(seconds=600), refresh_seconds=600) == [june]
    assert due_periods(db, [MAY, june], now=NOW + DAY, refresh_seconds=600) == [MAY, june]
    # Counted within a day of its end, a period is not settled yet.
    store_snapshot(db, MAY, now=NOW - 10 * timedelta(hours=1))
    assert due_periods(db, [MAY], now=NOW - 9 * timedelta(hours=1), refresh_seconds=600) == [MAY]
    store_snapshot(db, MAY, now=NOW)
    # Served up to its maximum age, then counted live by the web instead.
    assert load_snapshot(db, MAY, now=NOW + DAY, max_age_seconds=DAY.total_seconds()) is not None
    assert load_snapshot(db, MAY, now=NOW + DAY + timedelta(seconds=1), max_age_seconds=DAY.total_seconds()) is None


def test_a_unit_made_after_the_counting_makes_the_snapshot_stale(db, history, make_unit):
    """Is a snapshot without a row for a unit made since neither served nor left as it is?"""
    store_snapshot(db, MAY, now=NOW)
    assert load_snapshot(db, MAY, now=NOW, max_age_seconds=60) is not None
    make_unit("DISPAR", name="Dinas Pariwisata")
    db.flush()
    assert load_snapshot(db, MAY, now=NOW, max_age_seconds=60) is None
    assert due_periods(db, [MAY], now=NOW, refresh_seconds=600) == [MAY]
    store_snapshot(db, MAY, now=NOW)
    assert [row.unit_code for row in load_snapshot(db, MAY, now=NOW, max_age_seconds=60).units] == [
        "BAPPEDA", "DINKES", "DISDIK", "DISPAR"]


def test_the_worker_counts_ahead_and_the_api_serves_what_it_counted(client, db, services, token_for, make_user,
                                                                    history):
    """Does the API serve this month as the worker counted it, saying when, until the worker counts it again?"""
    from docflow.auth.models import Role

    leader = make_user("walikota", roles=(Role.LEADERSHIP,), unit=history.c.unit)
    db.commit()
    worker = Worker(services)
    counted = worker.refresh_reports()
    today = services.today()
    assert counted == len(standard_periods(today, services.timezone))
    assert db.scalar(select(func.count(ReportSnapshot.id))) == counted
    assert worker.refresh_reports() == 0  # nothing is due a moment later
    first = today.replace(day=1)
    params = {"from": first.isoformat(), "to": (first + timedelta(days=40)).replace(day=1).isoformat()}
    params["to"] = (date.fromisoformat(params["to"]) - DAY).isoformat()
    snapshot = db.scalars(select(ReportSnapshot).where(ReportSnapshot.period_start == first,
                                                       ReportSnapshot.period_end == date.fromisoformat(params["to"]))
                          ).one()
    headers = token_for(leader)
    body = client.get("/api/v1/reports/paperless", query_string=params, headers=headers).get_json()
    assert body["computed_at"] == snapshot.computed_at.isoformat()
    assert body["units"][0]["trend"] is not None
    # A thread of the running worker does the same round.
    db.execute(ReportSnapshot.__table__.delete())
    db.commit()
    worker._maybe_refresh_reports()
    worker._reporting.join(timeout=120)
    assert db.scalar(select(func.count(ReportSnapshot.id))) == counted
