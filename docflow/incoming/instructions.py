"""The city's list of disposisi instructions, kept by administrators: add, rename, reorder, deactivate, delete."""
from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import User
from docflow.errors import N_, Conflict, NotFound, ValidationFailed
from docflow.incoming.models import DispositionInstruction, disposition_instruction_links

logger = logging.getLogger(__name__)

MAX_TEXT = 200


def _clean_text(session: Session, text: object, *, exclude_id: int | None = None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed(N_("write the instruction"), field="text")
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise ValidationFailed(N_("at most %(max)s characters"), field="text", max=MAX_TEXT)
    same = session.scalars(select(DispositionInstruction).where(
        func.lower(DispositionInstruction.text) == text.lower())).first()
    if same is not None and same.id != exclude_id:
        raise Conflict(N_("the instruction %(text)s is already on the list"), field="text", text=same.text)
    return text


def _audit(session: Session, actor: User, action: str, comment: str) -> None:
    record_event(session, action=action, actor_user_id=actor.id, actor_name=actor.display_name, comment=comment)


def get_instruction(session: Session, instruction_id: int) -> DispositionInstruction:
    """Return one instruction of the list, active or not, or NotFound."""
    row = session.get(DispositionInstruction, instruction_id)
    if row is None:
        raise NotFound(N_("instruction %(id)s does not exist"), id=instruction_id)
    return row


def all_instructions(session: Session) -> list[DispositionInstruction]:
    """Return the whole list, inactive ones too, in its order."""
    return list(session.scalars(select(DispositionInstruction)
                                .order_by(DispositionInstruction.ordering, DispositionInstruction.id)))


def usage_counts(session: Session) -> dict[int, int]:
    """Return how many disposisi chose each instruction."""
    links = disposition_instruction_links
    return dict(session.execute(select(links.c.instruction_id, func.count()).group_by(links.c.instruction_id)).all())


def add_instruction(session: Session, *, actor: User, text: object) -> DispositionInstruction:
    """Add an instruction at the end of the list."""
    text = _clean_text(session, text)
    last = session.scalar(select(func.max(DispositionInstruction.ordering))) or 0
    row = DispositionInstruction(text=text, ordering=last + 1, is_active=True)
    session.add(row)
    session.flush()
    _audit(session, actor, "instruction_add", f"instruction {row.id}: {text}")
    logger.info("user %s added disposisi instruction %s %r", actor.username, row.id, text)
    return row


def rename_instruction(session: Session, *, actor: User, row: DispositionInstruction,
                       text: object) -> DispositionInstruction:
    """Change an instruction's words (disposisi given before show the new words too)."""
    text = _clean_text(session, text, exclude_id=row.id)
    before, row.text = row.text, text
    session.flush()
    _audit(session, actor, "instruction_rename", f"instruction {row.id}: {before} -> {text}")
    logger.info("user %s renamed disposisi instruction %s %r -> %r", actor.username, row.id, before, text)
    return row


def move_instruction(session: Session, *, actor: User, row: DispositionInstruction,
                     direction: str) -> DispositionInstruction:
    """Move an instruction one place up or down the list."""
    if direction not in {"up", "down"}:
        raise ValidationFailed(N_("expected one of %(choices)s"), field="direction", choices="up, down")
    rows = all_instructions(session)
    for n, item in enumerate(rows, start=1):
        item.ordering = n  # renumber: older lists may share an ordering
    at = rows.index(row)
    other = at - 1 if direction == "up" else at + 1
    if 0 <= other < len(rows):
        rows[at].ordering, rows[other].ordering = rows[other].ordering, rows[at].ordering
    session.flush()
    _audit(session, actor, "instruction_move", f"instruction {row.id} {direction}: now {row.ordering}")
    return row


def set_instruction_active(session: Session, *, actor: User, row: DispositionInstruction,
                           active: bool) -> DispositionInstruction:
    """Offer an instruction on new disposisi again, or stop offering it (those given keep it)."""
    row.is_active = active
    session.flush()
    _audit(session, actor, "instruction_activate" if active else "instruction_deactivate",
           f"instruction {row.id}: {row.text}")
    logger.info("user %s %s disposisi instruction %s", actor.username, "activated" if active else "deactivated",
                row.id)
    return row


def delete_instruction(session: Session, *, actor: User, row: DispositionInstruction) -> None:
    """Delete an instruction no disposisi ever chose; one in use can only be deactivated."""
    used = usage_counts(session).get(row.id, 0)
    if used:
        raise Conflict(N_("the instruction %(text)s was chosen on %(count)s disposisi; deactivate it instead"),
                       field="text", text=row.text, count=used)
    session.delete(row)
    session.flush()
    _audit(session, actor, "instruction_delete", f"instruction {row.id}: {row.text}")
    logger.info("user %s deleted disposisi instruction %s %r", actor.username, row.id, row.text)
