"""Names of stored values (states, security classes, urgencies, audit actions) in the reader's language.

The database keeps short English codes (`in_verification`, `sangat_rahasia`); pages show these names,
as template filters: ``{{ document.state|state_label }}``. An unknown code is shown as it is stored.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

STATES = {
    "draft": _l("Draft"), "in_verification": _l("In verification"), "returned": _l("Returned for revision"),
    "approved": _l("Approved, awaiting signature"), "signed": _l("Signed"), "sent": _l("Sent"),
    "filed": _l("Filed"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
    "received": _l("Incoming letter"),
}
SECURITY_CLASSES = {
    "biasa": _l("Ordinary (Biasa)"), "terbatas": _l("Restricted (Terbatas)"), "rahasia": _l("Secret (Rahasia)"),
    "sangat_rahasia": _l("Top secret (Sangat Rahasia)"),
}
URGENCIES = {"biasa": _l("Ordinary (Biasa)"), "segera": _l("Urgent (Segera)"), "amat_segera": _l("Very urgent (Amat Segera)")}
# What each audit record says happened, in the timeline of a letter.
AUDIT_ACTIONS = {
    "submit": _l("Submitted for verification"), "initial": _l("Initialled (paraf)"),
    "return": _l("Returned for revision"), "sign": _l("Signed"), "reject": _l("Rejected"),
    "withdraw": _l("Withdrawn"), "send": _l("Marked as sent"), "file": _l("Filed in the archive"),
    "set_route": _l("Route set"), "set_deadline": _l("Deadline changed"), "set_recipients": _l("Recipients changed"),
    "deliver": _l("Delivered to its recipients"),
    "repair_file": _l("Damaged stored file repaired by uploading it again"),
    "register_incoming": _l("Registered as an incoming letter"), "dispose": _l("Disposisi given"),
    "disposition_read": _l("Disposisi read"), "disposition_follow_up": _l("Disposisi followed up"),
    "disposition_done": _l("Disposisi done"), "disposition_cancel": _l("Disposisi cancelled"),
}


def _lookup(names: dict[str, Any]):
    def label(code: str | None) -> Any:
        return names.get(code, code) if code is not None else ""
    return label


state_label = _lookup(STATES)
security_label = _lookup(SECURITY_CLASSES)
urgency_label = _lookup(URGENCIES)
event_label = _lookup(AUDIT_ACTIONS)


def init_app(app: Flask) -> None:
    """Register the label filters for templates."""
    for name, function in (("state_label", state_label), ("security_label", security_label),
                           ("urgency_label", urgency_label), ("event_label", event_label)):
        app.add_template_filter(function, name)
