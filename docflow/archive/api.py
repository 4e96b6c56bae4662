"""JSON API of the archive's reference data: the classification codes and their retention rules."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from docflow.auth.access import api_login_required
from docflow.context import db_session
from docflow.documents.classification import search_classification_codes
from docflow.errors import N_, ValidationFailed

bp = Blueprint("archive_api", __name__, url_prefix="/api/v1")

MAX_QUERY = 100


@bp.get("/classification-codes")
@api_login_required
def classification_codes():
    """Find classification codes by code prefix or words of the name."""
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY:
        raise ValidationFailed(N_("q is longer than %(max)s characters"), field="q", max=MAX_QUERY)
    return jsonify(results=[
        {"code": c.code, "name": c.name, "parent_code": c.parent_code, "active_years": c.active_years,
         "inactive_years": c.inactive_years, "final_fate": c.final_fate}
        for c in search_classification_codes(db_session(), q)
    ])
