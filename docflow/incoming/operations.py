"""Domain writes for incoming letters: register one in the agenda book, give and act on its disposisi."""
from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import User
from docflow.documents.intake import Upload
from docflow.documents.access import DELIVERED_STATES
from docflow.documents.models import Document, DocumentDeskGrant, DocumentGrant, DocumentState, Urgency
from docflow.documents.operations import DocumentFields, check_deadline_ahead, create_document, validate_document_fields
from docflow.errors import N_, Conflict, Message, NotFound, PermissionDenied, ValidationFailed
from docflow.incoming.access import can_register, node_slots
from docflow.incoming.models import (
    AgendaRegister,
    Disposition,
    DispositionInstruction,
    FollowUpAttachment,
    IncomingAddressee,
    IncomingLetter,
    IncomingReply,
)
from docflow.incoming.states import (
    FINAL_STATES,
    DispositionAction,
    DispositionState,
    LetterState,
    Slot,
    transition_for,
)
from docflow.org.models import Position, Unit
from docflow.org.queries import capacity_for, position_chain
from docflow.outbox.operations import NOTIFY, enqueue_index, enqueue_job
from storage import ObjectStore

logger = logging.getLogger(__name__)

MAX_SENDER = 300
MAX_PERSON = 200
MAX_SENDER_NUMBER = 120
MAX_NOTE = 4000
DEFAULT_DOC_TYPE = "surat_dinas"


@dataclass(frozen=True)
class IncomingFields:
    """The fields of an incoming letter's registration, already validated."""

    document: DocumentFields
    sender_institution: str
    sender_person: str
    sender_number: str
    sender_date: date
    received_on: date
    addressee_ids: tuple[int, ...]
    confirm_duplicate: bool = False


@dataclass(frozen=True)
class DispositionFields:
    """What a disposisi says, already validated: to whom, which instructions, a note, a due date, a priority."""

    recipient_ids: tuple[int, ...]
    instruction_ids: tuple[int, ...]
    note: str = ""
    due_on: date | None = None
    priority: str | None = None


def sender_key(institution: str) -> str:
    """Return the sender as compared for duplicates (case and spacing ignored)."""
    return " ".join(institution.split()).casefold()


def _text(data: Mapping[str, Any], name: str, errors: list[tuple[str | None, str]], *, required: bool = False,
          max_length: int, label: str = "") -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append((name, Message(N_("must be text"))))
        return ""
    value = " ".join(value.split())
    if required and not value:
        errors.append((name, Message(N_("this field is required"))))
    elif len(value) > max_length:
        errors.append((name, Message(N_("at most %(max)s characters"), max=max_length)))
    return value


def _date(data: Mapping[str, Any], name: str, errors: list[tuple[str | None, str]], *,
          required: bool = False) -> date | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append((name, Message(N_("this field is required"))))
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append((name, Message(N_("must be a date written YYYY-MM-DD"))))
    return None


def _ids(values: Iterable[Any], name: str, errors: list[tuple[str | None, str]]) -> tuple[int, ...]:
    ids: list[int] = []
    for value in values:
        for part in (value.split(",") if isinstance(value, str) else [value]):
            if isinstance(part, str):
                part = part.strip()
                if not part:
                    continue
            try:
                number = int(part)
            except (TypeError, ValueError):
                errors.append((name, Message(N_("expected position ids (whole numbers), not %(value)r"),
                                             value=str(part))))
                continue
            if number not in ids:
                ids.append(number)
    return tuple(ids)


def validate_position_ids(values: Iterable[Any], name: str) -> tuple[int, ...]:
    """Check a list of position ids (repeated fields or comma-separated), naming the field on a fault."""
    errors: list[tuple[str | None, str]] = []
    ids = _ids(values, name, errors)
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return ids


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"})


def validate_incoming_fields(data: Mapping[str, Any], addressees: Iterable[Any], known_types: Iterable[str],
                             *, on: date) -> IncomingFields:
    """Check a registration (one validator for the form and the API); `on` is today in the city."""
    errors: list[tuple[str | None, str]] = []
    document = None
    try:
        document = validate_document_fields({
            "title": data.get("subject"), "doc_type": data.get("doc_type") or DEFAULT_DOC_TYPE,
            "classification_code": data.get("classification_code"), "security_class": data.get("security_class"),
            "urgency": data.get("urgency"),
        }, known_types)
    except ValidationFailed as exc:
        errors.extend(("subject" if field == "title" else field, reason) for field, reason in exc.errors)
    sender = _text(data, "sender", errors, required=True, max_length=MAX_SENDER)
    person = _text(data, "sender_person", errors, max_length=MAX_PERSON)
    number = _text(data, "sender_number", errors, required=True, max_length=MAX_SENDER_NUMBER)
    sender_date = _date(data, "sender_date", errors, required=True)
    received_on = _date(data, "received_on", errors) or on
    if received_on > on:
        errors.append(("received_on", Message(N_("the letter cannot be received after today (%(today)s)"), today=on)))
    if sender_date is not None and sender_date > received_on:
        errors.append(("sender_date", Message(N_("the letter's date is after the day it was received"))))
    addressee_ids = _ids(addressees, "addressees", errors)
    if not addressee_ids and not any(f == "addressees" for f, _ in errors):
        errors.append(("addressees", Message(N_("choose at least one addressee desk"))))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    assert document is not None and sender_date is not None
    return IncomingFields(document=document, sender_institution=sender, sender_person=person, sender_number=number,
                          sender_date=sender_date, received_on=received_on, addressee_ids=addressee_ids,
                          confirm_duplicate=_truthy(data.get("confirm_duplicate")))


