"""Routes: propose verifiers and a signer from the drafter's desk, and check a route against the rules."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from docflow.api.params import MAX_ID, parse_whole_number
from docflow.errors import N_, ValidationFailed
from docflow.org.models import Position
from docflow.auth.models import User
from docflow.org.queries import acting_people, can_be_acted_for, position_chain
from docflow.workflow.models import DocumentTypeRule, SigningMode, StepKind


@dataclass(frozen=True)
class StepSpec:
    """One step of a route as the drafter sees and adjusts it."""

    kind: str
    position_id: int
    mode: str = SigningMode.DIRECT
    on_behalf_position_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the API form."""
        return {"kind": self.kind, "position_id": self.position_id, "mode": self.mode,
                "on_behalf_position_id": self.on_behalf_position_id}


def parse_route(data: Any) -> list[StepSpec]:
    """Read a route from JSON or form data: a list of {kind, position_id, mode, on_behalf_position_id}."""
    if not isinstance(data, Sequence) or isinstance(data, str | bytes):
        raise ValidationFailed(N_("steps must be a list"), field="steps")
    steps = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, Mapping):
            raise ValidationFailed(N_("step %(n)s must be an object"), field="steps", n=n)
        position_id = _position_id(item.get("position_id"))
        behalf = item.get("on_behalf_position_id")
        behalf_id = _position_id(behalf) if behalf not in (None, "") else None
        try:
            kind = StepKind(item.get("kind", StepKind.VERIFY))
            mode = SigningMode(item.get("mode") or SigningMode.DIRECT)
            if position_id is None or (behalf not in (None, "") and behalf_id is None):
                raise ValueError(behalf)
        except (TypeError, ValueError):
            raise ValidationFailed(N_("step %(n)s needs a kind (verify or sign), a position_id and a valid mode "
                                      "(direct, an, ub)"), field="steps", n=n) from None
        steps.append(StepSpec(kind=kind, position_id=position_id, mode=mode, on_behalf_position_id=behalf_id))
    return steps


