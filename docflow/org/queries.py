"""Who holds which desk today, and who acts for it (Plt./Plh.)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

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


def _standing_in(session: Session, position_id: int, on: date, author_id: int | None) -> Delegation | None:
    delegation = active_delegation(session, position_id, on)
    # A delegate never acts on her own letter; for that letter the desk stays with its holder.
    if delegation is not None and author_id is not None and delegation.delegate_user_id == author_id:
        return None
    return delegation


def capacity_for(session: Session, user: User, position_id: int, on: date, *,
                 author_id: int | None = None) -> Capacity | None:
    """Return how the user may act for the position on a day, or None if they may not.

    The one rule of standing in: while a Plt./Plh. assignment is in force for a desk, its delegate
    alone acts for it (verifies, signs, disposes), as "Plh." or "Plt."; the holder, away, does not,
    and gets the desk back the day the assignment ends or is revoked. Reading is not acting: the
    holder keeps reading her desk's letters meanwhile. With `author_id` (the letter's drafter): a
    delegate who drafted the letter does not stand in for it (the holder acts on it), and a holder
    who drafted it keeps acting on her own draft.
    """
    position = session.get(Position, position_id)
    if position is None or not user.is_active:
        return None
    delegation = _standing_in(session, position_id, on, author_id)
    if delegation is not None:
        if delegation.delegate_user_id == user.id:
            return Capacity(position=position, via=delegation.kind, delegation=delegation)
        if author_id is None or author_id != user.id:
            return None
        # Her own draft stays hers: the holder who wrote it acts on it in person, even while a Plh. stands in.
    if position_id in held_position_ids(session, user.id, on):
        return Capacity(position=position, via="holder")
    return None


def acting_people(session: Session, position_id: int, on: date, *, author_id: int | None = None) -> list[User]:
    """Return who acts for a desk on a day under capacity_for's rule: its Plt./Plh. if one is in force, else
    its holders."""
    delegation = _standing_in(session, position_id, on, author_id)
    if delegation is not None:
        delegate = session.get(User, delegation.delegate_user_id)
        return [delegate] if delegate is not None else []
    return holders(session, position_id, on)


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


def head_desks(session: Session, *, unit_id: int | None = None,
               position_ids: Iterable[int] | None = None) -> list[Position]:
    """Return the active head desks (no superior inside their own unit) of a unit or among positions, highest first."""
    parent = aliased(Position)
    stmt = (select(Position).outerjoin(parent, parent.id == Position.parent_id)
            .where(Position.is_active.is_(True), or_(parent.id.is_(None), parent.unit_id != Position.unit_id)))
    if unit_id is not None:
        stmt = stmt.where(Position.unit_id == unit_id)
    if position_ids is not None:
        ids = set(position_ids)
        if not ids:
            return []
        stmt = stmt.where(Position.id.in_(ids))
    return sorted(session.scalars(stmt), key=lambda p: (p.level, p.id))
