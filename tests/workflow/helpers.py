"""Plain builders for the workflow tests: an office of one unit, and letters moved by the real operations."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role, User
from docflow.auth.operations import create_user
from docflow.documents.intake import Upload, receive_upload
from docflow.documents.models import Document, DocumentState
from docflow.documents.operations import DocumentFields, add_version, create_document
from docflow.org.models import Position, Unit
from docflow.org.operations import assign_position, create_position, create_unit
from docflow.org.queries import acting_position_ids
from docflow.services import Services
from docflow.workflow.operations import perform_action
from tests.fixtures import make_pdf

JAKARTA = ZoneInfo("Asia/Jakarta")
SINCE = date(2020, 1, 1)
# A fixed clock: the tests never depend on the day they run, except where the API reads the real one.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=JAKARTA)
REASON = "Mohon diperbaiki dasar hukumnya"


@dataclass
class Office:
    """One unit with four desks in a chain (head, secretary, sub-head, staff) and the people around them."""

    unit: Unit
    head: Position        # Kepala Dinas, II.b: signs
    secretary: Position   # Sekretaris, III.a: second verifier
    subhead: Position     # Kepala Sub Bagian Umum, IV.a: first verifier
    staff: Position       # Pengadministrasi Umum: the drafter's desk
    head_user: User
    secretary_user: User
    subhead_user: User
    drafter: User
    clerk: User           # TU: sends and files
    outsider: User        # same unit, no desk on the route
    admin: User


def build_office(session: Session, code: str, *, parent: Position | None = None) -> Office:
    """Create a unit, its desks and people (no passwords: scrypt is slow and the tests use no login)."""
    unit = create_unit(session, code=code, name=f"Dinas {code.title()}")
    head = create_position(session, unit=unit, title=f"Kepala Dinas {code.title()}", eselon="II.b", parent=parent)
    secretary = create_position(session, unit=unit, title=f"Sekretaris Dinas {code.title()}", eselon="III.a",
                                parent=head)
    subhead = create_position(session, unit=unit, title="Kepala Sub Bagian Umum", eselon="IV.a", parent=secretary)
    staff = create_position(session, unit=unit, title="Pengadministrasi Umum", parent=subhead)
    slug = code.lower()

    def person(name: str, roles: tuple[Role, ...], position: Position | None = None, **extra: str) -> User:
        user = create_user(session, username=f"{name}-{slug}", password=None, roles=roles, unit=unit,
                           full_name=f"{name.title()} {code}", **extra)
        if position is not None:
            assign_position(session, position=position, user=user, starts_on=SINCE)
        return user

    head_user = person("head", (Role.SIGNER,), head, nip="197501012000031001")
    head_user.rank = "Pembina Utama Muda (IV/c)"
    office = Office(
        unit=unit, head=head, secretary=secretary, subhead=subhead, staff=staff, head_user=head_user,
        secretary_user=person("secretary", (Role.VERIFIER,), secretary),
        subhead_user=person("subhead", (Role.VERIFIER,), subhead),
        drafter=person("drafter", (Role.DRAFTER,), staff),
        clerk=person("clerk", (Role.RECORDS_CLERK,)),
        outsider=person("outsider", (Role.DRAFTER,)),
        admin=person("admin", (Role.ADMIN,)),
    )
    session.flush()
    return office


def pdf_upload(services: Services, text: str) -> Upload:
    """Receive a generated PDF through the real intake, as an upload ready to store."""
    settings = services.settings
    return receive_upload(io.BytesIO(make_pdf(text)), "surat.pdf", max_bytes=settings.max_upload_bytes,
                          allowed_types=settings.uploads.allowed_types, spool_dir=services.spool_dir)


def new_letter(session: Session, services: Services, author: User, *, title: str = "Nota dinas penugasan",
               doc_type: str = "nota_dinas", urgency: str = "biasa", on: date = NOW.date(),
               replaces: Document | None = None) -> Document:
    """Create a draft letter with one PDF version, drafted at the author's desk."""
    fields = DocumentFields(title=title, doc_type=doc_type, classification_code="000.8.3.3", urgency=urgency)
    with pdf_upload(services, f"{title}\nDengan hormat, ...") as upload:
        return create_document(session, services.store, actor=author, fields=fields, upload=upload, on=on,
                               replaces=replaces)


