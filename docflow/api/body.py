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
