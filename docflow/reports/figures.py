"""The paperless report's figures, counted from the audit trail and the tables Docflow keeps.

Nothing here is entered by hand and nothing imports Flask. A period is a span of whole days in the
city's time zone: from `start` 00:00 to the end of `end`, so a month ends where the city's month ends.

Incoming letters and disposisi are counted from docflow.incoming's tables, by the unit whose book
registered the letter (a letter signed in the city and registered by two units counts in both).
"""
from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from docflow.audit.models import AuditEvent
from docflow.documents.models import Document, DocumentRecipient, DocumentState, Version
from docflow.incoming.models import Disposition, IncomingLetter
from docflow.org.models import Assignment, Position, Unit, eselon_level
from docflow.signing.models import SignerCredential
from docflow.workflow.models import DocumentTypeRule, RouteStep, StepState
from docflow.workflow.states import Action

# A ream (rim) of paper: 500 sheets, one page printed per sheet.
PAGES_PER_REAM = 500
# The figures of incoming letters and disposisi: registered in the unit's book, disposisi given and
# followed up (tindak lanjut reported) in the period, and of the letters registered in the period those
# whose disposisi was given in Docflow (a lembar disposisi on screen, not on paper).
INCOMING_FIGURES = ("incoming_registered", "disposisi_issued", "disposisi_followed_up", "incoming_with_disposisi")
# The figures a row carries as plain numbers (added up into the city's total, except the signers).
ADDED_FIGURES = ("letters_created", "letters_signed", "letters_sent", "pages_not_printed",
                 "letters_without_page_count", "returns", "overdue_now", *INCOMING_FIGURES)
SPREADS = ("submit_to_sign", "verify_holds", "sign_holds")
# The figures of a row, in the order of the CSV and the tables.
COUNT_FIGURES = ("letters_created", "letters_signed", "letters_sent", "pages_not_printed",
                 "letters_without_page_count", "returns", "overdue_now", "signers", "signers_with_certificate",
                 "signers_who_signed")


