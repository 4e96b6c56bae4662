"""The paperless report's page: figures per unit and for the city, with charts and a table beside each."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.org.models import Unit
from docflow.reports.access import report_scope
from docflow.reports.api import csv_response
from docflow.reports.context import report_cache, report_for
from docflow.reports.document import report_pdf
from docflow.reports.export import report_csv
from docflow.reports.figures import units_behind
from docflow.reports.inputs import month_of, parse_report_request
from docflow.signing.operations import sign_pdf

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
                           max_age_minutes=round(report_cache().max_age / 60),
                           refresh_minutes=round(svc.settings.reports.refresh_seconds / 60))


def _pdf_words(report, wanted, tz) -> dict[str, str]:
    counted = report.computed_at.astimezone(tz)
    previous = report.period.previous()
    return {
        "title": _("Paperless report"),
        "period": _("Period %(start)s to %(end)s (%(zone)s).", start=wanted.period.start.isoformat(),
                    end=wanted.period.end.isoformat(), zone=counted.strftime("%Z")),
        "counted": _("Figures as of %(time)s.", time=counted.strftime("%Y-%m-%d %H:%M %Z")),
        "incoming_registered": _("Incoming letters registered"), "disposisi_issued": _("Disposisi given"),
        "disposisi_followed_up": _("Disposisi followed up"),
        "incoming_share": _("Incoming letters with their disposisi in Docflow (not on paper)"),
        "city": _("Whole city"), "units": _("Units"), "figure": _("Figure"), "this_period": _("This period"),
        "previous_period": _("Previous period") + f" ({previous.start.isoformat()} – {previous.end.isoformat()})",
        "unit": _("Unit"), "created": _("Letters created"), "signed": _("Letters signed electronically"),
        "sent": _("Letters sent electronically"), "pages": _("Pages not printed"),
        "reams": _("Reams of paper (500 sheets) not used"),
        "cost": _("Estimated cost of the paper and printing saved (Rp)"), "median": _("Median hours"),
        "p90": _("90th percentile hours"), "verify_hold": _("Median hours at a verifier"),
        "sign_hold": _("Median hours at the signer"), "returns": _("Returns for revision"), "overdue": _("Letters overdue now"),
        "signers": _("Officials whose positions sign"), "with_certificate": _("With certificate"),
        "signed_in_period": _("Signed in period"), "no_value": "–",
    }


@bp.post("/reports/pdf")
@login_required
def signed_pdf():
    """Give the report as a PDF signed with the reader's own certificate, for the meeting's minutes."""
    svc = services()
    user = web_user()
    wanted = parse_report_request(request.form, today=svc.today(), zone=svc.timezone)
    report = report_for(user, wanted)
    pdf = report_pdf(report, _pdf_words(report, wanted, svc.timezone))
    signed = sign_pdf(db_session(), svc.settings, actor=user, passphrase=request.form.get("passphrase", ""),
                      pdf=pdf, reason=f"Laporan tanpa kertas {wanted.period.start} s.d. {wanted.period.end}",
                      location="Docflow", now=svc.now())
    name = f"laporan-tanpa-kertas-{wanted.period.start.isoformat()}-{wanted.period.end.isoformat()}.pdf"
    return Response(signed, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
