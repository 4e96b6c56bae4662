"""The audit trail is a hash chain: an edited, removed or cut-off record is found and named."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from docflow.audit.models import AuditEvent
from docflow.audit.operations import verify_chain
from docflow.documents.models import DocumentState
from docflow.workflow.queries import audit_trail
from tests.workflow.helpers import put_in_state


@pytest.fixture
def trail(db, services, office) -> list[int]:
    """Return the ids of a filed letter's audit records (submit, two initials, sign, send, file), oldest first."""
    document = put_in_state(db, services, office, DocumentState.FILED)
    db.commit()
    ids = list(db.scalars(select(AuditEvent.id).where(AuditEvent.document_id == document.id)
                          .order_by(AuditEvent.id)))
    assert len(ids) == 6
    return ids


def test_an_untouched_chain_has_no_problems(db, trail):
    """Does the check find nothing wrong with records written only by the application?"""
    assert verify_chain(db) == []
    assert verify_chain(db, batch=2) == []  # the same across batch boundaries


def test_an_edited_comment_is_named(db, trail):
    """Is a comment changed behind the application's back reported for exactly that record?"""
    shown = audit_trail(db, db.get(AuditEvent, trail[0]).document_id)  # e.g. a page that shows the trail first
    edited = trail[2]
    db.execute(text("UPDATE audit_events SET comment = 'disetujui tanpa catatan' WHERE id = :id"), {"id": edited})
    problems = verify_chain(db)
    # The check reads what is stored, not the copies the session already holds.
    assert [(p.event_id, "edited" in p.detail) for p in problems] == [(edited, True)]
    assert len(shown) == 6


def test_the_check_leaves_the_callers_session_usable(db, office, trail):
    """May the caller go on changing its own objects in the same session after the check?"""
    assert verify_chain(db, batch=2) == []
    office.drafter.full_name = "Drafter Pindahan"
    db.commit()
    stored = db.execute(text("SELECT full_name FROM users WHERE id = :id"), {"id": office.drafter.id}).scalar()
    assert stored == "Drafter Pindahan"


def test_a_removed_middle_record_is_found(db, trail):
    """Is a deleted record in the middle found, at the record that followed it, and in the count?"""
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": trail[3]})
    problems = verify_chain(db, batch=2)
    assert (trail[4], "does not follow the record before it (a record before it was removed or changed)") in [
        (p.event_id, p.detail) for p in problems]
    assert any(p.event_id is None and "holds 5 records but 6 were written" in p.detail for p in problems)


def test_a_removed_newest_record_is_found(db, trail):
    """Is cutting off the newest record found, although what is left is a consistent chain?"""
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": trail[-1]})
    problems = verify_chain(db)
    assert problems
    assert any(p.event_id == trail[-1] and "newest" in p.detail for p in problems)
    assert all(p.event_id in (trail[-1], None) for p in problems)
