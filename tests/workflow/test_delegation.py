"""Only the desk's holder or its valid Plt./Plh. acts on a step; a.n./u.b. signing; the queue stays with the desk."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.documents.models import Document, DocumentState
from docflow.errors import PermissionDenied, ValidationFailed
from docflow.org.models import Assignment
from docflow.org.operations import assign_position, create_delegation, end_assignment, revoke_delegation
from docflow.org.queries import acting_position_ids
from docflow.workflow.operations import set_route
from docflow.workflow.queries import inbox
from docflow.workflow.routes import StepSpec
from tests.workflow.helpers import JAKARTA, NOW, REASON, Office, act, new_letter, revise

DAY = timedelta(days=1)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


def _approved(db, services, office: Office, *, now: datetime = NOW) -> Document:
    """Return a letter verified by the sub-head and waiting for the head's signature."""
    document = new_letter(db, services, office.drafter, on=now.date())
    set_route(db, actor=office.drafter, document=document, on=now.date(), settings=services.settings.workflow,
              steps=[StepSpec("verify", office.subhead.id), StepSpec("sign", office.head.id)],
              expected_revision=document.revision)
    act(db, services, office.drafter, document, "submit", now=now)
    act(db, services, office.subhead_user, document, "initial", now=now)
    assert document.state == DocumentState.APPROVED
    db.commit()
    return document


def _last_event(db, document: Document) -> AuditEvent:
    return db.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id)
                      .order_by(AuditEvent.id.desc())).first()


def _queue(db, user, now: datetime) -> list[tuple[int, str]]:
    items = inbox(db, user, acting_position_ids(db, user.id, now.date()), now)
    return [(i.document.id, i.task) for i in items if i.task in ("verify", "sign")]


def test_plh_signs_within_the_dates_only_and_is_named_as_plh(db, services, office):
    """Does a Plh. sign only inside the decree's dates, as "Plh. Kepala Dinas", and does the audit say so?"""
    first, last = NOW.date() + 2 * DAY, NOW.date() + 15 * DAY
    create_delegation(db, position=office.head, delegate=office.secretary_user, kind="plh", starts_on=first,
                      ends_on=last, decree_reference="800/12/DISKOMINFO/2026")
    document = _approved(db, services, office)
    for outside in (first - DAY, last + DAY):
        with pytest.raises(PermissionDenied):
            act(db, services, office.secretary_user, document, "sign", now=_at(outside))
        db.rollback()
        assert _queue(db, office.secretary_user, _at(outside)) == []
    assert _queue(db, office.secretary_user, _at(first)) == [(document.id, "sign")]

    act(db, services, office.secretary_user, document, "sign", now=_at(first))
    db.commit()
    block = document.signature_block.splitlines()
    assert block[0] == f"Plh. {office.head.title},"
    assert block[-1] == office.secretary_user.display_name
    assert office.head_user.nip not in document.signature_block  # the absent head does not sign
    event = _last_event(db, document)
    assert (event.action, event.actor_user_id, event.actor_name) == (
        "sign", office.secretary_user.id, office.secretary_user.display_name)
    assert event.actor_position_title == f"Plh. {office.head.title}"
    assert (event.on_behalf_position_id, event.on_behalf_title, event.delegation_kind) == (
        office.head.id, office.head.title, "plh")
    assert document.steps[-1].acted_via == "plh"


def test_plt_acts_for_a_vacant_post_until_the_decree_ends(db, services, office):
    """When the head has left, does the Plt. sign inside the dates, and nobody (not the old head) outside?"""
    held = db.scalars(select(Assignment).where(Assignment.user_id == office.head_user.id)).one()
    end_assignment(db, held, ends_on=date(2026, 2, 27))
    create_delegation(db, position=office.head, delegate=office.secretary_user, kind="plt",
                      starts_on=date(2026, 2, 28), ends_on=date(2026, 3, 31))
    document = _approved(db, services, office)
    with pytest.raises(PermissionDenied):
        act(db, services, office.head_user, document, "sign")  # moved on: no longer the holder
    db.rollback()
    with pytest.raises(PermissionDenied):
        act(db, services, office.secretary_user, document, "sign", now=_at(date(2026, 4, 1)))
    db.rollback()
    act(db, services, office.secretary_user, document, "sign", now=_at(date(2026, 3, 31), 16))
    db.commit()
    assert document.signature_block.splitlines()[0] == f"Plt. {office.head.title},"
    event = _last_event(db, document)
    assert (event.actor_position_title, event.on_behalf_title, event.delegation_kind) == (
        f"Plt. {office.head.title}", office.head.title, "plt")