def validate_disposition_fields(data: Mapping[str, Any], recipients: Iterable[Any], instructions: Iterable[Any],
                                *, on: date) -> DispositionFields:
    """Check a disposisi (one validator for the form and the API); `on` is today in the city."""
    errors: list[tuple[str | None, str]] = []
    recipient_ids = _ids(recipients, "recipients", errors)
    instruction_ids = _ids(instructions, "instructions", errors)
    note = data.get("note") or ""
    if not isinstance(note, str):
        errors.append(("note", Message(N_("must be text"))))
        note = ""
    note = note.strip()
    if len(note) > MAX_NOTE:
        errors.append(("note", Message(N_("at most %(max)s characters"), max=MAX_NOTE)))
    due_on = _date(data, "due_on", errors)
    if due_on is not None:
        try:
            check_deadline_ahead(due_on, on)
        except ValidationFailed as exc:
            errors.append(("due_on", exc.reason))
    priority = data.get("priority") or None
    if priority is not None and priority not in Urgency.__members__.values():
        errors.append(("priority", Message(N_("expected one of %(choices)s"), choices=", ".join(Urgency))))
    if not recipient_ids and not any(f == "recipients" for f, _ in errors):
        errors.append(("recipients", Message(N_("choose at least one recipient desk"))))
    if not instruction_ids and not any(f == "instructions" for f, _ in errors):
        errors.append(("instructions", Message(N_("choose at least one instruction"))))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return DispositionFields(recipient_ids=recipient_ids, instruction_ids=instruction_ids, note=note,
                             due_on=due_on, priority=priority)


# -- registration ---------------------------------------------------------------------------------


def find_duplicate(session: Session, unit_id: int, fields: IncomingFields) -> IncomingLetter | None:
    """Return the unit's earlier registration of the same sender, number and date, if any."""
    candidates = session.scalars(select(IncomingLetter).where(
        IncomingLetter.unit_id == unit_id, IncomingLetter.sender_number == fields.sender_number,
        IncomingLetter.sender_date == fields.sender_date,
        IncomingLetter.sender_key == sender_key(fields.sender_institution),
    ).order_by(IncomingLetter.id)).all()
    return candidates[0] if candidates else None


def _refuse_duplicate(session: Session, unit_id: int, fields: IncomingFields) -> None:
    if fields.confirm_duplicate:
        return
    existing = find_duplicate(session, unit_id, fields)
    if existing is not None:
        raise Conflict(
            N_("this letter is already registered as agenda %(agenda)s on %(date)s (incoming letter %(id)s): "
               "open that one, or confirm that this is a second copy"),
            field="confirm_duplicate", agenda=existing.agenda_label, date=existing.received_on, id=existing.id)


def _addressee_positions(session: Session, unit: Unit, ids: Sequence[int]) -> list[Position]:
    # Letters to the Wali Kota are registered by the Setda's clerk: desks of the clerk's unit and of
    # the units above it may be addressed.
    allowed_units = {unit.id}
    current = unit.parent
    while current is not None and current.id not in allowed_units:
        allowed_units.add(current.id)
        current = current.parent
    positions = []
    for position_id in ids:
        position = session.get(Position, position_id)
        if position is None or not position.is_active:
            raise ValidationFailed(N_("position %(id)s does not exist or is no longer in use"), field="addressees",
                                   id=position_id)
        if position.unit_id not in allowed_units:
            raise ValidationFailed(N_("%(desk)s is not a desk of your unit (%(unit)s)"), field="addressees",
                                   desk=position.title, unit=unit.name)
        positions.append(position)
    return positions


