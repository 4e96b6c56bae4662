"""The life of a retention batch as data: one table of transitions per kind, and one guard."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from docflow.errors import N_, InvalidTransition, Message
from docflow.retention.models import BatchKind as K
from docflow.retention.models import BatchState as S


class BatchAction(enum.StrEnum):
    REVIEW = "review"      # destruction: the panitia penilai has reviewed the list (may have removed items)
    APPROVE = "approve"    # the unit's head (transfer) or the authorised official (destruction)
    REJECT = "reject"      # whoever would decide next refuses the batch, saying why
    CANCEL = "cancel"      # the archives unit withdraws its proposal
    COMPLETE = "complete"  # the berita acara was signed: the batch is carried out (the system)


class Decider(enum.StrEnum):
    """Who takes an action: resolved against the batch and the actor's roles and desks."""

    ARCHIVIST = "archivist"
    PANEL = "panel"              # a member of the panitia penilai (retention.appraisal_panel)
    UNIT_HEAD = "unit_head"      # holder (or Plt./Plh.) of the top desk of the letters' unit
    OFFICIAL = "official"        # an official of the eselon the batch's retention length requires
    SYSTEM = "system"


@dataclass(frozen=True)
class BatchTransition:
    target: S
    decider: Decider
    needs_reason: bool = False


TRANSITIONS: dict[tuple[K, S, BatchAction], BatchTransition] = {
    (K.TRANSFER, S.PROPOSED, BatchAction.APPROVE): BatchTransition(S.AWAITING_SIGNATURE, Decider.UNIT_HEAD),
    (K.TRANSFER, S.PROPOSED, BatchAction.REJECT): BatchTransition(S.REJECTED, Decider.UNIT_HEAD, needs_reason=True),
    (K.TRANSFER, S.PROPOSED, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
    (K.TRANSFER, S.AWAITING_SIGNATURE, BatchAction.COMPLETE): BatchTransition(S.DONE, Decider.SYSTEM),
    # Only once its berita acara was rejected or withdrawn on its route (checked by the operation).
    (K.TRANSFER, S.AWAITING_SIGNATURE, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
    (K.DESTRUCTION, S.PROPOSED, BatchAction.REVIEW): BatchTransition(S.REVIEWED, Decider.PANEL),
    (K.DESTRUCTION, S.PROPOSED, BatchAction.REJECT): BatchTransition(S.REJECTED, Decider.PANEL, needs_reason=True),
    (K.DESTRUCTION, S.PROPOSED, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
    (K.DESTRUCTION, S.REVIEWED, BatchAction.APPROVE): BatchTransition(S.AWAITING_SIGNATURE, Decider.OFFICIAL),
    (K.DESTRUCTION, S.REVIEWED, BatchAction.REJECT): BatchTransition(S.REJECTED, Decider.OFFICIAL,
                                                                      needs_reason=True),
    (K.DESTRUCTION, S.AWAITING_SIGNATURE, BatchAction.COMPLETE): BatchTransition(S.DONE, Decider.SYSTEM),
    (K.DESTRUCTION, S.AWAITING_SIGNATURE, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
    # Penyerahan: the authorised official (as for a destruction, by retention length) approves; no panel.
    (K.HANDOVER, S.PROPOSED, BatchAction.APPROVE): BatchTransition(S.AWAITING_SIGNATURE, Decider.OFFICIAL),
    (K.HANDOVER, S.PROPOSED, BatchAction.REJECT): BatchTransition(S.REJECTED, Decider.OFFICIAL, needs_reason=True),
    (K.HANDOVER, S.PROPOSED, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
    (K.HANDOVER, S.AWAITING_SIGNATURE, BatchAction.COMPLETE): BatchTransition(S.DONE, Decider.SYSTEM),
    (K.HANDOVER, S.AWAITING_SIGNATURE, BatchAction.CANCEL): BatchTransition(S.CANCELLED, Decider.ARCHIVIST),
}

# Batches whose letters may not be put on another batch of the same kind.
OPEN_STATES = frozenset({S.PROPOSED, S.REVIEWED, S.AWAITING_SIGNATURE})

STATE_NAMES = {
    S.PROPOSED: N_("proposed"), S.REVIEWED: N_("reviewed by the panitia penilai"),
    S.AWAITING_SIGNATURE: N_("approved, berita acara awaiting signature"), S.DONE: N_("carried out"),
    S.REJECTED: N_("rejected"), S.CANCELLED: N_("cancelled"),
}


def batch_transition(kind: str, state: str, action: str) -> BatchTransition:
    """Return the transition for an action on a batch, or raise InvalidTransition."""
    try:
        key = (K(kind), S(state), BatchAction(action))
    except ValueError:
        raise InvalidTransition(N_("unknown action %(action)r"), field="action", action=action) from None
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise InvalidTransition(N_("a batch that is %(state)s cannot be given the action “%(action)s”"),
                                field="action", state=Message(STATE_NAMES[S(state)]), action=action)
    return transition


def batch_actions(kind: str, state: str) -> list[BatchAction]:
    """Return the actions people may take on a batch in a state (who may is checked separately)."""
    return [action for (k, s, action), t in TRANSITIONS.items()
            if k == kind and s == state and t.decider != Decider.SYSTEM]
