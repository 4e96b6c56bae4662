"""The disposisi state machine as data: one table of transitions and one guard."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from docflow.errors import N_, InvalidTransition, Message


class LetterState(enum.StrEnum):
    REGISTERED = "registered"    # in the book, no disposisi yet
    IN_PROGRESS = "in_progress"  # a disposisi is being carried out
    DONE = "done"                # every disposisi is done or cancelled, at least one done
    FORWARDED = "forwarded"      # registered at the wrong unit, passed to the right unit's book


class DispositionState(enum.StrEnum):
    UNREAD = "unread"
    READ = "read"
    FOLLOWED_UP = "followed_up"  # tindak lanjut reported
    DONE = "done"
    CANCELLED = "cancelled"


class DispositionAction(enum.StrEnum):
    READ = "read"
    FOLLOW_UP = "follow-up"
    DONE = "done"
    CANCEL = "cancel"
    FORWARD = "forward"  # pass it further down: new nodes below this one


class Slot(enum.StrEnum):
    RECIPIENT = "recipient"  # the holder (or Plt./Plh.) of the node's desk
    ISSUER = "issuer"        # the holder (or Plt./Plh.) of the desk that gave it


@dataclass(frozen=True)
class Transition:
    target: DispositionState
    slots: frozenset[Slot]
    needs_note: bool = False


S, A = DispositionState, DispositionAction
_RECIPIENT, _ISSUER = frozenset({Slot.RECIPIENT}), frozenset({Slot.ISSUER})

TRANSITIONS: dict[tuple[DispositionState, DispositionAction], Transition] = {
    (S.UNREAD, A.READ): Transition(S.READ, _RECIPIENT),
    (S.UNREAD, A.CANCEL): Transition(S.CANCELLED, _ISSUER),
    # Passing it down is reading it.
    (S.UNREAD, A.FORWARD): Transition(S.READ, _RECIPIENT),
    (S.READ, A.FORWARD): Transition(S.READ, _RECIPIENT),
    (S.FOLLOWED_UP, A.FORWARD): Transition(S.FOLLOWED_UP, _RECIPIENT),
    (S.READ, A.FOLLOW_UP): Transition(S.FOLLOWED_UP, _RECIPIENT, needs_note=True),
    # "Untuk diketahui" needs no report: read is enough to close it.
    (S.READ, A.DONE): Transition(S.DONE, _RECIPIENT | _ISSUER),
    (S.FOLLOWED_UP, A.DONE): Transition(S.DONE, _RECIPIENT | _ISSUER),
}

FINAL_STATES = frozenset({S.DONE, S.CANCELLED})

STATE_NAMES = {
    S.UNREAD: N_("unread"), S.READ: N_("read"), S.FOLLOWED_UP: N_("followed up"), S.DONE: N_("done"),
    S.CANCELLED: N_("cancelled"),
}
ACTION_NAMES = {
    A.READ: N_("mark as read"), A.FOLLOW_UP: N_("report the follow-up"), A.DONE: N_("mark as done"),
    A.CANCEL: N_("cancel"), A.FORWARD: N_("pass it further down"),
}


def transition_for(state: str, action: str) -> Transition:
    """Return the transition for an action on a node in a state, or raise InvalidTransition."""
    try:
        key = (DispositionState(state), DispositionAction(action))
    except ValueError:
        raise InvalidTransition(N_("unknown action %(action)r"), field="action", action=action) from None
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise InvalidTransition(N_("a disposisi that is %(state)s cannot be given the action “%(action)s”"),
                                field="action", state=Message(STATE_NAMES[key[0]]),
                                action=Message(ACTION_NAMES[key[1]]))
    return transition


def allowed_actions(state: str) -> list[DispositionAction]:
    """Return the actions the table allows in a state (who may take them is checked separately)."""
    return [action for (s, action) in TRANSITIONS if s == state]
