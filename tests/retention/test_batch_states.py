"""The batch state table, directly: every kind, state and action, no HTTP."""
from __future__ import annotations

import itertools

import pytest

from docflow.errors import InvalidTransition
from docflow.retention.models import BatchKind, BatchState
from docflow.retention.states import TRANSITIONS, BatchAction, Decider, batch_actions, batch_transition

EXPECTED = {
    ("transfer", "proposed", "approve"): ("awaiting_signature", Decider.UNIT_HEAD),
    ("transfer", "proposed", "reject"): ("rejected", Decider.UNIT_HEAD),
    ("transfer", "proposed", "cancel"): ("cancelled", Decider.ARCHIVIST),
    ("transfer", "awaiting_signature", "complete"): ("done", Decider.SYSTEM),
    ("transfer", "awaiting_signature", "cancel"): ("cancelled", Decider.ARCHIVIST),
    ("destruction", "proposed", "review"): ("reviewed", Decider.PANEL),
    ("destruction", "proposed", "reject"): ("rejected", Decider.PANEL),
    ("destruction", "proposed", "cancel"): ("cancelled", Decider.ARCHIVIST),
    ("destruction", "reviewed", "approve"): ("awaiting_signature", Decider.OFFICIAL),
    ("destruction", "reviewed", "reject"): ("rejected", Decider.OFFICIAL),
    ("destruction", "awaiting_signature", "complete"): ("done", Decider.SYSTEM),
    ("destruction", "awaiting_signature", "cancel"): ("cancelled", Decider.ARCHIVIST),
    # Penyerahan: no panel (nothing is destroyed); the authorised official approves.
    ("handover", "proposed", "approve"): ("awaiting_signature", Decider.OFFICIAL),
    ("handover", "proposed", "reject"): ("rejected", Decider.OFFICIAL),
    ("handover", "proposed", "cancel"): ("cancelled", Decider.ARCHIVIST),
    ("handover", "awaiting_signature", "complete"): ("done", Decider.SYSTEM),
    ("handover", "awaiting_signature", "cancel"): ("cancelled", Decider.ARCHIVIST),
}


@pytest.mark.parametrize(("kind", "state", "action"), list(itertools.product(BatchKind, BatchState, BatchAction)))
def test_every_kind_state_and_action(kind, state, action):
    """Is each (kind, state, action) either the expected transition or refused?"""
    expected = EXPECTED.get((kind, state, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            batch_transition(kind, state, action)
    else:
        transition = batch_transition(kind, state, action)
        assert (transition.target, transition.decider) == expected


def test_the_table_is_the_expected_one_and_a_destruction_is_always_reviewed_first():
    assert {(k, s, a): (t.target, t.decider) for (k, s, a), t in TRANSITIONS.items()} == EXPECTED
    assert batch_actions("destruction", "proposed") == ["review", "reject", "cancel"]
    assert "complete" not in batch_actions("transfer", "awaiting_signature")


def test_unknown_words_are_refused():
    with pytest.raises(InvalidTransition):
        batch_transition("transfer", "proposed", "destroy")
