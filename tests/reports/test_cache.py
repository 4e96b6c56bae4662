"""Is a counted period served again until it is `max_age` old, and then counted anew?"""
from __future__ import annotations

from datetime import date, timedelta

from docflow.reports.figures import Period, ReportCache
from tests.workflow.helpers import JAKARTA, NOW, build_office, new_letter


def test_a_period_is_counted_once_until_it_is_too_old(db, services):
    """Does the cache keep the figures (and their time) for max_age seconds, and count again after?"""
    office = build_office(db, "DISHUB")
    db.commit()
    cache = ReportCache(max_age=300)
    period = Period(date(2020, 1, 1), date(2030, 12, 31), JAKARTA)
    first = cache.get(db, period, NOW)
    new_letter(db, services, office.drafter)
    db.commit()
    again = cache.get(db, period, NOW + timedelta(seconds=299))
    assert again.total.letters_created == first.total.letters_created
    assert again.computed_at == first.computed_at
    later = cache.get(db, period, NOW + timedelta(seconds=300))
    assert later.total.letters_created == first.total.letters_created + 1
    assert later.computed_at == NOW + timedelta(seconds=300)
    # The trend is the period before, counted (and cached) on its own.
    assert later.previous_total is not None and later.previous_total.letters_created == 0
