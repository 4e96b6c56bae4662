"""Parsing of query parameters shared by pages and the API."""
from __future__ import annotations

from collections.abc import Mapping

from docflow.errors import ValidationFailed


def int_param(args: Mapping[str, str], name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return an integer query parameter within bounds, or raise ValidationFailed naming it."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number", field=name) from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValidationFailed(f"{name} must be {bound}", field=name)
    return value


def optional_int(args: Mapping[str, str], name: str) -> int | None:
    """Return an optional integer form or query field."""
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number", field=name) from None
