"""Builders of the retention tests: a unit's office, the archives unit, and signed letters long past their years."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from docflow.auth.models import Role, User, UserRole
from docflow.auth.operations import create_user
from docflow.config import RetentionSettings, WorkflowSettings
from docflow.documents.models import Document
from docflow.documents.operations import DocumentFields, create_document
from docflow.org.operations import assign_position, create_position
from docflow.retention.operations import BeritaAcaraFiling, RetentionContext
from docflow.services import Services
from tests.workflow.helpers import NOW, SINCE, Office, act, build_office, pdf_upload

JAKARTA = ZoneInfo("Asia/Jakarta")
# Letters signed on 2 March 2026 (NOW) are active to the end of 2028 and inactive to the end of 2031
# under a 2 + 3 year rule counted from the next year.
LATER = date(2029, 6, 1)      # due for transfer
MUCH_LATER = date(2032, 6, 1)  # due for a decision on the final fate


@dataclass
class Archives:
    """The archives unit (unit kearsipan) as an office of its own, with two archivists at desks."""

    office: Office
    archivist: User        # proposes batches; drafts the berita acara (at the staff desk)
    second: User           # another archivist: the panitia penilai, and lifts holds placed by the first


def build_archives(session: Session) -> Archives:
    """Create the archives unit: its head signs berita acara; two archivists hold desks below it."""
    office = build_office(session, "ARSIP")
    session.add(UserRole(user_id=office.drafter.id, role=Role.ARCHIVIST))
    second = create_user(session, username="arsiparis-2", password=None, roles=(Role.ARCHIVIST,), unit=office.unit,
                         full_name="Arsiparis Dua")
    desk = create_position(session, unit=office.unit, title="Arsiparis", parent=office.subhead)
    assign_position(session, position=desk, user=second, starts_on=SINCE)
    session.flush()
    session.expire(office.drafter)
    return Archives(office=office, archivist=office.drafter, second=second)


def context(services: Services, today: date, **settings) -> RetentionContext:
    """Return the retention context of a day (settings overriding the city's)."""
    base = services.settings.retention
    return RetentionContext(today=today, tz=JAKARTA, settings=RetentionSettings(**{**base.__dict__, **settings}),
                            workflow=WorkflowSettings())


def filing(services: Services) -> BeritaAcaraFiling:
    """Return where berita acara are filed: the test's own store."""
    s = services.settings
    return BeritaAcaraFiling(store=services.store, spool_dir=services.spool_dir, max_bytes=s.max_upload_bytes,
                             allowed_types=s.uploads.allowed_types)


def signed_letter(session: Session, services: Services, office: Office, *, title: str = "Surat perjalanan dinas",
                  classification: str = "000.1.2", now: datetime = NOW) -> Document:
    """Create a letter in the office and take it through its route to signed (numbered) on `now`."""
    fields = DocumentFields(title=title, doc_type="nota_dinas", classification_code=classification)
    with pdf_upload(services, f"{title}\nDengan hormat, ...") as upload:
        document = create_document(session, services.store, actor=office.drafter, fields=fields, upload=upload,
                                   on=now.date())
    act(session, services, office.drafter, document, "submit", now=now)
    act(session, services, office.subhead_user, document, "initial", now=now)
    act(session, services, office.secretary_user, document, "initial", now=now)
    act(session, services, office.head_user, document, "sign", now=now)
    return document


def sign_through(session: Session, services: Services, document: Document, drafter: User, *offices: Office,
                 now: datetime = NOW) -> Document:
    """Take a drafted berita acara through its route: the drafter submits, the holder of each step acts in turn."""
    holders = {}
    for office in offices:
        holders.update({office.head.id: office.head_user, office.secretary.id: office.secretary_user,
                        office.subhead.id: office.subhead_user})
    act(session, services, drafter, document, "submit", now=now)
    for step in document.steps:
        act(session, services, holders[step.position_id], document, "sign" if step.kind == "sign" else "initial",
            now=now)
    return document