def _locked_register(session: Session, unit_id: int, year: int) -> AgendaRegister | None:
    stmt = select(AgendaRegister).where(AgendaRegister.unit_id == unit_id, AgendaRegister.year == year)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def allocate_agenda_number(session: Session, unit_id: int, year: int) -> int:
    """Take the next agenda number of the unit's incoming book for the year, in the caller's transaction.

    The register's row lock is held until commit: concurrent registrations wait, and a rolled-back
    one gives its number back, so the book has no gaps and no duplicates.
    """
    register = _locked_register(session, unit_id, year)
    if register is None:
        try:
            with session.begin_nested():
                session.add(AgendaRegister(unit_id=unit_id, year=year, last_seq=0))
        except IntegrityError:
            pass  # another clerk opened this year's book first
        register = _locked_register(session, unit_id, year)
        assert register is not None
    register.last_seq += 1
    session.flush()
    return register.last_seq


def _grant_desks(session: Session, document: Document, position_ids: Iterable[int]) -> None:
    have = {g.position_id for g in document.desk_grants}
    for position_id in position_ids:
        if position_id not in have:
            document.desk_grants.append(DocumentDeskGrant(position_id=position_id))
            have.add(position_id)
    session.flush()


def register_incoming_letter(session: Session, store: ObjectStore, *, actor: User, fields: IncomingFields,
                             upload: Upload, on: date, before_store: Callable[[], None] | None = None,
                             held_positions: Collection[int] | None = None) -> IncomingLetter:
    """Store the scan, then enter the letter in the unit's incoming book under the next agenda number.

    The file goes through the usual intake (a version, extraction and OCR, the search index) but
    the document is `received`: it has no route and is never signed here.
    """
    if not can_register(actor):
        raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))
    unit = session.get(Unit, actor.unit_id)
    assert unit is not None
    addressees = _addressee_positions(session, unit, fields.addressee_ids)
    _refuse_duplicate(session, unit.id, fields)
    document = create_document(session, store, actor=actor, fields=fields.document, upload=upload, on=on,
                               before_store=before_store, held_positions=held_positions)
    document.state = DocumentState.RECEIVED
    document.unit_id = unit.id
    # The register's lock orders the registrations of the unit: the duplicate check is repeated under it.
    number = allocate_agenda_number(session, unit.id, on.year)
    _refuse_duplicate(session, unit.id, fields)
    letter = IncomingLetter(
        document=document, unit_id=unit.id, agenda_year=on.year, agenda_number=number,
        sender_institution=fields.sender_institution, sender_person=fields.sender_person,
        sender_key=sender_key(fields.sender_institution), sender_number=fields.sender_number,
        sender_date=fields.sender_date, received_on=fields.received_on, state=LetterState.REGISTERED,
        registered_by_id=actor.id,
        addressees=[IncomingAddressee(position_id=p.id) for p in addressees],
    )
    session.add(letter)
    _grant_desks(session, document, [p.id for p in addressees])
    session.flush()
    record_event(session, action="register_incoming", document_id=document.id, to_state=DocumentState.RECEIVED,
                 actor_user_id=actor.id, actor_name=actor.display_name,
                 comment=f"agenda {letter.agenda_label}; {fields.sender_institution} {fields.sender_number} "
                         f"({fields.sender_date.isoformat()}); Yth. {'; '.join(p.title for p in addressees)}",
                 document_revision=document.revision, file_sha256=upload.sha256)
    enqueue_job(session, NOTIFY, document_id=document.id, event="incoming",
                position_ids=[p.id for p in addressees], user_ids=[], path=f"/incoming/{letter.id}")
    logger.info("user %s registered incoming letter %s as agenda %s of unit %s (document %s)",
                actor.username, letter.id, letter.agenda_label, unit.code, document.id)
    return letter


def _refuse_already_in_book(session: Session, unit_id: int, document_id: int, *, field: str) -> None:
    """Refuse a second entry of one letter in one unit's book (checked under the register's lock), naming the first."""
    existing = session.scalars(select(IncomingLetter).where(IncomingLetter.unit_id == unit_id,
                                                            IncomingLetter.document_id == document_id)).first()
    if existing is not None:
        raise Conflict(N_("this letter is already registered as agenda %(agenda)s on %(date)s (incoming letter "
                          "%(id)s)"), field=field, agenda=existing.agenda_label, date=existing.received_on,
                       id=existing.id)


