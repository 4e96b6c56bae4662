"""What the report's page and API share within a request: the reader's scope and the cached figures."""
from __future__ import annotations

from dataclasses import replace

from flask import current_app
from sqlalchemy import select

from docflow.context import acting_positions, db_session, services
from docflow.org.models import Unit
from docflow.reports.access import narrow_scope, report_scope
from docflow.reports.figures import Period, Report, ReportCache, scoped, with_trend
from docflow.reports.inputs import ReportRequest
from docflow.reports.snapshots import load_snapshot

_CACHE = "docflow_report_cache"


def report_cache() -> ReportCache:
    """Return the application's cache of counted reports."""
    cache = current_app.extensions.get(_CACHE)
    if cache is None:
        cache = current_app.extensions[_CACHE] = ReportCache(max_age=services().settings.reports.cache_seconds)
    return cache


def report_for(user, wanted: ReportRequest) -> Report:
    """Return the report the user may see for the request: her units' rows and the city's totals."""
    session = db_session()
    scope = report_scope(session, user, acting_positions(user))
    if wanted.unit_code:
        scope = narrow_scope(session, scope, wanted.unit_code)
    report = city_report(wanted.period)
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    return replace(scoped(report, scope.unit_ids, codes), cost_per_ream=services().settings.reports.cost_per_ream)


def _counted(period: Period) -> Report:
    svc = services()
    snapshot = load_snapshot(db_session(), period, now=svc.now(),
                             max_age_seconds=svc.settings.reports.snapshot_max_age_seconds)
    return snapshot if snapshot is not None else report_cache().period(db_session(), period, svc.now())


def city_report(period: Period) -> Report:
    """Return the city's report of the period and its trend: counted ahead by the worker, or else counted now."""
    return with_trend(_counted(period), _counted(period.previous()))
