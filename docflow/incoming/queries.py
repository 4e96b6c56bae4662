"""Reads of incoming letters and disposisi that respect who may see them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.documents.access import readable_clause
from docflow.documents.access import DELIVERED_STATES
from docflow.documents.models import Document, DocumentRecipient, SecurityClass
from docflow.errors import N_, NotFound
from docflow.incoming.access import can_read_letter
from docflow.incoming.models import (
    INBOX_RANK_SQL,
    Disposition,
    DispositionInstruction,
    FollowUpAttachment,
    IncomingAddressee,
    IncomingLetter,
    IncomingReply,
)
from docflow.incoming.states import DispositionState, LetterState
from docflow.org.models import Position, Unit


# Counts stop here: a busy unit's book is "10,000+" rather than counted to its last letter on every page.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    capped: bool = False  # total is COUNT_CAP and there are more


def capped_count(session: Session, query, cap: int | None = None) -> tuple[int, bool]:
    """Count a query's rows up to cap (COUNT_CAP); return the count (at most cap) and whether there are more."""
    cap = COUNT_CAP if cap is None else cap
    found = session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery())) or 0
    return min(found, cap), found > cap


@dataclass
class TreeNode:
    """A disposisi node with the nodes passed down from it."""

    node: Disposition
    children: list[TreeNode] = field(default_factory=list)


def get_readable_letter(session: Session, user: User, letter_id: int, positions: Iterable[int] = ()) -> IncomingLetter:
    """Return the incoming letter if the user may read it; otherwise NotFound (existence is not revealed)."""
    letter = session.get(IncomingLetter, letter_id)
    if letter is None or not can_read_letter(user, letter, positions):
        raise NotFound(N_("incoming letter %(id)s does not exist or you may not read it"), id=letter_id)
    return letter


def get_readable_disposition(session: Session, user: User, disposition_id: int,
                             positions: Iterable[int] = ()) -> Disposition:
    """Return the disposisi node if the user may read its letter; otherwise NotFound."""
    node = session.get(Disposition, disposition_id)
    if node is None or not can_read_letter(user, node.letter, positions):
        raise NotFound(N_("disposisi %(id)s does not exist or you may not read it"), id=disposition_id)
    return node


