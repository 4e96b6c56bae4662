"""Pages of the archive: browse finished letters by unit, type, classification and year."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from flask_login import login_required

from docflow.api.params import int_param, optional_int
from docflow.archive.queries import ArchiveFilter, browse_archive
from docflow.auth.access import web_user
from docflow.context import acting_positions, db_session
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
    return ArchiveFilter(unit=(args.get("unit") or "").strip()[:40], doc_type=(args.get("type") or "").strip()[:40],
                         classification=classification, year=year)


@bp.get("/archive")
@login_required
def index():
    """Browse the signed, sent and filed letters I may read."""
    user = web_user()
    session = db_session()
    chosen = parse_archive_filter(request.args)
    result = browse_archive(session, user, acting_positions(user), chosen,
                            page=int_param(request.args, "page", 1, maximum=10_000))
    return render_template("archive/index.html", result=result, chosen=chosen, args=request.args,
                           document_types=document_types(session))
