"""Each step's deadline follows the letter's urgency; the inbox shows overdue work first."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from docflow.org.queries import acting_position_ids
from docflow.services import Services
from docflow.workflow.operations import perform_action
from docflow.workflow.queries import inbox
from tests.workflow.helpers import NOW, Office, new_letter

HOURS = {"biasa": 50, "segera": 20, "amat_segera": 5}


def _submit(db, services: Services, office: Office, urgency: str, at, **settings_changes):
    document = new_letter(db, services, office.drafter, title=f"Surat {urgency}", urgency=urgency, on=at.date())
    workflow = replace(services.settings.workflow, **settings_changes)
    return perform_action(db, actor=office.drafter, document_id=document.id, action="submit",
                          expected_revision=document.revision, now=at, settings=workflow)


def test_the_deadline_follows_the_urgency_setting(db, services, office):
    """Is a step due after the hours the city set for the letter's urgency, counted from when it arrived?"""
    hours = {f"due_hours_{u}": h for u, h in HOURS.items()}
    for urgency, due_in in HOURS.items():
        document = _submit(db, services, office, urgency, NOW, **hours)
        assert document.steps[0].due_at == NOW + timedelta(hours=due_in)
        assert document.steps[1].due_at is None  # the next desk's clock starts when the letter reaches it
        later = NOW + timedelta(hours=3)
        perform_action(db, actor=office.subhead_user, document_id=document.id, action="initial",
                       expected_revision=document.revision, now=later,
                       settings=replace(services.settings.workflow, **hours))
        assert document.steps[1].due_at == later + timedelta(hours=due_in)


def test_the_inbox_lists_overdue_items_first(db, services, office):
    """Does the verifier see what is overdue first (the longest overdue on top), then the rest by deadline?"""
    hours = {f"due_hours_{u}": h for u, h in HOURS.items()}
    relaxed = _submit(db, services, office, "biasa", NOW, **hours)                  # due NOW+50h
    urgent = _submit(db, services, office, "segera", NOW, **hours)                  # due NOW+20h
    very = _submit(db, services, office, "amat_segera", NOW + timedelta(hours=19), **hours)  # due NOW+24h
    newest = _submit(db, services, office, "biasa", NOW + timedelta(hours=1), **hours)       # due NOW+51h
    own_draft = new_letter(db, services, office.subhead_user, title="Konsep sendiri")
    db.commit()
    at = NOW + timedelta(hours=30)
    items = inbox(db, office.subhead_user, acting_position_ids(db, office.subhead_user.id, at.date()), at)
    assert [(i.document.id, i.task, i.overdue(at)) for i in items] == [
        (urgent.id, "verify", True), (very.id, "verify", True), (relaxed.id, "verify", False),
        (newest.id, "verify", False), (own_draft.id, "draft", False)]


def test_the_api_inbox_flags_and_counts_overdue_items(client, db, services, office, token_for):
    """Does GET /api/v1/inbox mark what is past its deadline now and put it on top?"""
    now = services.now()
    late = _submit(db, services, office, "segera", now - timedelta(hours=30))
    fresh = _submit(db, services, office, "amat_segera", now - timedelta(hours=1))
    db.commit()
    body = client.get("/api/v1/inbox", headers=token_for(office.subhead_user)).get_json()
    assert [(r["document_id"], r["overdue"], r["urgency"]) for r in body["results"]] == [
        (late.id, True, "segera"), (fresh.id, False, "amat_segera")]
    assert (body["total"], body["overdue"]) == (2, 1)
