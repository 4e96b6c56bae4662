"""JSON API of the approval route: route, actions, inbox, audit trail."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from docflow.api.body import request_body, text_field
from docflow.api.params import optional_int
from docflow.auth.access import api_login_required, api_user
from docflow.context import acting_positions, db_session, services
from docflow.documents.queries import get_readable_document
from docflow.documents.schemas import document_json
from docflow.errors import N_, ValidationFailed
from docflow.signing.operations import sign_document
from docflow.documents.operations import parse_deadline
from docflow.workflow.dashboard import section_keys, shown_sections
from docflow.workflow.operations import perform_action, proposed_route, set_deadline, set_route
from docflow.workflow.queries import audit_trail, inbox, incoming_letters
from docflow.workflow.routes import parse_route
from docflow.workflow.schemas import event_json, inbox_json, section_json, step_json
from docflow.workflow.states import Action

bp = Blueprint("workflow_api", __name__, url_prefix="/api/v1")


def _document(document_id: int):
    user = api_user()
    return get_readable_document(db_session(), user, document_id, acting_positions(user))


@bp.get("/documents/<id:document_id>/route")
@api_login_required
def route(document_id: int):
    """Show a letter's route, or the route the rules propose while it has none."""
    document = _document(document_id)
    if document.steps:
        return jsonify(proposed=False, steps=[step_json(s) for s in document.steps])
    proposal = proposed_route(db_session(), document, services().today())
    return jsonify(proposed=True, steps=[s.as_dict() for s in proposal])


@bp.put("/documents/<id:document_id>/route")
@api_login_required
def put_route(document_id: int):
    """Set the route of a draft: {"revision": N, "steps": [{kind, position_id, mode, on_behalf_position_id}]}."""
    user = api_user()
    data = request_body()
    document = _document(document_id)
    steps = set_route(db_session(), actor=user, document=document, steps=parse_route(data.get("steps")),
                      expected_revision=optional_int(data, "revision"), on=services().today(),
                      settings=services().settings.workflow)
    return jsonify(revision=document.revision, steps=[step_json(s) for s in steps])


@bp.put("/documents/<id:document_id>/deadline")
@api_login_required
def put_deadline(document_id: int):
    """Set, move or remove (null) the deadline of an unsigned letter: {"revision": N, "deadline": "YYYY-MM-DD"}."""
    user = api_user()
    data = request_body()
    _document(document_id)
    if "deadline" not in data:
        raise ValidationFailed(N_("send the deadline (YYYY-MM-DD, or null to remove it)"), field="deadline")
    document = set_deadline(db_session(), actor=user, document_id=document_id,
                            deadline=parse_deadline(data.get("deadline")),
                            expected_revision=optional_int(data, "revision"), on=services().today())
    return jsonify(document_json(document, user, acting_positions(user)))


@bp.post("/documents/<id:document_id>/actions/<action>")
@api_login_required
def act(document_id: int, action: str):
    """Take an action (submit, initial, return, sign, reject, withdraw, send, file): {"revision", "comment"}."""
    user = api_user()
    data = request_body()
    _document(document_id)
    svc = services()
    if action == Action.SIGN:
        # The passphrase opens the signer's key for this one signature; it is never stored or logged.
        document = sign_document(db_session(), svc, actor=user, document_id=document_id,
                                 expected_revision=optional_int(data, "revision"),
                                 passphrase=text_field(data, "passphrase"), now=svc.now())
    else:
        document = perform_action(db_session(), actor=user, document_id=document_id, action=action,
                                  expected_revision=optional_int(data, "revision"),
                                  comment=text_field(data, "comment"), now=svc.now(), settings=svc.settings.workflow)
    body = document_json(document, user, acting_positions(user))
    body["steps"] = [step_json(s) for s in document.steps]
    return jsonify(body)


@bp.get("/documents/<id:document_id>/audit")
@api_login_required
def audit(document_id: int):
    """List a letter's audit records, oldest first."""
    _document(document_id)
    return jsonify(results=[event_json(e) for e in audit_trail(db_session(), document_id)])


@bp.get("/inbox")
@api_login_required
def my_inbox():
    """List what waits for me: steps to verify or sign (overdue first), letters returned to me, drafts."""
    user = api_user()
    now = services().now()
    items = inbox(db_session(), user, acting_positions(user), now)
    return jsonify(results=[inbox_json(i, now) for i in items], total=len(items),
                   overdue=sum(1 for i in items if i.overdue(now)))


@bp.get("/dashboard")
@api_login_required
def dashboard():
    """Show the start page's sections that concern me, each with its count and first items (overdue first)."""
    user = api_user()
    keys = None
    if request.args.get("sections"):
        keys = [key.strip() for key in request.args["sections"].split(",") if key.strip()]
        known = section_keys()
        if unknown := [key for key in keys if key not in known]:
            raise ValidationFailed(N_("unknown section %(key)s; expected some of %(choices)s"), field="sections",
                                   key=unknown[0], choices=", ".join(known))
    return jsonify(sections=[section_json(s) for s in shown_sections(user, acting_positions(user), keys)])


@bp.get("/incoming")
@api_login_required
def incoming():
    """List the sent letters addressed or copied to my desks, newest first (at most 100)."""
    user = api_user()
    positions = acting_positions(user)
    letters = incoming_letters(db_session(), positions, user_id=user.id, limit=100)
    return jsonify(results=[document_json(d, user, positions, with_versions=False) for d in letters],
                   total=len(letters))
