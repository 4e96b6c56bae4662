"""Who holds which desk today, and who acts for it (Plt./Plh.)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.org.models import Assignment, Delegation, Position


@dataclass(frozen=True)
class Capacity:
    """In what capacity a user acts for a position: as its holder, or as its Plt./Plh."""

    position: Position
    via: str  # "holder", "plt" or "plh"
    delegation: Delegation | None = None

    @property
    def prefix(self) -> str:
        """Return the title prefix for the signature block ("Plt. ", "Plh. " or "")."""
        return {"plt": "Plt. ", "plh": "Plh. "}.get(self.via, "")


def _active_assignment(on: date):
    return and_(Assignment.starts_on <= on, or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on))


def _active_delegation(on: date):
    return and_(Delegation.starts_on <= on, Delegation.ends_on >= on, Delegation.revoked.is_(False))


def held_position_ids(session: Session, user_id: int, on: date) -> set[int]:
    """Return the positions the user holds on a day."""
    return set(session.scalars(select(Assignment.position_id).where(Assignment.user_id == user_id,
                                                                    _active_assignment(on))))


def delegated_position_ids(session: Session, user_id: int, on: date) -> set[int]:
    """Return the positions the user acts for as Plt./Plh. on a day."""
    return set(session.scalars(select(Delegation.position_id).where(Delegation.delegate_user_id == user_id,
                                                                    _active_delegation(on))))


def acting_position_ids(session: Session, user_id: int, on: date) -> set[int]:
    """Return every position whose queue the user sees on a day (held or delegated)."""
    return held_position_ids(session, user_id, on) | delegated_position_ids(session, user_id, on)


def holders(session: Session, position_id: int, on: date) -> list[User]:
    """Return the people holding a position on a day."""
    return list(session.scalars(select(User).join(Assignment, Assignment.user_id == User.id)
                                .where(Assignment.position_id == position_id, _active_assignment(on))))


def active_delegation(session: Session, position_id: int, on: date) -> Delegation | None:
    """Return the Plt./Plh. assignment in force for a position on a day, if any."""
    return session.scalars(select(Delegation).where(Delegation.position_id == position_id,
                                                    _active_delegation(on))).first()


def capacity_for(session: Session, user: User, position_id: int, on: date) -> Capacity | None:
    """Return how the user may act for the position on a day, or None if they may not."""
    position = session.get(Position, position_id)
    if position is None or not user.is_active:
        return None
    if position_id in held_position_ids(session, user.id, on):
        return Capacity(position=position, via="holder")
    delegation = active_delegation(session, position_id, on)
    if delegation is not None and delegation.delegate_user_id == user.id:
        return Capacity(position=position, via=delegation.kind, delegation=delegation)
    return None


def can_be_acted_for(session: Session, position_id: int, on: date) -> bool:
    """Tell whether anyone holds the position or acts for it on a day."""
    return bool(holders(session, position_id, on)) or active_delegation(session, position_id, on) is not None


def position_chain(position: Position) -> list[Position]:
    """Return the superiors of a position, nearest first."""
    chain: list[Position] = []
    current = position.parent
    seen = {position.id}
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.parent
    return chain
