"""The small error hierarchy of Docflow's domain; mapped to HTTP once, in docflow.app."""
from __future__ import annotations


class DocflowError(Exception):
    """Base of every domain error; `field` names the input at fault when there is one."""

    status = 400
    code = "error"

    def __init__(self, reason: str, *, field: str | None = None) -> None:
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

    def __init__(self, reason: str, *, field: str | None = None,
                 errors: list[tuple[str | None, str]] | None = None) -> None:
        super().__init__(reason, field=field)
        self.errors = errors or [(field, reason)]

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


class Conflict(DocflowError):
    status = 409
    code = "conflict"


class ServiceUnavailable(DocflowError):
    status = 503
    code = "unavailable"
