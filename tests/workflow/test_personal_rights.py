"""Secret letters follow the person, open ones the desk; one person approves a letter once; who corrects.

Rules decided for issue 21 (README, "Who may read what"):
* Rahasia and Sangat Rahasia: the drafter in person, the person who acted at each completed step,
  the desk of a step still to come, the holders of the addressed desks when it is sent (granted
  then) and people granted; another holder of the same desk reads nothing and adds no version.
* One person initials or signs a letter once: a route on which one person alone fills two desks
  is refused, the proposal leaves out her paraf, and a second approval of hers is refused.
* A correction (ralat) is started by the drafter's desk, the signer's desk, the unit's records
  clerk or an administrator; not by every reader.
* A Plt. or Plh. of the drafter's desk acts as the drafter (submit, withdraw, versions) on open
  letters; on secret letters only the author herself does.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.documents.access import Permission, can_read, permissions, readable_clause
from docflow.documents.models import Document, DocumentState, SecurityClass
from docflow.documents.operations import DocumentFields, add_version, create_document
from docflow.documents.recipients import RecipientSpec
from docflow.errors import PermissionDenied, ValidationFailed
from docflow.org.models import Assignment
from docflow.org.operations import assign_position, create_delegation, end_assignment
from docflow.org.queries import acting_position_ids
from docflow.workflow.operations import available_actions, proposed_route, set_route
from docflow.workflow.queries import inbox, incoming_letters
from docflow.workflow.routes import StepSpec
from tests.workflow.helpers import NOW, REASON, SINCE, act, build_office, pdf_upload

TODAY = NOW.date()
WEEK = timedelta(days=7)


def _letter(db, services, author, security=SecurityClass.RAHASIA, *, title="Mutasi pejabat", replaces=None,
            recipients=()):
    fields = DocumentFields(title=title, classification_code="000.8.3.3", security_class=security)
    with pdf_upload(services, f"{title}\nDengan hormat") as upload:
        document = create_document(db, services.store, actor=author, fields=fields, upload=upload, on=TODAY,
                                   replaces=replaces, recipients=recipients)
    db.commit()
    return document


def _route(db, services, office, document, *verify, sign=None):
    steps = [StepSpec("verify", p.id) for p in verify] + [StepSpec("sign", (sign or office.head).id)]
    set_route(db, actor=document.author, document=document, steps=steps, expected_revision=document.revision,
              on=TODAY, settings=services.settings.workflow)
    db.commit()


def _positions(db, user):
    return acting_position_ids(db, user.id, TODAY)


def _reads(db, user, document) -> bool:
    """Read by both forms of the rule, which must agree."""
    by_python = can_read(user, document, _positions(db, user))
    by_sql = document.id in set(db.scalars(select(Document.id).where(readable_clause(user, _positions(db, user)))))
    assert by_python == by_sql, user.username
    return by_python


def _colleague(db, position, name):
    user = create_user(db, username=name, password=None, roles=(Role.VERIFIER,), unit=position.unit,
                       full_name=name.title())
    assign_position(db, position=position, user=user, starts_on=SINCE)
    db.commit()
    return user


@pytest.fixture
def office(db):
    built = build_office(db, "BKPSDM")
    db.commit()
    return built


@pytest.mark.parametrize("security", [SecurityClass.RAHASIA, SecurityClass.SANGAT_RAHASIA])
def test_a_second_holder_of_the_drafters_desk_neither_reads_nor_changes_a_secret_draft(db, services, office,
                                                                                       security):
    """Two people at one desk: does the other one stay out of a Rahasia draft (read, version, submit, inbox)?"""
    other = _colleague(db, office.staff, "pelaksana-kedua")
    document = _letter(db, services, office.drafter, security)
    assert _reads(db, office.drafter, document) and not _reads(db, other, document)
    assert permissions(other, document, _positions(db, other)) == frozenset()
    with pytest.raises(PermissionDenied), pdf_upload(services, "versi lain") as upload:
        add_version(db, services.store, actor=other, document=document, upload=upload, positions=_positions(db, other))
    db.rollback()
    for action in ("submit", "withdraw"):
        with pytest.raises(PermissionDenied) as refused:
            act(db, services, other, document, action)
        assert "in person" in refused.value.reason
        db.rollback()
    assert [i.document.id for i in inbox(db, other, _positions(db, other), NOW)] == []
    assert [i.document.id for i in inbox(db, office.drafter, _positions(db, office.drafter), NOW)] == [document.id]
    assert Permission.ADD_VERSION in permissions(office.drafter, document, _positions(db, office.drafter))


def test_on_an_open_letter_rights_still_follow_the_desk(db, services, office):
    """A Biasa draft: does the other holder of the drafter's desk read it and add a version, as before?"""
    other = _colleague(db, office.staff, "pelaksana-kedua")
    document = _letter(db, services, office.drafter, SecurityClass.BIASA)
    assert Permission.ADD_VERSION in permissions(other, document, _positions(db, other))
    assert [i.document.id for i in inbox(db, other, _positions(db, other), NOW)] == [document.id]