@dataclass(frozen=True)
class Period:
    """Whole days start..end (both included) in the city's time zone."""

    start: date
    end: date
    zone: ZoneInfo

    @property
    def starts_at(self) -> datetime:
        """Return the first instant of the period, in UTC."""
        return datetime.combine(self.start, time(0), self.zone).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """Return the first instant after the period, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(0), self.zone).astimezone(UTC)

    def previous(self) -> Period:
        """Return the period of the same number of days just before this one."""
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1), self.zone)


@dataclass
class Figures:
    """The figures of one unit, or of the whole city."""

    unit_code: str
    unit_name: str
    letters_created: int = 0
    letters_signed: int = 0
    letters_sent: int = 0
    pages_not_printed: int = 0
    # Sent letters whose signed PDF's page count is not known yet (the worker reads it after signing).
    letters_without_page_count: int = 0
    returns: int = 0
    overdue_now: int = 0
    overdue_longest_hours: float | None = None
    signers: int = 0
    signers_with_certificate: int = 0
    signers_who_signed: int = 0
    incoming_registered: int = 0
    disposisi_issued: int = 0
    disposisi_followed_up: int = 0
    incoming_with_disposisi: int = 0
    submit_to_sign: list[float] = field(default_factory=list, repr=False)
    # Hours a letter stayed at one desk before it was initialled, signed or returned there.
    verify_holds: list[float] = field(default_factory=list, repr=False)
    sign_holds: list[float] = field(default_factory=list, repr=False)
    # The spreads of a row read back from a snapshot (its hours lists are not kept): name -> median, p90.
    fixed_spreads: dict[str, dict[str, float | None]] | None = field(default=None, repr=False)

    @property
    def reams_not_printed(self) -> float:
        """Return the pages not printed in reams of 500 sheets."""
        return round(self.pages_not_printed / PAGES_PER_REAM, 2)

    @property
    def returns_per_letter(self) -> float | None:
        """Return the returns in the period per letter signed in it."""
        return round(self.returns / self.letters_signed, 2) if self.letters_signed else None

    @property
    def incoming_paperless_share(self) -> float | None:
        """Return the share of the incoming letters registered in the period whose disposisi was given in Docflow."""
        if not self.incoming_registered:
            return None
        return round(self.incoming_with_disposisi / self.incoming_registered, 4)

    def _spread_of(self, name: str) -> dict[str, float | None]:
        if self.fixed_spreads is not None:
            return dict(self.fixed_spreads[name])
        return _spread(getattr(self, name))

    def hours(self) -> dict[str, float | None]:
        """Return the median and the 90th percentile of the hours from first submission to signature."""
        return self._spread_of("submit_to_sign")

    def verify_hold(self) -> dict[str, float | None]:
        """Return the median and 90th percentile of the hours a verifier held a letter (paraf or return)."""
        return self._spread_of("verify_holds")

    def sign_hold(self) -> dict[str, float | None]:
        """Return the median and 90th percentile of the hours a signer held a letter (signature or return)."""
        return self._spread_of("sign_holds")

    def paper_cost(self, cost_per_ream: float) -> float | None:
        """Return the estimated cost of the pages not printed (None when no cost per ream is set)."""
        return round(self.pages_not_printed / PAGES_PER_REAM * cost_per_ream) if cost_per_ream > 0 else None

    def as_dict(self, cost_per_ream: float = 0.0) -> dict:
        """Return the figures as the API gives them."""
        return {
            "unit": self.unit_code, "unit_name": self.unit_name,
            **{name: getattr(self, name) for name in COUNT_FIGURES},
            "reams_not_printed": self.reams_not_printed, "paper_cost_saved": self.paper_cost(cost_per_ream),
            "submit_to_sign_hours": self.hours(),
            "verify_hold_hours": self.verify_hold(), "sign_hold_hours": self.sign_hold(),
            "returns_per_letter": self.returns_per_letter,
            "overdue_longest_hours": self.overdue_longest_hours,
            **{name: getattr(self, name) for name in INCOMING_FIGURES},
            "incoming_paperless_share": self.incoming_paperless_share,
        }

    def trend(self, previous: Figures) -> dict:
        """Return this row's main figures in the period before, and the change of each."""
        now, before = self.as_dict(), previous.as_dict()
        out: dict = {}
        for name in TREND_FIGURES:
            value, old = _trend_value(now, name), _trend_value(before, name)
            out[name] = {"previous": old,
                         "change": None if value is None or old is None else round(value - old, 2)}
        return out

    def stored(self) -> dict:
        """Return the row as a snapshot keeps it: its numbers and its spreads, not its lists of hours."""
        return {"unit_code": self.unit_code, "unit_name": self.unit_name,
                **{name: getattr(self, name) for name in ADDED_FIGURES},
                "overdue_longest_hours": self.overdue_longest_hours, "signers": self.signers,
                "signers_with_certificate": self.signers_with_certificate,
                "signers_who_signed": self.signers_who_signed,
                "spreads": {name: self._spread_of(name) for name in SPREADS}}

    @classmethod
    def from_stored(cls, data: dict) -> Figures:
        """Return a row read back from a snapshot."""
        data = dict(data)
        spreads = data.pop("spreads")
        return cls(**data, fixed_spreads=spreads)


# The figures whose change against the period before each unit's row shows (the trend).
TREND_FIGURES = ("letters_signed", "letters_sent", "pages_not_printed", "returns", "incoming_registered",
                 "disposisi_followed_up", "submit_to_sign_hours_median")


def _trend_value(row: dict, name: str) -> float | None:
    if name == "submit_to_sign_hours_median":
        return row["submit_to_sign_hours"]["median"]
    return row[name]


