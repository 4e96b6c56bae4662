"""Arrange what a browser test of retention cannot wait years for, run against a test instance (its environment).

`letters USERNAME COUNT YEARS_AGO CLASSIFICATION`: the user's letters, taken through their route and signed
(numbered) that many years ago by the real operations; prints their ids.
`sign BATCH_ID`: the batch's berita acara submitted by its drafter and initialled and signed along its
route by the holders of its desks (the workflow's own actions; the PAdES stamp is tested elsewhere).
"""
from __future__ import annotations

import io
import sys
from datetime import date, datetime

from sqlalchemy import select, update

from docflow.auth.models import User
from docflow.config import load_settings
from docflow.documents.intake import receive_upload
from docflow.documents.operations import DocumentFields, create_document
from docflow.org.models import Assignment
from docflow.org.queries import holders
import docflow.retention.operations  # noqa: F401  (connects the receiver that carries out a signed batch, as create_app does)
from docflow.retention.models import RetentionBatch
from docflow.services import Services
from docflow.workflow.operations import perform_action
from tests.fixtures import make_pdf


def _act(session, services, user, document, action, now):
    perform_action(session, actor=user, document_id=document.id, action=action, expected_revision=document.revision,
                   now=now, settings=services.settings.workflow)


def _through_route(session, services, drafter, document, now):
    _act(session, services, drafter, document, "submit", now)
    for step in document.steps:
        person = holders(session, step.position_id, now.date())[0]
        _act(session, services, person, document, "sign" if step.kind == "sign" else "initial", now)


def letters(services, username: str, count: int, years_ago: int, classification: str) -> None:
    now = services.now().replace(year=services.now().year - years_ago, month=3, day=2)
    with services.db.transaction() as session:
        # `org load` seats people from today; these letters were written years ago by the same desks.
        session.execute(update(Assignment).where(Assignment.starts_on > date(2000, 1, 1))
                        .values(starts_on=date(2000, 1, 1)))
        drafter = session.scalars(select(User).where(User.username == username)).one()
        for n in range(count):
            title = f"Surat perjalanan dinas {years_ago} tahun lalu nomor {n + 1}"
            upload = receive_upload(io.BytesIO(make_pdf(title)), "surat.pdf",
                                    max_bytes=services.settings.max_upload_bytes,
                                    allowed_types=services.settings.uploads.allowed_types, spool_dir=services.spool_dir)
            with upload:
                document = create_document(session, services.store, actor=drafter, upload=upload, on=now.date(),
                                           fields=DocumentFields(title=title, doc_type="nota_dinas",
                                                                 classification_code=classification))
            _through_route(session, services, drafter, document, now)
            print(document.id)


def sign(services, batch_id: int) -> None:
    now = datetime.now(services.timezone)
    with services.db.transaction() as session:
        batch = session.get(RetentionBatch, batch_id)
        document = batch.berita_acara
        _through_route(session, services, document.author, document, now)
        print(document.number)


if __name__ == "__main__":
    services = Services.from_settings(load_settings())
    command, *args = sys.argv[1:]
    if command == "letters":
        letters(services, args[0], int(args[1]), int(args[2]), args[3])
    else:
        sign(services, int(args[0]))
