"""Parsing of whole numbers at the edge: query parameters, form fields and JSON values, for pages and the API.

Every number a request carries is checked here before it reaches a query: a JSON integer or a string of
ASCII digits, within range (2**63 made SQLite raise, and PostgreSQL raises past 2**31 - 1 for an INTEGER
column's parameter: both were a 500).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from docflow.errors import N_, ValidationFailed

MAX_INT = 2**63 - 1      # the largest value a database integer parameter takes
MIN_INT = -(2**63)
# Ids and counters are INTEGER columns: PostgreSQL casts a parameter to int4 and refuses anything larger.
MAX_ID = 2**31 - 1       # row ids run from 1 to here
MAX_PAGE = 1_000_000     # far past any real list; (page - 1) * per_page stays a database integer
# ASCII digits only: str.isdigit() also admits "²" and "٣", which int() then refuses or reads.
_WHOLE = re.compile(r"-?[0-9]+")
_DIGITS_OF_MAX = len(str(MAX_INT))
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def parse_whole_number(raw: Any) -> int | None:
    """Return a JSON integer or a string of ASCII digits as an int (any size); None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if not _WHOLE.fullmatch(text):
            return None
        if len(text.lstrip("-")) > _DIGITS_OF_MAX:
            # Out of range whatever the digits are; int() of thousands of digits is slow, then refused.
            return MIN_INT - 1 if text.startswith("-") else MAX_INT + 1
        return int(text)
    return None


def whole_number(raw: Any, name: str, *, minimum: int = MIN_INT, maximum: int = MAX_INT) -> int:
    """Return a whole number within bounds, or raise ValidationFailed naming the field."""
    value = parse_whole_number(raw)
    if value is None:
        raise ValidationFailed(N_("%(name)s must be a whole number"), field=name, name=name)
    if minimum <= value <= maximum:
        return value
    if value < minimum and maximum == MAX_INT:
        raise ValidationFailed(N_("%(name)s must be at least %(min)s"), field=name, name=name, min=minimum)
    if value > maximum and minimum == MIN_INT:
        raise ValidationFailed(N_("%(name)s must be at most %(max)s"), field=name, name=name, max=maximum)
    raise ValidationFailed(N_("%(name)s must be between %(min)s and %(max)s"), field=name, name=name,
                           min=minimum, max=maximum)


def int_param(args: Mapping[str, Any], name: str, default: int, *, minimum: int = 1, maximum: int = MAX_INT) -> int:
    """Return an integer query parameter within bounds, or raise ValidationFailed naming it."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    return whole_number(raw, name, minimum=minimum, maximum=maximum)


def optional_int(args: Mapping[str, Any], name: str, *, minimum: int = MIN_INT, maximum: int = MAX_INT) -> int | None:
    """Return an optional integer form, query or JSON field (absent, empty or null: None)."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    return whole_number(raw, name, minimum=minimum, maximum=maximum)


def optional_id(args: Mapping[str, Any], name: str) -> int | None:
    """Return an optional row id field (1 up to the largest database integer)."""
    return optional_int(args, name, minimum=1, maximum=MAX_ID)


def flag_param(args: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """Return a yes/no query parameter (1/true/yes/on or 0/false/no/off; absent or empty: the default)."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    word = raw.strip().lower() if isinstance(raw, str) else raw
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValidationFailed(N_("%(name)s must be 1 or 0 (true or false)"), field=name, name=name)
