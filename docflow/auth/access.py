"""Who the caller is: the browser's logged-in user or the API's bearer token."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import flash, g, request, session
from flask_login import current_user

from docflow.app import login_manager
from docflow.auth.models import ApiToken, TokenScope, User
from docflow.auth.operations import WebSessionState, token_for_bearer, touch_web_session
from docflow.context import db_session, services
from docflow.errors import N_, AuthenticationRequired, Message, PermissionDenied
from docflow.i18n import translate

F = TypeVar("F", bound=Callable[..., Any])


SESSION_KEY = "sid"
ADMIN_API_PREFIX = "/api/v1/admin"
_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_allows(scope: TokenScope | str, method: str, path: str) -> bool:
    """Tell whether a token of this scope may make this request (the owner's roles are checked after)."""
    scope = TokenScope(scope)
    if scope is TokenScope.ADMIN:
        return True
    if path == ADMIN_API_PREFIX or path.startswith(ADMIN_API_PREFIX + "/"):
        return False
    return scope is TokenScope.WRITE or method.upper() in _READING


_ENDED_MESSAGES = {
    WebSessionState.IDLE: N_("You were logged out after %(minutes)s minutes without activity; log in again."),
    WebSessionState.EXPIRED: N_("Your session lasted %(hours)s hours, the longest allowed; log in again."),
}


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Load the user of a browser session only while its server-side session is open (not too old, not idle)."""
    user = db_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active:
        return None
    svc = services()
    settings = svc.settings.server
    state = touch_web_session(db_session(), session.get(SESSION_KEY), user.id, now=svc.now(),
                              lifetime=timedelta(hours=settings.session_lifetime_hours),
                              idle=timedelta(minutes=settings.idle_timeout_minutes))
    if state in _ENDED_MESSAGES:
        session.pop(SESSION_KEY, None)
        flash(translate(Message(_ENDED_MESSAGES[state], minutes=f"{settings.idle_timeout_minutes:g}",
                                hours=f"{settings.session_lifetime_hours:g}")), "info")
    return user if state == WebSessionState.ACTIVE else None


def api_user() -> User:
    """Return the user of the request's bearer token, or raise AuthenticationRequired."""
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired(N_("send an API token as 'Authorization: Bearer TOKEN'"))
    row = token_for_bearer(db_session(), token.strip(), services().now())
    if row is None:
        raise AuthenticationRequired(N_("the API token is unknown, revoked or expired"))
    if not scope_allows(row.scope, request.method, request.path):
        raise PermissionDenied(N_("this API token's scope (%(scope)s) does not allow this request"),
                               scope=row.scope)
    g.api_token = row
    g.api_user = row.user
    return row.user


def api_token() -> ApiToken:
    """Return the token row of the request (after api_user accepted it)."""
    api_user()
    return g.api_token


def api_login_required(view: F) -> F:
    """Refuse API calls without a valid bearer token (401 with a JSON error)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        api_user()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def web_user() -> User:
    """Return the logged-in browser user (views guard with login_required)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]
