"""A known history of letters in three units across May 2026 (WIB), with returns, delays and a month boundary.

Every figure of the paperless report for May is worked out by hand in `EXPECTED_MAY` from the events below.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from docflow.audit import operations as audit_operations
from docflow.documents.intake import receive_upload
from docflow.documents.models import Document
from docflow.documents.operations import DocumentFields, add_version, create_document
from docflow.documents.recipients import RecipientSpec
from docflow.incoming.models import DispositionInstruction, IncomingLetter
from docflow.incoming.operations import (
    DispositionFields,
    IncomingFields,
    act_on_disposition,
    give_disposition,
    register_incoming_letter,
)
from docflow.org.queries import acting_position_ids
from docflow.signing.operations import revoke_credential
from docflow.workflow.operations import perform_action
from tests.fixtures import make_pdf
from tests.signing.helpers import give_certificate, setup_ca
from tests.workflow.helpers import JAKARTA, Office, build_office

# "Now" for the figures that are about now (overdue letters, valid certificates).
NOW = datetime(2026, 6, 2, 9, 0, tzinfo=JAKARTA)


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Return a moment of 2026 in the city's zone (WIB, UTC+7)."""
    return datetime(2026, month, day, hour, minute, tzinfo=JAKARTA)


@dataclass
class Clock:
    """The moment the audit trail records: set by the history as it goes."""

    at: datetime = field(default_factory=lambda: NOW)

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)


@dataclass
class History:
    a: Office
    b: Office
    c: Office
    letters: dict[str, Document]
    incoming: dict[str, IncomingLetter] = field(default_factory=dict)


class _Builder:
    def __init__(self, db, services, clock: Clock) -> None:
        self.db, self.services, self.clock = db, services, clock

    def letter(self, office: Office, title: str, at: datetime, *, pages: int = 1,
               to: int = 0, cc: int = 0, security_class: str = "biasa") -> Document:
        self.clock.at = at
        recipients = [RecipientSpec("to", None, f"Yth. Penerima {i}") for i in range(to)]
        recipients += [RecipientSpec("cc", None, f"Tembusan {i}") for i in range(cc)]
        settings = self.services.settings
        data = make_pdf(*[f"{title}\nHalaman {n + 1}" for n in range(pages)])
        fields = DocumentFields(title=title, doc_type="nota_dinas", classification_code="000.8.3.3",
                                security_class=security_class)
        with receive_upload(io.BytesIO(data), "surat.pdf", max_bytes=settings.max_upload_bytes,
                            allowed_types=settings.uploads.allowed_types, spool_dir=self.services.spool_dir) as upload:
            document = create_document(self.db, self.services.store, actor=office.drafter, fields=fields,
                                       upload=upload, on=at.date(), recipients=recipients)
        document.created_at = at  # the column's clock is the wall clock; the history has its own
        self.db.flush()
        return document

    def act(self, actor, document: Document, action: str, at: datetime, comment: str = "") -> None:
        self.clock.at = at
        perform_action(self.db, actor=actor, document_id=document.id, action=action,
                       expected_revision=document.revision, comment=comment, now=at,
                       settings=self.services.settings.workflow)

    def revise(self, office: Office, document: Document, at: datetime, *, pages: int = 1) -> None:
        self.clock.at = at
        settings = self.services.settings
        data = make_pdf(*[f"{document.title}\nPerbaikan, halaman {n + 1}" for n in range(pages)])
        with receive_upload(io.BytesIO(data), "surat.pdf", max_bytes=settings.max_upload_bytes,
                            allowed_types=settings.uploads.allowed_types, spool_dir=self.services.spool_dir) as upload:
            add_version(self.db, self.services.store, actor=office.drafter, document=document, upload=upload,
                        expected_revision=document.revision,
                        positions=acting_position_ids(self.db, office.drafter.id, at.date()))

    def incoming(self, office: Office, subject: str, at: datetime, *, security_class: str = "biasa") -> IncomingLetter:
        """Register a scanned letter in the office's book for its head, at `at` (the city's time)."""
        self.clock.at = at
        settings = self.services.settings
        fields = IncomingFields(
            document=DocumentFields(title=subject, doc_type="surat_dinas", classification_code="000.8.3.3",
                                    security_class=security_class),
            sender_institution="Kementerian Dalam Negeri", sender_person="", sender_number=f"005/{subject[:8]}/SJ",
            sender_date=at.date(), received_on=at.date(), addressee_ids=(office.head.id,))
        with receive_upload(io.BytesIO(make_pdf(subject)), "scan.pdf", max_bytes=settings.max_upload_bytes,
                            allowed_types=settings.uploads.allowed_types, spool_dir=self.services.spool_dir) as upload:
            letter = register_incoming_letter(self.db, self.services.store, actor=office.clerk, fields=fields,
                                              upload=upload, on=at.date())
        letter.created_at = letter.document.created_at = at  # the columns' clock is the wall clock
        self.db.flush()
        return letter

    def dispose(self, office: Office, letter: IncomingLetter, at: datetime, *to) -> list:
        """The head gives a disposisi about the letter to desks below her, at `at`."""
        self.clock.at = at
        instruction = self.db.scalars(select(DispositionInstruction.id).order_by(DispositionInstruction.id)).first()
        nodes = give_disposition(self.db, actor=office.head_user, letter=letter,
                                 fields=DispositionFields(recipient_ids=tuple(p.id for p in to),
                                                          instruction_ids=(instruction,)),
                                 on=at.date(), now=at, positions={office.head.id})
        for node in nodes:
            node.created_at = at
        self.db.flush()
        return nodes

    def on_node(self, user, desk, node, action: str, at: datetime, note: str = "") -> None:
        self.clock.at = at
        act_on_disposition(self.db, actor=user, disposition_id=node.id, action=action, on=at.date(), now=at,
                           positions={desk.id}, note=note)

    def through(self, office: Office, document: Document, submit: datetime, sign: datetime,
                send: datetime | None = None) -> None:
        """Submit, initial twice an hour apart, sign, and perhaps send."""
        self.act(office.drafter, document, "submit", submit)
        self.act(office.subhead_user, document, "initial", submit + timedelta(minutes=30))
        self.act(office.secretary_user, document, "initial", submit + timedelta(minutes=60))
        self.act(office.head_user, document, "sign", sign)
        if send is not None:
            self.act(office.clerk, document, "send", send)


