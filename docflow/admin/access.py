"""Who may administer: active users with the administrator role, in the browser and through the API."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import login_required

from docflow.auth.access import api_user, web_user
from docflow.auth.models import Role, User
from docflow.errors import N_, PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])


def require_admin(user: User) -> User:
    """Return the user if they may administer, else raise PermissionDenied."""
    if not user.is_active or not user.has_role(Role.ADMIN):
        raise PermissionDenied(N_("only administrators may manage the organisation"))
    return user


def api_admin_required(view: F) -> F:
    """Refuse API calls without a token (401) or from a non-administrator (403)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_admin(api_user())
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Send anonymous visitors to the login page and refuse non-administrators (403)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_admin(web_user())
        return view(*args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]
