"""The URL converter of row ids, used by every route that takes an integer id (pages and API alike)."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from docflow.api.params import MAX_ID


def numbers_up_to(limit: int) -> str:
    """Return a regular expression of the decimal numbers 1 to `limit` (no sign, no leading zero)."""
    digits = str(limit)
    alternatives = [rf"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    # As long as the limit: equal to it up to one digit, smaller there, anything after.
    for i, digit in enumerate(digits):
        lowest = 1 if i == 0 else 0
        if int(digit) > lowest:
            alternatives.append(f"{digits[:i]}[{lowest}-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    alternatives.append(digits)
    return f"(?:{'|'.join(alternatives)})"


class IdConverter(IntegerConverter):
    """Match a row id, 1 up to the largest INTEGER; any other path segment is no such page (404).

    Werkzeug's `int` takes any run of digits: 2**63 made SQLite's driver raise, and PostgreSQL refused a
    parameter past 2**31 - 1 for the INTEGER id columns (a 500 either way).
    The range lives in the pattern, not only in `to_python`: werkzeug answers a segment that matches a
    rule's pattern but fails its conversion with 405 when another method's rule has the same pattern.
    """

    regex = numbers_up_to(MAX_ID)

    def __init__(self, map: Map) -> None:  # noqa: A002 (werkzeug's name for it)
        super().__init__(map, min=1, max=MAX_ID)


def init_app(app: Flask) -> None:
    """Register the converters; before any blueprint, whose rules are compiled as they are added."""
    app.url_map.converters["id"] = IdConverter
