"""Domain writes of the approval route: set the route, then act on the letter step by step."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import Role, User
from docflow.config import WorkflowSettings
from docflow.documents.access import is_personal
from docflow.documents.models import Document, DocumentGrant, DocumentState, Urgency
from docflow.errors import N_, Conflict, Message, NotFound, PermissionDenied, ValidationFailed
from docflow.hooks import document_signed
from docflow.org.models import Position
from docflow.org.queries import Capacity, active_delegation, capacity_for, holders, position_chain
from docflow.outbox.operations import NOTIFY, enqueue_index, enqueue_job
from docflow.workflow.models import DocumentTypeRule, RestartFrom, RouteStep, SigningMode, StepKind, StepState
from docflow.workflow.numbering import allocate_number
from docflow.workflow.routes import StepSpec, propose_route, validate_route, without_double_steps
from docflow.workflow.states import FINAL_STATES, FROZEN_STATES, Action, Slot, Transition, transition_for

logger = logging.getLogger(__name__)

MAX_COMMENT = 4000
# What a passed deadline stops: approving and signing. Returning, rejecting and withdrawing stay possible.
DEADLINE_BOUND_ACTIONS = frozenset({Action.INITIAL, Action.SIGN})
# One person approves a letter once: a paraf or the signature, never two of them.
APPROVING_ACTIONS = frozenset({Action.INITIAL, Action.SIGN})


@dataclass(frozen=True)
class Acting:
    """Who takes an action and in what capacity (their desk, a Plt./Plh. desk, or a role)."""

    user: User
    capacity: Capacity | None

    @property
    def position(self) -> Position | None:
        return self.capacity.position if self.capacity else None


def lock_document(session: Session, document_id: int) -> Document:
    """Load a document for change, holding its row lock until commit (PostgreSQL)."""
    stmt = select(Document).where(Document.id == document_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    document = session.scalars(stmt).first()
    if document is None:
        raise NotFound(N_("document %(id)s does not exist or you may not read it"), id=document_id)
    session.refresh(document)  # the row may have changed while we waited for its lock
    return document


def _check_revision(document: Document, expected_revision: int | None) -> None:
    if expected_revision is None:
        raise ValidationFailed(N_("say which revision of the letter you act on"), field="revision")
    if expected_revision != document.revision:
        raise Conflict(
            N_("someone acted on this letter first (it is now at revision %(revision)s, you saw "
               "%(seen)s); reload it to see what changed"), field="revision", revision=document.revision,
            seen=expected_revision)


def _rule(session: Session, document: Document) -> DocumentTypeRule:
    rule = session.get(DocumentTypeRule, document.doc_type)
    if rule is None:
        raise ValidationFailed(N_("unknown document type %(type)r"), field="doc_type", type=document.doc_type)
    return rule


def current_step(document: Document) -> RouteStep | None:
    """Return the step whose desk must act now."""
    return next((s for s in document.steps if s.state == StepState.CURRENT), None)


def _resolve_slot(session: Session, user: User, document: Document, slot: Slot, on) -> Acting:
    """Return how the user fills the slot, or raise PermissionDenied saying who may act."""
    if slot == Slot.DRAFTER:
        if is_personal(document):
            # Secrecy follows the person: only the author herself, not her desk's other holders or Plt./Plh.
            if document.author_id == user.id and user.is_active:
                capacity = (capacity_for(session, user, document.author_position_id, on, author_id=user.id)
                            if document.author_position_id is not None else None)
                return Acting(user, capacity if capacity is not None and capacity.via == "holder" else None)
            raise PermissionDenied(N_("only the drafter of this secret letter, in person, may do this"))
        if document.author_position_id is not None:
            # The holder of the drafter's desk, or its Plt. (vacant post) or Plh. (holder away) on the day.
            capacity = capacity_for(session, user, document.author_position_id, on, author_id=document.author_id)
            if capacity is not None:
                return Acting(user, capacity)
        elif document.author_id == user.id:
            return Acting(user, None)
        raise PermissionDenied(N_("only the drafter of this letter (or whoever now holds the drafter's desk) may do "
                                 "this"))
    if slot == Slot.RECORDS_CLERK:
        if user.has_role(Role.RECORDS_CLERK) and user.unit_id == document.unit_id:
            return Acting(user, None)
        raise PermissionDenied(N_("only the records clerk (TU) of the letter's unit may send or file it"))
    step = current_step(document)
    wanted = {Slot.VERIFIER: StepKind.VERIFY, Slot.SIGNER: StepKind.SIGN}.get(slot)
    if step is None or (wanted is not None and step.kind != wanted):
        raise PermissionDenied(N_("no step of this letter waits for you"))
    if user.id == document.author_id:
        raise PermissionDenied(N_("nobody may verify or sign their own letter"))
    capacity = capacity_for(session, user, step.position_id, on, author_id=document.author_id)
    if capacity is None:
        raise PermissionDenied(N_("this step waits for %(position)s, or whoever acts for that desk"),
                               position=step.position.title)
    return Acting(user, capacity)


def _check_approves_once(document: Document, user: User, action: str) -> None:
    """Refuse a second paraf or a signature from someone who already initialled the letter at another step."""
    if action not in APPROVING_ACTIONS:
        return
    earlier = next((s for s in document.steps if s.state == StepState.DONE and s.acted_by_user_id == user.id), None)
    if earlier is not None:
        # Holding one desk of the route and standing in for another, she would approve the letter twice.
        raise PermissionDenied(N_("you already initialled this letter at the step of %(position)s; one person "
                                  "approves a letter once, so this step needs another official (you may still "
                                  "return it)"), position=earlier.position.title)


def available_actions(session: Session, user: User, document: Document, on, *,
                      heeding_deadline: bool = True) -> list[Action]:
    """Return the actions this user may take on the letter now (for buttons; the guard still decides)."""
    from docflow.errors import DocflowError
    from docflow.workflow.states import allowed_actions

    available = []
    passed = deadline_passed(document, on) if heeding_deadline else None
    for action in allowed_actions(document.state):
        if passed is not None and action in DEADLINE_BOUND_ACTIONS:
            continue
        try:
            _resolve_slot(session, user, document, transition_for(document.state, action).slot, on)
            _check_approves_once(document, user, action)
        except DocflowError:
            continue
        available.append(action)
    return available


def check_deadline(document: Document, action: str, on: date) -> None:
    """Refuse initialling or signing a letter whose deadline has passed (409, naming the day)."""
    passed = deadline_passed(document, on) if action in DEADLINE_BOUND_ACTIONS else None
    if passed is not None:
        raise Conflict(passed, field="deadline")


def deadline_passed(document: Document, on: date) -> Message | None:
    """Return why the letter may no longer be initialled or signed on this day, or None while it may."""
    if document.deadline is None or on <= document.deadline or document.state in FROZEN_STATES | FINAL_STATES:
        return None
    return Message(N_("The deadline for this letter passed on %(date)s; the drafter can set a new deadline or "
                      "withdraw it"), date=document.deadline)


def may_set_deadline(session: Session, user: User, document: Document, on: date) -> bool:
    """Tell whether the user may set the letter's deadline now (for the form; the guard still decides)."""
    from docflow.errors import DocflowError

    if document.state in FROZEN_STATES | FINAL_STATES:
        return False
    try:
        _resolve_slot(session, user, document, Slot.DRAFTER, on)
    except DocflowError:
        return False
    return True


