"""JSON API of the archive's life: the lists, legal holds, and transfer and destruction batches."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy import select

from docflow.api.body import request_body, text_field
from docflow.api.params import MAX_PAGE, int_param, optional_int
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session
from docflow.documents.models import LegalHold
from docflow.documents.queries import get_readable_document
from docflow.errors import N_, NotFound, ValidationFailed
from docflow.org.models import Unit
from docflow.retention.context import berita_acara_filing, require_archives_unit, retention_context
from docflow.retention.inputs import document_ids, removals
from docflow.retention.models import BatchKind, BatchState
from docflow.retention.operations import decide_batch, lift_hold, place_hold, propose_batch
from docflow.retention.queries import LISTS, due_page, get_batch, list_batches, may_see_batch, my_actions
from docflow.retention.queries import readable_ids
from docflow.retention.schemas import batch_json, due_json, hold_json
from docflow.retention.states import BatchAction

bp = Blueprint("retention_api", __name__, url_prefix="/api/v1")


def _choice(name: str, choices) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in choices:
        raise ValidationFailed(N_("expected one of %(choices)s"), field=name, choices=", ".join(choices))
    return value


def _unit_id() -> int | None:
    code = (request.args.get("unit") or "").strip()
    if not code:
        return None
    unit = db_session().scalars(select(Unit).where(Unit.code == code[:40])).first()
    if unit is None:
        raise ValidationFailed(N_("there is no unit with the code %(code)s"), field="unit", code=code[:40])
    return unit.id


@bp.get("/retention/due")
@api_login_required
def due():
    """List the letters due for transfer, due for a decision on their final fate, or on legal hold."""
    user = api_user()
    require_archives_unit(user)
    session = db_session()
    which = _choice("list", LISTS) or "transfer"
    result = due_page(session, which, retention_context(), page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                      per_page=int_param(request.args, "per_page", 50, maximum=100), unit_id=_unit_id())
    readable = readable_ids(session, user, acting_positions(user), [r.document.id for r in result.rows])
    return jsonify(list=which, results=[due_json(r, r.document.id in readable) for r in result.rows],
                   total=result.total, page=result.page, per_page=result.per_page)


@bp.get("/retention/batches")
@api_login_required
def batches():
    """List transfer and destruction batches, newest first (the archives unit)."""
    user = api_user()
    require_archives_unit(user)
    session = db_session()
    ctx = retention_context()
    items, total = list_batches(session, kind=_choice("kind", list(BatchKind)),
                                state=_choice("state", list(BatchState)),
                                page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                                per_page=int_param(request.args, "per_page", 20, maximum=100))
    positions = acting_positions(user)
    return jsonify(results=[_batch(b, user, ctx, positions) for b in items], total=total,
                   page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                   per_page=int_param(request.args, "per_page", 20, maximum=100))


def _batch(batch, user, ctx, positions):
    readable = readable_ids(db_session(), user, positions, [i.document_id for i in batch.items])
    return batch_json(batch, my_actions(db_session(), user, batch, ctx), readable)


@bp.post("/retention/batches")
@api_login_required
def propose():
    """Propose a transfer or a destruction batch (the archives unit)."""
    user = api_user()
    data = request_body()
    kind = text_field(data, "kind")
    batch = propose_batch(db_session(), actor=user, kind=kind, document_ids=document_ids(data.get("document_ids")),
                          note=text_field(data, "note"), ctx=retention_context())
    response = jsonify(_batch(batch, user, retention_context(), acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for(".batch", batch_id=batch.id)
    return response


@bp.get("/retention/batches/<id:batch_id>")
@api_login_required
def batch(batch_id: int):
    """Show a batch, its list and what the caller may decide."""
    user = api_user()
    ctx = retention_context()
    found = get_batch(db_session(), batch_id)
    if not may_see_batch(db_session(), user, found, ctx):
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    return jsonify(_batch(found, user, ctx, acting_positions(user)))


@bp.get("/retention/batches/<id:batch_id>/package")
@api_login_required
def package(batch_id: int):
    """Download a carried-out hand-over's package: a ZIP of a BagIt bag with the signed berita acara penyerahan."""
    from docflow.retention.download import send_handover_package

    user = api_user()
    found = get_batch(db_session(), batch_id)
    if not may_see_batch(db_session(), user, found, retention_context()):
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    return send_handover_package(found, user)


# Only the action words: the batch's other paths (its package) answer for themselves, with their own methods.
@bp.post("/retention/batches/<id:batch_id>/<any(review, approve, reject, cancel, complete):action>")
@api_login_required
def decide(batch_id: int, action: str):
    """Review (removing letters), approve, reject or cancel a batch."""
    user = api_user()
    if action not in BatchAction.__members__.values() or action == BatchAction.COMPLETE:
        raise NotFound(N_("there is no batch action %(action)r"), action=action[:40])
    data = request_body() if request.content_length else {}
    ctx = retention_context()
    session = db_session()
    if not may_see_batch(session, user, get_batch(session, batch_id), ctx):
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    done = decide_batch(session, actor=user, batch_id=batch_id, action=action, ctx=ctx,
                        filing=berita_acara_filing(), reason=text_field(data, "reason"), remove=removals(data),
                        expected_revision=optional_int(data, "revision"))
    return jsonify(_batch(done, user, ctx, acting_positions(user)))


@bp.post("/documents/<id:document_id>/holds")
@api_login_required
def hold(document_id: int):
    """Put a letter on legal hold, saying why (the archives unit or an administrator)."""
    user = api_user()
    session = db_session()
    document = get_readable_document(session, user, document_id, acting_positions(user))
    placed = place_hold(session, actor=user, document=document, reason=text_field(request_body(), "reason"))
    response = jsonify(hold_json(placed))
    response.status_code = 201
    return response


@bp.post("/retention/holds/<id:hold_id>/lift")
@api_login_required
def lift(hold_id: int):
    """Lift a legal hold, saying why (not by the person who placed it)."""
    user = api_user()
    session = db_session()
    found = session.get(LegalHold, hold_id)
    if found is None:
        raise NotFound(N_("legal hold %(id)s does not exist"), id=hold_id)
    return jsonify(hold_json(lift_hold(session, actor=user, hold=found, reason=text_field(request_body(), "reason"))))