def _position_id(value: Any) -> int | None:
    number = parse_whole_number(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


def propose_route(rule: DocumentTypeRule, author_position: Position) -> list[StepSpec]:
    """Propose the head of the drafter's unit as signer (if the type allows), the desks between as verifiers."""
    chain = position_chain(author_position)
    in_unit = [i for i, p in enumerate(chain) if p.unit_id == author_position.unit_id]
    head_index = in_unit[-1] if in_unit else None
    if head_index is not None and chain[head_index].level in rule.signer_levels:
        signer_index: int | None = head_index
    else:
        signer_index = next((i for i, p in enumerate(chain) if p.level in rule.signer_levels), None)
    if signer_index is None:
        # No allowed signer in the chain: the head signs on someone's behalf if the type allows it.
        for i, p in enumerate(chain):
            parent = p.parent
            if rule.allow_an and parent is not None and parent.level in rule.signer_levels:
                verifiers = chain[:i][: rule.max_verifiers]
                return [StepSpec(StepKind.VERIFY, v.id) for v in verifiers] + [
                    StepSpec(StepKind.SIGN, p.id, SigningMode.AN, parent.id)]
        raise ValidationFailed(
            N_("no position above %(position)s may sign a %(type)s; ask an administrator to set up "
               "the organisation or adjust the route"), field="steps", position=author_position.title,
            type=rule.name)
    verifiers = chain[:signer_index][-rule.max_verifiers:] if signer_index else []
    return [StepSpec(StepKind.VERIFY, v.id) for v in verifiers] + [StepSpec(StepKind.SIGN, chain[signer_index].id)]


def validate_route(session: Session, rule: DocumentTypeRule, author_position: Position | None,
                   steps: Sequence[StepSpec], on: date, author_id: int | None = None) -> list[StepSpec]:
    """Check a route against the type's rules; raise ValidationFailed naming what is wrong."""
    if not steps or steps[-1].kind != StepKind.SIGN:
        raise ValidationFailed(N_("a route ends with exactly one signing step"), field="steps")
    verifiers = steps[:-1]
    if any(s.kind != StepKind.VERIFY for s in verifiers):
        raise ValidationFailed(N_("only the last step signs; the steps before it verify (paraf)"), field="steps")
    if len(verifiers) > rule.max_verifiers:
        raise ValidationFailed(N_("a %(type)s has at most %(max)s verification steps"), field="steps",
                               type=rule.name, max=rule.max_verifiers)
    ids = [s.position_id for s in steps]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(N_("a position appears twice on the route"), field="steps")
    if author_position is not None and author_position.id in ids:
        raise ValidationFailed(N_("the drafter's own position cannot verify or sign the letter"), field="steps")
    positions = {}
    for step in steps:
        position = session.get(Position, step.position_id)
        if position is None or not position.is_active:
            raise ValidationFailed(N_("position %(id)s does not exist"), field="steps", id=step.position_id)
        if not can_be_acted_for(session, position.id, on):
            raise ValidationFailed(N_("nobody holds or acts for %(position)s (vacant, no Plt.)"), field="steps",
                                   position=position.title)
        positions[step.position_id] = position
    _check_one_person_per_step(session, steps, on, author_id)
    sign = steps[-1]
    signer = positions[sign.position_id]
    if sign.mode == SigningMode.DIRECT:
        if sign.on_behalf_position_id is not None:
            raise ValidationFailed(N_("on_behalf_position_id is only for a.n. or u.b. signing"), field="steps")
        if signer.level not in rule.signer_levels:
            raise ValidationFailed(N_("%(position)s (eselon %(eselon)s) may not sign a %(type)s"), field="steps",
                                   position=signer.title, eselon=signer.eselon or "-", type=rule.name)
    else:
        allowed = rule.allow_an if sign.mode == SigningMode.AN else rule.allow_ub
        label = "a.n." if sign.mode == SigningMode.AN else "u.b."
        if not allowed:
            raise ValidationFailed(N_("a %(type)s cannot be signed %(mode)s"), field="steps", type=rule.name, mode=label)
        chain = position_chain(signer)
        distance = 1 if sign.mode == SigningMode.AN else 2
        expected = chain[distance - 1] if len(chain) >= distance else None
        if expected is None or sign.on_behalf_position_id != expected.id:
            raise ValidationFailed(N_("%(mode)s signing is on behalf of the position %(distance)s level(s) above the "
                                      "signer"), field="steps", mode=label, distance=distance)
        if expected.level not in rule.signer_levels:
            raise ValidationFailed(N_("%(position)s may not sign a %(type)s, so nobody may sign it "
                                      "%(mode)s for them"), field="steps", position=expected.title, type=rule.name,
                                   mode=label)
    for step in verifiers:
        if step.mode != SigningMode.DIRECT or step.on_behalf_position_id is not None:
            raise ValidationFailed(N_("verification steps have no signing mode"), field="steps")
    return list(steps)


def _people_at(session: Session, position_id: int, on: date, author_id: int | None) -> set[int]:
    """Return who may act for a desk on a day (its Plt./Plh. while one is in force, else its holders), never the
    letter's author."""
    people = {user.id for user in acting_people(session, position_id, on, author_id=author_id)}
    people.discard(author_id)
    return people


def _sole_people(session: Session, steps: Sequence[StepSpec], on: date, author_id: int | None) -> list[int | None]:
    """Return, step by step, the one person who alone may act there on the day (None: several or nobody)."""
    sole: list[int | None] = []
    for step in steps:
        people = _people_at(session, step.position_id, on, author_id)
        sole.append(next(iter(people)) if len(people) == 1 else None)
    return sole


def _check_one_person_per_step(session: Session, steps: Sequence[StepSpec], on: date, author_id: int | None) -> None:
    """Refuse a route on which one person alone holds or stands in for two desks: she would approve it twice.

    Typically a Plt. of a vacant post who holds another desk of the same route. Where a desk has
    someone else too, the route stands, and the action itself refuses her second paraf.
    """
    seen: dict[int, StepSpec] = {}
    for step, user_id in zip(steps, _sole_people(session, steps, on, author_id)):
        if user_id is None:
            continue
        if user_id in seen:
            raise ValidationFailed(
                N_("%(name)s alone holds or stands in for both %(first)s and %(second)s; one person initials a "
                   "letter once, so take one of these steps off the route"), field="steps",
                name=session.get(User, user_id).display_name,
                first=session.get(Position, seen[user_id].position_id).title,
                second=session.get(Position, step.position_id).title)
        seen[user_id] = step


def without_double_steps(session: Session, steps: Sequence[StepSpec], on: date,
                         author_id: int | None) -> list[StepSpec]:
    """Return a proposed route without a verification step whose one person alone also acts at a later step."""
    sole = _sole_people(session, steps, on, author_id)
    kept = []
    for i, step in enumerate(steps):
        if step.kind == StepKind.VERIFY and sole[i] is not None and sole[i] in sole[i + 1:]:
            continue  # e.g. the Plt. of the vacant head's post verifies at her own desk: she signs, once
        kept.append(step)
    return kept
