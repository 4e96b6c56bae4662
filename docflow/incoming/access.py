"""Who may register incoming letters, read them, and act on their disposisi."""
from __future__ import annotations

import enum
from collections.abc import Iterable

from docflow.auth.models import Role, User
from docflow.documents.access import can_read
from docflow.incoming.models import Disposition, IncomingLetter
from docflow.incoming.states import FINAL_STATES, TRANSITIONS, DispositionAction, LetterState, Slot


class Permission(enum.StrEnum):
    READ = "read"
    DISPOSE = "dispose"  # give a top-level disposisi: the addressee, or her Plt./Plh. on the day
    REPLY = "reply"      # start a reply letter: an addressee, or the recipient of an open node
    FORWARD = "forward"  # pass a letter registered at the wrong unit to the right one: the unit's clerk


def can_register(user: User) -> bool:
    """Tell whether the user registers incoming letters: a records clerk of a unit."""
    return user.is_active and user.has_role(Role.RECORDS_CLERK) and user.unit_id is not None


def can_read_letter(user: User, letter: IncomingLetter, positions: Iterable[int] = ()) -> bool:
    """Tell whether the user may read the letter (the document's rule, with its desk grants).

    A letter another unit of the city sent is read there too; its entry in this unit's book (and
    the disposisi tree here) is for this unit, its clerk and the desks the letter was granted to.
    """
    document = letter.document
    if not can_read(user, document, positions):
        return False
    if letter.unit_id == document.unit_id or user.unit_id == letter.unit_id or letter.registered_by_id == user.id:
        return True
    return bool(set(positions) & {g.position_id for g in document.desk_grants})


def issuing_desks(letter: IncomingLetter, positions: Iterable[int]) -> list[int]:
    """Return the addressee desks of the letter the user acts for today (they may give a disposisi)."""
    acting = set(positions)
    return [a.position_id for a in letter.addressees if a.position_id in acting]


def letter_permissions(user: User, letter: IncomingLetter, positions: Iterable[int] = ()) -> frozenset[Permission]:
    """Return what the user may do to the letter."""
    positions = frozenset(positions)
    if not can_read_letter(user, letter, positions):
        return frozenset()
    granted = {Permission.READ}
    if letter.state == LetterState.FORWARDED:
        return frozenset(granted)
    if issuing_desks(letter, positions):
        granted.update({Permission.DISPOSE, Permission.REPLY})
    if letter.state == LetterState.REGISTERED and can_register(user) and user.unit_id == letter.unit_id:
        granted.add(Permission.FORWARD)
    return frozenset(granted)


def may_reply_from(node: Disposition, positions: Iterable[int]) -> bool:
    """Tell whether the user may start a reply letter from this node (its recipient, while it is open)."""
    return node.to_position_id in set(positions) and node.state not in FINAL_STATES


def node_slots(node: Disposition, positions: Iterable[int]) -> frozenset[Slot]:
    """Return in which capacities the user stands to a disposisi node (its recipient, its issuer)."""
    acting = set(positions)
    slots = set()
    if node.to_position_id in acting:
        slots.add(Slot.RECIPIENT)
    if node.from_position_id in acting:
        slots.add(Slot.ISSUER)
    return frozenset(slots)


def node_actions(node: Disposition, positions: Iterable[int]) -> list[DispositionAction]:
    """Return the actions the user may take on a node now (state table and capacity together)."""
    if node.state in FINAL_STATES:
        return []
    slots = node_slots(node, positions)
    return [action for (state, action), t in TRANSITIONS.items() if state == node.state and t.slots & slots]