def build_history(db, services, monkeypatch, run_worker) -> History:
    """Build the history of May 2026 (and its edges) by the real operations, on the history's clock."""
    clock = Clock()
    monkeypatch.setattr(audit_operations, "utcnow", clock)
    a, b, c = build_office(db, "DINKES"), build_office(db, "DISDIK"), build_office(db, "BAPPEDA")
    db.flush()
    setup_ca(db, services)
    for user in (a.head_user, c.head_user, b.subhead_user):
        credential = give_certificate(db, services, user)
        # Issued today by the suite's CA; recorded as valid since a year before the history's "now".
        credential.not_before = NOW - timedelta(days=365)
        if user is c.head_user:
            revoke_credential(db, credential=credential, reason="key_compromise", now=services.now())
    build = _Builder(db, services, clock)
    letters: dict[str, Document] = {}

    # DINKES
    # L1: returned once by the secretary, resumed at her step (nota dinas restart at the returning step),
    # signed 48 h after its first submission, sent to two addressees and one tembusan: 3 pages x 3 copies.
    l1 = letters["L1"] = build.letter(a, "Nota dinas rapat koordinasi", wib(5, 3, 15), pages=3, to=2, cc=1)
    build.act(a.drafter, l1, "submit", wib(5, 4, 8))
    build.act(a.subhead_user, l1, "initial", wib(5, 4, 10))
    build.act(a.secretary_user, l1, "return", wib(5, 4, 12), comment="Mohon diperbaiki dasar hukumnya")
    build.revise(a, l1, wib(5, 4, 16), pages=3)
    build.act(a.drafter, l1, "submit", wib(5, 5, 8))
    build.act(a.secretary_user, l1, "initial", wib(5, 5, 10))
    build.act(a.head_user, l1, "sign", wib(5, 6, 8))
    build.act(a.clerk, l1, "send", wib(5, 6, 9))
    # L2: submitted in April, signed at 03:00 WIB on 1 May (still 30 April in UTC): May's, after 7 h.
    # Two pages, no recipient listed: the letter itself, once.
    l2 = letters["L2"] = build.letter(a, "Surat edaran kebersihan", wib(4, 30, 19), pages=2)
    build.through(a, l2, wib(4, 30, 20), wib(5, 1, 3), send=wib(5, 1, 4))
    # L3: signed at 05:00 WIB on 1 June (still 31 May in UTC): June's, not May's.
    l3 = letters["L3"] = build.letter(a, "Undangan rapat Juni", wib(5, 31, 9), pages=4, to=5)
    build.through(a, l3, wib(5, 31, 10), wib(6, 1, 5), send=wib(6, 1, 6))
    # L4: returned by the sub-head, waiting with the drafter.
    l4 = letters["L4"] = build.letter(a, "Telaahan staf anggaran", wib(5, 19, 8))
    build.act(a.drafter, l4, "submit", wib(5, 20, 8))
    build.act(a.subhead_user, l4, "return", wib(5, 20, 9), comment="Lengkapi lampirannya")
    # L5: a secret letter stuck with the sub-head since 25 May (due 72 h later): 121 h late at NOW.
    l5 = letters["L5"] = build.letter(a, "Rahasia pemeriksaan khusus Inspektorat", wib(5, 24, 8),
                                      security_class="rahasia")
    build.act(a.drafter, l5, "submit", wib(5, 25, 8))

    # DISDIK
    # L6: signed 12 h after submission, not sent.
    l6 = letters["L6"] = build.letter(b, "Surat tugas guru", wib(5, 9, 8))
    build.through(b, l6, wib(5, 10, 8), wib(5, 10, 20))
    # L7: signed after 30 h, sent to one addressee and two tembusan: 1 page x 3 copies.
    l7 = letters["L7"] = build.letter(b, "Nota dinas kurikulum", wib(5, 10, 9), to=1, cc=2)
    build.through(b, l7, wib(5, 11, 8), wib(5, 12, 14), send=wib(5, 12, 15))
    # L8: initialled on 30 May 09:00, the head's step due 72 h later (2 June 09:00): not late at NOW itself.
    # L9: initialled on 30 May 08:00: due 2 June 08:00, 1 h late at NOW.
    for key, hour in (("L8", 8), ("L9", 7)):
        letter = letters[key] = build.letter(b, f"Surat keterangan {key}", wib(5, 28, 8))
        build.act(b.drafter, letter, "submit", wib(5, 29, 8))
        build.act(b.subhead_user, letter, "initial", wib(5, 30, hour))
        build.act(b.secretary_user, letter, "initial", wib(5, 30, hour + 1))

    # Incoming letters and their disposisi.
    incoming: dict[str, IncomingLetter] = {}
    # I1 (DINKES): registered 3 May, disposisi to the secretary at once, read, followed up on 5 May.
    i1 = incoming["I1"] = build.incoming(a, "Undangan rapat Kemendagri", wib(5, 3, 10))
    (n1,) = build.dispose(a, i1, wib(5, 3, 11), a.secretary)
    build.on_node(a.secretary_user, a.secretary, n1, "read", wib(5, 4, 8))
    build.on_node(a.secretary_user, a.secretary, n1, "follow-up", wib(5, 5, 9), note="Sudah dihadiri")
    # I2 (DINKES): registered 31 May 23:30 WIB (16:30 UTC): May's; its disposisi at 00:30 WIB on 1 June
    # (still 31 May in UTC) is June's.
    i2 = incoming["I2"] = build.incoming(a, "Permohonan data kesehatan", wib(5, 31, 23, 30))
    build.dispose(a, i2, wib(6, 1, 0, 30), a.secretary)
    # I3 (DINKES): a secret letter registered at 02:00 WIB on 1 May (30 April in UTC): May's; no disposisi yet.
    incoming["I3"] = build.incoming(a, "Rahasia laporan audit investigasi", wib(5, 1, 2), security_class="rahasia")
    # I4 (DISDIK): registered 10 May, disposisi to the secretary and the sub-head; the secretary follows
    # up on 12 May, the sub-head at 06:00 WIB on 1 June (June's).
    i4 = incoming["I4"] = build.incoming(b, "Edaran dinas pendidikan provinsi", wib(5, 10, 9))
    n4a, n4b = build.dispose(b, i4, wib(5, 10, 10), b.secretary, b.subhead)
    build.on_node(b.secretary_user, b.secretary, n4a, "read", wib(5, 11, 8))
    build.on_node(b.secretary_user, b.secretary, n4a, "follow-up", wib(5, 12, 8), note="Diteruskan ke sekolah")
    build.on_node(b.subhead_user, b.subhead, n4b, "read", wib(5, 31, 8))
    build.on_node(b.subhead_user, b.subhead, n4b, "follow-up", wib(6, 1, 6), note="Selesai")

    db.commit()
    clock.at = NOW
    run_worker()  # the worker reads each version's page count
    db.expire_all()
    return History(a, b, c, letters, incoming)


