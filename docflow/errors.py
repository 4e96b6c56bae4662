"""The small error hierarchy of Docflow's domain; mapped to HTTP once, in docflow.app.

A refusal is written as an English template marked with `N_`, with `%(name)s` placeholders, and its
parameters: `reason` is the English text (the CLI, the logs and the API stay English), and pages
translate the template into the reader's language (docflow.i18n). Nothing here imports Flask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def N_(template: str) -> str:
    """Mark an English message template for extraction (a default babel keyword); it is translated when shown."""
    return template


def _english(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


class Message(str):
    """The English text of a message, remembering its template and parameters to be translated later.

    A parameter may itself be a Message (a domain word such as a state's name), translated in turn.
    """

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = template % {k: _english(v) for k, v in params.items()} if params else template
        message = super().__new__(cls, text)
        message.template = template
        message.params = params
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, dict(self.params)))


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class DocflowError(Exception):
    """Base of every domain error; `field` names the input at fault when there is one.

    `message` is an `N_`-marked template and `params` fill its placeholders.
    """

    status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        reason = message if isinstance(message, Message) and not params else Message(message, **params)
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def as_errors(self) -> list[dict[str, str | None]]:
        """Return the error as the API's `errors` list."""
        return [{"field": self.field, "reason": self.reason}]


class NotFound(DocflowError):
    status = 404
    code = "not_found"


class PermissionDenied(DocflowError):
    status = 403
    code = "forbidden"


class AuthenticationRequired(DocflowError):
    status = 401
    code = "unauthenticated"


class ValidationFailed(DocflowError):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None,
                 errors: list[tuple[str | None, str]] | None = None, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.errors = errors or [(field, self.reason)]

    def as_errors(self) -> list[dict[str, str | None]]:
        return [{"field": f, "reason": r} for f, r in self.errors]


class UnsupportedType(ValidationFailed):
    status = 415
    code = "unsupported_type"


class TooLarge(ValidationFailed):
    status = 413
    code = "too_large"


class InvalidTransition(DocflowError):
    status = 409
    code = "invalid_transition"


class Gone(DocflowError):
    """What was asked for existed and was destroyed on purpose (a berita acara pemusnahan): it will not return."""

    status = 410
    code = "gone"


class Conflict(DocflowError):
    status = 409
    code = "conflict"


class ServiceUnavailable(DocflowError):
    status = 503
    code = "unavailable"


class StoredFileDamaged(DocflowError):
    """A stored file no longer matches its SHA-256: a fault of the server, repaired by an administrator."""

    status = 500
    code = "damaged"


class InsufficientStorage(DocflowError):
    """The disk or the object store is full: nothing was saved."""

    status = 507
    code = "storage_full"


class TooManyRequests(DocflowError):
    """Refused for now to keep the service answering for everyone; `retry_after` says when to try again."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.retry_after = retry_after
