"""Names of stored values (states, security classes, urgencies, audit actions) in the reader's language.

The database keeps short English codes (`in_verification`, `sangat_rahasia`); pages show these names,
as template filters: ``{{ document.state|state_label }}``. An unknown code is shown as it is stored.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

STATES = {
    "draft": _l("Draft"), "in_verification": _l("In verification"), "returned": _l("Returned for revision"),
    "approved": _l("Approved, awaiting signature"), "signed": _l("Signed"), "sent": _l("Sent"),
    "filed": _l("Filed"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
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
}

# How far reading a version's text for search has come, in the versions table of a letter.
EXTRACTION_STATES = {
    "pending": _l("Being read"), "ok": _l("Read"), "empty": _l("No text found"),
    "encrypted": _l("Encrypted: not read"), "failed": _l("Could not be read"),
}
# The file types a person recognises, in place of MIME types.
FILE_TYPES = {
    "application/pdf": "PDF", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT", "text/plain": _l("Plain text"), "image/png": "PNG",
    "image/jpeg": "JPEG", "image/tiff": "TIFF",
}


def _lookup(names: dict[str, Any]):
    def label(code: str | None) -> Any:
        return names.get(code, code) if code is not None else ""
    return label


state_label = _lookup(STATES)
security_label = _lookup(SECURITY_CLASSES)
urgency_label = _lookup(URGENCIES)
event_label = _lookup(AUDIT_ACTIONS)
extraction_label = _lookup(EXTRACTION_STATES)
file_type_label = _lookup(FILE_TYPES)


def _city_time(value: datetime) -> datetime:
    from docflow.context import services

    # Stored times are UTC; a naive one (never written by Docflow) is taken as UTC too.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(services().timezone)


def local_time(value: datetime | None) -> str:
    """Show a stored time in the city's time zone with the zone's name: "2026-03-02 09:15 WIB"."""
    return _city_time(value).strftime("%Y-%m-%d %H:%M %Z") if value is not None else ""


def local_date(value: datetime | date | None) -> str:
    """Show the day of a stored time as the city counts days (a date stays as it is)."""
    if value is None:
        return ""
    return (_city_time(value) if isinstance(value, datetime) else value).strftime("%Y-%m-%d")


def init_app(app: Flask) -> None:
    """Register the label and time filters for templates."""
    for name, function in (("state_label", state_label), ("security_label", security_label),
                           ("urgency_label", urgency_label), ("event_label", event_label),
                           ("extraction_label", extraction_label), ("file_type_label", file_type_label),
                           ("local_time", local_time), ("local_date", local_date)):
        app.add_template_filter(function, name)