def test_a_revoked_delegation_gives_no_rights(db, services, office):
    """Does revoking a Plh. before its end take the desk's queue and rights away at once?"""
    delegation = create_delegation(db, position=office.head, delegate=office.outsider, kind="plh",
                                   starts_on=NOW.date(), ends_on=NOW.date() + 10 * DAY)
    document = _approved(db, services, office)
    assert _queue(db, office.outsider, NOW) == [(document.id, "sign")]
    revoke_delegation(db, delegation)
    db.commit()
    assert _queue(db, office.outsider, NOW) == []
    with pytest.raises(PermissionDenied):
        act(db, services, office.outsider, document, "sign")


def test_the_delegate_sees_the_absent_officials_queue_in_the_api(client, db, services, office, token_for):
    """Does GET /api/v1/inbox show the Plh. the letters waiting at the desk she stands in for?"""
    today = services.today()
    create_delegation(db, position=office.head, delegate=office.outsider, kind="plh", starts_on=today - DAY,
                      ends_on=today + 7 * DAY)
    document = _approved(db, services, office, now=services.now())
    results = client.get("/api/v1/inbox", headers=token_for(office.outsider)).get_json()["results"]
    assert [(r["document_id"], r["task"]) for r in results] == [(document.id, "sign")]
    # The holder, away, does not: while the Plh. is in force the letter waits in one queue only.
    results = client.get("/api/v1/inbox", headers=token_for(office.head_user)).get_json()["results"]
    assert [(r["document_id"], r["task"]) for r in results] == []
    # Signing through the API also makes the PAdES signature (docflow.signing); the route's part is the operation.
    act(db, services, office.outsider, document, "sign", now=services.now())
    db.commit()
    assert document.signature_block.startswith(f"Plh. {office.head.title},")
    trail = client.get(f"/api/v1/documents/{document.id}/audit", headers=token_for(office.drafter)).get_json()
    assert trail["results"][-1]["actor"] == office.outsider.display_name
    assert trail["results"][-1]["position"] == f"Plh. {office.head.title}"
    assert (trail["results"][-1]["on_behalf_of"], trail["results"][-1]["delegation"]) == (office.head.title, "plh")
    assert client.get("/api/v1/inbox", headers=token_for(office.outsider)).get_json()["results"] == []


def test_a_n_signing_set_through_the_api(client, db, services, office, token_for):
    """Is a letter signed a.n. by the secretary headed "a.n. Kepala Dinas" over the secretary's title?"""
    document = new_letter(db, services, office.drafter)
    db.commit()
    drafter = token_for(office.drafter)
    steps = [{"kind": "verify", "position_id": office.subhead.id},
             {"kind": "sign", "position_id": office.secretary.id, "mode": "an",
              "on_behalf_position_id": office.head.id}]
    r = client.put(f"/api/v1/documents/{document.id}/route", json={"revision": document.revision, "steps": steps},
                   headers=drafter)
    assert r.status_code == 200, r.get_json()
    assert [(s["mode"], s["on_behalf_position_id"]) for s in r.get_json()["steps"]] == [
        ("direct", None), ("an", office.head.id)]
    db.expire_all()
    act(db, services, office.drafter, document, "submit")
    act(db, services, office.subhead_user, document, "initial")
    act(db, services, office.secretary_user, document, "sign")
    assert document.signature_block.splitlines()[:2] == [f"a.n. {office.head.title}", f"{office.secretary.title},"]
    from docflow.workflow.queries import audit_trail

    signed = audit_trail(db, document.id)[-1]
    assert (signed.action, signed.actor_position_title, signed.on_behalf_title, signed.delegation_kind) == (
        "sign", office.secretary.title, office.head.title, "an")