def register_internal_letter(session: Session, *, actor: User, document: Document, on: date,
                             timezone: tzinfo) -> IncomingLetter:
    """Enter a letter signed and sent by another unit of the city to desks of the clerk's unit, without retyping.

    The letter keeps its own document (signed, sent); the unit's book gets an agenda number for it,
    its desks become the addressees, and the registering clerk may read it.
    """
    if not can_register(actor):
        raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))
    unit = session.get(Unit, actor.unit_id)
    assert unit is not None
    if document.state not in DELIVERED_STATES or document.unit_id == unit.id or document.signed_at is None:
        raise ValidationFailed(N_("only a letter that another unit of the city signed and sent is registered this "
                                  "way"), field="document_id")
    addressees = [r.position for r in document.recipients
                  if r.position is not None and r.position.unit_id == unit.id]
    if not addressees:
        raise ValidationFailed(N_("this letter is not addressed to a desk of your unit (%(unit)s)"),
                               field="document_id", unit=unit.name)
    number = allocate_agenda_number(session, unit.id, on.year)
    _refuse_already_in_book(session, unit.id, document.id, field="document_id")
    sender = document.unit.name
    letter = IncomingLetter(
        document=document, unit_id=unit.id, agenda_year=on.year, agenda_number=number, sender_institution=sender,
        sender_person="", sender_key=sender_key(sender), sender_number=document.number or "",
        sender_date=document.signed_at.astimezone(timezone).date(), received_on=on, state=LetterState.REGISTERED,
        registered_by_id=actor.id, addressees=[IncomingAddressee(position_id=p.id) for p in dict.fromkeys(addressees)],
    )
    session.add(letter)
    if not any(g.user_id == actor.id for g in document.grants):
        document.grants.append(DocumentGrant(user_id=actor.id))
    _grant_desks(session, document, [p.id for p in addressees])
    enqueue_index(session, document.id)
    session.flush()
    record_event(session, action="register_incoming", document_id=document.id, from_state=document.state,
                 to_state=document.state, actor_user_id=actor.id, actor_name=actor.display_name,
                 comment=f"agenda {letter.agenda_label} of {unit.code}; {sender} {letter.sender_number}",
                 document_revision=document.revision)
    logger.info("user %s registered letter %s of unit %s as agenda %s of unit %s", actor.username, document.id,
                document.unit_id, letter.agenda_label, unit.code)
    return letter


# -- disposisi ------------------------------------------------------------------------------------


def lock_disposition(session: Session, disposition_id: int) -> Disposition:
    """Load a disposisi node for change, holding its row lock until commit (PostgreSQL)."""
    stmt = select(Disposition).where(Disposition.id == disposition_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Disposition)
    node = session.scalars(stmt).unique().first()
    if node is None:
        raise NotFound(N_("disposisi %(id)s does not exist or you may not read it"), id=disposition_id)
    session.refresh(node)  # the row may have changed while we waited for its lock
    return node


def _is_below(position: Position, superior_id: int) -> bool:
    return any(p.id == superior_id for p in position_chain(position))


def _recipient_positions(session: Session, issuer: Position, ids: Sequence[int]) -> list[Position]:
    positions = []
    for position_id in ids:
        position = session.get(Position, position_id)
        if position is None or not position.is_active:
            raise ValidationFailed(N_("position %(id)s does not exist or is no longer in use"), field="recipients",
                                   id=position_id)
        if not _is_below(position, issuer.id):
            raise PermissionDenied(
                N_("%(desk)s is not below %(issuer)s in the organisation: a disposisi goes only to desks below "
                   "the one that gives it"), field="recipients", desk=position.title, issuer=issuer.title)
        positions.append(position)
    return positions


def _instructions(session: Session, ids: Sequence[int]) -> list[DispositionInstruction]:
    rows = []
    for instruction_id in ids:
        row = session.get(DispositionInstruction, instruction_id)
        if row is None or not row.is_active:
            raise ValidationFailed(N_("instruction %(id)s is not on the city's list"), field="instructions",
                                   id=instruction_id)
        rows.append(row)
    return rows


def _actor_desk(session: Session, actor: User, position_id: int, on: date) -> tuple[Position, str]:
    capacity = capacity_for(session, actor, position_id, on)
    if capacity is None:
        raise PermissionDenied(N_("you do not hold that desk or act for it today"), field="position_id")
    return capacity.position, capacity.via


def refresh_letter_state(session: Session, letter: IncomingLetter) -> str:
    """Derive the letter's state from its tree: in progress while a node is open, done when all are closed."""
    states = set(session.scalars(select(Disposition.state).where(Disposition.letter_id == letter.id)))
    if states - FINAL_STATES:
        letter.state = LetterState.IN_PROGRESS
    elif DispositionState.DONE in states:
        letter.state = LetterState.DONE
    else:
        letter.state = LetterState.REGISTERED
    session.flush()
    return letter.state


def _audit(session: Session, node: Disposition, *, action: str, actor: User, desk: Position, via: str,
           from_state: str | None, comment: str) -> None:
    letter = node.letter
    record_event(session, action=action, document_id=letter.document_id, from_state=from_state, to_state=node.state,
                 actor_user_id=actor.id, actor_name=actor.display_name, actor_position_id=desk.id,
                 actor_position_title=desk.title, delegation_kind=via if via != "holder" else None,
                 comment=f"disposisi {node.id}: {comment}"[:4000], document_revision=letter.document.revision)


