"""The disposisi state table, tested directly over every state and action (no HTTP, no database)."""
from __future__ import annotations

import pytest

from docflow.errors import InvalidTransition
from docflow.incoming.states import (
    FINAL_STATES,
    TRANSITIONS,
    DispositionAction,
    DispositionState,
    Slot,
    allowed_actions,
    transition_for,
)

S, A = DispositionState, DispositionAction
EXPECTED = {
    (S.UNREAD, A.READ): (S.READ, {Slot.RECIPIENT}),
    (S.UNREAD, A.CANCEL): (S.CANCELLED, {Slot.ISSUER}),
    (S.UNREAD, A.FORWARD): (S.READ, {Slot.RECIPIENT}),
    (S.READ, A.FORWARD): (S.READ, {Slot.RECIPIENT}),
    (S.FOLLOWED_UP, A.FORWARD): (S.FOLLOWED_UP, {Slot.RECIPIENT}),
    (S.READ, A.FOLLOW_UP): (S.FOLLOWED_UP, {Slot.RECIPIENT}),
    (S.READ, A.DONE): (S.DONE, {Slot.RECIPIENT, Slot.ISSUER}),
    (S.FOLLOWED_UP, A.DONE): (S.DONE, {Slot.RECIPIENT, Slot.ISSUER}),
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(A))
def test_every_state_and_action(state, action):
    """Is each pair either the expected transition or refused as invalid (409)?"""
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            transition_for(state, action)
        assert refused.value.status == 409
    else:
        transition = transition_for(state, action)
        assert (transition.target, set(transition.slots)) == expected


def test_the_table_is_exactly_the_expected_one():
    assert set(TRANSITIONS) == set(EXPECTED)
    assert all(allowed_actions(s) == [] for s in FINAL_STATES)


def test_cancel_after_read_names_the_state():
    with pytest.raises(InvalidTransition, match="that is read cannot be given the action “cancel”"):
        transition_for(S.READ, A.CANCEL)


def test_unknown_action_is_refused():
    with pytest.raises(InvalidTransition, match="unknown action 'approve'"):
        transition_for(S.UNREAD, "approve")
