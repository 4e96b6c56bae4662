"""Pages of the archive: browse finished letters by unit, type, classification and year."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from flask_login import login_required

from docflow.api.params import int_param, optional_int
from docflow.archive.queries import CUSTODIES, ArchiveFilter, browse_archive
from docflow.documents.retention import retention_page
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session, services
from docflow.errors import N_, ValidationFailed
from docflow.workflow.queries import document_types

bp = Blueprint("archive", __name__)

_CODE = re.compile(r"^\d{3}(\.\d{1,3})*$")


def parse_archive_filter(args) -> ArchiveFilter:
    """Return the archive filter from query parameters, or raise ValidationFailed naming the bad one."""
    classification = (args.get("classification") or "").strip()
    if classification and not _CODE.match(classification):
        raise ValidationFailed(N_("expected a dotted classification code such as 000.8"), field="classification")
    year = optional_int(args, "year")
    if year is not None and not 1900 <= year <= 2200:
        raise ValidationFailed(N_("year must be between 1900 and 2200"), field="year")
    custody = (args.get("custody") or "unit").strip()
    if custody not in CUSTODIES:
        raise ValidationFailed(N_("expected one of %(choices)s"), field="custody", choices=", ".join(CUSTODIES))
    return ArchiveFilter(unit=(args.get("unit") or "").strip()[:40], doc_type=(args.get("type") or "").strip()[:40],
                         classification=classification, year=year, custody=custody)


@bp.get("/archive")
@login_required
def index():
    """Browse the signed, sent and filed letters I may read."""
    user = web_user()
    session = db_session()
    chosen = parse_archive_filter(request.args)
    result = browse_archive(session, user, acting_positions(user), chosen,
                            page=int_param(request.args, "page", 1, maximum=10_000))
    svc = services()
    retention = retention_page(session, result.items, today=svc.today(), tz=svc.timezone,
                               count_from=svc.settings.retention.count_from)
    return render_template("archive/index.html", result=result, chosen=chosen, args=request.args,
                           document_types=document_types(session), retention=retention)
