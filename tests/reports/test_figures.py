"""Does the paperless report count a known history exactly, in the city's zone and at its month boundaries?"""
from __future__ import annotations

from datetime import date

import pytest

from docflow.reports.figures import Period, compute_report, percentile, units_behind
from tests.reports.history import EXPECTED_MAY, EXPECTED_MAY_TOTAL, NOW
from tests.reports import shared_history
from tests.workflow.helpers import JAKARTA

# The known history, built once per backend for the module; each test rolled back to it.
backend, history_instance, connection, services, db, history = shared_history.FIXTURES

MAY = Period(date(2026, 5, 1), date(2026, 5, 31), JAKARTA)


def _figures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("unit", "unit_name", "trend")}


def test_every_figure_of_may_per_unit_and_for_the_city(db, history):
    """Are the figures of May exactly those worked out by hand, per unit and for the city?"""
    report = compute_report(db, MAY, now=NOW).as_dict()
    assert [row["unit"] for row in report["units"]] == ["BAPPEDA", "DINKES", "DISDIK"]
    for row in report["units"]:
        assert _figures(row) == {**EXPECTED_MAY[row["unit"]], "paper_cost_saved": None}, row["unit"]
    total = _figures(report["total"])
    assert total == {**EXPECTED_MAY_TOTAL, "paper_cost_saved": None}
    assert report["timezone"] == "Asia/Jakarta" and report["incoming_available"] is True


def test_month_boundaries_trend_ranking_and_one_unit(db, history):
    """Is a letter in the city's month, not UTC's; the trend the period before; the lagging units ranked?"""
    april = compute_report(db, Period(date(2026, 4, 1), date(2026, 4, 30), JAKARTA), now=NOW).total
    june = compute_report(db, Period(date(2026, 6, 1), date(2026, 6, 30), JAKARTA), now=NOW).total
    # L2, signed at 03:00 WIB on 1 May (30 April in UTC), is May's; April keeps only its creation.
    assert (april.letters_signed, april.letters_sent, april.letters_created) == (0, 0, 1)
    # L3: submitted 31 May 10:00, signed 1 June 05:00 WIB (19 h), sent at 06:00 to five addressees, 4 pages.
    assert (june.letters_signed, june.letters_sent, june.pages_not_printed) == (1, 1, 20)
    assert june.hours() == {"median": 19.0, "p90": 19.0}
    first_of_may = compute_report(db, Period(date(2026, 5, 1), date(2026, 5, 1), JAKARTA), now=NOW).total
    assert (first_of_may.letters_signed, first_of_may.letters_sent) == (1, 1)

    report = compute_report(db, MAY, now=NOW)
    # The trend: the 31 days before May (31 March to 30 April).
    assert MAY.previous() == Period(date(2026, 3, 31), date(2026, 4, 30), JAKARTA)
    assert (report.previous_total.letters_created, report.previous_total.letters_signed) == (1, 0)
    # DINKES (a letter 121 h overdue, two returns) before DISDIK (1 h overdue); BAPPEDA is not behind.
    assert [row.unit_code for row in units_behind(report)] == ["DINKES", "DISDIK"]
    # One unit's rows, the city's totals all the same.
    one = compute_report(db, MAY, now=NOW, unit_ids=[history.b.unit.id])
    assert [row.unit_code for row in one.units] == ["DISDIK"] and one.total.letters_signed == 4


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 50, None), ([5.0], 90, 5.0), ([7, 48], 50, 27.5), ([7, 12, 30, 48], 90, 42.6), ([1, 2, 3, 4, 5], 50, 3.0),
])
def test_percentile_interpolates_between_ranks(values, p, expected):
    """Is the percentile numpy's default (linear between closest ranks)?"""
    assert percentile(values, p) == expected