def test_after_her_paraf_the_verifier_reads_the_secret_letter_in_person_not_her_desk(db, services, office):
    """A desk with two holders on the route: both read while the step is to come, only the one who acted after."""
    other = _colleague(db, office.subhead, "kasubag-kedua")
    document = _letter(db, services, office.drafter)
    _route(db, services, office, document, office.subhead)
    act(db, services, office.drafter, document, "submit")
    db.commit()
    assert _reads(db, office.subhead_user, document) and _reads(db, other, document)
    act(db, services, office.subhead_user, document, "initial")
    db.commit()
    assert _reads(db, office.subhead_user, document) and not _reads(db, other, document)
    assert _reads(db, office.head_user, document)  # the signing step is still to come
    held = db.scalars(select(Assignment).where(Assignment.user_id == office.subhead_user.id)).one()
    end_assignment(db, held, ends_on=TODAY)  # she moves on: she keeps the letter she initialled
    db.commit()
    assert _reads(db, office.subhead_user, document)


def test_a_sent_secret_letter_goes_to_the_addressed_desks_holders_of_that_day(db, services, make_user, office):
    """Sent to a desk: does its holder then read it, and her successor not (while an open letter follows the desk)?"""
    other = build_office(db, "BAPPEDA")
    db.commit()
    to = [RecipientSpec(kind="to", position_id=other.head.id, name=other.head.title)]
    secret = _letter(db, services, office.drafter, recipients=to)
    open_letter = _letter(db, services, office.drafter, SecurityClass.BIASA, title="Undangan rapat", recipients=to)
    for document in (secret, open_letter):
        _route(db, services, office, document, office.subhead)
        for actor, action in ((office.drafter, "submit"), (office.subhead_user, "initial"), (office.head_user, "sign"),
                              (office.clerk, "send")):
            act(db, services, actor, document, action)
        db.commit()
    assert secret.state == DocumentState.SENT
    assert [g.user_id for g in secret.grants] == [other.head_user.id] and open_letter.grants == []
    assert _reads(db, other.head_user, secret) and _reads(db, other.head_user, open_letter)
    held = db.scalars(select(Assignment).where(Assignment.user_id == other.head_user.id)).one()
    end_assignment(db, held, ends_on=TODAY - timedelta(days=1))
    successor = _colleague(db, other.head, "kepala-baru")
    assert _reads(db, successor, open_letter) and not _reads(db, successor, secret)
    assert [d.id for d in incoming_letters(db, _positions(db, successor), user_id=successor.id)] == [open_letter.id]
    assert not _reads(db, office.outsider, secret)


