"""Refusals in the reader's language: the one place where a domain Message meets Flask-Babel."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import format_date, format_datetime, gettext

from docflow.errors import Message


def translate(text: Any) -> Any:
    """Return a Message in the reader's language, its parameters translated too; other values unchanged."""
    if not isinstance(text, Message):
        return text
    params = {name: _param(value) for name, value in text.params.items()}
    return gettext(text.template, **params) if params else gettext(text.template)


def translate_errors(errors: Iterable[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """Return (field, reason) pairs with each reason in the reader's language."""
    return [(field, translate(reason)) for field, reason in errors]


def _param(value: Any) -> Any:
    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value, "medium")
    if isinstance(value, dt.date):
        return format_date(value, "long")
    return value