def set_deadline(session: Session, *, actor: User, document_id: int, deadline: date | None,
                 expected_revision: int | None, on: date) -> Document:
    """Set, move or remove a letter's deadline (the drafter, until the letter is signed); audited."""
    from docflow.documents.operations import check_deadline_ahead

    document = lock_document(session, document_id)
    _check_revision(document, expected_revision)
    if document.state in FROZEN_STATES | FINAL_STATES:
        raise Conflict(N_("the deadline can only be changed until the letter is signed"), field="deadline")
    acting = _resolve_slot(session, actor, document, Slot.DRAFTER, on)
    check_deadline_ahead(deadline, on)
    before = document.deadline
    if deadline == before:
        return document
    document.deadline = deadline
    document.revision += 1
    session.flush()
    _audit(session, document, "set_deadline", document.state, document.state, acting,
           comment=f"{before.isoformat() if before else '-'} -> {deadline.isoformat() if deadline else '-'}")
    logger.info("user %s set the deadline of document %s from %s to %s", actor.username, document.id, before,
                deadline)
    return document


def _due(settings: WorkflowSettings, urgency: str, now: datetime) -> datetime:
    hours = {Urgency.AMAT_SEGERA: settings.due_hours_amat_segera, Urgency.SEGERA: settings.due_hours_segera}.get(
        urgency, settings.due_hours_biasa)
    return now + timedelta(hours=hours)


