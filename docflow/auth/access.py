"""Who the caller is: the browser's logged-in user or the API's bearer token."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request, session
from flask_login import current_user

from docflow.app import login_manager
from docflow.auth.models import User
from docflow.auth.operations import user_for_token, web_session_is_active
from docflow.context import db_session
from docflow.errors import N_, AuthenticationRequired

F = TypeVar("F", bound=Callable[..., Any])


SESSION_KEY = "sid"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Load the user of a browser session only while its server-side session is open."""
    user = db_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active:
        return None
    if not web_session_is_active(db_session(), session.get(SESSION_KEY), user.id):
        return None
    return user


def api_user() -> User:
    """Return the user of the request's bearer token, or raise AuthenticationRequired."""
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired(N_("send an API token as 'Authorization: Bearer TOKEN'"))
    user = user_for_token(db_session(), token.strip())
    if user is None:
        raise AuthenticationRequired(N_("the API token is unknown or revoked"))
    g.api_user = user
    return user


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