def test_a_plt_alone_at_two_desks_of_a_route_is_refused_and_left_out_of_the_proposal(db, services, office):
    """The secretary is Plt. of the vacant sub-head post: may a route ask her for two parafs?"""
    held = db.scalars(select(Assignment).where(Assignment.user_id == office.subhead_user.id)).one()
    end_assignment(db, held, ends_on=TODAY - timedelta(days=2))
    create_delegation(db, position=office.subhead, delegate=office.secretary_user, kind="plt",
                      starts_on=TODAY - timedelta(days=1), ends_on=TODAY + WEEK)
    db.commit()
    document = _letter(db, services, office.drafter, SecurityClass.BIASA)
    with pytest.raises(ValidationFailed) as refused:
        _route(db, services, office, document, office.subhead, office.secretary)
    assert "one person initials a letter once" in refused.value.reason
    db.rollback()
    assert [(s.kind, s.position_id) for s in proposed_route(db, document)] == [
        ("verify", office.subhead.id), ("verify", office.secretary.id), ("sign", office.head.id)]
    assert [(s.kind, s.position_id) for s in proposed_route(db, document, TODAY)] == [
        ("verify", office.secretary.id), ("sign", office.head.id)]
    act(db, services, office.drafter, document, "submit")  # no route set: the proposal, without the double step
    db.commit()
    assert [s.position_id for s in document.steps] == [office.secretary.id, office.head.id]


def test_a_plh_who_initialled_may_not_also_sign(db, services, office):
    """The secretary initials, then stands in for the head (Plh.): is her signature refused, and a return not? And
    while the Plh. is in force, is a route through her own desk to the head's refused, since she alone acts at both?"""
    document = _letter(db, services, office.drafter, SecurityClass.BIASA)
    _route(db, services, office, document, office.subhead, office.secretary)
    for actor, action in ((office.drafter, "submit"), (office.subhead_user, "initial"),
                          (office.secretary_user, "initial")):
        act(db, services, actor, document, action)
    db.commit()
    assert document.state == DocumentState.APPROVED
    create_delegation(db, position=office.head, delegate=office.secretary_user, kind="plh", starts_on=TODAY,
                      ends_on=TODAY + WEEK)
    db.commit()
    assert available_actions(db, office.secretary_user, document, TODAY) == ["return", "reject"]
    with pytest.raises(PermissionDenied) as refused:
        act(db, services, office.secretary_user, document, "sign")
    assert "already initialled" in refused.value.reason and office.secretary.title in refused.value.reason
    db.rollback()
    with pytest.raises(PermissionDenied):
        act(db, services, office.head_user, document, "sign")  # away: the Plh. alone acts for her desk
    db.rollback()
    act(db, services, office.secretary_user, document, "return", comment=REASON)
    db.commit()
    assert document.state == DocumentState.RETURNED
    later = _letter(db, services, office.drafter, SecurityClass.BIASA, title="Surat kedua")
    with pytest.raises(ValidationFailed) as refused:
        _route(db, services, office, later, office.subhead, office.secretary)
    assert "alone holds or stands in" in refused.value.reason


def test_initialling_twice_is_refused_when_the_delegation_starts_after_the_route(db, services, office):
    """The sub-head becomes Plh. of the secretary after the route is set: may she initial both steps?"""
    document = _letter(db, services, office.drafter, SecurityClass.BIASA)
    _route(db, services, office, document, office.subhead, office.secretary)
    act(db, services, office.drafter, document, "submit")
    act(db, services, office.subhead_user, document, "initial")
    create_delegation(db, position=office.secretary, delegate=office.subhead_user, kind="plh", starts_on=TODAY,
                      ends_on=TODAY + WEEK)
    db.commit()
    with pytest.raises(PermissionDenied):
        act(db, services, office.subhead_user, document, "initial")
    db.rollback()
    act(db, services, office.subhead_user, document, "return", comment=REASON)  # she may still send it back
    db.commit()
    assert document.state == DocumentState.RETURNED


def _signed(db, services, office, security=SecurityClass.BIASA):
    document = _letter(db, services, office.drafter, security)
    _route(db, services, office, document, office.subhead)
    for actor, action in ((office.drafter, "submit"), (office.subhead_user, "initial"), (office.head_user, "sign")):
        act(db, services, actor, document, action)
    db.commit()
    return document