def _make_current(step: RouteStep, document: Document, settings: WorkflowSettings, now: datetime) -> None:
    step.state = StepState.CURRENT
    step.due_at = _due(settings, document.urgency, now)
    step.acted_by_user_id = step.acted_via = step.acted_at = None


def _notify(session: Session, document: Document, event: str, *, position_ids: Sequence[int] = (),
            user_ids: Sequence[int] = ()) -> None:
    if position_ids or user_ids:
        enqueue_job(session, NOTIFY, document_id=document.id, event=event, position_ids=list(position_ids),
                    user_ids=list(user_ids))


def route_of(document: Document) -> list[StepSpec]:
    """Return a document's route as step specifications."""
    return [StepSpec(s.kind, s.position_id, s.mode, s.on_behalf_position_id) for s in document.steps]


def proposed_route(session: Session, document: Document, on: date | None = None) -> list[StepSpec]:
    """Return the route the rules propose for a document, from its drafter's desk.

    Given the day, a verification step is left out when the one person who may act there is also
    the one at a later step (she holds it or stands in for it): one person initials a letter once.
    """
    if document.author_position_id is None:
        raise ValidationFailed(N_("the letter has no drafter's position, so no route can be proposed; "
                                  "choose the verifiers and the signer"), field="steps")
    steps = propose_route(_rule(session, document), session.get(Position, document.author_position_id))
    return without_double_steps(session, steps, on, document.author_id) if on is not None else steps


def set_route(session: Session, *, actor: User, document: Document, steps: Sequence[StepSpec],
              expected_revision: int | None, on, settings: WorkflowSettings) -> list[RouteStep]:
    """Replace the route of a draft or returned letter (the drafter adjusts it within the rules)."""
    # The caller loaded the letter before this write: lock it and check the revision as it is now, or a
    # submission committed meanwhile would be overwritten.
    document = lock_document(session, document.id)
    _check_revision(document, expected_revision)
    if document.state not in (DocumentState.DRAFT, DocumentState.RETURNED):
        raise Conflict(N_("the route can only be changed while the letter is a draft or returned for revision"),
                       field="steps")
    acting = _resolve_slot(session, actor, document, Slot.DRAFTER, on)
    rule = _rule(session, document)
    author_position = session.get(Position, document.author_position_id) if document.author_position_id else None
    validated = validate_route(session, rule, author_position, steps, on, document.author_id)
    document.steps.clear()
    session.flush()
    for order, spec in enumerate(validated, start=1):
        document.steps.append(RouteStep(order=order, kind=spec.kind, position_id=spec.position_id, mode=spec.mode,
                                        on_behalf_position_id=spec.on_behalf_position_id, state=StepState.WAITING))
    document.returned_step = None  # a new route starts verification from its first step
    document.revision += 1
    session.flush()
    _audit(session, document, "set_route", document.state, document.state, acting,
           comment=_route_summary(session, validated, on))
    enqueue_index(session, document.id)  # the route's desks may read the letter
    logger.info("user %s set the route of document %s: %s", actor.username, document.id,
                [s.as_dict() for s in validated])
    return list(document.steps)


def _route_summary(session: Session, steps: Sequence[StepSpec], on: date) -> str:
    """Return a route as one line for the audit trail, by desk and holder, in the terms of naskah dinas."""
    parts = []
    for spec in steps:
        position = session.get(Position, spec.position_id)
        names = ", ".join(u.display_name for u in holders(session, spec.position_id, on))
        desk = f"{position.title} ({names})" if names else position.title
        if spec.kind == StepKind.VERIFY:
            parts.append(f"Paraf: {desk}")
        else:
            behalf = session.get(Position, spec.on_behalf_position_id) if spec.on_behalf_position_id else None
            mode = f" {'a.n.' if spec.mode == SigningMode.AN else 'u.b.'} {behalf.title}" if behalf else ""
            parts.append(f"Tanda tangan{mode}: {desk}")
    return "; ".join(parts)


