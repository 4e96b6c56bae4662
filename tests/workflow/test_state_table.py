"""The transition table, walked for every (state, action, role): the guard follows it and nothing else.

A letter is put into each state once per backend by the real operations; every attempt then runs in
its own savepoint, which is rolled back, so each one starts from the same letter.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from docflow.audit.models import AuditEvent, AuditHead
from docflow.auth.models import User
from docflow.documents.models import Document, DocumentState as S
from docflow.errors import InvalidTransition, PermissionDenied
from docflow.services import Services
from docflow.workflow.models import RouteStep
from docflow.workflow.operations import perform_action
from docflow.workflow.states import TRANSITIONS, Action, Slot, allowed_actions, transition_for
from tests.conftest import BACKENDS, make_settings
from tests.workflow.helpers import NOW, REASON, build_office, put_in_state

ROLES = ("drafter", "current_verifier", "signer", "other_verifier", "records_clerk", "outsider", "admin")
# Which of the roles fills each slot of the letters below (route: sub-head, secretary, head).
FILLS = {
    Slot.DRAFTER: "drafter",
    Slot.VERIFIER: "current_verifier",  # the sub-head, whose step is current while in verification
    Slot.SIGNER: "signer",
    Slot.RECORDS_CLERK: "records_clerk",
}

# The domain's approval route written out by hand (DOMAIN.md), so the table itself is checked too.
EXPECTED_TABLE = {
    (S.DRAFT, Action.SUBMIT): (S.IN_VERIFICATION, Slot.DRAFTER),
    (S.RETURNED, Action.SUBMIT): (S.IN_VERIFICATION, Slot.DRAFTER),
    (S.IN_VERIFICATION, Action.INITIAL): (S.IN_VERIFICATION, Slot.VERIFIER),
    (S.IN_VERIFICATION, Action.RETURN): (S.RETURNED, Slot.VERIFIER),
    (S.IN_VERIFICATION, Action.REJECT): (S.REJECTED, Slot.VERIFIER),
    (S.APPROVED, Action.SIGN): (S.SIGNED, Slot.SIGNER),
    (S.APPROVED, Action.RETURN): (S.RETURNED, Slot.SIGNER),
    (S.APPROVED, Action.REJECT): (S.REJECTED, Slot.SIGNER),
    (S.DRAFT, Action.WITHDRAW): (S.WITHDRAWN, Slot.DRAFTER),
    (S.IN_VERIFICATION, Action.WITHDRAW): (S.WITHDRAWN, Slot.DRAFTER),
    (S.RETURNED, Action.WITHDRAW): (S.WITHDRAWN, Slot.DRAFTER),
    (S.APPROVED, Action.WITHDRAW): (S.WITHDRAWN, Slot.DRAFTER),
    (S.SIGNED, Action.SEND): (S.SENT, Slot.RECORDS_CLERK),
    (S.SIGNED, Action.FILE): (S.FILED, Slot.RECORDS_CLERK),
    (S.SENT, Action.FILE): (S.FILED, Slot.RECORDS_CLERK),
}


@dataclass
class World:
    """The module's connection and services, and who and what the attempts are made with (by id)."""

    connection: Connection
    services: Services
    letters: dict[S, int]
    users: dict[str, int]


@pytest.fixture(scope="module", params=[
    pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in BACKENDS])
def world(request: pytest.FixtureRequest, _engines: dict[str, Callable[[], Engine]],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One letter in each state, built once per backend inside an outer transaction rolled back at the end."""
    engine = _engines[request.param]()
    connection = engine.connect()
    outer = connection.begin()
    services = Services.from_settings(make_settings(Path(tmp_path_factory.mktemp("table"))), bind=connection)
    services.store.ensure_ready()
    session = services.db.session()
    try:
        office = build_office(session, "TABEL")
        letters = {state: put_in_state(session, services, office, state).id for state in S}
        users = {
            "drafter": office.drafter.id, "current_verifier": office.subhead_user.id, "signer": office.head_user.id,
            "other_verifier": office.secretary_user.id, "records_clerk": office.clerk.id,
            "outsider": office.outsider.id, "admin": office.admin.id,
        }
        session.commit()
        session.close()  # each attempt opens its own session on the same connection
        yield World(connection, services, letters, users)
    finally:
        session.close()
        services.index.close()
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def attempt_session(world: World) -> Iterator[Session]:
    """A session whose work is undone after the test (a savepoint inside the module's transaction)."""
    session = world.services.db.session()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def _snapshot(session: Session, document_id: int) -> tuple:
    """Read what an action could change, from the database rather than the session's cache."""
    session.flush()
    letter_events = select(func.count(AuditEvent.id)).where(AuditEvent.document_id == document_id)
    row = session.execute(select(Document.state, Document.revision, Document.number, Document.signature_block,
                                 letter_events.scalar_subquery(), select(AuditHead.count).scalar_subquery())
                          .where(Document.id == document_id)).one()
    steps = session.execute(select(RouteStep.order, RouteStep.state, RouteStep.acted_by_user_id, RouteStep.due_at)
                            .where(RouteStep.document_id == document_id).order_by(RouteStep.order)).all()
    return (*row, tuple(steps))


def test_the_table_is_the_domain_route():
    """Is the one table in code exactly the route DOMAIN.md describes (no more, no less)?"""
    assert {key: (t.target, t.slot) for key, t in TRANSITIONS.items()} == EXPECTED_TABLE
    assert {key for key, t in TRANSITIONS.items() if t.needs_comment} == {
        (S.IN_VERIFICATION, Action.RETURN), (S.IN_VERIFICATION, Action.REJECT),
        (S.APPROVED, Action.RETURN), (S.APPROVED, Action.REJECT)}
    for state in S:
        assert set(allowed_actions(state)) == {a for (s, a) in EXPECTED_TABLE if s == state}


def test_an_unknown_action_is_an_invalid_transition():
    """Is a made-up action refused by the same guard, naming the field?"""
    with pytest.raises(InvalidTransition) as refused:
        transition_for(S.DRAFT, "approve")
    assert refused.value.field == "action" and refused.value.status == 409


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(S, Action, ROLES)),
                         ids=lambda v: str(v))
def test_every_state_action_and_role(world: World, attempt_session: Session, state: S, action: Action,
                                     role: str) -> None:
    """Does the action succeed exactly when the table allows it and the role fills the slot?"""
    session = attempt_session
    document_id = world.letters[state]
    actor = session.get(User, world.users[role])
    transition = TRANSITIONS.get((state, action))
    before = _snapshot(session, document_id)
    revision = before[1]

    def attempt() -> Document:
        return perform_action(session, actor=actor, document_id=document_id, action=action,
                              expected_revision=revision, comment=REASON, now=NOW,
                              settings=world.services.settings.workflow)

    if transition is None:
        with pytest.raises(InvalidTransition) as refused:
            attempt()
        assert refused.value.status == 409
    elif FILLS[transition.slot] != role:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.status == 403
    else:
        document = attempt()
        assert document.state == transition.target
        assert document.revision == revision + 1
        after = _snapshot(session, document_id)
        assert after[0] == transition.target and after[1] == revision + 1
        assert after[4] == before[4] + 1 and after[5] == before[5] + 1  # exactly one audit record
        event = session.scalars(select(AuditEvent).where(AuditEvent.document_id == document_id)
                                .order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.from_state, event.to_state, event.actor_user_id) == (
            action, state, transition.target, actor.id)
        assert event.document_revision == revision + 1
        return
    assert _snapshot(session, document_id) == before, "a refused action changed the letter"