def test_only_the_drafter_the_signer_the_clerk_or_an_admin_start_a_correction(db, services, office):
    """Every reader of a signed Biasa letter may read it: which of them may start its correction?"""
    signed = _signed(db, services, office)
    for reader in (office.outsider, office.subhead_user, office.secretary_user):
        assert _reads(db, reader, signed)
        assert Permission.CORRECT not in permissions(reader, signed, _positions(db, reader))
        with pytest.raises(PermissionDenied) as refused:
            _letter(db, services, reader, SecurityClass.BIASA, title="Ralat", replaces=signed)
        assert "correction" in refused.value.reason
        db.rollback()
    for corrector in (office.drafter, office.head_user, office.clerk, office.admin):
        assert Permission.CORRECT in permissions(corrector, signed, _positions(db, corrector)), corrector.username
    correction = _letter(db, services, office.clerk, SecurityClass.BIASA, title="Ralat", replaces=signed)
    assert correction.replaces_id == signed.id


def test_a_correction_through_the_api_is_refused_to_a_mere_reader(client, db, services, office, token_for):
    """Does the API answer 403 when a reader who is neither drafter, signer nor clerk starts a correction?"""
    from tests.conftest import upload
    from tests.fixtures import make_pdf

    signed = _signed(db, services, office)
    response = upload(client, token_for(office.outsider), make_pdf("Ralat"), title="Ralat", replaces=str(signed.id))
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "replaces"
    response = upload(client, token_for(office.drafter), make_pdf("Ralat"), title="Ralat", replaces=str(signed.id))
    assert response.status_code == 201, response.get_json()


def test_a_plh_of_the_drafters_desk_submits_and_withdraws_open_letters_not_secret_ones(db, services, office):
    """The drafter is away and the sub-head is Plh. of her desk: may he submit or withdraw her drafts?"""
    create_delegation(db, position=office.staff, delegate=office.subhead_user, kind="plh", starts_on=TODAY,
                      ends_on=TODAY + WEEK)
    db.commit()
    open_letter = _letter(db, services, office.drafter, SecurityClass.BIASA)
    _route(db, services, office, open_letter, office.secretary)
    act(db, services, office.subhead_user, open_letter, "submit")
    act(db, services, office.subhead_user, open_letter, "withdraw")
    db.commit()
    assert open_letter.state == DocumentState.WITHDRAWN
    event = db.scalars(select(AuditEvent).where(AuditEvent.document_id == open_letter.id)
                       .order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.delegation_kind, event.actor_position_title) == (
        "withdraw", "plh", f"Plh. {office.staff.title}")
    secret = _letter(db, services, office.drafter)
    with pytest.raises(PermissionDenied):
        act(db, services, office.subhead_user, secret, "withdraw")
    db.rollback()
    assert not _reads(db, office.subhead_user, secret)


def test_the_rule_agrees_in_sql_and_python_for_every_class_and_state(db, services, office):
    """Across classes and route states, do can_read and readable_clause say the same for every person?"""
    other = _colleague(db, office.staff, "pelaksana-kedua")
    documents = []
    for security in SecurityClass:
        documents.append(_letter(db, services, office.drafter, security))
        documents.append(_signed(db, services, office, security))
    people = [office.drafter, other, office.subhead_user, office.secretary_user, office.head_user, office.clerk,
              office.outsider, office.admin]
    seen = {(user.username, document.security_class, document.state): _reads(db, user, document)
            for user in people for document in documents}
    assert seen[(other.username, SecurityClass.BIASA, DocumentState.SIGNED)]
    assert not seen[(other.username, SecurityClass.RAHASIA, DocumentState.SIGNED)]
    assert seen[(office.subhead_user.username, SecurityClass.SANGAT_RAHASIA, DocumentState.SIGNED)]
    assert not seen[(office.secretary_user.username, SecurityClass.RAHASIA, DocumentState.DRAFT)]