def give_disposition(session: Session, *, actor: User, letter: IncomingLetter, fields: DispositionFields,
                     on: date, now: datetime, positions: Iterable[int], parent: Disposition | None = None,
                     from_position_id: int | None = None) -> list[Disposition]:
    """Give a disposisi about the letter to desks below the giver: one node per recipient desk.

    Without a parent the giver is an addressee of the letter (or her Plt./Plh. on the day); with
    one, the recipient of that node passes it further down (which reads it).
    """
    acting = frozenset(positions)
    if letter.state == LetterState.FORWARDED:
        raise Conflict(N_("this letter was forwarded to another unit; the disposisi is given there"),
                       field="state")
    if parent is None:
        desks = [a.position_id for a in letter.addressees if a.position_id in acting]
        if from_position_id is not None:
            desks = [d for d in desks if d == from_position_id]
        if not desks:
            raise PermissionDenied(N_("only an addressee of the letter, or her Plt./Plh. today, gives a disposisi "
                                      "about it"))
        issuer, via = _actor_desk(session, actor, desks[0], on)
        mark_letter_read(session, actor=actor, letter=letter, positions=[issuer.id], now=now)
    else:
        parent = lock_disposition(session, parent.id)
        if parent.letter_id != letter.id:
            raise NotFound(N_("disposisi %(id)s does not exist or you may not read it"), id=parent.id)
        transition = transition_for(parent.state, DispositionAction.FORWARD)
        if parent.to_position_id not in acting:
            raise PermissionDenied(N_("only the recipient of a disposisi, or her Plt./Plh. today, passes it further "
                                      "down"))
        issuer, via = _actor_desk(session, actor, parent.to_position_id, on)
        if parent.state == DispositionState.UNREAD:
            parent.read_at, parent.read_by_id = now, actor.id
        before = parent.state
        parent.state = transition.target
        parent.revision += 1
        if before != parent.state:
            _audit(session, parent, action="disposition_read", actor=actor, desk=issuer, via=via, from_state=before,
                   comment="read (passed further down)")
    recipients = _recipient_positions(session, issuer, fields.recipient_ids)
    instructions = _instructions(session, fields.instruction_ids)
    priority = fields.priority or letter.document.urgency
    nodes = []
    for position in recipients:
        node = Disposition(letter=letter, parent_id=parent.id if parent is not None else None,
                           from_position_id=issuer.id, from_user_id=actor.id, issued_via=via,
                           to_position_id=position.id, note=fields.note, due_on=fields.due_on, priority=priority,
                           state=DispositionState.UNREAD, instructions=list(instructions))
        session.add(node)
        nodes.append(node)
    session.flush()
    _grant_desks(session, letter.document, [issuer.id, *(p.id for p in recipients)])
    enqueue_index(session, letter.document_id)  # the new desks read it in search too
    said = "; ".join(i.text for i in instructions)
    for node, position in zip(nodes, recipients):
        _audit(session, node, action="dispose", actor=actor, desk=issuer, via=via, from_state=None,
               comment=f"{issuer.title} -> {position.title}: {said}" + (f"; {fields.note}" if fields.note else "")
                       + (f"; due {fields.due_on.isoformat()}" if fields.due_on else ""))
    refresh_letter_state(session, letter)
    enqueue_job(session, NOTIFY, document_id=letter.document_id, event="disposition",
                position_ids=[p.id for p in recipients], user_ids=[], path=f"/incoming/{letter.id}")
    logger.info("user %s (%s) gave disposisi %s on incoming letter %s to %s", actor.username, issuer.title,
                [n.id for n in nodes], letter.id, [p.id for p in recipients])
    return nodes


_AUDIT_ACTIONS = {
    DispositionAction.READ: "disposition_read", DispositionAction.FOLLOW_UP: "disposition_follow_up",
    DispositionAction.DONE: "disposition_done", DispositionAction.CANCEL: "disposition_cancel",
}


