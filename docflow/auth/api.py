"""JSON API of one's own API tokens: list, issue, revoke."""
from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from docflow.api.body import request_body
from docflow.auth.access import api_login_required, api_token, api_user
from docflow.auth.models import TokenScope
from docflow.auth.operations import get_token, issue_token, list_tokens, revoke_token
from docflow.auth.schemas import token_json
from docflow.context import db_session, services
from docflow.errors import N_, PermissionDenied, ValidationFailed

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1/tokens")


@bp.get("")
@api_login_required
def tokens():
    """List the caller's API tokens, newest first."""
    now = services().now()
    return jsonify(results=[token_json(t, now) for t in list_tokens(db_session(), api_user())])


@bp.post("")
@api_login_required
def create_token():
    """Issue a token for the caller: {name, scope, expires_in_days}; the token is in the answer only."""
    body = request_body()
    for field in ("name", "scope"):
        if field in body and not isinstance(body[field], str):  # null, a number or an object: not text
            raise ValidationFailed(N_("%(name)s must be text"), field=field, name=field)
    scope = body.get("scope") or TokenScope.READ
    name = body.get("name", "")
    caller = TokenScope(api_token().scope)
    # A token never issues a wider one: a leaked write token must not become an admin token.
    if scope in set(TokenScope) and TokenScope(scope).rank > caller.rank:
        raise PermissionDenied(N_("a token can only issue tokens of its own scope (%(scope)s) or narrower"),
                               field="scope", scope=caller)
    now = services().now()
    row, token = issue_token(db_session(), api_user(), name=name, scope=scope,
                             expires_in_days=body.get("expires_in_days"), now=now)
    response = jsonify({**token_json(row, now), "token": token})
    response.status_code = 201
    response.headers["Location"] = url_for(".tokens")
    return response


@bp.post("/<id:token_id>/revoke")
@api_login_required
def revoke(token_id: int):
    """Revoke one of the caller's tokens (the one in use too)."""
    session, now = db_session(), services().now()
    row = get_token(session, token_id, owner=api_user())
    revoke_token(session, row, by=api_user(), now=now)
    return jsonify(token_json(row, now))
