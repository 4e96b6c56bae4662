"""The API's request bodies: a JSON object, or form fields from a client that posts a form."""
from __future__ import annotations

from typing import Any

from flask import request

from docflow.errors import N_, ValidationFailed


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_body() -> dict[str, Any]:
    """Return the request's JSON object, or its form fields from a client that posts a form; refuse anything
    else, a missing body included."""
    if request.is_json:
        data = request.get_json(silent=True)
    else:
        data = request.form.to_dict() if request.mimetype in _FORMS else None
    if not isinstance(data, dict):
        raise ValidationFailed(N_("send a JSON object"), field=None)
    return data


def text_field(data: dict[str, Any], name: str) -> str:
    """Return an optional text field of a body ("" when absent or null); refuse any other JSON type, naming it."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(N_("%(name)s must be text"), field=name, name=name)
    return value


def _nul_in(value: Any, name: str) -> str | None:
    """Return the name of the first field whose text (or key) holds a NUL character, if any."""
    if isinstance(value, str):
        return name if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            key = key if isinstance(key, str) else ""  # a multipart part may come without a name
            if "\x00" in key:
                return name or key
            if (found := _nul_in(item, key if not name else f"{name}.{key}")) is not None:
                return found
    if isinstance(value, list):
        for item in value:
            if (found := _nul_in(item, name)) is not None:
                return found
    return None


def refuse_nul_characters() -> None:
    """Refuse a request whose parameters, form fields or JSON text hold a NUL character, naming the field.

    No one types NUL; PostgreSQL refuses it in text (a 500 when a query or a row carried it). Files are
    bytes and are not looked at.
    """
    sources: list[Any] = [request.args.to_dict(flat=False)]
    if request.mimetype in _FORMS:
        sources.append(request.form.to_dict(flat=False))
        sources.append({name: [f.filename or "" for f in files] for name, files in request.files.lists()})
    elif request.is_json:
        sources.append(request.get_json(silent=True))
    for source in sources:
        field = _nul_in(source, "")
        if field:
            raise ValidationFailed(N_("%(name)s must not contain a NUL character"), field=field, name=field)
        if field is not None:
            raise ValidationFailed(N_("the request must not contain a NUL character"), field=None)