def act_on_disposition(session: Session, *, actor: User, disposition_id: int, action: str, on: date,
                       now: datetime, positions: Iterable[int], note: str = "",
                       expected_revision: int | None = None, attachment: StoredFile | None = None) -> Disposition:
    """Read, report the follow-up of, close or cancel one disposisi node (under its row lock).

    A follow-up may carry a file, stored beforehand (`store_follow_up_file`); its row is added here,
    under the lock, so that of two reports sent at once only the one recorded claims its file.
    """
    node = lock_disposition(session, disposition_id)
    transition = transition_for(node.state, action)
    if action == DispositionAction.FORWARD:
        raise ValidationFailed(N_("say to whom the disposisi passes: recipients and instructions"),
                               field="recipients")
    slots = node_slots(node, positions) & transition.slots
    if not slots:
        if action == DispositionAction.CANCEL:
            raise PermissionDenied(N_("only the one who gave a disposisi (or her Plt./Plh. today) cancels it"))
        raise PermissionDenied(N_("only the recipient of the disposisi (or her Plt./Plh. today) may do this"))
    if expected_revision is not None and expected_revision != node.revision:
        raise Conflict(N_("the disposisi changed since you opened it (revision %(revision)s, you had %(seen)s); "
                          "reload it and try again"), field="revision", revision=node.revision, seen=expected_revision)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(N_("at most %(max)s characters"), field="note", max=MAX_NOTE)
    if transition.needs_note and not note:
        raise ValidationFailed(N_("write what was done (the follow-up report)"), field="note")
    if attachment is not None and action != DispositionAction.FOLLOW_UP:
        raise ValidationFailed(N_("a file goes only with a follow-up report"), field="file")
    desk_id = node.to_position_id if Slot.RECIPIENT in slots else node.from_position_id
    desk, via = _actor_desk(session, actor, desk_id, on)
    before = node.state
    node.state = transition.target
    node.revision += 1
    action = DispositionAction(action)
    if action == DispositionAction.READ:
        node.read_at, node.read_by_id = now, actor.id
    elif action == DispositionAction.FOLLOW_UP:
        node.followed_up_at, node.followed_up_by_id, node.follow_up_note = now, actor.id, note
        if attachment is not None:
            attach_follow_up_file(session, actor=actor, node=node, stored=attachment)
            note = f"{note} [{attachment.filename}, sha256 {attachment.sha256[:12]}]"
    elif action == DispositionAction.DONE:
        node.done_at, node.done_by_id = now, actor.id
    elif action == DispositionAction.CANCEL:
        node.cancelled_at, node.cancelled_by_id = now, actor.id
    session.flush()
    _audit(session, node, action=_AUDIT_ACTIONS[action], actor=actor, desk=desk, via=via, from_state=before,
           comment=note or action.value)
    refresh_letter_state(session, node.letter)
    logger.info("user %s: disposisi %s %s -> %s", actor.username, node.id, before, node.state)
    return node


# -- reading, replying, forwarding, follow-up files ------------------------------------------------


def mark_letter_read(session: Session, *, actor: User, letter: IncomingLetter, positions: Iterable[int],
                     now: datetime) -> list[IncomingAddressee]:
    """Record that someone at the letter's addressee desks has opened it (the first time counts)."""
    acting = set(positions)
    marked = [a for a in letter.addressees if a.position_id in acting and a.read_at is None]
    for addressee in marked:
        addressee.read_at, addressee.read_by_id = now, actor.id
    if marked:
        session.flush()
        logger.info("user %s read incoming letter %s at desks %s", actor.username, letter.id,
                    [a.position_id for a in marked])
    return marked


def reply_recipient(letter: IncomingLetter) -> str:
    """Return the reply's addressee line as it stands on the letter: the sender (person, institution)."""
    if letter.sender_person:
        return f"{letter.sender_person}, {letter.sender_institution}"[:300]
    return letter.sender_institution[:300]


def reply_title(letter: IncomingLetter) -> str:
    """Return the reply's subject as offices write it: "Balasan ..." naming the letter answered."""
    return f"Balasan surat {letter.sender_number}: {letter.subject}"[:500]


def _reply_node(session: Session, letter: IncomingLetter, positions: Iterable[int],
                disposition_id: int | None) -> Disposition | None:
    acting = set(positions)
    if disposition_id is not None:
        node = session.get(Disposition, disposition_id)
        if node is None or node.letter_id != letter.id:
            raise NotFound(N_("disposisi %(id)s does not exist or you may not read it"), id=disposition_id)
        if node.to_position_id not in acting:
            raise PermissionDenied(N_("only the recipient of the disposisi (or her Plt./Plh. today) may do this"),
                                   field="disposition_id")
        if node.state in FINAL_STATES:
            raise Conflict(N_("this disposisi is closed; a reply is started from an open one"),
                           field="disposition_id")
        return node
    # From the letter's page: the actor's own open node, the most recent one, if there is one.
    nodes = session.scalars(select(Disposition).where(
        Disposition.letter_id == letter.id, Disposition.to_position_id.in_(sorted(acting)),
        Disposition.state.not_in(FINAL_STATES)).order_by(Disposition.id.desc())).unique().all() if acting else []
    if nodes:
        return nodes[0]
    if not any(a.position_id in acting for a in letter.addressees):
        raise PermissionDenied(N_("a reply is started by an addressee of the letter or a recipient of its disposisi"))
    return None