def incoming_book(session: Session, user: User, unit_id: int, *, positions: Iterable[int] = (),
                  state: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Return one page of a unit's incoming book that the user may read, newest agenda number first."""
    conditions = [IncomingLetter.unit_id == unit_id, readable_clause(user, positions)]
    if state:
        conditions.append(IncomingLetter.state == state)
    base = select(IncomingLetter).join(Document, Document.id == IncomingLetter.document_id).where(*conditions)
    total, capped = capped_count(session, select(IncomingLetter.id).join(Document, Document.id == IncomingLetter.document_id)
                                 .where(*conditions))
    items = session.scalars(
        base.order_by(IncomingLetter.agenda_year.desc(), IncomingLetter.agenda_number.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).unique().all()
    return Page(list(items), total, page, per_page, capped)


def my_dispositions(session: Session, positions: Iterable[int], *, state: str | None = None, page: int = 1,
                    per_page: int = 20) -> Page:
    """Return one page of the disposisi given to the desks the user holds or acts for: open ones first."""
    positions = sorted(set(positions))
    if not positions:
        return Page([], 0, page, per_page)
    conditions = [Disposition.to_position_id.in_(positions)]
    # Due first (no due date last), then newest: the order the indexes of migration 0021 hold.
    order = [Disposition.due_on.asc().nulls_last(), Disposition.created_at.desc(), Disposition.id.desc()]
    if state:
        conditions.append(Disposition.state == state)
    else:
        conditions.append(Disposition.state != DispositionState.CANCELLED)
        order.insert(0, literal_column(INBOX_RANK_SQL.replace("CASE state", "CASE dispositions.state")))
    # count(*), not count(id): the (to_position_id, state) index alone answers it.
    total = session.scalar(select(func.count()).select_from(Disposition).where(*conditions)) or 0
    items = session.scalars(
        select(Disposition).where(*conditions)
        .order_by(*order)
        .offset((page - 1) * per_page).limit(per_page)
        .options(selectinload(Disposition.letter))
    ).unique().all()
    return Page(list(items), total, page, per_page)


def disposition_tree(session: Session, letter: IncomingLetter) -> list[TreeNode]:
    """Return the letter's disposisi as a tree: the roots (given by its addressees) in order, each with its children."""
    nodes = session.scalars(select(Disposition).where(Disposition.letter_id == letter.id)
                            .order_by(Disposition.created_at, Disposition.id)).unique().all()
    wrapped = {n.id: TreeNode(n) for n in nodes}
    roots = []
    for node in nodes:
        if node.parent_id is not None and node.parent_id in wrapped:
            wrapped[node.parent_id].children.append(wrapped[node.id])
        else:
            roots.append(wrapped[node.id])
    return roots


def instructions(session: Session) -> list[DispositionInstruction]:
    """Return the city's list of disposisi instructions in their order."""
    return list(session.scalars(select(DispositionInstruction).where(DispositionInstruction.is_active.is_(True))
                                .order_by(DispositionInstruction.ordering, DispositionInstruction.id)))


LETTER_STATES = tuple(LetterState)


def positions_below(session: Session, position_id: int) -> list[Position]:
    """Return the active desks below a desk (its subordinates, theirs, and so on), by eselon then title."""
    found: dict[int, Position] = {}
    frontier = [position_id]
    while frontier:
        children = session.scalars(select(Position).where(Position.parent_id.in_(frontier),
                                                          Position.is_active.is_(True))).all()
        frontier = [c.id for c in children if c.id not in found and c.id != position_id]
        found.update((c.id, c) for c in children)
    return sorted(found.values(), key=lambda p: (p.level, p.title, p.id))


def addressable_positions(session: Session, unit_id: int) -> list[Position]:
    """Return the desks an incoming letter registered in the unit may be addressed to (the unit's, and above)."""
    unit_ids, current = [], session.get(Unit, unit_id)
    while current is not None and current.id not in unit_ids:
        unit_ids.append(current.id)
        current = current.parent
    positions = session.scalars(select(Position).where(Position.unit_id.in_(unit_ids),
                                                       Position.is_active.is_(True))).all()
    return sorted(positions, key=lambda p: (unit_ids.index(p.unit_id), p.level, p.title, p.id))


def _to_register(unit_id: int):
    desks = select(Position.id).where(Position.unit_id == unit_id)
    registered = select(IncomingLetter.document_id).where(IncomingLetter.unit_id == unit_id)
    return select(Document).where(
        Document.state.in_(DELIVERED_STATES), Document.unit_id != unit_id,
        Document.security_class.in_((SecurityClass.BIASA, SecurityClass.TERBATAS)),
        Document.id.in_(select(DocumentRecipient.document_id).where(DocumentRecipient.position_id.in_(desks))),
        Document.id.not_in(registered),
    )


def internal_letters_to_register(session: Session, unit_id: int, *, limit: int = 50) -> list[Document]:
    """Return letters other units signed and sent to desks of this unit, not yet in its book, newest first.

    Rahasia and Sangat Rahasia letters are left out: they reach their addressees' desks directly, and
    the clerk does not see their subjects.
    """
    return list(session.scalars(_to_register(unit_id).order_by(Document.signed_at.desc(), Document.id.desc())
                                .limit(limit)))


def internal_letter_to_register(session: Session, unit_id: int, document_id: int) -> Document | None:
    """Return the letter if it is one that the unit's clerk may register from another unit (see above)."""
    return session.scalars(_to_register(unit_id).where(Document.id == document_id)).first()


def pending_count_for(session: Session, user: User) -> int:
    """Return how many e-mail or folder intakes wait for the user to register them (records clerks; else 0)."""
    from docflow.incoming.access import can_register
    from docflow.incoming.intake import open_count

    if not can_register(user):
        return 0
    return open_count(session, user.unit_id)


def pending_registrations(session: Session, unit_id: int, *, state: str | None = None, page: int = 1,
                          per_page: int = 20) -> Page:
    """Return one page of a unit's intakes: open ones (pending, failed) by default, oldest first."""
    from docflow.incoming.intake_models import OPEN_STATES, PendingRegistration

    conditions = [PendingRegistration.unit_id == unit_id]
    if state:
        conditions.append(PendingRegistration.state == state)
    else:
        conditions.append(PendingRegistration.state.in_(OPEN_STATES))
    total = session.scalar(select(func.count(PendingRegistration.id)).where(*conditions)) or 0
    items = session.scalars(select(PendingRegistration).where(*conditions)
                            .order_by(PendingRegistration.received_at, PendingRegistration.id)
                            .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(items), total, page, per_page)


def unread_letters(session: Session, positions: Iterable[int], *,
                   limit: int = 10) -> tuple[list[IncomingLetter], int, bool]:
    """Return the letters addressed to my desks that nobody there has opened yet, newest first; count (capped)."""
    positions = sorted(set(positions))
    if not positions:
        return [], 0, False
    unread = select(IncomingAddressee.letter_id).where(IncomingAddressee.position_id.in_(positions),
                                                       IncomingAddressee.read_at.is_(None))
    base = select(IncomingLetter).where(IncomingLetter.id.in_(unread),
                                        IncomingLetter.state != LetterState.FORWARDED)
    return _first_and_count(session, base, limit)


def letters_without_disposition(session: Session, user: User, positions: Iterable[int], *, clerk: bool,
                                limit: int = 10) -> tuple[list[IncomingLetter], int, bool]:
    """Return the letters still without a disposisi: addressed to my desks, or (a clerk) in my unit's book."""
    positions = sorted(set(positions))
    mine = [IncomingLetter.id.in_(select(IncomingAddressee.letter_id)
                                  .where(IncomingAddressee.position_id.in_(positions)))] if positions else []
    if clerk and user.unit_id is not None:
        mine.append(and_(IncomingLetter.unit_id == user.unit_id, readable_clause(user, positions)))
    if not mine:
        return [], 0, False
    base = (select(IncomingLetter).join(Document, Document.id == IncomingLetter.document_id)
            .where(IncomingLetter.state == LetterState.REGISTERED, or_(*mine)))
    return _first_and_count(session, base, limit)


def _first_and_count(session: Session, base, limit: int) -> tuple[list[IncomingLetter], int, bool]:
    total, capped = capped_count(session, base.with_only_columns(IncomingLetter.id))
    items = session.scalars(base.order_by(IncomingLetter.received_on.desc(), IncomingLetter.id.desc())
                            .limit(limit)).unique().all()
    return list(items), total, capped


def replies_of(session: Session, letter: IncomingLetter) -> list[IncomingReply]:
    """Return the reply letters started for an incoming letter, oldest first."""
    return list(session.scalars(select(IncomingReply).where(IncomingReply.letter_id == letter.id)
                                .order_by(IncomingReply.id)).unique())


def reply_for_document(session: Session, document_id: int) -> IncomingReply | None:
    """Return the link of an outgoing draft to the incoming letter it answers, if it is a reply."""
    return session.scalars(select(IncomingReply).where(IncomingReply.document_id == document_id)).unique().first()


def units_to_forward_to(session: Session, unit_id: int) -> list[Unit]:
    """Return the other units of the city, by name (where a letter registered here by mistake may go)."""
    return list(session.scalars(select(Unit).where(Unit.id != unit_id).order_by(Unit.name, Unit.id)))


def get_follow_up_attachment(session: Session, user: User, attachment_id: int,
                             positions: Iterable[int] = ()) -> FollowUpAttachment:
    """Return a follow-up's file if the user may read its letter; otherwise NotFound."""
    attachment = session.get(FollowUpAttachment, attachment_id)
    if attachment is None:
        raise NotFound(N_("file %(id)s does not exist or you may not read it"), id=attachment_id)
    get_readable_disposition(session, user, attachment.disposition_id, positions)
    return attachment
