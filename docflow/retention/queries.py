"""Reads of the archives unit: what is due for transfer or a decision, what is on hold, the batches and my part."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.documents.access import readable_clause
from docflow.documents.classification import ClassificationCode
from docflow.documents.models import Custody, Document, LegalHold
from docflow.documents.retention import RETAINED_STATES, RetentionStatus, retention_of, status_on, retention_dates
from docflow.documents.retention import filed_day
from docflow.errors import N_, NotFound, PermissionDenied
from docflow.retention.models import BatchKind, BatchState, RetentionBatch, RetentionItem
from docflow.retention.operations import RetentionContext, berita_acara_stopped, deciding_position
from docflow.retention.states import OPEN_STATES, TRANSITIONS, Decider

PER_PAGE = 50


class DueList:
    TRANSFER = "transfer"
    DECISION = "decision"
    HOLD = "hold"


LISTS = (DueList.TRANSFER, DueList.DECISION, DueList.HOLD)


@dataclass(frozen=True)
class DueRow:
    """One letter of a list with its retention, as the archives unit sees it."""

    document: Document
    active_until: date | None
    inactive_until: date | None
    final_fate: str
    status: str
    legal_hold: bool
    hold: LegalHold | None = None


@dataclass(frozen=True)
class DuePage:
    rows: list[DueRow]
    total: int
    page: int
    per_page: int


def _held_ids(session: Session) -> set[int]:
    return set(session.scalars(select(LegalHold.document_id).where(LegalHold.lifted_at.is_(None))))


def due_ids(session: Session, which: str, ctx: RetentionContext, unit_id: int | None = None) -> list[int]:
    """Return the ids of the letters on a list, oldest first (one pass over the retained letters' columns)."""
    if which == DueList.HOLD:
        stmt = select(LegalHold.document_id).where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.placed_at)
        if unit_id is not None:
            stmt = stmt.join(Document, Document.id == LegalHold.document_id).where(Document.unit_id == unit_id)
        return list(dict.fromkeys(session.scalars(stmt)))
    wanted = RetentionStatus.DUE_FOR_TRANSFER if which == DueList.TRANSFER else RetentionStatus.DUE_FOR_DECISION
    kind = BatchKind.TRANSFER if which == DueList.TRANSFER else BatchKind.DESTRUCTION
    codes = {c.code: c for c in session.scalars(select(ClassificationCode))}
    taken = set(session.scalars(select(RetentionItem.document_id).join(RetentionBatch).where(
        RetentionBatch.kind == kind, RetentionBatch.state.in_(OPEN_STATES), RetentionItem.removed_at.is_(None))))
    # Columns only: the list is computed over every retained letter, so no objects are built for them.
    stmt = (select(Document.id, Document.classification_code, Document.signed_at,
                   Document.created_at, Document.custody)
            .where(Document.state.in_(RETAINED_STATES), Document.custody.in_((Custody.UNIT, Custody.RECORDS_CENTRE)))
            .order_by(Document.id))
    if unit_id is not None:
        stmt = stmt.where(Document.unit_id == unit_id)
    found: list[tuple[date, int]] = []
    for document_id, code_name, signed_at, created_at, custody in session.execute(stmt):
        code = codes.get(code_name)
        if code is None or document_id in taken:
            continue
        filed = filed_day(signed_at, created_at, ctx.tz)
        _, active_until, inactive_until = retention_dates(filed, code.active_years, code.inactive_years,
                                                          ctx.settings.count_from)
        if status_on(custody, active_until, inactive_until, ctx.today) == wanted:
            found.append((active_until if which == DueList.TRANSFER else inactive_until, document_id))
    return [document_id for _, document_id in sorted(found)]


def due_page(session: Session, which: str, ctx: RetentionContext, *, page: int = 1, per_page: int = PER_PAGE,
             unit_id: int | None = None) -> DuePage:
    """Return one page of a list with each letter's retention."""
    ids = due_ids(session, which, ctx, unit_id)
    chosen = ids[(page - 1) * per_page: page * per_page]
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(chosen))
                                                  .options(selectinload(Document.unit)))} if chosen else {}
    held = _held_ids(session)
    holds = {h.document_id: h for h in session.scalars(select(LegalHold).where(
        LegalHold.document_id.in_(chosen), LegalHold.lifted_at.is_(None)))} if chosen else {}
    rows = []
    for document_id in chosen:
        document = documents[document_id]
        r = retention_of(session, document, today=ctx.today, tz=ctx.tz, count_from=ctx.settings.count_from,
                         on_hold=document_id in held)
        rows.append(DueRow(document=document, active_until=r.active_until, inactive_until=r.inactive_until,
                           final_fate=r.final_fate, status=str(r.status), legal_hold=r.legal_hold,
                           hold=holds.get(document_id)))
    return DuePage(rows=rows, total=len(ids), page=page, per_page=per_page)


def list_batches(session: Session, *, kind: str | None = None, state: str | None = None, page: int = 1,
                 per_page: int = PER_PAGE) -> tuple[list[RetentionBatch], int]:
    """Return one page of batches, newest first, with the total."""
    conditions = []
    if kind:
        conditions.append(RetentionBatch.kind == kind)
    if state:
        conditions.append(RetentionBatch.state == state)
    total = session.scalar(select(func.count(RetentionBatch.id)).where(*conditions)) or 0
    batches = session.scalars(select(RetentionBatch).where(*conditions).order_by(RetentionBatch.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return list(batches), total


def get_batch(session: Session, batch_id: int) -> RetentionBatch:
    """Return a batch or raise NotFound."""
    batch = session.get(RetentionBatch, batch_id)
    if batch is None:
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    return batch


def my_actions(session: Session, user: User, batch: RetentionBatch, ctx: RetentionContext) -> list[str]:
    """Return the decisions the user may take on the batch now."""
    actions = []
    for (kind, state, action), transition in TRANSITIONS.items():
        if kind != batch.kind or state != batch.state or transition.decider == Decider.SYSTEM:
            continue
        if state == BatchState.AWAITING_SIGNATURE and not berita_acara_stopped(batch):
            continue
        try:
            deciding_position(session, user, batch, transition.decider, ctx)
        except PermissionDenied:
            continue
        actions.append(str(action))
    return actions


def may_see_batch(session: Session, user: User, batch: RetentionBatch, ctx: RetentionContext) -> bool:
    """Tell whether the user sees the batch: the archives unit, and whoever decides on it."""
    from docflow.auth.models import Role

    if user.is_active and (user.has_role(Role.ARCHIVIST) or user.has_role(Role.ADMIN)):
        return True
    if my_actions(session, user, batch, ctx):
        return True
    return user.id in (batch.decided_by_id, batch.reviewed_by_id)


def batches_awaiting(session: Session, user: User, ctx: RetentionContext) -> list[RetentionBatch]:
    """Return the open batches waiting for this user's decision (a unit head, an official, the panel)."""
    open_batches = session.scalars(select(RetentionBatch).where(RetentionBatch.state.in_(OPEN_STATES))
                                   .order_by(RetentionBatch.id)).all()
    return [b for b in open_batches if my_actions(session, user, b, ctx)]


def readable_ids(session: Session, user: User, positions: Iterable[int], ids: Iterable[int]) -> set[int]:
    """Return those of the ids the user may read."""
    ids = list(ids)
    if not ids:
        return set()
    return set(session.scalars(select(Document.id).where(Document.id.in_(ids), readable_clause(user, positions))))