def _audit(session: Session, document: Document, action: str, from_state: str, to_state: str, acting: Acting,
           comment: str = "", signing_step: RouteStep | None = None) -> None:
    capacity = acting.capacity
    position = capacity.position if capacity else None
    delegated = capacity is not None and capacity.via in ("plt", "plh")
    behalf_title = position.title if delegated and position else ""
    behalf_id = position.id if delegated and position else None
    kind = capacity.via if delegated else None
    if signing_step is not None and signing_step.mode != SigningMode.DIRECT and signing_step.on_behalf_position:
        # a.n./u.b.: the letter is signed for the head; say so (a Plt./Plh. prefix stays on the title).
        behalf_title, behalf_id = signing_step.on_behalf_position.title, signing_step.on_behalf_position_id
        kind = kind or str(signing_step.mode)
    version = document.current_version
    record_event(
        session, action=action, document_id=document.id, from_state=from_state, to_state=to_state,
        actor_user_id=acting.user.id, actor_name=acting.user.display_name,
        # A delegate acts from the absent official's desk: name both.
        actor_position_id=position.id if position else None,
        actor_position_title=(capacity.prefix + position.title) if position else "",
        on_behalf_position_id=behalf_id,
        on_behalf_title=behalf_title,
        delegation_kind=kind,
        comment=comment, document_revision=document.revision, file_sha256=version.sha256 if version else None,
    )


def signature_block(session: Session, step: RouteStep, acting: Acting) -> str:
    """Return the signature block as it stands on the letter (a.n./u.b., Plt./Plh., name, rank, NIP)."""
    position = step.position
    capacity = acting.capacity
    prefix = capacity.prefix if capacity else ""
    lines: list[str] = []
    if step.mode == SigningMode.AN and step.on_behalf_position is not None:
        lines += [f"a.n. {step.on_behalf_position.title}", f"{prefix}{position.title},"]
    elif step.mode == SigningMode.UB and step.on_behalf_position is not None:
        middle = position_chain(position)[0]
        lines += [f"a.n. {step.on_behalf_position.title}", f"{middle.title}", "u.b.", f"{prefix}{position.title},"]
    else:
        lines.append(f"{prefix}{position.title},")
    user = acting.user
    lines += ["", "", user.display_name]
    if user.rank:
        lines.append(user.rank)
    if user.nip:
        lines.append(f"NIP. {user.nip}")
    return "\n".join(lines)


def perform_action(session: Session, *, actor: User, document_id: int, action: str, expected_revision: int | None,
                   comment: str = "", now: datetime, settings: WorkflowSettings) -> Document:
    """Take an action on a letter: the table decides if it is allowed, the route who may take it."""
    document = lock_document(session, document_id)
    transition = transition_for(document.state, action)
    _check_revision(document, expected_revision)
    on = now.date()
    acting = _resolve_slot(session, actor, document, transition.slot, on)
    _check_approves_once(document, actor, action)
    check_deadline(document, action, on)
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationFailed(N_("say why: a comment is required to return or reject a letter"), field="comment")
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(N_("the comment is longer than %(max)s characters"), field="comment", max=MAX_COMMENT)
    before = document.state
    signing_step = current_step(document) if action == Action.SIGN else None
    _apply(session, document, Action(action), transition, acting, comment, now, settings)
    document.revision += 1
    session.flush()
    _audit(session, document, action, before, document.state, acting, comment, signing_step=signing_step)
    if action == Action.SEND:
        _deliver(session, document, acting, on)
    if action == Action.SIGN:
        document_signed.fire(session=session, document=document, actor=actor, now=now)
    enqueue_index(session, document.id)  # the index's readers follow the new state (and the recipients)
    logger.info("user %s: %s on document %s (%s -> %s)%s", actor.username, action, document.id, before,
                document.state, f" as {acting.capacity.via}" if acting.capacity else "")
    return document


def _apply(session: Session, document: Document, action: Action, transition: Transition, acting: Acting,
           comment: str, now: datetime, settings: WorkflowSettings) -> None:
    steps = list(document.steps)
    if action == Action.SUBMIT:
        _submit(session, document, steps, transition, now, settings)
    elif action == Action.INITIAL:
        step = current_step(document)
        _complete(step, acting, now)
        following = [s for s in steps if s.order > step.order]
        _make_current(following[0], document, settings, now)
        document.state = transition.target_when_verified if following[0].kind == StepKind.SIGN else transition.target
        _notify(session, document, "to_act", position_ids=[following[0].position_id])
    elif action == Action.RETURN:
        step = current_step(document)
        document.returned_step = step.order
        version = document.current_version
        document.returned_version = version.number if version else None
        for s in steps:
            if s.state == StepState.CURRENT:
                s.state = StepState.WAITING
        document.state = transition.target
        _notify_drafter(session, document, "returned")
    elif action == Action.SIGN:
        step = current_step(document)
        if document.state in FROZEN_STATES:  # pragma: no cover - the table already forbids it
            raise Conflict(N_("the letter is already signed"))
        _complete(step, acting, now)
        document.signature_block = signature_block(session, step, acting)
        allocate_number(session, document, _rule(session, document), now)
        document.signed_at = now
        document.state = transition.target
        _notify_drafter(session, document, "signed")
    elif action in (Action.REJECT, Action.WITHDRAW):
        for s in steps:
            if s.state == StepState.CURRENT:
                s.state = StepState.WAITING
        document.state = transition.target
        if action == Action.REJECT:
            _notify_drafter(session, document, "rejected")
    else:  # SEND, FILE
        document.state = transition.target


