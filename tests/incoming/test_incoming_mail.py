"""New disposisi recipients are told by e-mail through the outbox, with a link to the incoming letter."""
from __future__ import annotations

from tests.incoming.helpers import dispose, instruction_ids, register
from tests.test_notifications import _services_with_mail, smtp  # noqa: F401  (the loopback SMTP server)
from tests.workflow.helpers import build_office


def test_disposition_mails_its_recipients_with_the_letter_link(smtp, make_services, db, token_for):  # noqa: F811
    from docflow import create_app
    from docflow.outbox.worker import Worker

    controller, handler = smtp
    services = _services_with_mail(make_services, controller.port)
    o = build_office(db, "MAIL")
    o.head_user.email, o.secretary_user.email = "kadis@kota.go.id", "sekdis@kota.go.id"
    db.commit()
    client = create_app(services).test_client()
    head = token_for(o.head_user)
    letter = register(client, token_for(o.clerk), addressees=[o.head.id], subject="Undangan rakor").get_json()
    Worker(services).run_pending()
    [to_head] = handler.messages
    assert to_head["To"] == f"{o.head_user.display_name} <kadis@kota.go.id>"
    assert "Naskah masuk untuk Anda" in to_head["Subject"] and "Undangan rakor" in to_head["Subject"]
    handler.messages.clear()
    r = dispose(client, head, letter["id"], [o.secretary.id], list(instruction_ids(client, head).values())[:1])
    assert r.status_code == 201
    assert handler.messages == []  # nothing leaves before the worker runs
    Worker(services).run_pending()
    [message] = handler.messages
    assert message["To"] == f"{o.secretary_user.display_name} <sekdis@kota.go.id>"
    assert message["Subject"] == "Disposisi untuk Anda / A disposisi for you: Undangan rakor"
    assert f"https://docflow.kota.go.id/incoming/{letter['id']}" in message.get_payload()
