"""JSON shapes of the retention lists, batches and holds."""
from __future__ import annotations

from typing import Any

from flask import url_for

from docflow.documents.models import LegalHold
from docflow.retention.models import RetentionBatch
from docflow.retention.queries import DueRow


def hold_json(hold: LegalHold) -> dict[str, Any]:
    """Return the API form of a legal hold."""
    return {
        "id": hold.id, "document_id": hold.document_id, "reason": hold.reason,
        "placed_by": hold.placed_by.username, "placed_at": hold.placed_at.isoformat(),
        "lifted_by": hold.lifted_by.username if hold.lifted_by else None,
        "lifted_at": hold.lifted_at.isoformat() if hold.lifted_at else None, "lift_reason": hold.lift_reason,
    }


def due_json(row: DueRow, readable: bool) -> dict[str, Any]:
    """Return one letter of a list (the title only to those who may read the letter)."""
    document = row.document
    return {
        "document_id": document.id, "number": document.number, "title": document.title if readable else None,
        "unit": document.unit.code, "classification_code": document.classification_code,
        "custody": document.custody,
        "active_until": row.active_until.isoformat() if row.active_until else None,
        "inactive_until": row.inactive_until.isoformat() if row.inactive_until else None,
        "final_fate": row.final_fate, "status": row.status, "legal_hold": row.legal_hold,
        "hold": hold_json(row.hold) if row.hold is not None else None,
    }


def batch_json(batch: RetentionBatch, actions: list[str], readable: set[int]) -> dict[str, Any]:
    """Return the API form of a batch with its list and what the caller may decide now."""
    return {
        "id": batch.id, "kind": batch.kind, "state": batch.state, "revision": batch.revision,
        "unit": batch.unit.code if batch.unit else None, "note": batch.note,
        "proposed_by": batch.proposed_by.username, "proposed_at": batch.proposed_at.isoformat(),
        "reviewed_by": batch.reviewed_by.username if batch.reviewed_by else None,
        "reviewed_at": batch.reviewed_at.isoformat() if batch.reviewed_at else None,
        "decided_by": batch.decided_by.username if batch.decided_by else None,
        "decided_at": batch.decided_at.isoformat() if batch.decided_at else None,
        "decision_note": batch.decision_note,
        "berita_acara_id": batch.berita_acara_id,
        "berita_acara_url": url_for("documents_api.show", document_id=batch.berita_acara_id)
        if batch.berita_acara_id else None,
        "done_at": batch.done_at.isoformat() if batch.done_at else None,
        "package": {"url": url_for("retention_api.package", batch_id=batch.id), "sha256": batch.package_sha256,
                    "size": batch.package_size, "written_at": batch.package_at.isoformat()}
        if batch.package_key else None,
        "items": [{
            "document_id": item.document_id, "number": item.document.number,
            "title": item.document.title if item.document_id in readable else None,
            "removed": item.removed_at is not None, "removed_reason": item.removed_reason,
        } for item in batch.items],
        "actions": actions,
    }