def test_u_b_and_plh_a_n_signature_blocks(db, services, office):
    """Does u.b. name both levels above the signer, and a Plh. signing a.n. carry the Plh. prefix?"""
    ub = new_letter(db, services, office.drafter, title="Undangan rapat")
    set_route(db, actor=office.drafter, document=ub, on=NOW.date(), settings=services.settings.workflow,
              steps=[StepSpec("sign", office.subhead.id, "ub", office.head.id)], expected_revision=ub.revision)
    act(db, services, office.drafter, ub, "submit")
    act(db, services, office.subhead_user, ub, "sign")
    assert ub.signature_block.splitlines()[:4] == [
        f"a.n. {office.head.title}", office.secretary.title, "u.b.", f"{office.subhead.title},"]

    create_delegation(db, position=office.secretary, delegate=office.outsider, kind="plh", starts_on=NOW.date(),
                      ends_on=NOW.date() + 5 * DAY)
    an = new_letter(db, services, office.drafter, title="Pemberitahuan")
    set_route(db, actor=office.drafter, document=an, on=NOW.date(), settings=services.settings.workflow,
              steps=[StepSpec("sign", office.secretary.id, "an", office.head.id)], expected_revision=an.revision)
    act(db, services, office.drafter, an, "submit")
    act(db, services, office.outsider, an, "sign")
    assert an.signature_block.splitlines()[:2] == [f"a.n. {office.head.title}", f"Plh. {office.secretary.title},"]


@pytest.mark.parametrize(("doc_type", "spec"), [
    ("nota_dinas", ("subhead", "an", "head")),      # a.n. is one level down, not two
    ("nota_dinas", ("secretary", "ub", "head")),    # u.b. is two levels down, not one
    ("nota_dinas", ("secretary", "direct", "head")),  # on_behalf only with a.n./u.b.
    ("surat_edaran", ("subhead", "ub", "head")),    # this type allows no u.b.
    ("keputusan", ("secretary", "an", "head")),     # a keputusan is never signed a.n.
])
def test_a_n_and_u_b_routes_outside_the_rules_are_refused(db, services, office, doc_type, spec):
    """Is an a.n./u.b. route refused when the levels or the document type do not allow it?"""
    signer, mode, behalf = spec
    document = new_letter(db, services, office.drafter, doc_type=doc_type)
    revision = document.revision
    with pytest.raises(ValidationFailed) as refused:
        set_route(db, actor=office.drafter, document=document, on=NOW.date(), settings=services.settings.workflow,
                  steps=[StepSpec("sign", getattr(office, signer).id, mode, getattr(office, behalf).id)],
                  expected_revision=revision)
    assert refused.value.field == "steps"
    assert document.revision == revision and document.steps == []


def test_when_the_verifier_moves_the_queue_stays_with_the_desk(db, services, office):
    """When the sub-head moves and a successor takes the desk, does the waiting step pass to the successor?"""
    document = new_letter(db, services, office.drafter)
    act(db, services, office.drafter, document, "submit")
    db.commit()
    moved = db.scalars(select(Assignment).where(Assignment.user_id == office.subhead_user.id)).one()
    end_assignment(db, moved, ends_on=NOW.date() + DAY)
    successor = create_user(db, username="kasubag-baru", password=None, roles=(Role.VERIFIER,), unit=office.unit)
    assign_position(db, position=office.subhead, user=successor, starts_on=NOW.date() + 2 * DAY)
    db.commit()
    later = NOW + 3 * DAY
    assert _queue(db, office.subhead_user, later) == []
    assert _queue(db, successor, later) == [(document.id, "verify")]
    with pytest.raises(PermissionDenied):
        act(db, services, office.subhead_user, document, "initial", now=later)
    db.rollback()
    act(db, services, successor, document, "initial", now=later)
    event = _last_event(db, document)
    assert (event.actor_user_id, event.actor_position_title, event.delegation_kind) == (
        successor.id, office.subhead.title, None)
    assert document.steps[0].acted_by_user_id == successor.id


