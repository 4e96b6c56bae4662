"""A letter's own deadline (batas waktu): after it, nobody initials or signs; the drafter moves it or withdraws."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.documents.models import DocumentState
from docflow.errors import Conflict, PermissionDenied, ValidationFailed
from docflow.workflow.operations import available_actions, perform_action, set_deadline
from docflow.workflow.states import Action
from tests.workflow.helpers import NOW, act, audit_count, put_in_state

AFTER = NOW + timedelta(days=3)  # the deadline below is NOW + 1 day: passed by AFTER


def _with_deadline(db, services, office, state: DocumentState, days: int = 1):
    document = put_in_state(db, services, office, state)
    set_deadline(db, actor=office.drafter, document_id=document.id, deadline=NOW.date() + timedelta(days=days),
                 expected_revision=document.revision, on=NOW.date())
    db.commit()
    return document


@pytest.mark.parametrize(("state", "actor_name", "action"), [
    (DocumentState.IN_VERIFICATION, "subhead_user", "initial"),
    (DocumentState.APPROVED, "head_user", "sign"),
])
def test_initial_and_sign_are_refused_after_the_deadline(db, services, office, state, actor_name, action):
    """Once the letter's deadline has passed, is initialling or signing it refused, and nothing changed?"""
    document = _with_deadline(db, services, office, state)
    before = (document.state, document.revision, audit_count(db, document.id))
    with pytest.raises(Conflict) as refused:
        act(db, services, getattr(office, actor_name), document, action, now=AFTER)
    db.rollback()
    assert refused.value.field == "deadline"
    assert refused.value.reason == (f"The deadline for this letter passed on {(NOW + timedelta(days=1)).date()}; "
                                    "the drafter can set a new deadline or withdraw it")
    assert refused.value.reason.template.startswith("The deadline for this letter passed on %(date)s")
    db.refresh(document)
    assert (document.state, document.revision, audit_count(db, document.id)) == before


def test_the_deadline_day_itself_still_counts(db, services, office):
    """May a verifier still initial on the very day of the deadline (late in the evening)?"""
    document = _with_deadline(db, services, office, DocumentState.IN_VERIFICATION, days=0)
    evening = NOW.replace(hour=23, minute=59)
    act(db, services, office.subhead_user, document, "initial", now=evening)
    assert document.steps[0].state == "done"


def test_return_reject_and_withdraw_stay_open_after_the_deadline(db, services, office):
    """After the deadline, can the verifier still return the letter and the drafter still withdraw it?"""
    returned = _with_deadline(db, services, office, DocumentState.IN_VERIFICATION)
    act(db, services, office.subhead_user, returned, "return", now=AFTER, comment="Batas waktu lewat")
    assert returned.state == DocumentState.RETURNED
    withdrawn = _with_deadline(db, services, office, DocumentState.APPROVED)
    act(db, services, office.drafter, withdrawn, "withdraw", now=AFTER)
    assert withdrawn.state == DocumentState.WITHDRAWN


def test_the_drafter_moves_the_deadline_and_the_letter_goes_on(db, services, office):
    """Can the drafter set a new deadline after the old one passed, audited, so that the signer may sign?"""
    document = _with_deadline(db, services, office, DocumentState.APPROVED)
    assert Action.SIGN not in available_actions(db, office.head_user, document, AFTER.date())
    events = audit_count(db, document.id)
    set_deadline(db, actor=office.drafter, document_id=document.id, deadline=AFTER.date() + timedelta(days=2),
                 expected_revision=document.revision, on=AFTER.date())
    assert audit_count(db, document.id) == events + 1
    event = db.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id)
                       .order_by(AuditEvent.id.desc())).first()
    assert event.action == "set_deadline" and event.actor_user_id == office.drafter.id
    assert event.comment == f"{(NOW + timedelta(days=1)).date()} -> {(AFTER + timedelta(days=2)).date()}"
    assert Action.SIGN in available_actions(db, office.head_user, document, AFTER.date())
    act(db, services, office.head_user, document, "sign", now=AFTER)
    assert document.state == DocumentState.SIGNED and document.number


def test_removing_the_deadline_lifts_the_rule(db, services, office):
    """Does a letter without a deadline (the drafter removed it) go on as before?"""
    document = _with_deadline(db, services, office, DocumentState.IN_VERIFICATION)
    set_deadline(db, actor=office.drafter, document_id=document.id, deadline=None,
                 expected_revision=document.revision, on=AFTER.date())
    assert document.deadline is None
    act(db, services, office.subhead_user, document, "initial", now=AFTER)
    assert document.steps[0].state == "done"


