"""Reads of the archives unit: what is due for transfer or a decision, what is on hold, the batches and my part."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.documents.access import readable_clause
from docflow.documents.classification import ClassificationCode
from docflow.documents.models import Custody, Document, LegalHold
from docflow.documents.retention import RETAINED_STATES, retention_of
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


def _local_day(session: Session, column, tz: ZoneInfo) -> ColumnElement[int]:
    """Return, in SQL, the city's day of a stored UTC time as the integer YYYYMMDD."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.to_char(func.timezone(tz.key, column), "YYYYMMDD"), Integer)
    # SQLite knows no zones: shift by the zone's UTC offset of the time, read from its transitions.
    segments = _offset_segments(tz.key)
    # Newest first: nearly every letter is filed after the zone's last change.
    changes = [(since, offset) for (since, _), (_, offset) in zip(segments, segments[1:], strict=False)]
    shift = case(*[(column >= since, f"{offset:+d} seconds") for since, offset in reversed(changes)],
                 else_=f"{segments[0][1]:+d} seconds") if changes else f"{segments[0][1]:+d} seconds"
    return cast(func.strftime("%Y%m%d", column, shift), Integer)


@lru_cache(maxsize=8)
def _offset_segments(zone: str) -> tuple[tuple[datetime | None, int], ...]:
    """Return the zone's UTC offsets from 1900 to 2100 as (until this UTC instant, offset in seconds) pieces."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds())

    segments: list[tuple[datetime | None, int]] = []
    moment, current = datetime(1900, 1, 1, tzinfo=UTC), offset(datetime(1900, 1, 1, tzinfo=UTC))
    while moment.year < 2100:
        following = moment + timedelta(days=1)
        if offset(following) != current:
            low, high = int(moment.timestamp()), int(following.timestamp())  # the change is in this day: its second
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(datetime.fromtimestamp(middle, UTC)) == current else (low, middle)
            change = datetime.fromtimestamp(high, UTC)
            segments.append((change, current))
            current = offset(change)
        moment = following
    segments.append((None, current))
    return tuple(segments)


def _leap(year) -> ColumnElement[bool]:
    return and_(year % 4 == 0, or_(year % 100 != 0, year % 400 == 0))


def _add_years(day, years) -> ColumnElement[int]:
    """Return, in SQL, a YYYYMMDD day plus whole years (29 February to 28 February in a common year)."""
    moved = day + years * 10000
    return case((and_(day % 10000 == 229, not_(_leap(moved // 10000))), moved - 1), else_=moved)


def _due_select(session: Session, which: str, ctx: RetentionContext, unit_id: int | None):
    """Return (select of ids, ordering) of the letters on the transfer or the decision list.

    The same rule as `retention_dates`, in SQL: each retained letter's filing day, then the day after
    its last active day and the day after its last inactive day, as integers YYYYMMDD; "due" is
    `today >= that day`, and the list is ordered by it, so a page reads one page of rows. Each step is
    a materialised CTE so that the database computes a letter's days once, not once per use.
    """
    kind = BatchKind.TRANSFER if which == DueList.TRANSFER else BatchKind.DESTRUCTION
    today = ctx.today.year * 10000 + ctx.today.month * 100 + ctx.today.day
    taken = (select(RetentionItem.document_id).join(RetentionBatch)
             .where(RetentionBatch.kind == kind, RetentionBatch.state.in_(OPEN_STATES),
                    RetentionItem.removed_at.is_(None)))
    retained = (select(Document.id.label("id"), Document.custody.label("custody"),
                       _local_day(session, func.coalesce(Document.signed_at, Document.created_at), ctx.tz)
                       .label("filed"),
                       ClassificationCode.active_years.label("active"),
                       ClassificationCode.inactive_years.label("inactive"))
                .join(ClassificationCode, ClassificationCode.code == Document.classification_code)
                .where(Document.state.in_(RETAINED_STATES),
                       Document.custody.in_((Custody.UNIT, Custody.RECORDS_CENTRE)), Document.id.not_in(taken)))
    if unit_id is not None:
        retained = retained.where(Document.unit_id == unit_id)
    if which == DueList.TRANSFER:
        retained = retained.where(Document.custody == Custody.UNIT)
    filed = retained.cte("retained").prefix_with("MATERIALIZED")
    start = (filed.c.filed // 10000 + 1) * 10000 + 101 if ctx.settings.count_from == "next_year" else filed.c.filed
    active = (select(filed.c.id, filed.c.inactive, _add_years(start, filed.c.active).label("after_active"))
              .cte("active").prefix_with("MATERIALIZED"))
    dated = (select(active.c.id, active.c.after_active,
                    _add_years(active.c.after_active, active.c.inactive).label("after_inactive"))
             .cte("dated").prefix_with("MATERIALIZED"))
    if which == DueList.TRANSFER:
        stmt = select(dated.c.id).where(dated.c.after_active <= today, dated.c.after_inactive > today)
        return stmt, (dated.c.after_active, dated.c.id)
    return select(dated.c.id).where(dated.c.after_inactive <= today), (dated.c.after_inactive, dated.c.id)


def _hold_select(unit_id: int | None):
    stmt = select(LegalHold.document_id).where(LegalHold.lifted_at.is_(None))
    if unit_id is not None:
        stmt = stmt.join(Document, Document.id == LegalHold.document_id).where(Document.unit_id == unit_id)
    return stmt


def due_ids(session: Session, which: str, ctx: RetentionContext, unit_id: int | None = None) -> list[int]:
    """Return the ids of the letters on a list, oldest first (the dates computed in SQL)."""
    if which == DueList.HOLD:
        return list(dict.fromkeys(session.scalars(_hold_select(unit_id).order_by(LegalHold.placed_at))))
    stmt, order = _due_select(session, which, ctx, unit_id)
    return list(session.scalars(stmt.order_by(*order)))


def _due_page_ids(session: Session, which: str, ctx: RetentionContext, *, page: int, per_page: int,
                  unit_id: int | None) -> tuple[list[int], int]:
    if which == DueList.HOLD:
        ids = due_ids(session, which, ctx, unit_id)  # holds are few: one row each, read whole
        return ids[(page - 1) * per_page: page * per_page], len(ids)
    stmt, order = _due_select(session, which, ctx, unit_id)
    # The total comes with the page (a window count): the letters' days are computed once per view.
    rows = session.execute(stmt.add_columns(func.count().over().label("total")).order_by(*order)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    return [], session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def due_page(session: Session, which: str, ctx: RetentionContext, *, page: int = 1, per_page: int = PER_PAGE,
             unit_id: int | None = None) -> DuePage:
    """Return one page of a list with each letter's retention (one page of rows read)."""
    chosen, total = _due_page_ids(session, which, ctx, page=page, per_page=per_page, unit_id=unit_id)
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(chosen))
                                                  .options(selectinload(Document.unit)))} if chosen else {}
    holds = {h.document_id: h for h in session.scalars(select(LegalHold).where(
        LegalHold.document_id.in_(chosen), LegalHold.lifted_at.is_(None)))} if chosen else {}
    codes = {c.code: c for c in session.scalars(select(ClassificationCode).where(
        ClassificationCode.code.in_({d.classification_code for d in documents.values()})))} if chosen else {}
    rows = []
    for document_id in chosen:
        document = documents[document_id]
        r = retention_of(session, document, today=ctx.today, tz=ctx.tz, count_from=ctx.settings.count_from,
                         code=codes.get(document.classification_code), on_hold=document_id in holds)
        rows.append(DueRow(document=document, active_until=r.active_until, inactive_until=r.inactive_until,
                           final_fate=r.final_fate, status=str(r.status), legal_hold=r.legal_hold,
                           hold=holds.get(document_id)))
    return DuePage(rows=rows, total=total, page=page, per_page=per_page)


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