def _deliver(session: Session, document: Document, acting: Acting, on: date) -> None:
    """Record that the desks the letter is addressed or copied to may read it now, and tell them."""
    desks = [r for r in document.recipients if r.position_id is not None]
    if not desks:
        return
    if is_personal(document):
        _grant_to_holders(session, document, {r.position_id for r in desks}, on)
    _audit(session, document, "deliver", document.state, document.state, acting,
           comment="; ".join(f"{'Yth.' if r.kind == 'to' else 'Tembusan:'} {r.name} — {r.position.unit.name}"
                             for r in desks))
    _notify(session, document, "received", position_ids=sorted({r.position_id for r in desks}))
    logger.info("document %s delivered to positions %s", document.id, [r.position_id for r in desks])


def _grant_to_holders(session: Session, document: Document, position_ids: set[int], on: date) -> None:
    """Let the people at the desks (holders, Plt./Plh.) today read a secret letter, in person from now on."""
    people: set[int] = set()
    for position_id in position_ids:
        people.update(u.id for u in holders(session, position_id, on))
        delegation = active_delegation(session, position_id, on)
        if delegation is not None:
            people.add(delegation.delegate_user_id)
    already = {g.user_id for g in document.grants}
    for user_id in sorted(people - already):
        document.grants.append(DocumentGrant(user_id=user_id))
    session.flush()
    logger.info("secret document %s: granted to users %s at the addressed desks", document.id,
                sorted(people - already))


def _complete(step: RouteStep, acting: Acting, now: datetime) -> None:
    step.state = StepState.DONE
    step.acted_by_user_id = acting.user.id
    step.acted_via = acting.capacity.via if acting.capacity else None
    step.acted_at = now


def _notify_drafter(session: Session, document: Document, event: str) -> None:
    if document.author_position_id is not None:
        _notify(session, document, event, position_ids=[document.author_position_id])
    else:
        _notify(session, document, event, user_ids=[document.author_id])


def _submit(session: Session, document: Document, steps: list[RouteStep], transition: Transition, now: datetime,
            settings: WorkflowSettings) -> None:
    rule = _rule(session, document)
    if not steps:
        for order, spec in enumerate(proposed_route(session, document, now.date()), start=1):
            document.steps.append(RouteStep(order=order, kind=spec.kind, position_id=spec.position_id,
                                            mode=spec.mode, on_behalf_position_id=spec.on_behalf_position_id))
        session.flush()
        steps = list(document.steps)
    author_position = session.get(Position, document.author_position_id) if document.author_position_id else None
    validate_route(session, rule, author_position, route_of(document), now.date(), document.author_id)
    if document.current_version is None:
        raise ValidationFailed(N_("attach the letter's file before submitting it"), field="file")
    resume_at = 1
    if document.state == DocumentState.RETURNED:
        version = document.current_version
        if document.returned_version is not None and version.number <= document.returned_version:
            raise ValidationFailed(N_("upload the corrected version before submitting the letter again"),
                                   field="file")
        if rule.restart_from == RestartFrom.RETURNING and document.returned_step:
            resume_at = document.returned_step
    for s in steps:
        if s.order < resume_at and s.state == StepState.DONE:
            continue
        s.state = StepState.WAITING
        s.acted_by_user_id = s.acted_via = s.acted_at = None
    first = next(s for s in steps if s.state == StepState.WAITING)
    _make_current(first, document, settings, now)
    document.state = transition.target_when_verified if first.kind == StepKind.SIGN else transition.target
    _notify(session, document, "to_act", position_ids=[first.position_id])
