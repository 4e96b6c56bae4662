"""The API's request bodies: a JSON object, or form fields from a client that posts a form."""
from __future__ import annotations

from typing import Any

from flask import request

from docflow.errors import N_, ValidationFailed


def request_body() -> dict[str, Any]:
    """Return the request's JSON object, or its form fields when it is not JSON; refuse anything else."""
    data = request.get_json(silent=True) if request.is_json else request.form.to_dict()
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
