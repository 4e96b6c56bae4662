"""What the report's page and API share within a request: the reader's scope and the cached figures."""
from __future__ import annotations

from dataclasses import replace

from flask import current_app
from sqlalchemy import select

from docflow.context import acting_positions, db_session, services
from docflow.org.models import Unit
from docflow.reports.access import narrow_scope, report_scope
from docflow.reports.figures import Report, ReportCache, scoped
from docflow.reports.inputs import ReportRequest

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
    report = report_cache().get(session, wanted.period, services().now())
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    return replace(scoped(report, scope.unit_ids, codes), cost_per_ream=services().settings.reports.cost_per_ream)
