"""E-mail notifications go out after commit, through the outbox, to the desk's holder and delegate."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from docflow.outbox.models import JobState, OutboxJob
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.workflow_factories import make_office


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _services_with_mail(make_services, port):
    return make_services(mail={"host": "127.0.0.1", "port": port, "sender": "docflow@kota.go.id"},
                         server={"public_url": "https://docflow.kota.go.id"})


def test_submitting_mails_the_first_verifier_after_commit(smtp, make_services, db, make_unit, make_user):
    from docflow import create_app
    from docflow.auth.operations import create_token
    from docflow.outbox.worker import Worker

    controller, handler = smtp
    services = _services_with_mail(make_services, controller.port)
    office = make_office(db, make_unit, make_user)
    office.subhead_user.email = "kasubbag@kota.go.id"
    db.commit()
    client = create_app(services).test_client()
    token = create_token(db, office.drafter)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    doc = upload(client, headers, make_pdf("Nota dinas"), title="Rapat koordinasi").get_json()
    response = client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]},
                           headers=headers)
    assert response.status_code == 200
    assert handler.messages == []  # nothing leaves before the worker runs
    Worker(services).run_pending()
    [message] = handler.messages
    assert message["To"] == f"{office.subhead_user.display_name} <kasubbag@kota.go.id>"
    assert "Rapat koordinasi" in message["Subject"]
    assert f"https://docflow.kota.go.id/documents/{doc['id']}" in message.get_payload()
    notify = db.scalars(select(OutboxJob).where(OutboxJob.kind == "notify")).one()
    db.refresh(notify)
    assert notify.state == JobState.DONE


def test_a_dead_smtp_server_means_retry_later_not_loss(make_services, db, make_unit, make_user):
    from docflow.outbox.worker import Worker

    services = _services_with_mail(make_services, _free_port())  # nobody listens there
    office = make_office(db, make_unit, make_user)
    office.subhead_user.email = "kasubbag@kota.go.id"
    db.commit()
    from docflow import create_app
    from docflow.auth.operations import create_token

    client = create_app(services).test_client()
    headers = {"Authorization": f"Bearer {create_token(db, office.drafter)}"}
    db.commit()
    doc = upload(client, headers, make_pdf("a"), title="A").get_json()
    client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]}, headers=headers)
    Worker(services).run_pending()
    notify = db.scalars(select(OutboxJob).where(OutboxJob.kind == "notify")).one()
    db.refresh(notify)
    assert notify.state == JobState.PENDING
    assert notify.attempts == 1
    assert "SMTP 127.0.0.1" in notify.last_error
    assert notify.run_after > notify.created_at + timedelta(seconds=5)
