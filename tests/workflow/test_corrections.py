"""A signed letter is never changed again; a correction is a new letter that replaces it and links to it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from docflow.documents.models import Document, DocumentState
from docflow.errors import Conflict, InvalidTransition, PermissionDenied
from docflow.workflow.models import AllocatedNumber, StepState
from docflow.workflow.operations import set_route
from docflow.workflow.queries import replacement_of
from docflow.workflow.routes import StepSpec
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.workflow.helpers import NOW, REASON, act, put_in_state, revise


def _sign_along_the_route(db, services, office, document: Document) -> None:
    for actor, action in ((office.drafter, "submit"), (office.subhead_user, "initial"),
                          (office.secretary_user, "initial"), (office.head_user, "sign")):
        act(db, services, actor, document, action)


@pytest.mark.parametrize("state", [DocumentState.SIGNED, DocumentState.SENT, DocumentState.FILED])
def test_a_signed_letter_is_never_changed(db, services, office, state):
    """Are a new file, a new route and any further approval action all refused once a letter is signed?"""
    document = put_in_state(db, services, office, state)
    db.commit()
    frozen = (document.revision, document.number, document.signature_block, len(document.versions),
              [(s.position_id, s.state) for s in document.steps])
    with pytest.raises((PermissionDenied, Conflict)):
        revise(db, services, office.drafter, document)
    db.rollback()
    with pytest.raises(Conflict):
        set_route(db, actor=office.drafter, document=document, steps=[StepSpec("sign", office.secretary.id)],
                  expected_revision=document.revision, on=NOW.date(), settings=services.settings.workflow)
    db.rollback()
    for actor, action in ((office.drafter, "submit"), (office.drafter, "withdraw"), (office.head_user, "sign"),
                          (office.head_user, "return"), (office.subhead_user, "reject")):
        with pytest.raises(InvalidTransition):
            act(db, services, actor, document, action, comment=REASON)
        db.rollback()
    db.expire_all()
    assert (document.revision, document.number, document.signature_block, len(document.versions),
            [(s.position_id, s.state) for s in document.steps]) == frozen
    assert all(s.state == StepState.DONE for s in document.steps)


def test_a_correction_replaces_the_signed_letter_which_keeps_its_number(client, db, services, office, token_for):
    """Does POST /documents with replaces=<id> make a new letter linked to the old, with its own number?"""
    old = put_in_state(db, services, office, DocumentState.SIGNED)
    db.commit()
    old_number = old.number
    headers = token_for(office.drafter)
    r = upload(client, headers, make_pdf("Nota dinas penugasan (perbaikan)"), title="Penugasan (perbaikan)",
               classification_code="000.8.3.3", replaces=str(old.id))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["replaces"], body["state"], body["number"]) == (old.id, "draft", None)
    # A correction in progress replaces nothing yet: the signed letter stands until its correction is signed.
    assert replacement_of(db, old.id) is None

    correction = db.get(Document, body["id"])
    _sign_along_the_route(db, services, office, correction)
    db.commit()
    assert replacement_of(db, old.id).id == correction.id
    assert correction.replaces.id == old.id
    db.expire_all()
    assert (old.state, old.number) == (DocumentState.SIGNED, old_number)
    numbers = db.execute(select(AllocatedNumber.document_id, AllocatedNumber.seq)
                         .order_by(AllocatedNumber.seq)).all()
    assert [tuple(n) for n in numbers] == [(old.id, 1), (correction.id, 2)]  # the old number stays used
    assert correction.number != old_number
    shown = client.get(f"/api/v1/documents/{old.id}", headers=headers).get_json()
    assert (shown["number"], shown["state"]) == (old_number, "signed")


@pytest.mark.parametrize("state", [DocumentState.DRAFT, DocumentState.APPROVED, DocumentState.REJECTED])
def test_only_a_signed_letter_is_replaced(client, db, services, office, token_for, state):
    """Is a correction of a letter that was never signed refused with 409 (change that letter instead)?"""
    letter = put_in_state(db, services, office, state)
    db.commit()
    r = upload(client, token_for(office.drafter), make_pdf("Perbaikan"), title="Perbaikan", replaces=str(letter.id))
    assert r.status_code == 409
    assert r.get_json()["errors"][0]["field"] == "replaces"
    assert db.scalars(select(Document.id).where(Document.replaces_id == letter.id)).all() == []