def start_reply(session: Session, store: ObjectStore, *, actor: User, letter: IncomingLetter, upload: Upload,
                fields: DocumentFields, on: date, positions: Iterable[int], disposition_id: int | None = None,
                before_store: Callable[[], None] | None = None,
                held_positions: Collection[int] | None = None) -> IncomingReply:
    """Start an outgoing draft that answers the letter, addressed to its sender, linked to the disposisi.

    When the draft is signed, `record_reply_signed` reports the follow-up of that disposisi.
    """
    from docflow.documents.recipients import RecipientSpec

    positions = frozenset(positions)
    node = _reply_node(session, letter, positions, disposition_id)
    author_position_id = node.to_position_id if node is not None and node.to_position_id in (held_positions or ()) \
        else None
    document = create_document(session, store, actor=actor, fields=fields, upload=upload, on=on,
                               author_position_id=author_position_id, before_store=before_store,
                               held_positions=held_positions,
                               recipients=[RecipientSpec("to", None, reply_recipient(letter))])
    session.flush()
    reply = IncomingReply(letter_id=letter.id, disposition_id=node.id if node is not None else None,
                          document_id=document.id, created_by_id=actor.id)
    session.add(reply)
    session.flush()
    record_event(session, action="reply_started", document_id=letter.document_id, actor_user_id=actor.id,
                 actor_name=actor.display_name, document_revision=letter.document.revision,
                 comment=(f"agenda {letter.agenda_label}: reply draft {document.id}"
                          + (f" for disposisi {node.id}" if node is not None else ""))[:4000])
    logger.info("user %s started reply %s (document %s) to incoming letter %s, disposisi %s", actor.username,
                reply.id, document.id, letter.id, node.id if node is not None else None)
    return reply


def record_reply_signed(*, session: Session, document: Document, actor: User, now: datetime, **_: Any) -> None:
    """When a reply letter is signed, report it as the follow-up of the disposisi that asked for it.

    Connected to the workflow's `document_signed` hook at app setup; runs in the signing transaction.
    """
    replies = session.scalars(select(IncomingReply).where(IncomingReply.document_id == document.id,
                                                          IncomingReply.recorded_at.is_(None))).all()
    for reply in replies:
        reply.recorded_at = now
        letter = session.get(IncomingLetter, reply.letter_id)
        note = f"Dijawab dengan surat nomor {document.number} ({document.title})"[:MAX_NOTE]
        node = lock_disposition(session, reply.disposition_id) if reply.disposition_id is not None else None
        if node is not None and node.state in (DispositionState.UNREAD, DispositionState.READ):
            before = node.state
            # The follow-up is the work of whoever wrote the reply; the signature is what completes it.
            if node.state == DispositionState.UNREAD:
                node.read_at, node.read_by_id = now, reply.created_by_id
            node.state = transition_for(DispositionState.READ, DispositionAction.FOLLOW_UP).target
            node.followed_up_at, node.followed_up_by_id, node.follow_up_note = now, reply.created_by_id, note
            node.revision += 1
            session.flush()
            record_event(session, action="disposition_follow_up", document_id=letter.document_id,
                         from_state=before, to_state=node.state, actor_user_id=actor.id,
                         actor_name=actor.display_name, document_revision=letter.document.revision,
                         comment=f"disposisi {node.id}: {note}"[:4000])
            refresh_letter_state(session, letter)
            enqueue_job(session, NOTIFY, document_id=letter.document_id, event="disposition",
                        position_ids=[node.from_position_id], user_ids=[], path=f"/incoming/{letter.id}")
        else:
            record_event(session, action="reply_signed", document_id=letter.document_id, actor_user_id=actor.id,
                         actor_name=actor.display_name, document_revision=letter.document.revision,
                         comment=f"agenda {letter.agenda_label}: {note}"[:4000])
        logger.info("reply %s signed as %s: follow-up of disposisi %s recorded", reply.id, document.number,
                    reply.disposition_id)


def _top_desks(session: Session, unit: Unit) -> list[Position]:
    positions = session.scalars(select(Position).where(Position.unit_id == unit.id,
                                                       Position.is_active.is_(True))).all()
    top = [p for p in positions if p.parent_id is None or p.parent is None or p.parent.unit_id != unit.id]
    return sorted(top, key=lambda p: (p.level, p.title, p.id))


