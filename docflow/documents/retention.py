"""A letter's retention (JRA): the dates its classification's rule gives, and where it stands today."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.documents.classification import ClassificationCode
from docflow.documents.models import Custody, Document, DocumentState, LegalHold

# Letters whose life in the archive has begun: signed (sent, filed) here, or registered as received.
RETAINED_STATES = (DocumentState.SIGNED, DocumentState.SENT, DocumentState.FILED, DocumentState.RECEIVED)
COUNT_FROM = ("next_year", "filing_date")
# The JRA's own words for the final fates (classification_codes.final_fate holds destroy/permanent/review).
FATE_NAMES = {"destroy": "musnah", "permanent": "permanen", "review": "dinilai kembali"}


class RetentionStatus(enum.StrEnum):
    NOT_FILED = "not_filed"                  # a draft, or a letter that never got signed
    ACTIVE = "active"                        # in its unit, within its active years
    DUE_FOR_TRANSFER = "due_for_transfer"    # active years over, still in its unit
    INACTIVE = "inactive"                    # in the records centre, within its inactive years
    DUE_FOR_DECISION = "due_for_decision"    # inactive years over: its final fate is to be decided
    DESTROYED = "destroyed"
    HANDED_OVER = "handed_over"


@dataclass(frozen=True)
class Retention:
    """What the JRA rule says about one letter on one day."""

    classification_code: str
    classification_name: str
    active_years: int
    inactive_years: int
    final_fate: str
    counted_from: date | None
    active_until: date | None
    inactive_until: date | None
    status: RetentionStatus
    custody: str
    legal_hold: bool

    @property
    def total_years(self) -> int:
        """Return the whole retention (active plus inactive years)."""
        return self.active_years + self.inactive_years

    def as_json(self) -> dict:
        """Return the API form (the four names outside checks read, then the rest)."""
        return {
            "active_until": self.active_until.isoformat() if self.active_until else None,
            "inactive_until": self.inactive_until.isoformat() if self.inactive_until else None,
            "final_fate": self.final_fate,
            "final_fate_name": FATE_NAMES.get(self.final_fate, self.final_fate),
            "status": str(self.status),
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
            "classification_code": self.classification_code,
            "classification_name": self.classification_name,
            "active_years": self.active_years,
            "inactive_years": self.inactive_years,
            "custody": self.custody,
            "legal_hold": self.legal_hold,
        }


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def filed_on(document: Document, tz: ZoneInfo) -> date | None:
    """Return the day the letter entered the archive: signed here, or registered as received."""
    if document.state not in RETAINED_STATES:
        return None
    return filed_day(document.signed_at, document.created_at, tz)


def filed_day(signed_at: datetime | None, created_at: datetime, tz: ZoneInfo) -> date:
    """Return the city's day a retained letter was filed, from its columns (signed, else registered)."""
    moment = signed_at or created_at
    if moment.tzinfo is None:  # stored naive in UTC on SQLite
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def retention_dates(filed: date, active_years: int, inactive_years: int, count_from: str) -> tuple[date, date, date]:
    """Return (counted from, last active day, last inactive day) for a letter filed on `filed`."""
    start = date(filed.year + 1, 1, 1) if count_from == "next_year" else filed
    active_until = _add_years(start, active_years) - timedelta(days=1)
    inactive_until = _add_years(active_until + timedelta(days=1), inactive_years) - timedelta(days=1)
    return start, active_until, inactive_until


def status_on(custody: str, active_until: date | None, inactive_until: date | None, today: date) -> RetentionStatus:
    """Return where a letter stands today, from its keeper and its dates."""
    if custody == Custody.DESTROYED:
        return RetentionStatus.DESTROYED
    if custody == Custody.HANDED_OVER:
        return RetentionStatus.HANDED_OVER
    if active_until is None or inactive_until is None:
        return RetentionStatus.NOT_FILED
    if today > inactive_until:
        return RetentionStatus.DUE_FOR_DECISION
    if custody == Custody.RECORDS_CENTRE:
        return RetentionStatus.INACTIVE
    return RetentionStatus.DUE_FOR_TRANSFER if today > active_until else RetentionStatus.ACTIVE


def is_on_hold(session: Session, document_id: int) -> bool:
    """Tell whether a legal hold stands on the letter."""
    return session.scalar(select(LegalHold.id).where(LegalHold.document_id == document_id,
                                                     LegalHold.lifted_at.is_(None)).limit(1)) is not None


def retention_of(session: Session, document: Document, *, today: date, tz: ZoneInfo, count_from: str,
                 code: ClassificationCode | None = None, on_hold: bool | None = None) -> Retention:
    """Return the letter's retention on `today` (count_from: the city's retention.count_from)."""
    if code is None:
        code = session.get(ClassificationCode, document.classification_code)
    active_years = code.active_years if code is not None else 0
    inactive_years = code.inactive_years if code is not None else 0
    filed = filed_on(document, tz)
    start = active_until = inactive_until = None
    if filed is not None and code is not None:
        start, active_until, inactive_until = retention_dates(filed, active_years, inactive_years, count_from)
    if on_hold is None:
        on_hold = is_on_hold(session, document.id)
    return Retention(
        classification_code=document.classification_code, classification_name=code.name if code else "",
        active_years=active_years, inactive_years=inactive_years,
        final_fate=code.final_fate if code is not None else "review",
        counted_from=start, active_until=active_until, inactive_until=inactive_until,
        status=status_on(document.custody, active_until, inactive_until, today),
        custody=document.custody, legal_hold=on_hold,
    )


def retention_today(session: Session, services, document: Document) -> Retention:
    """Return the letter's retention on the city's today, by the city's counting rule (services: docflow.services)."""
    return retention_of(session, document, today=services.today(), tz=services.timezone,
                        count_from=services.settings.retention.count_from)


def retention_page(session: Session, documents, *, today: date, tz: ZoneInfo, count_from: str) -> dict[int, Retention]:
    """Return the retention of each letter of a page, by id (the codes and holds read once)."""
    documents = list(documents)
    if not documents:
        return {}
    codes = {c.code: c for c in session.scalars(select(ClassificationCode).where(
        ClassificationCode.code.in_({d.classification_code for d in documents})))}
    held = set(session.scalars(select(LegalHold.document_id).where(
        LegalHold.document_id.in_([d.id for d in documents]), LegalHold.lifted_at.is_(None))))
    return {d.id: retention_of(session, d, today=today, tz=tz, count_from=count_from,
                               code=codes.get(d.classification_code), on_hold=d.id in held) for d in documents}


def standing_holds(session: Session, document_id: int) -> list[LegalHold]:
    """Return the legal holds standing on a letter (not lifted), oldest first."""
    return list(session.scalars(select(LegalHold).where(LegalHold.document_id == document_id,
                                                        LegalHold.lifted_at.is_(None)).order_by(LegalHold.id)))
