"""JSON API of the paperless report: GET /api/v1/reports/paperless (also ?format=csv)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from docflow.auth.access import api_login_required, api_user
from docflow.context import services
from docflow.reports.context import report_for
from docflow.reports.export import report_csv
from docflow.reports.inputs import parse_report_request

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")


def csv_response(text: str, wanted) -> Response:
    """Return CSV text as a download named after the period."""
    name = f"paperless-{wanted.period.start.isoformat()}-{wanted.period.end.isoformat()}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/paperless")
@api_login_required
def paperless():
    """Give the paperless report's figures per unit the caller may see and for the whole city."""
    svc = services()
    wanted = parse_report_request(request.args, today=svc.today(), zone=svc.timezone)
    report = report_for(api_user(), wanted)
    if wanted.format == "csv":
        return csv_response(report_csv(report, "Kota"), wanted)
    return jsonify(report.as_dict())