def forward_letter(session: Session, *, actor: User, letter: IncomingLetter, unit_id: int,
                   addressee_ids: Sequence[int] = (), note: str = "", on: date) -> IncomingLetter:
    """Pass a letter registered at the wrong unit to the right unit's book (teruskan), under a new agenda number.

    The entry stays in this book as `forwarded` (its number stays used, the book stays gapless) and
    points to the new entry; the right unit's clerks and addressees may read the letter; both books'
    trails say so. Only a letter without disposisi is forwarded: once a head has acted on it, it is hers.
    """
    from docflow.auth.models import Role, UserRole

    if not can_register(actor) or actor.unit_id != letter.unit_id:
        raise PermissionDenied(N_("only a records clerk of the letter's unit forwards it to another unit"))
    letter = session.scalars(select(IncomingLetter).where(IncomingLetter.id == letter.id)
                             .with_for_update(of=IncomingLetter)
                             if session.get_bind().dialect.name == "postgresql"
                             else select(IncomingLetter).where(IncomingLetter.id == letter.id)).unique().one()
    session.refresh(letter)
    if letter.state != LetterState.REGISTERED:
        raise Conflict(N_("only a letter without disposisi is forwarded to another unit (this one is %(state)s)"),
                       field="state", state=letter.state)
    target = session.get(Unit, unit_id)
    if target is None:
        raise ValidationFailed(N_("unit %(id)s does not exist"), field="unit_id", id=unit_id)
    if target.id == letter.unit_id:
        raise ValidationFailed(N_("the letter is already in this unit's book"), field="unit_id")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ValidationFailed(N_("at most %(max)s characters"), field="note", max=MAX_NOTE)
    addressees = (_addressee_positions(session, target, addressee_ids) if addressee_ids
                  else _top_desks(session, target))
    if not addressees:
        raise ValidationFailed(N_("%(unit)s has no desk to address the letter to"), field="addressees",
                               unit=target.name)
    number = allocate_agenda_number(session, target.id, on.year)
    _refuse_already_in_book(session, target.id, letter.document_id, field="unit_id")
    document = letter.document
    if document.state == DocumentState.RECEIVED and document.unit_id == letter.unit_id:
        document.unit_id = target.id  # a scan from outside belongs to the unit that handles it
    moved = IncomingLetter(
        document=document, unit_id=target.id, agenda_year=on.year, agenda_number=number,
        sender_institution=letter.sender_institution, sender_person=letter.sender_person,
        sender_key=letter.sender_key, sender_number=letter.sender_number, sender_date=letter.sender_date,
        received_on=on, state=LetterState.REGISTERED, registered_by_id=actor.id,
        addressees=[IncomingAddressee(position_id=p.id) for p in addressees])
    session.add(moved)
    session.flush()
    letter.state = LetterState.FORWARDED
    letter.forwarded_to_id = moved.id
    clerks = session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.unit_id == target.id, User.is_active.is_(True), UserRole.role == Role.RECORDS_CLERK)).all()
    have = {g.user_id for g in document.grants}
    for clerk in clerks:
        if clerk.id not in have:
            document.grants.append(DocumentGrant(user_id=clerk.id))
    _grant_desks(session, document, [p.id for p in addressees])
    enqueue_index(session, document.id)
    session.flush()
    said = f"; {note}" if note else ""
    from_unit = letter.unit
    record_event(session, action="forward_incoming", document_id=document.id, actor_user_id=actor.id,
                 actor_name=actor.display_name, document_revision=document.revision,
                 comment=f"agenda {letter.agenda_label} of {from_unit.code} -> {target.code}{said}"[:4000])
    record_event(session, action="register_incoming", document_id=document.id, actor_user_id=actor.id,
                 actor_name=actor.display_name, document_revision=document.revision,
                 comment=(f"agenda {moved.agenda_label} of {target.code}, forwarded from agenda "
                          f"{letter.agenda_label} of {from_unit.code}; Yth. "
                          f"{'; '.join(p.title for p in addressees)}{said}")[:4000])
    enqueue_job(session, NOTIFY, document_id=document.id, event="incoming",
                position_ids=[p.id for p in addressees], user_ids=[c.id for c in clerks],
                path=f"/incoming/{moved.id}")
    logger.info("user %s forwarded incoming letter %s (agenda %s of %s) to unit %s as letter %s (agenda %s)",
                actor.username, letter.id, letter.agenda_label, from_unit.code, target.code, moved.id,
                moved.agenda_label)
    return moved


@dataclass(frozen=True)
class StoredFile:
    """A file already written to the object store under its content address, waiting for a row to claim it."""

    key: str
    sha256: str
    size: int
    mime_type: str
    filename: str


def store_follow_up_file(session: Session, store: ObjectStore, *, actor: User, upload: Upload) -> StoredFile:
    """Write a follow-up's file to the object store first (upload-then-claim); its row comes with the report."""
    from docflow.documents.operations import store_upload

    key = store_upload(session, store, upload, actor)
    return StoredFile(key, upload.sha256, upload.size, upload.mime_type, upload.filename)


def attach_follow_up_file(session: Session, *, actor: User, node: Disposition, stored: StoredFile) -> FollowUpAttachment:
    """Claim a stored file for a node's follow-up report (called under the node's lock, by `act_on_disposition`)."""
    attachment = FollowUpAttachment(disposition_id=node.id, storage_key=stored.key, sha256=stored.sha256,
                                    size=stored.size, mime_type=stored.mime_type,
                                    original_filename=stored.filename[:255], created_by_id=actor.id)
    node.attachments.append(attachment)
    session.flush()
    return attachment
