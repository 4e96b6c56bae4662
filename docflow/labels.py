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
    "legal_hold_placed": _l("Put on legal hold"), "legal_hold_lifted": _l("Legal hold lifted"),
    "transfer_proposed": _l("Proposed for transfer to the records centre"),
    "transfer_approve": _l("Transfer approved by the unit head"), "transfer_reject": _l("Transfer rejected"),
    "transfer_cancel": _l("Transfer proposal withdrawn"),
    "transfer_berita_acara": _l("Berita acara pemindahan drafted"),
    "transferred_to_records_centre": _l("Transferred to the records centre (inactive)"),
    "destruction_proposed": _l("Proposed for destruction"),
    "destruction_review": _l("Destruction list reviewed by the panitia penilai"),
    "destruction_item_removed": _l("Taken off the destruction list by the panitia penilai"),
    "destruction_approve": _l("Destruction approved by the authorised official"),
    "destruction_reject": _l("Destruction rejected"), "destruction_cancel": _l("Destruction proposal withdrawn"),
    "destruction_berita_acara": _l("Berita acara pemusnahan drafted"),
    "files_destroyed": _l("Files destroyed (berita acara pemusnahan signed)"),
    "destruction_blocked_by_hold": _l("Not destroyed: on legal hold"),
    "handed_over": _l("Handed over to the regional archives (penyerahan)"),
    "handover_proposed": _l("Proposed for hand-over to the regional archives"),
    "handover_approve": _l("Hand-over approved by the authorised official"),
    "handover_reject": _l("Hand-over rejected"), "handover_cancel": _l("Hand-over proposal withdrawn"),
    "handover_berita_acara": _l("Berita acara penyerahan drafted"),
    "handover_package_written": _l("Hand-over package written"),
    "package_downloaded": _l("Export package downloaded"),
    "import_legacy": _l("Imported from a legacy archive, with its original number and date"),
    "reply_started": _l("Reply letter started"), "reply_signed": _l("Reply letter signed"),
    "forward_incoming": _l("Forwarded to another unit"), "record_delivery": _l("Delivery recorded"),
}
# A letter's place in the archive's life (JRA), and the final fates of the retention schedule.
RETENTION_STATUSES = {
    "not_filed": _l("Not filed yet"), "active": _l("Active"), "due_for_transfer": _l("Due for transfer to inactive"),
    "inactive": _l("Inactive (records centre)"), "due_for_decision": _l("Due for a decision on its final fate"),
    "destroyed": _l("Destroyed"), "handed_over": _l("Handed over to the regional archives"),
}
FINAL_FATES = {"destroy": _l("Destroy (musnah)"), "permanent": _l("Keep permanently (permanen)"),
               "review": _l("Review again (dinilai kembali)")}
CUSTODIES = {"unit": _l("The unit (active)"), "records_centre": _l("The records centre (inactive)"),
             "destroyed": _l("Destroyed"), "handed_over": _l("Handed over"), "all": _l("Anyone")}
BATCH_KINDS = {"transfer": _l("Transfer to the records centre (pemindahan)"),
               "destruction": _l("Destruction (pemusnahan)"),
               "handover": _l("Hand-over to the regional archives (penyerahan)")}
BATCH_STATES = {
    "proposed": _l("Proposed"), "reviewed": _l("Reviewed by the panitia penilai"),
    "awaiting_signature": _l("Approved: berita acara awaiting signature"), "done": _l("Carried out"),
    "rejected": _l("Rejected"), "cancelled": _l("Withdrawn"),
}
BATCH_ACTIONS = {"review": _l("Confirm the review"), "approve": _l("Approve"), "reject": _l("Reject"),
                 "cancel": _l("Withdraw the proposal")}

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

# Revocation reasons of a signing certificate (codes of RFC 5280 CRL reasons) and where a certificate came from.
REVOCATION_REASONS = {
    "unspecified": _l("No reason given"), "key_compromise": _l("The key was compromised"),
    "affiliation_changed": _l("The signer changed position or left"), "superseded": _l("Replaced by a new certificate"),
    "cessation_of_operation": _l("No longer used"),
}
CREDENTIAL_SOURCES = {"issued": _l("Issued here"), "imported": _l("Imported (PKCS#12)")}
# The administration forms' fields by the names the validators give them, for the error summaries.
FIELD_LABELS = {
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "parent": _l("Parent unit"), "unit": _l("Unit"),
    "title": _l("Name of the position"), "eselon": _l("Eselon"), "parent_id": _l("Superior position"),
    "username": _l("Username"), "user": _l("Person"), "delegate": _l("Delegate"), "full_name": _l("Full name"),
    "nip": "NIP", "rank": _l("Rank (pangkat/golongan)"), "email": _l("E-mail"), "roles": _l("Roles"),
    "password": _l("New password"), "starts_on": _l("From"), "ends_on": _l("Until"),
    "decree_reference": _l("Decree (surat perintah) reference"), "doc_type": _l("Document type"),
    "group": _l("Group"), "max_verifiers": _l("Most verification steps"), "number_pattern": _l("Number pattern"),
    "pattern": _l("Number pattern"), "register_scope": _l("Number register"), "year": _l("Year"),
    "restart_from": _l("After a revision, verification restarts at"), "last_seq": _l("Last number used"),
    "signer_levels": _l("Eselon levels that may sign it"), "allow_ub": _l("May be signed u.b. (two levels down)"),
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
revocation_label = _lookup(REVOCATION_REASONS)
credential_source_label = _lookup(CREDENTIAL_SOURCES)
retention_label = _lookup(RETENTION_STATUSES)
fate_label = _lookup(FINAL_FATES)
custody_label = _lookup(CUSTODIES)
batch_kind_label = _lookup(BATCH_KINDS)
batch_state_label = _lookup(BATCH_STATES)
batch_action_label = _lookup(BATCH_ACTIONS)


def field_label(field: str | None) -> Any:
    """Return a form field's name for the reader, or None when it has none (never the English code)."""
    return FIELD_LABELS.get(field) if field else None


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
                           ("revocation_label", revocation_label), ("credential_source_label", credential_source_label),
                           ("field_label", field_label), ("retention_label", retention_label),
                           ("fate_label", fate_label), ("custody_label", custody_label),
                           ("batch_kind_label", batch_kind_label), ("batch_state_label", batch_state_label),
                           ("batch_action_label", batch_action_label),
                           ("local_time", local_time), ("local_date", local_date)):
        app.add_template_filter(function, name)
