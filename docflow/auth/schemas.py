"""JSON shapes of API tokens (never the token's hash)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from docflow.auth.models import ApiToken


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def token_json(token: ApiToken, now: datetime) -> dict[str, Any]:
    """Return the API form of a token's record; the token itself is shown only when it is issued."""
    return {"id": token.id, "user": token.user.username, "name": token.name, "scope": token.scope,
            "created_at": _time(token.created_at), "last_used_at": _time(token.last_used_at),
            "expires_at": _time(token.expires_at), "revoked_at": _time(token.revoked_at),
            "active": token.is_valid(now)}