@dataclass
class Report:
    """The figures of every unit the reader may see, and of the whole city, for a period."""

    period: Period
    computed_at: datetime
    units: list[Figures]
    total: Figures
    previous_total: Figures | None = None
    # Each unit's row in the period before (by unit code): the trend per unit.
    previous_units: dict[str, Figures] = field(default_factory=dict)
    # Rupiah per ream printed (setting reports.cost_per_ream): the estimate of the paper's cost; 0: none.
    cost_per_ream: float = 0.0

    def as_dict(self) -> dict:
        """Return the report as the API gives it."""
        return {
            "from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
            "timezone": self.period.zone.key, "computed_at": self.computed_at.astimezone(UTC).isoformat(),
            "units": [{**f.as_dict(self.cost_per_ream), "trend": self._trend(f)} for f in self.units],
            "total": self.total.as_dict(self.cost_per_ream),
            "previous_total": self.previous_total.as_dict(self.cost_per_ream) if self.previous_total else None,
            "incoming_available": True,
        }

    def _trend(self, row: Figures) -> dict | None:
        previous = self.previous_units.get(row.unit_code)
        return row.trend(previous) if previous is not None else None

    def stored(self) -> dict:
        """Return the report as a snapshot keeps it (JSON)."""
        return {"units": [row.stored() for row in self.units], "total": self.total.stored()}

    @classmethod
    def from_stored(cls, period: Period, computed_at: datetime, data: dict) -> Report:
        """Return a report read back from a snapshot."""
        return cls(period=period, computed_at=_utc(computed_at),
                   units=[Figures.from_stored(row) for row in data["units"]],
                   total=Figures.from_stored(data["total"]))


