"""The approval state machine as data: one table of transitions and one guard."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from docflow.documents.models import DocumentState as S
from docflow.errors import N_, InvalidTransition, Message


class Action(enum.StrEnum):
    SUBMIT = "submit"      # drafter sends the draft (or the revised letter) into verification
    INITIAL = "initial"    # paraf: a verifier approves her step
    RETURN = "return"      # a verifier or the signer sends it back for revision, with a comment
    SIGN = "sign"          # the signer signs; the number is allocated now
    REJECT = "reject"      # a verifier or the signer stops the letter for good
    WITHDRAW = "withdraw"  # the drafter takes it back before signing
    SEND = "send"          # the records clerk sends the signed letter
    FILE = "file"          # the records clerk files it in the archive


class Slot(enum.StrEnum):
    """Who may take an action: resolved against the document's route and the actor's positions."""

    DRAFTER = "drafter"
    VERIFIER = "verifier"          # the holder (or Plt./Plh.) of the current verification step
    SIGNER = "signer"              # the holder (or Plt./Plh.) of the signing step
    RECORDS_CLERK = "records_clerk"


@dataclass(frozen=True)
class Transition:
    target: S
    slot: Slot
    # Where SUBMIT and INITIAL land when no verification step remains: the letter awaits its signer.
    target_when_verified: S | None = None
    needs_comment: bool = False


TRANSITIONS: dict[tuple[S, Action], Transition] = {
    (S.DRAFT, Action.SUBMIT): Transition(S.IN_VERIFICATION, Slot.DRAFTER, target_when_verified=S.APPROVED),
    (S.RETURNED, Action.SUBMIT): Transition(S.IN_VERIFICATION, Slot.DRAFTER, target_when_verified=S.APPROVED),
    (S.IN_VERIFICATION, Action.INITIAL): Transition(S.IN_VERIFICATION, Slot.VERIFIER, target_when_verified=S.APPROVED),
    (S.IN_VERIFICATION, Action.RETURN): Transition(S.RETURNED, Slot.VERIFIER, needs_comment=True),
    (S.IN_VERIFICATION, Action.REJECT): Transition(S.REJECTED, Slot.VERIFIER, needs_comment=True),
    (S.APPROVED, Action.SIGN): Transition(S.SIGNED, Slot.SIGNER),
    (S.APPROVED, Action.RETURN): Transition(S.RETURNED, Slot.SIGNER, needs_comment=True),
    (S.APPROVED, Action.REJECT): Transition(S.REJECTED, Slot.SIGNER, needs_comment=True),
    (S.DRAFT, Action.WITHDRAW): Transition(S.WITHDRAWN, Slot.DRAFTER),
    (S.IN_VERIFICATION, Action.WITHDRAW): Transition(S.WITHDRAWN, Slot.DRAFTER),
    (S.RETURNED, Action.WITHDRAW): Transition(S.WITHDRAWN, Slot.DRAFTER),
    (S.APPROVED, Action.WITHDRAW): Transition(S.WITHDRAWN, Slot.DRAFTER),
    (S.SIGNED, Action.SEND): Transition(S.SENT, Slot.RECORDS_CLERK),
    (S.SIGNED, Action.FILE): Transition(S.FILED, Slot.RECORDS_CLERK),
    (S.SENT, Action.FILE): Transition(S.FILED, Slot.RECORDS_CLERK),
}

FINAL_STATES = frozenset({S.FILED, S.REJECTED, S.WITHDRAWN})
# Once signed, a letter's content and fields never change again.
FROZEN_STATES = frozenset({S.SIGNED, S.SENT, S.FILED})

# Names of states and actions inside refusals, translated where they are shown.
STATE_NAMES = {
    S.DRAFT: N_("a draft"), S.IN_VERIFICATION: N_("in verification"), S.RETURNED: N_("returned for revision"),
    S.APPROVED: N_("approved, awaiting signature"), S.SIGNED: N_("signed"), S.SENT: N_("sent"),
    S.FILED: N_("filed"), S.REJECTED: N_("rejected"), S.WITHDRAWN: N_("withdrawn"),
    S.RECEIVED: N_("an incoming letter"),
}
ACTION_NAMES = {
    Action.SUBMIT: N_("submit"), Action.INITIAL: N_("initial (paraf)"), Action.RETURN: N_("return for revision"),
    Action.SIGN: N_("sign"), Action.REJECT: N_("reject"), Action.WITHDRAW: N_("withdraw"),
    Action.SEND: N_("mark as sent"), Action.FILE: N_("file in the archive"),
}


def state_name(state: str) -> Message:
    """Return a state's name for a message (translated where it is shown)."""
    return Message(STATE_NAMES[S(state)])


def action_name(action: str) -> Message:
    """Return an action's name for a message (translated where it is shown)."""
    return Message(ACTION_NAMES[Action(action)])


def transition_for(state: str, action: str) -> Transition:
    """Return the transition for an action in a state, or raise InvalidTransition."""
    try:
        key = (S(state), Action(action))
    except ValueError:
        known = state in S.__members__.values()
        if known:
            raise InvalidTransition(N_("unknown action %(action)r"), field="action", action=action) from None
        raise InvalidTransition(N_("unknown state %(state)r"), field="action", state=state) from None
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise InvalidTransition(N_("a letter that is %(state)s cannot be given the action “%(action)s”"),
                                field="action", state=state_name(state), action=action_name(action))
    return transition


def allowed_actions(state: str) -> list[Action]:
    """Return the actions the table allows in a state (who may take them is checked separately)."""
    return [action for (s, action) in TRANSITIONS if s == state]