def act(session: Session, services: Services, actor: User, document: Document, action: str, *,
        now: datetime = NOW, comment: str = "") -> Document:
    """Take an action on the revision the actor sees now."""
    return perform_action(session, actor=actor, document_id=document.id, action=action,
                          expected_revision=document.revision, comment=comment, now=now,
                          settings=services.settings.workflow)


def revise(session: Session, services: Services, actor: User, document: Document, *, on: date = NOW.date()) -> None:
    """Upload a corrected version as the drafter does after a return."""
    with pdf_upload(services, f"{document.title}\nVersi perbaikan {len(document.versions) + 1}") as upload:
        add_version(session, services.store, actor=actor, document=document, upload=upload,
                    expected_revision=document.revision, positions=acting_position_ids(session, actor.id, on))


def put_in_state(session: Session, services: Services, office: Office, state: DocumentState, *,
                 now: datetime = NOW) -> Document:
    """Return a letter brought into `state` by the real operations along the proposed route."""
    o = office
    if state == DocumentState.RECEIVED:
        return received_letter(session, services, office, on=now.date())
    document = new_letter(session, services, o.drafter, title=f"Surat dalam keadaan {state}", on=now.date())
    paths: dict[DocumentState, list[tuple[User, str]]] = {
        DocumentState.DRAFT: [],
        DocumentState.WITHDRAWN: [(o.drafter, "withdraw")],
        DocumentState.IN_VERIFICATION: [(o.drafter, "submit")],
        DocumentState.REJECTED: [(o.drafter, "submit"), (o.subhead_user, "reject")],
        DocumentState.RETURNED: [(o.drafter, "submit"), (o.subhead_user, "return")],
        DocumentState.APPROVED: [(o.drafter, "submit"), (o.subhead_user, "initial"), (o.secretary_user, "initial")],
    }
    signed = paths[DocumentState.APPROVED] + [(o.head_user, "sign")]
    paths[DocumentState.SIGNED] = signed
    paths[DocumentState.SENT] = signed + [(o.clerk, "send")]
    paths[DocumentState.FILED] = signed + [(o.clerk, "send"), (o.clerk, "file")]
    for actor, action in paths[state]:
        act(session, services, actor, document, action, now=now, comment=REASON)
    if state == DocumentState.RETURNED:
        revise(session, services, o.drafter, document, on=now.date())  # so that it may be submitted again
    assert document.state == state
    return document


def received_letter(session: Session, services: Services, office: Office, *, on: date = NOW.date(),
                    sender_number: str = "005/1/SJ") -> Document:
    """Return the file of an incoming letter registered by the clerk for the head (state `received`)."""
    from docflow.incoming.operations import IncomingFields, register_incoming_letter

    fields = IncomingFields(document=DocumentFields(title="Surat masuk dari kementerian", doc_type="surat_dinas"),
                            sender_institution="Kementerian Dalam Negeri", sender_person="",
                            sender_number=sender_number, sender_date=on, received_on=on,
                            addressee_ids=(office.head.id,))
    with pdf_upload(services, "Surat masuk dari kementerian") as upload:
        return register_incoming_letter(session, services.store, actor=office.clerk, fields=fields, upload=upload,
                                        on=on).document


def audit_count(session: Session, document_id: int | None = None) -> int:
    """Return how many audit records there are (for one document, or in all)."""
    stmt = select(func.count(AuditEvent.id))
    if document_id is not None:
        stmt = stmt.where(AuditEvent.document_id == document_id)
    return session.scalar(stmt) or 0
