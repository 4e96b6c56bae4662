"""Reads for the archive: finished letters the user may read, browsed by unit, type, classification and year."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.documents.access import readable_clause
from docflow.documents.models import Custody, Document, DocumentState
from docflow.org.models import Unit

ARCHIVED_STATES = (DocumentState.SIGNED, DocumentState.SENT, DocumentState.FILED)
PER_PAGE = 25
CUSTODIES = (*[str(c) for c in Custody], "all")


@dataclass(frozen=True)
class ArchiveFilter:
    """What the archive is narrowed to; empty fields mean "all"."""

    unit: str = ""
    doc_type: str = ""
    classification: str = ""
    year: int | None = None
    # Who keeps the letters: "unit" (the units' active archives, the default), "records_centre",
    # "destroyed", "handed_over", or "all".
    custody: str = "unit"


@dataclass(frozen=True)
class ArchivePage:
    """One page of archived letters with counts for each way to narrow further."""

    items: list[Document]
    total: int
    page: int
    per_page: int
    counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _year(column=Document.signed_at):
    return extract("year", column)


def _conditions(user: User, positions: Iterable[int], chosen: ArchiveFilter,
                skip: str | None = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [readable_clause(user, positions), Document.state.in_(ARCHIVED_STATES)]
    if chosen.unit and skip != "unit":
        conditions.append(Document.unit_id.in_(select(Unit.id).where(Unit.code == chosen.unit)))
    if chosen.doc_type and skip != "doc_type":
        conditions.append(Document.doc_type == chosen.doc_type)
    if chosen.classification and skip != "classification":
        # A code includes its whole subtree: 000.8 finds 000.8.3.3 but not 000.81.
        conditions.append(or_(Document.classification_code == chosen.classification,
                              Document.classification_code.like(chosen.classification.replace("%", "")
                                                                .replace("_", "") + ".%")))
    if chosen.custody != "all":
        conditions.append(Document.custody == chosen.custody)
    if chosen.year is not None and skip != "year":
        conditions.append(_year() == chosen.year)
    return conditions


def _counts(session: Session, user: User, positions: Iterable[int], chosen: ArchiveFilter) -> dict[str, list]:
    # Each list counts what the other choices leave, so a reader can switch one choice at a time.
    top_code = func.substr(Document.classification_code, 1, 3)
    groups = {
        "unit": (Unit.code, lambda s: s.join(Unit, Unit.id == Document.unit_id)),
        "doc_type": (Document.doc_type, lambda s: s),
        "classification": (top_code, lambda s: s),
        "year": (_year(), lambda s: s),
    }
    counts: dict[str, list[tuple[str, int]]] = {}
    for name, (column, join) in groups.items():
        stmt = join(select(column, func.count(Document.id))).where(
            *_conditions(user, positions, chosen, skip=name)).group_by(column)
        rows = [(str(int(key)) if name == "year" else str(key), n) for key, n in session.execute(stmt) if key is not None]
        counts[name] = sorted(rows, reverse=(name == "year"))
    return counts


def browse_archive(session: Session, user: User, positions: Iterable[int], chosen: ArchiveFilter,
                   page: int = 1, per_page: int = PER_PAGE) -> ArchivePage:
    """Return one page of the signed, sent and filed letters the user may read, newest signed first."""
    positions = frozenset(positions)
    conditions = _conditions(user, positions, chosen)
    total = session.scalar(select(func.count(Document.id)).where(*conditions)) or 0
    items = session.scalars(
        select(Document).where(*conditions).order_by(Document.signed_at.desc(), Document.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
        .options(selectinload(Document.unit))
    ).all()
    return ArchivePage(items=list(items), total=total, page=page, per_page=per_page,
                       counts=_counts(session, user, positions, chosen))