# Hours from first submission to signature of May's signed letters: DINKES L1 48, L2 7; DISDIK L6 12, L7 30.
EXPECTED_MAY: dict[str, dict[str, Any]] = {
    "BAPPEDA": {"letters_created": 0, "letters_signed": 0, "letters_sent": 0, "pages_not_printed": 0,
                "letters_without_page_count": 0, "returns": 0, "overdue_now": 0, "signers": 3,
                "signers_with_certificate": 0, "signers_who_signed": 0,
                "submit_to_sign_hours": {"median": None, "p90": None}, "returns_per_letter": None,
                "overdue_longest_hours": None, "reams_not_printed": 0.0,
               "verify_hold_hours": {"median": None, "p90": None}, "sign_hold_hours": {"median": None, "p90": None},
                "incoming_registered": 0, "disposisi_issued": 0, "disposisi_followed_up": 0,
                "incoming_with_disposisi": 0, "incoming_paperless_share": None},
    "DINKES": {"letters_created": 4, "letters_signed": 2, "letters_sent": 2, "pages_not_printed": 3 * 3 + 2,
               "letters_without_page_count": 0, "returns": 2, "overdue_now": 1, "signers": 3,
               "signers_with_certificate": 1, "signers_who_signed": 1,
               "submit_to_sign_hours": {"median": 27.5, "p90": 43.9}, "returns_per_letter": 1.0,
               "overdue_longest_hours": 121.0, "reams_not_printed": 0.02,
               # Verifiers held L1 2 h, 2 h (returned), 2 h; L3 0.5 h twice; L4 1 h (returned).
               # The head held L1 22 h and L2 6 h (from its April paraf to its May signature).
               "verify_hold_hours": {"median": 1.5, "p90": 2.0}, "sign_hold_hours": {"median": 14.0, "p90": 20.4},
               # I1, I2 (23:30 WIB on 31 May) and I3 (02:00 WIB on 1 May) registered; I1's disposisi given and
               # followed up; I2's was given in June; I1 and I2 have a disposisi (2 of 3).
               "incoming_registered": 3, "disposisi_issued": 1, "disposisi_followed_up": 1,
               "incoming_with_disposisi": 2, "incoming_paperless_share": 0.6667},
    "DISDIK": {"letters_created": 4, "letters_signed": 2, "letters_sent": 1, "pages_not_printed": 3,
               "letters_without_page_count": 0, "returns": 0, "overdue_now": 1, "signers": 3,
               "signers_with_certificate": 1, "signers_who_signed": 1,
               "submit_to_sign_hours": {"median": 21.0, "p90": 28.2}, "returns_per_letter": 0.0,
               "overdue_longest_hours": 1.0, "reams_not_printed": 0.01,
               # Verifiers: L6 and L7 0.5 h each twice; L8 24 h and 1 h; L9 23 h and 1 h. The head: 11 h, 29 h.
               "verify_hold_hours": {"median": 0.75, "p90": 23.3}, "sign_hold_hours": {"median": 20.0, "p90": 27.2},
               # I4: two nodes given; the secretary's followed up in May, the sub-head's in June.
               "incoming_registered": 1, "disposisi_issued": 2, "disposisi_followed_up": 1,
               "incoming_with_disposisi": 1, "incoming_paperless_share": 1.0},
}
EXPECTED_MAY_TOTAL = {
    "letters_created": 8, "letters_signed": 4, "letters_sent": 3, "pages_not_printed": 14,
    "letters_without_page_count": 0, "returns": 2, "overdue_now": 2, "signers": 9, "signers_with_certificate": 2,
    "signers_who_signed": 2, "submit_to_sign_hours": {"median": 21.0, "p90": 42.6}, "returns_per_letter": 0.5,
    "overdue_longest_hours": 121.0, "reams_not_printed": 0.03,
    "verify_hold_hours": {"median": 1.0, "p90": 16.7}, "sign_hold_hours": {"median": 16.5, "p90": 26.9},
    "incoming_registered": 4, "disposisi_issued": 3, "disposisi_followed_up": 2, "incoming_with_disposisi": 3,
    "incoming_paperless_share": 0.75,
}
