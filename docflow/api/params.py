"""Parsing of query parameters shared by pages and the API."""
from __future__ import annotations

from collections.abc import Mapping

from docflow.errors import N_, ValidationFailed


def int_param(args: Mapping[str, str], name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return an integer query parameter within bounds, or raise ValidationFailed naming it."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(N_("%(name)s must be a whole number"), field=name, name=name) from None
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            raise ValidationFailed(N_("%(name)s must be at least %(min)s"), field=name, name=name, min=minimum)
        raise ValidationFailed(N_("%(name)s must be between %(min)s and %(max)s"), field=name, name=name,
                               min=minimum, max=maximum)
    return value


def optional_int(args: Mapping[str, str], name: str) -> int | None:
    """Return an optional integer form or query field."""
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(N_("%(name)s must be a whole number"), field=name, name=name) from None
