"""The paperless report's page: figures per unit and for the city, with charts and a table beside each."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import select

from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.org.models import Unit
from docflow.reports.access import report_scope
from docflow.reports.api import csv_response
from docflow.reports.context import report_cache, report_for
from docflow.reports.export import report_csv
from docflow.reports.figures import units_behind
from docflow.reports.inputs import month_of, parse_report_request

bp = Blueprint("reports", __name__)


def _presets(today):
    """Return the periods offered with one click: this and last month, this quarter, this year."""
    this_first, this_last = month_of(today)
    last_first, last_last = month_of(this_first - timedelta(days=1))
    quarter_first = this_first.replace(month=(today.month - 1) // 3 * 3 + 1)
    _, quarter_last = month_of(quarter_first.replace(month=quarter_first.month + 2))
    return {"this_month": (this_first, this_last), "last_month": (last_first, last_last),
            "this_quarter": (quarter_first, quarter_last),
            "this_year": (today.replace(month=1, day=1), today.replace(month=12, day=31))}


@bp.get("/reports")
@login_required
def index():
    """Show the paperless report for a period (this month by default)."""
    svc = services()
    user = web_user()
    args = request.args.to_dict()
    wants_csv = args.pop("format", "") == "csv"
    wanted = parse_report_request(args, today=svc.today(), zone=svc.timezone)
    report = report_for(user, wanted)
    if wants_csv:
        return csv_response(report_csv(report, "Kota"), wanted)
    scope = report_scope(db_session(), user, acting_positions(user))
    all_units = (db_session().execute(select(Unit.code, Unit.name).order_by(Unit.code)).all()
                 if scope.city_wide else [])
    return render_template("reports/index.html", report=report, wanted=wanted, behind=units_behind(report),
                           presets=_presets(svc.today()), tz=svc.timezone, all_units=all_units,
                           csv_args={**request.args.to_dict(), "format": "csv"},
                           max_age_minutes=round(report_cache().max_age / 60))
