"""One reader per input shape of the retention decisions, for the forms and the API alike."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docflow.api.params import MAX_ID, whole_number
from docflow.errors import N_, ValidationFailed
from docflow.retention.operations import MAX_BATCH


def _listed(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list):
        return value
    return [value]


def document_ids(value: Any, field: str = "document_ids") -> list[int]:
    """Read letter ids from a JSON list, one form field per id, or one text of ids separated by commas."""
    items = _listed(value)
    if len(items) > MAX_BATCH:
        raise ValidationFailed(N_("a batch holds at most %(max)s letters"), field=field, max=MAX_BATCH)
    return [whole_number(item, field, minimum=1, maximum=MAX_ID) for item in items]


def removals(data: Mapping[str, Any], form_ids: list[Any] | None = None) -> dict[int, str]:
    """Read the letters a review takes off the list, each with its reason.

    JSON: `remove: [{"document_id": 3, "reason": "..."}]`; a form: `remove` checkboxes of ids and a
    `reason_<id>` field for each.
    """
    if form_ids is not None:
        ids = document_ids(form_ids, "remove")
        return {i: str(data.get(f"reason_{i}") or "") for i in ids}
    raw = data.get("remove")
    if raw in (None, ""):
        return {}
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
        raise ValidationFailed(N_("remove must be a list of {document_id, reason}"), field="remove")
    result: dict[int, str] = {}
    for row in raw:
        reason = row.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ValidationFailed(N_("%(name)s must be text"), field="remove", name="reason")
        result[whole_number(row.get("document_id"), "remove", minimum=1, maximum=MAX_ID)] = reason or ""
    return result
