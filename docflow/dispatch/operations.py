"""Domain writes of the expedition book: the clerk sends signed letters (e-mail or recorded delivery) and files them."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from docflow.api.params import MAX_ID, parse_whole_number
from docflow.audit.operations import record_event
from docflow.auth.models import Role, User
from docflow.config import WorkflowSettings
from docflow.dispatch.models import Delivery, DeliveryMethod, DeliveryStatus
from docflow.documents.models import Document, DocumentRecipient, DocumentState
from docflow.errors import N_, Message, NotFound, PermissionDenied, ValidationFailed
from docflow.outbox.operations import SEND_LETTER, enqueue_job
from docflow.workflow.operations import lock_document, perform_action
from docflow.workflow.states import Action

logger = logging.getLogger(__name__)

MAX_BATCH = 100
MAX_RECEIVER = 200
MAX_REFERENCE = 200
# What the clerk records by hand; e-mail is chosen by an address on the letter, never typed here.
RECORDED_METHODS = (DeliveryMethod.COURIER, DeliveryMethod.PORTAL, DeliveryMethod.HAND)


@dataclass(frozen=True)
class DeliveryFields:
    """How letters went where they cannot be e-mailed: a method, the day, who received them, a receipt number."""

    method: str | None
    delivered_on: date
    receiver: str = ""
    reference: str = ""


def validate_document_ids(values: Iterable[Any]) -> tuple[int, ...]:
    """Check a batch of letter ids (one validator for the form and the API)."""
    ids: list[int] = []
    for value in values:
        number = parse_whole_number(value)
        if number is None or not 1 <= number <= MAX_ID:
            raise ValidationFailed(N_("expected letter ids (whole numbers), not %(value)r"), field="documents",
                                   value=str(value))
        if number not in ids:
            ids.append(number)
    if not ids:
        raise ValidationFailed(N_("choose at least one letter"), field="documents")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(N_("at most %(max)s letters at once"), field="documents", max=MAX_BATCH)
    return tuple(ids)


def _short_text(data: Mapping[str, Any], name: str, maximum: int, errors: list) -> str:
    value = data.get(name)
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        errors.append((name, Message(N_("must be text"))))
        return ""
    value = " ".join(value.split())
    if len(value) > maximum:
        errors.append((name, Message(N_("at most %(max)s characters"), max=maximum)))
    return value


def validate_delivery_fields(data: Mapping[str, Any], *, on: date) -> DeliveryFields:
    """Check how letters were delivered by hand, courier or portal (one validator for the form and the API)."""
    errors: list[tuple[str | None, str]] = []
    method = data.get("method") or None
    if method is not None and method not in RECORDED_METHODS:
        errors.append(("method", Message(N_("expected one of %(choices)s"), choices=", ".join(RECORDED_METHODS))))
    delivered_on = on
    raw = data.get("delivered_on")
    if raw not in (None, ""):
        try:
            delivered_on = date.fromisoformat(raw.strip()) if isinstance(raw, str) else None
        except ValueError:
            delivered_on = None
        if delivered_on is None:
            errors.append(("delivered_on", Message(N_("must be a date written YYYY-MM-DD"))))
            delivered_on = on
        elif delivered_on > on:
            errors.append(("delivered_on", Message(N_("a delivery cannot be recorded after today (%(today)s)"),
                                                   today=on)))
    receiver = _short_text(data, "receiver", MAX_RECEIVER, errors)
    reference = _short_text(data, "reference", MAX_REFERENCE, errors)
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return DeliveryFields(method=method, delivered_on=delivered_on, receiver=receiver, reference=reference)


def _external(document: Document) -> list[DocumentRecipient]:
    return [r for r in document.recipients if r.position_id is None]


def _record(session: Session, *, actor: User, document: Document, recipient: DocumentRecipient,
            fields: DeliveryFields | None, by_email: bool) -> Delivery:
    if by_email:
        delivery = Delivery(document_id=document.id, recipient_id=recipient.id, addressee=recipient.name,
                            method=DeliveryMethod.EMAIL, address=recipient.email, status=DeliveryStatus.QUEUED,
                            recorded_by_id=actor.id)
    else:
        assert fields is not None and fields.method is not None
        delivery = Delivery(document_id=document.id, recipient_id=recipient.id, addressee=recipient.name,
                            method=fields.method, delivered_on=fields.delivered_on, receiver=fields.receiver,
                            reference=fields.reference, status=DeliveryStatus.DELIVERED, recorded_by_id=actor.id)
    session.add(delivery)
    session.flush()
    if delivery.method == DeliveryMethod.EMAIL:
        enqueue_job(session, SEND_LETTER, delivery_id=delivery.id, document_id=document.id)
    said = (f"{delivery.addressee}: e-mail to {delivery.address}" if delivery.method == DeliveryMethod.EMAIL
            else f"{delivery.addressee}: {delivery.method} on {delivery.delivered_on.isoformat()}"
                 + (f", received by {delivery.receiver}" if delivery.receiver else "")
                 + (f", ref. {delivery.reference}" if delivery.reference else ""))
    record_event(session, action="record_delivery", document_id=document.id, from_state=document.state,
                 to_state=document.state, actor_user_id=actor.id, actor_name=actor.display_name,
                 comment=said[:4000], document_revision=document.revision)
    return delivery


def send_letters(session: Session, *, actor: User, document_ids: Iterable[int], fields: DeliveryFields | None,
                 now: datetime, settings: WorkflowSettings) -> list[Document]:
    """Send signed letters (the clerk, one or many at once): e-mail the signed PDF to each external addressee
    with an address, record the delivery to the others as the clerk says, deliver to internal desks.

    All or nothing: a letter that cannot be sent refuses the batch, naming it.
    """
    sent = []
    for document_id in document_ids:
        document = lock_document(session, document_id)
        missing = [r.name for r in _external(document) if not r.email]
        if missing and (fields is None or fields.method is None):
            raise ValidationFailed(
                N_("letter %(number)s has addressees without an e-mail address (%(names)s): say how it reaches "
                   "them (courier, portal or by hand)"), field="method",
                number=document.number or document.title, names="; ".join(missing))
        document = perform_action(session, actor=actor, document_id=document.id, action=Action.SEND,
                                  expected_revision=document.revision, now=now, settings=settings)
        for recipient in _external(document):
            _record(session, actor=actor, document=document, recipient=recipient, fields=fields,
                    by_email=bool(recipient.email))
        sent.append(document)
    logger.info("user %s sent %d letters: %s", actor.username, len(sent), [d.id for d in sent])
    return sent


def file_letters(session: Session, *, actor: User, document_ids: Iterable[int], now: datetime,
                 settings: WorkflowSettings) -> list[Document]:
    """File signed or sent letters in the archive (the clerk, one or many at once); all or nothing."""
    filed = []
    for document_id in document_ids:
        document = lock_document(session, document_id)
        filed.append(perform_action(session, actor=actor, document_id=document.id, action=Action.FILE,
                                    expected_revision=document.revision, now=now, settings=settings))
    logger.info("user %s filed %d letters: %s", actor.username, len(filed), [d.id for d in filed])
    return filed


def record_delivery(session: Session, *, actor: User, document: Document, recipient_id: int,
                    fields: DeliveryFields) -> Delivery:
    """Record a later delivery to one external addressee (an e-mail that bounced went by courier, say)."""
    if not (actor.has_role(Role.RECORDS_CLERK) and actor.unit_id == document.unit_id):
        raise PermissionDenied(N_("only the records clerk (TU) of the letter's unit may send or file it"))
    recipient = next((r for r in _external(document) if r.id == recipient_id), None)
    if recipient is None:
        raise NotFound(N_("letter %(id)s has no external addressee %(recipient)s"), id=document.id,
                       recipient=recipient_id)
    if document.state not in (DocumentState.SENT, DocumentState.FILED):
        raise ValidationFailed(N_("a delivery is recorded once the letter is sent"), field="documents")
    if fields.method is None:
        raise ValidationFailed(N_("this field is required"), field="method")
    return _record(session, actor=actor, document=document, recipient=recipient, fields=fields, by_email=False)


def finish_email_delivery(session: Session, delivery_id: int, *, now: datetime, error: str | None = None) -> None:
    """Record what the mail server said of an e-mailed letter (the worker, after sending)."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return
    if error is None:
        delivery.status, delivery.sent_at, delivery.delivered_on = DeliveryStatus.SENT, now, now.date()
    else:
        delivery.status, delivery.detail = DeliveryStatus.FAILED, error[:2000]
    session.flush()
    logger.info("delivery %s of document %s by e-mail to %s: %s", delivery.id, delivery.document_id,
                delivery.address, delivery.status)