def percentile(values: Sequence[float], p: float) -> float | None:
    """Return the p-th percentile by linear interpolation between closest ranks (numpy's default), 2 decimals."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    value = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return round(value, 2)


def _spread(values: Sequence[float]) -> dict[str, float | None]:
    return {"median": percentile(values, 50), "p90": percentile(values, 90)}


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(period: Period, column):
    return and_(column >= period.starts_at, column < period.ends_at)


def _count_events(session: Session, period: Period, action: str) -> dict[int, int]:
    rows = session.execute(
        select(Document.unit_id, func.count(func.distinct(AuditEvent.document_id)))
        .join(Document, Document.id == AuditEvent.document_id)
        .where(AuditEvent.action == action, _in(period, AuditEvent.created_at)).group_by(Document.unit_id))
    return dict(rows.all())


def _returns(session: Session, period: Period) -> dict[int, int]:
    rows = session.execute(
        select(Document.unit_id, func.count(AuditEvent.id)).join(Document, Document.id == AuditEvent.document_id)
        .where(AuditEvent.action == Action.RETURN, _in(period, AuditEvent.created_at)).group_by(Document.unit_id))
    return dict(rows.all())


def _created(session: Session, period: Period) -> dict[int, int]:
    """Return per unit the letters drafted in the period (the scans of incoming letters are not the unit's own)."""
    scanned = (select(IncomingLetter.id).where(IncomingLetter.document_id == Document.id,
                                               IncomingLetter.unit_id == Document.unit_id).exists())
    rows = session.execute(select(Document.unit_id, func.count(Document.id))
                           .where(_in(period, Document.created_at), ~scanned).group_by(Document.unit_id))
    return dict(rows.all())


def _pages(session: Session, period: Period) -> tuple[dict[int, int], dict[int, int]]:
    """Return per unit the pages of letters sent in the period times their copies, and the letters without a count.

    A letter's copies are its addressees plus its tembusan (at least one: the letter itself); its pages
    are those of its newest version, which for a signed letter is the signed PDF (nothing follows it).
    """
    # Three plain queries keyed by the sent letters: each planner (SQLite's too) walks the indexes.
    sent_ids = (select(AuditEvent.document_id)
                .where(AuditEvent.action == Action.SEND, _in(period, AuditEvent.created_at)).scalar_subquery())
    units = dict(session.execute(select(Document.id, Document.unit_id).where(Document.id.in_(sent_ids))).all())
    newest: dict[int, int | None] = {}
    for document_id, page_count in session.execute(
            select(Version.document_id, Version.page_count).where(Version.document_id.in_(sent_ids))
            .order_by(Version.document_id, Version.number)):
        newest[document_id] = page_count
    copies = dict(session.execute(
        select(DocumentRecipient.document_id, func.count(DocumentRecipient.id))
        .where(DocumentRecipient.document_id.in_(sent_ids)).group_by(DocumentRecipient.document_id)).all())
    pages: dict[int, int] = defaultdict(int)
    unknown: dict[int, int] = defaultdict(int)
    for document_id, unit_id in units.items():
        page_count = newest.get(document_id)
        if page_count is None:
            unknown[unit_id] += 1
        else:
            pages[unit_id] += page_count * max(1, copies.get(document_id, 0))
    return pages, unknown


def _submit_to_sign(session: Session, period: Period) -> dict[int, list[float]]:
    """Return per unit the hours from each signed letter's first submission to its signature."""
    signed = (select(AuditEvent.document_id, AuditEvent.created_at)
              .where(AuditEvent.action == Action.SIGN, _in(period, AuditEvent.created_at)).subquery())
    submit = aliased(AuditEvent)
    rows = session.execute(
        select(Document.unit_id, signed.c.created_at, func.min(submit.created_at))
        .select_from(signed).join(Document, Document.id == signed.c.document_id)
        .join(submit, and_(submit.document_id == signed.c.document_id, submit.action == Action.SUBMIT))
        .group_by(signed.c.document_id, signed.c.created_at, Document.unit_id))
    hours: dict[int, list[float]] = defaultdict(list)
    for unit_id, signed_at, submitted in rows:
        hours[unit_id].append(_hours(_utc(signed_at) - _utc(submitted)))
    return hours


def _holds(session: Session, period: Period) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Return per unit the hours each desk held a letter before acting on it in the period, verifiers' and signers'.

    A desk holds a letter from the submission or paraf that brought it there until its own paraf,
    signature or return; a return from an approved letter is the signer's.
    """
    acting = (Action.INITIAL, Action.SIGN, Action.RETURN)
    acted = (select(AuditEvent.document_id).where(AuditEvent.action.in_(acting), _in(period, AuditEvent.created_at))
             .scalar_subquery())
    rows = session.execute(
        select(Document.unit_id, AuditEvent.document_id, AuditEvent.action, AuditEvent.from_state,
               AuditEvent.created_at).join(Document, Document.id == AuditEvent.document_id)
        .where(AuditEvent.document_id.in_(acted), AuditEvent.action.in_((Action.SUBMIT, *acting)))
        .order_by(AuditEvent.document_id, AuditEvent.id))
    verify: dict[int, list[float]] = defaultdict(list)
    sign: dict[int, list[float]] = defaultdict(list)
    start, end = period.starts_at, period.ends_at
    document, handed = None, None
    for unit_id, document_id, action, from_state, at in rows:
        at = _utc(at)
        if document_id != document:
            document, handed = document_id, None
        if action in acting and handed is not None and start <= at < end:
            signer = action == Action.SIGN or (action == Action.RETURN and from_state == DocumentState.APPROVED)
            (sign if signer else verify)[unit_id].append(_hours(at - handed))
        handed = at if action in (Action.SUBMIT, Action.INITIAL) else None
    return verify, sign


def _overdue(session: Session, now: datetime) -> tuple[dict[int, int], dict[int, float]]:
    """Return per unit the letters whose current step is past its due time now, and the longest delay in hours."""
    rows = session.execute(
        select(Document.unit_id, RouteStep.due_at).join(Document, Document.id == RouteStep.document_id)
        .where(RouteStep.state == StepState.CURRENT, RouteStep.due_at < now,
               Document.state.in_((DocumentState.IN_VERIFICATION, DocumentState.APPROVED))))
    count: dict[int, int] = defaultdict(int)
    longest: dict[int, float] = {}
    for unit_id, due_at in rows:
        count[unit_id] += 1
        late = round(_hours(now - _utc(due_at)), 2)
        longest[unit_id] = max(longest.get(unit_id, 0.0), late)
    return count, longest


def _incoming(session: Session, period: Period) -> dict[str, dict[int, int]]:
    """Return per unit the incoming letters registered, disposisi given and followed up in the period.

    A disposisi counts for the unit whose book holds its letter; of the letters registered in the
    period, `incoming_with_disposisi` counts those that have any disposisi (given in Docflow) now.
    """
    registered = dict(session.execute(
        select(IncomingLetter.unit_id, func.count(IncomingLetter.id))
        .where(_in(period, IncomingLetter.created_at)).group_by(IncomingLetter.unit_id)).all())
    issued = dict(session.execute(
        select(IncomingLetter.unit_id, func.count(Disposition.id)).join(IncomingLetter, IncomingLetter.id == Disposition.letter_id)
        .where(_in(period, Disposition.created_at)).group_by(IncomingLetter.unit_id)).all())
    followed = dict(session.execute(
        select(IncomingLetter.unit_id, func.count(Disposition.id)).join(IncomingLetter, IncomingLetter.id == Disposition.letter_id)
        .where(_in(period, Disposition.followed_up_at)).group_by(IncomingLetter.unit_id)).all())
    has_node = select(Disposition.id).where(Disposition.letter_id == IncomingLetter.id).exists()
    disposed = dict(session.execute(
        select(IncomingLetter.unit_id, func.count(IncomingLetter.id))
        .where(_in(period, IncomingLetter.created_at), has_node).group_by(IncomingLetter.unit_id)).all())
    return {"incoming_registered": registered, "disposisi_issued": issued, "disposisi_followed_up": followed,
            "incoming_with_disposisi": disposed}


# Staff without eselon (level 5) may sign notes and reports, but they are not officials (pejabat).
STAFF_LEVEL = 5


def signing_levels(session: Session) -> set[int]:
    """Return the eselon levels of officials who sign some active document type themselves."""
    levels: set[int] = set()
    for signer_levels in session.scalars(select(DocumentTypeRule.signer_levels)
                                         .where(DocumentTypeRule.is_active.is_(True))):
        levels.update(int(level) for level in signer_levels or ())
    return {level for level in levels if level < STAFF_LEVEL}


def _signers(session: Session, period: Period, today: date, now: datetime
             ) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, set[int]]]:
    """Return per unit the officials whose positions sign, those with a valid certificate, those who signed.

    An official is a person holding, today, a desk with an eselon at which some document type is signed.
    """
    levels = signing_levels(session)
    rows = session.execute(
        select(Position.unit_id, Position.eselon, Assignment.user_id).join(Assignment, Assignment.position_id == Position.id)
        .where(Position.is_active.is_(True), Assignment.starts_on <= today,
               or_(Assignment.ends_on.is_(None), Assignment.ends_on >= today)))
    signers: dict[int, set[int]] = defaultdict(set)
    for unit_id, eselon, user_id in rows:
        if eselon_level(eselon) in levels:
            signers[unit_id].add(user_id)
    everyone = set().union(*signers.values()) if signers else set()
    certified = set(session.scalars(
        select(SignerCredential.user_id).where(SignerCredential.user_id.in_(everyone),
                                               SignerCredential.revoked_at.is_(None),
                                               SignerCredential.not_before <= now, SignerCredential.not_after > now)))
    signed = set(session.scalars(select(AuditEvent.actor_user_id).where(
        AuditEvent.action == Action.SIGN, _in(period, AuditEvent.created_at), AuditEvent.actor_user_id.in_(everyone))))
    return (signers, {u: s & certified for u, s in signers.items()}, {u: s & signed for u, s in signers.items()})


def compute_report(session: Session, period: Period, *, now: datetime, unit_ids: Iterable[int] | None = None,
                   with_previous: bool = True) -> Report:
    """Count the report's figures for every unit (or only `unit_ids`) and for the whole city."""
    now = _utc(now)
    today = now.astimezone(period.zone).date()
    created = _created(session, period)
    signed = _count_events(session, period, Action.SIGN)
    sent = _count_events(session, period, Action.SEND)
    pages, unknown = _pages(session, period)
    returns = _returns(session, period)
    hours = _submit_to_sign(session, period)
    verify_holds, sign_holds = _holds(session, period)
    overdue, longest = _overdue(session, now)
    signers, certified, active = _signers(session, period, today, now)
    incoming = _incoming(session, period)

    wanted = None if unit_ids is None else set(unit_ids)
    units: list[Figures] = []
    total = Figures(unit_code="", unit_name="")
    all_signers: set[int] = set()
    all_certified: set[int] = set()
    all_active: set[int] = set()
    for unit in session.scalars(select(Unit).order_by(Unit.code)):
        uid = unit.id
        row = Figures(
            unit_code=unit.code, unit_name=unit.name, letters_created=created.get(uid, 0),
            letters_signed=signed.get(uid, 0), letters_sent=sent.get(uid, 0), pages_not_printed=pages.get(uid, 0),
            letters_without_page_count=unknown.get(uid, 0), returns=returns.get(uid, 0),
            overdue_now=overdue.get(uid, 0), overdue_longest_hours=longest.get(uid),
            signers=len(signers.get(uid, ())), signers_with_certificate=len(certified.get(uid, ())),
            signers_who_signed=len(active.get(uid, ())), submit_to_sign=hours.get(uid, []),
            verify_holds=verify_holds.get(uid, []), sign_holds=sign_holds.get(uid, []),
            **{name: counts.get(uid, 0) for name, counts in incoming.items()})
        for name in ADDED_FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.submit_to_sign.extend(row.submit_to_sign)
        total.verify_holds.extend(row.verify_holds)
        total.sign_holds.extend(row.sign_holds)
        if row.overdue_longest_hours is not None:
            total.overdue_longest_hours = max(total.overdue_longest_hours or 0.0, row.overdue_longest_hours)
        all_signers |= signers.get(uid, set())
        all_certified |= certified.get(uid, set())
        all_active |= active.get(uid, set())
        if wanted is None or uid in wanted:
            units.append(row)
    # A person holding desks in two units counts once in the city.
    total.signers, total.signers_with_certificate = len(all_signers), len(all_certified)
    total.signers_who_signed = len(all_active)
    report = Report(period=period, computed_at=now, units=units, total=total)
    if with_previous:
        report = with_trend(report, compute_report(session, period.previous(), now=now, unit_ids=unit_ids,
                                                   with_previous=False))
    return report


def with_trend(report: Report, previous: Report) -> Report:
    """Return the report with the city's and each unit's figures of the period before."""
    return replace(report, previous_total=previous.total,
                   previous_units={row.unit_code: row for row in previous.units})


def units_behind(report: Report) -> list[Figures]:
    """Rank the units that are behind: most overdue letters, then slowest median to signature, then most returns.

    A unit is behind when it has letters overdue now or returns in the period, or when its median
    hours to signature grew against the period before.
    """
    def key(row: Figures) -> tuple:
        median = row.hours()["median"]
        return (-row.overdue_now, -(median or 0.0), -row.returns, row.unit_code)
    return sorted((row for row in report.units if row.overdue_now or row.returns or _slower(report, row)), key=key)


def _slower(report: Report, row: Figures) -> bool:
    previous = report.previous_units.get(row.unit_code)
    if previous is None:
        return False
    now, before = row.hours()["median"], previous.hours()["median"]
    return now is not None and before is not None and now > before


def scoped(report: Report, unit_ids: Iterable[int] | None, codes: dict[int, str]) -> Report:
    """Return the report with only the rows of `unit_ids` (None: all); the city's totals stay."""
    if unit_ids is None:
        return report
    wanted = {codes[uid] for uid in unit_ids if uid in codes}
    return replace(report, units=[row for row in report.units if row.unit_code in wanted],
                   previous_units={code: row for code, row in report.previous_units.items() if code in wanted})


class ReportCache:
    """The periods counted lately: a report is at most `max_age` seconds old when served.

    Counting a year of a large city takes seconds; the meeting needs figures of the day, not of the
    second, and the page says when they were counted. Each period is counted on its own, so that the
    trend (the period before) of one request is the figures of another.
    """

    def __init__(self, max_age: float = 300, max_entries: int = 128) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._reports: dict[tuple[date, date, str], Report] = {}
        self._lock = threading.Lock()

    def period(self, session: Session, period: Period, now: datetime) -> Report:
        """Return the city's report of the period alone (no trend), counted less than `max_age` seconds ago."""
        key = (period.start, period.end, period.zone.key)
        with self._lock:
            cached = self._reports.get(key)
        if cached is not None and 0 <= (_utc(now) - cached.computed_at).total_seconds() < self.max_age:
            return cached
        report = compute_report(session, period, now=now, with_previous=False)
        with self._lock:
            if len(self._reports) >= self.max_entries:
                self._reports.pop(next(iter(self._reports)))
            self._reports[key] = report
        return report

    def get(self, session: Session, period: Period, now: datetime) -> Report:
        """Return the city's report for the period and its trend, each counted less than `max_age` seconds ago."""
        report = self.period(session, period, now)
        return with_trend(report, self.period(session, period.previous(), now))