def test_only_the_drafter_sets_the_deadline_and_never_in_the_past(db, services, office):
    """Is the deadline refused to a verifier, refused when already past, and frozen once the letter is signed?"""
    document = put_in_state(db, services, office, DocumentState.IN_VERIFICATION)
    with pytest.raises(PermissionDenied):
        set_deadline(db, actor=office.subhead_user, document_id=document.id, deadline=NOW.date(),
                     expected_revision=document.revision, on=NOW.date())
    with pytest.raises(ValidationFailed) as past:
        set_deadline(db, actor=office.drafter, document_id=document.id, deadline=NOW.date() - timedelta(days=1),
                     expected_revision=document.revision, on=NOW.date())
    assert past.value.field == "deadline"
    signed = put_in_state(db, services, office, DocumentState.SIGNED)
    with pytest.raises(Conflict):
        set_deadline(db, actor=office.drafter, document_id=signed.id, deadline=NOW.date() + timedelta(days=5),
                     expected_revision=signed.revision, on=NOW.date())


def test_a_stale_revision_cannot_move_the_deadline(db, services, office):
    """Is a deadline change on a revision the drafter no longer sees refused with 409?"""
    document = put_in_state(db, services, office, DocumentState.DRAFT)
    with pytest.raises(Conflict) as stale:
        set_deadline(db, actor=office.drafter, document_id=document.id, deadline=NOW.date(),
                     expected_revision=document.revision - 1, on=NOW.date())
    assert stale.value.field == "revision"


def test_the_api_sets_the_deadline_and_refuses_signing_after_it(client, db, services, office, token_for):
    """Does PUT /deadline set it (shown in the letter's JSON) and the sign action then answer 409 in English?"""
    today = services.today()
    document = put_in_state(db, services, office, DocumentState.IN_VERIFICATION, now=services.now())
    db.commit()
    response = client.put(f"/api/v1/documents/{document.id}/deadline", headers=token_for(office.drafter),
                          json={"revision": document.revision, "deadline": today.isoformat()})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["deadline"] == today.isoformat()
    bad = client.put(f"/api/v1/documents/{document.id}/deadline", headers=token_for(office.drafter),
                     json={"revision": body["revision"], "deadline": "31-12-2026"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "deadline"
    # The day after the deadline (the API reads the real clock, so the letter's deadline is moved back).
    document.deadline = today - timedelta(days=1)
    db.commit()
    refused = client.post(f"/api/v1/documents/{document.id}/actions/initial", headers=token_for(office.subhead_user),
                          json={"revision": body["revision"]})
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == [{"field": "deadline", "reason": (
        f"The deadline for this letter passed on {(today - timedelta(days=1)).isoformat()}; the drafter can set a "
        "new deadline or withdraw it")}]


def test_perform_action_without_a_deadline_is_unchanged(db, services, office):
    """Does a letter without a deadline still move on however late it is?"""
    document = put_in_state(db, services, office, DocumentState.IN_VERIFICATION)
    late = NOW + timedelta(days=400)
    perform_action(db, actor=office.subhead_user, document_id=document.id, action="initial",
                   expected_revision=document.revision, now=late, settings=services.settings.workflow)
    assert document.steps[0].state == "done"


def test_a_new_letter_carries_the_deadline_it_was_given(client, services, office, token_for):
    """Does a new letter take a deadline with its file, and refuse one already past or not a date?"""
    from tests.conftest import upload
    from tests.fixtures import make_pdf

    today = services.today()
    created = upload(client, token_for(office.drafter), make_pdf("Undangan"), title="Undangan rapat",
                     deadline=(today + timedelta(days=3)).isoformat())
    assert created.status_code == 201 and created.get_json()["deadline"] == (today + timedelta(days=3)).isoformat()
    past = upload(client, token_for(office.drafter), make_pdf("Undangan"), title="Undangan lama",
                  deadline=(today - timedelta(days=1)).isoformat())
    assert past.status_code == 400 and past.get_json()["errors"][0]["field"] == "deadline"
    unreadable = upload(client, token_for(office.drafter), make_pdf("Undangan"), title="Undangan", deadline="besok")
    assert unreadable.status_code == 400
    assert unreadable.get_json()["errors"] == [{"field": "deadline", "reason": "must be a date written YYYY-MM-DD"}]
