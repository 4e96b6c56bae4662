"""The due lists computed in SQL give exactly what the JRA rule computed in Python gives, over a varied archive."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from docflow.documents.classification import ClassificationCode
from docflow.documents.models import Custody, Document, DocumentState, LegalHold
from docflow.documents.retention import RETAINED_STATES, RetentionStatus, filed_day, retention_dates, status_on
from docflow.retention.models import BatchKind, BatchState, RetentionBatch, RetentionItem
from docflow.retention.queries import DueList, due_ids, due_page
from tests.retention.helpers import context

# Moments in UTC that fall on awkward days in Jakarta (UTC+7): a leap day, the turn of a year, both sides of midnight.
MOMENTS = [
    datetime(2024, 2, 28, 17, 0, tzinfo=UTC),   # 29 February 2024, 00:00 WIB
    datetime(2024, 2, 29, 5, 0, tzinfo=UTC),    # 29 February 2024, noon WIB
    datetime(2023, 12, 31, 17, 30, tzinfo=UTC),  # 1 January 2024 WIB
    datetime(2022, 12, 31, 16, 59, tzinfo=UTC),  # 31 December 2022, 23:59 WIB
    datetime(2020, 6, 15, 2, 0, tzinfo=UTC),
    datetime(2019, 3, 1, 1, 0, tzinfo=UTC),
    datetime(2025, 2, 28, 20, 0, tzinfo=UTC),   # 1 March 2025 WIB
]
CODES = [  # code, active years, inactive years, final fate
    ("T.1", 1, 1, "destroy"), ("T.0", 0, 0, "destroy"), ("T.P", 4, 10, "permanent"), ("T.R", 3, 2, "review"),
    ("T.4", 4, 4, "destroy"),
]
LIVES = [  # state, signed (else registered, created_at counts), custody
    (DocumentState.SIGNED, True, Custody.UNIT), (DocumentState.FILED, True, Custody.RECORDS_CENTRE),
    (DocumentState.RECEIVED, False, Custody.UNIT), (DocumentState.SENT, True, Custody.UNIT),
    (DocumentState.DRAFT, False, Custody.UNIT), (DocumentState.FILED, True, Custody.DESTROYED),
    (DocumentState.SIGNED, True, Custody.HANDED_OVER), (DocumentState.RECEIVED, False, Custody.RECORDS_CENTRE),
]
TODAYS = [date(2024, 2, 28), date(2024, 12, 31), date(2025, 1, 1), date(2025, 2, 28), date(2025, 3, 1),
          date(2026, 3, 1), date(2028, 2, 29), date(2029, 2, 28), date(2030, 1, 1), date(2034, 6, 1), date(2045, 1, 1)]


def _python_due_ids(db, which: str, ctx, unit_id=None) -> list[int]:
    """The rule as it was computed before: every retained letter's dates in Python."""
    wanted = RetentionStatus.DUE_FOR_TRANSFER if which == DueList.TRANSFER else RetentionStatus.DUE_FOR_DECISION
    kind = BatchKind.TRANSFER if which == DueList.TRANSFER else BatchKind.DESTRUCTION
    codes = {c.code: c for c in db.scalars(select(ClassificationCode))}
    taken = set(db.scalars(select(RetentionItem.document_id).join(RetentionBatch).where(
        RetentionBatch.kind == kind, RetentionBatch.state.in_(("proposed", "reviewed", "awaiting_signature")),
        RetentionItem.removed_at.is_(None))))
    found = []
    for d in db.scalars(select(Document).where(Document.state.in_(RETAINED_STATES),
                                               Document.custody.in_((Custody.UNIT, Custody.RECORDS_CENTRE)))):
        code = codes.get(d.classification_code)
        if code is None or d.id in taken or (unit_id is not None and d.unit_id != unit_id):
            continue
        _, active_until, inactive_until = retention_dates(filed_day(d.signed_at, d.created_at, ctx.tz),
                                                          code.active_years, code.inactive_years,
                                                          ctx.settings.count_from)
        if status_on(d.custody, active_until, inactive_until, ctx.today) == wanted:
            found.append((active_until if which == DueList.TRANSFER else inactive_until, d.id))
    return [i for _, i in sorted(found)]


@pytest.fixture
def archive(db, make_unit, make_user):
    """About two hundred letters over the codes, moments and lives above, in two units; holds; open batches."""
    units = [make_unit("UNITA"), make_unit("UNITB")]
    author = make_user("penulis", unit=units[0])
    for code, active, inactive, fate in CODES:
        db.add(ClassificationCode(code=code, name=f"Uji {code}", active_years=active, inactive_years=inactive,
                                  final_fate=fate))
    documents = []
    for n, ((code, *_), moment, (state, signed, custody)) in enumerate(itertools.product(
            [*CODES, ("000.1.2",), ("NO.SUCH",)], MOMENTS, LIVES)):
        if n % 3 == 2 and state == DocumentState.DRAFT:
            continue
        documents.append(Document(
            title=f"Surat {n}", doc_type="nota_dinas", classification_code=code, state=state,
            unit_id=units[n % 2].id, author_id=author.id, custody=custody,
            signed_at=moment if signed else None,
            created_at=moment if not signed else datetime(2018, 1, 1, tzinfo=UTC),
            steps=[], grants=[], desk_grants=[], versions=[], recipients=[]))
    db.add_all(documents)
    db.flush()
    for d in documents[::11]:
        db.add(LegalHold(document_id=d.id, reason="Perkara", placed_by_id=author.id))
    db.add(RetentionBatch(kind=BatchKind.TRANSFER, state=BatchState.PROPOSED, proposed_by_id=author.id,
                          items=[RetentionItem(document_id=d.id) for d in documents[1::17]]))
    db.add(RetentionBatch(kind=BatchKind.DESTRUCTION, state=BatchState.REVIEWED, proposed_by_id=author.id,
                          items=[RetentionItem(document_id=d.id) for d in documents[2::13]]))
    db.add(RetentionBatch(kind=BatchKind.DESTRUCTION, state=BatchState.DONE, proposed_by_id=author.id,
                          items=[RetentionItem(document_id=d.id) for d in documents[3::7]]))
    db.flush()
    return units


@pytest.mark.parametrize("count_from", ["next_year", "filing_date"])
def test_the_sql_lists_are_the_python_rule(db, services, archive, count_from):
    """On each day and counting rule, are both lists (whole, by unit, and page by page) the Python rule's?"""
    seen = 0
    for today in TODAYS:
        ctx = context(services, today, count_from=count_from)
        for which in (DueList.TRANSFER, DueList.DECISION):
            for unit_id in (None, archive[1].id):
                expected = _python_due_ids(db, which, ctx, unit_id)
                assert due_ids(db, which, ctx, unit_id) == expected, (today, which, unit_id)
                seen += len(expected)
            expected = _python_due_ids(db, which, ctx)
            pages = [due_page(db, which, ctx, page=p, per_page=7) for p in range(1, len(expected) // 7 + 2)]
            assert [r.document.id for page in pages for r in page.rows] == expected
            assert {page.total for page in pages} == {len(expected)}
            for row in pages[0].rows:
                assert row.status == ("due_for_transfer" if which == DueList.TRANSFER else "due_for_decision")
    assert seen > 100  # the days chosen put many letters on the lists, not none