def test_when_the_drafter_moves_the_returned_letter_goes_to_the_desk(db, services, office):
    """Does a returned letter wait for whoever now holds the drafter's desk, not for the person who left?"""
    document = new_letter(db, services, office.drafter)
    act(db, services, office.drafter, document, "submit")
    act(db, services, office.subhead_user, document, "return", comment=REASON)
    moved = db.scalars(select(Assignment).where(Assignment.user_id == office.drafter.id)).one()
    end_assignment(db, moved, ends_on=NOW.date())
    successor = create_user(db, username="staf-baru", password=None, roles=(Role.DRAFTER,), unit=office.unit)
    assign_position(db, position=office.staff, user=successor, starts_on=NOW.date() + DAY)
    db.commit()
    later = NOW + 2 * DAY
    mine = inbox(db, successor, acting_position_ids(db, successor.id, later.date()), later)
    assert [(i.document.id, i.task) for i in mine] == [(document.id, "revise")]
    with pytest.raises(PermissionDenied):
        revise(db, services, office.drafter, document, on=later.date())
    db.rollback()
    revise(db, services, successor, document, on=later.date())
    act(db, services, successor, document, "submit", now=later)
    assert document.state == DocumentState.IN_VERIFICATION
    # The author stays the person who wrote it: she still may not verify it anywhere on the route.
    assert document.author_id == office.drafter.id


def test_a_delegate_may_not_verify_or_sign_her_own_letter(db, services, office):
    """When the drafter stands in for the sub-head and the head, does the route still pass others' hands?"""
    for position in (office.subhead, office.head):
        create_delegation(db, position=position, delegate=office.drafter, kind="plh", starts_on=NOW.date(),
                          ends_on=NOW.date() + 3 * DAY)
    document = new_letter(db, services, office.drafter)
    set_route(db, actor=office.drafter, document=document, on=NOW.date(), settings=services.settings.workflow,
              steps=[StepSpec("verify", office.subhead.id), StepSpec("sign", office.head.id)],
              expected_revision=document.revision)
    act(db, services, office.drafter, document, "submit")
    db.commit()
    for holder, action in ((office.subhead_user, "initial"), (office.head_user, "sign")):
        assert _queue(db, office.drafter, NOW) == []  # her own letter is not work for her
        with pytest.raises(PermissionDenied) as refused:
            act(db, services, office.drafter, document, action)
        assert "own letter" in refused.value.reason
        db.rollback()
        act(db, services, holder, document, action)
        db.commit()
    assert document.state == DocumentState.SIGNED
    assert [s.acted_by_user_id for s in document.steps] == [office.subhead_user.id, office.head_user.id]


def test_the_drafter_who_moved_no_longer_sees_the_returned_letter(db, services, office):
    """Once the drafter has left her desk, is the returned letter gone from her inbox (she may not act on it)?"""
    document = new_letter(db, services, office.drafter)
    act(db, services, office.drafter, document, "submit")
    act(db, services, office.subhead_user, document, "return", comment=REASON)
    moved = db.scalars(select(Assignment).where(Assignment.user_id == office.drafter.id)).one()
    end_assignment(db, moved, ends_on=NOW.date())
    db.commit()
    later = NOW + 2 * DAY
    with pytest.raises(PermissionDenied):
        act(db, services, office.drafter, document, "submit", now=later)
    db.rollback()
    gone = inbox(db, office.drafter, acting_position_ids(db, office.drafter.id, later.date()), later)
    assert [(i.document.id, i.task) for i in gone] == []


def test_while_a_plh_is_in_force_only_the_plh_signs_and_the_holder_gets_the_desk_back(db, services, office):
    """One rule: during a Plh. only the Plh. sees and signs the head's letters; the day it ends (or it is revoked),
    only the head does again."""
    first, last = NOW.date(), NOW.date() + 5 * DAY
    delegation = create_delegation(db, position=office.head, delegate=office.secretary_user, kind="plh",
                                   starts_on=first, ends_on=last)
    document = _approved(db, services, office)
    assert _queue(db, office.head_user, NOW) == []
    assert _queue(db, office.secretary_user, NOW) == [(document.id, "sign")]
    with pytest.raises(PermissionDenied):
        act(db, services, office.head_user, document, "sign", now=NOW)
    db.rollback()
    # After the last day the head is back, and the Plh. no longer acts.
    after = _at(last + DAY)
    assert _queue(db, office.head_user, after) == [(document.id, "sign")]
    assert _queue(db, office.secretary_user, after) == []
    # Revoked early: the head is back at once.
    revoke_delegation(db, delegation)
    db.commit()
    assert _queue(db, office.head_user, NOW) == [(document.id, "sign")]
    act(db, services, office.head_user, document, "sign", now=NOW)
    db.commit()
    assert document.signature_block.splitlines()[0] == f"{office.head.title},"
