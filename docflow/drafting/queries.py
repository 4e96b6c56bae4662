"""Reading letter templates: which a drafter may start from, and their bytes."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from docflow.drafting.models import LetterTemplate
from docflow.errors import N_, NotFound, ServiceUnavailable
from storage import ObjectStore, StorageError

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"


def list_templates(session: Session, *, doc_type: str | None = None, unit_id: int | None = None,
                   include_inactive: bool = False) -> list[LetterTemplate]:
    """Return templates by type and name; with unit_id, the city's and that unit's only."""
    query = select(LetterTemplate).options(selectinload(LetterTemplate.unit))
    if not include_inactive:
        query = query.where(LetterTemplate.is_active.is_(True))
    if doc_type:
        query = query.where(LetterTemplate.doc_type == doc_type)
    if unit_id is not None:
        query = query.where(or_(LetterTemplate.unit_id.is_(None), LetterTemplate.unit_id == unit_id))
    return list(session.scalars(query.order_by(LetterTemplate.doc_type, LetterTemplate.unit_id.is_not(None).desc(),
                                               LetterTemplate.name, LetterTemplate.id)))


def get_template(session: Session, template_id: int | None) -> LetterTemplate:
    """Return a template by id, or raise NotFound."""
    template = session.get(LetterTemplate, template_id) if template_id is not None else None
    if template is None:
        raise NotFound(N_("no template %(id)s"), field="template", id=template_id)
    return template


def template_bytes(store: ObjectStore, template: LetterTemplate) -> bytes:
    """Return the DOCX of a template: the shipped default, or the uploaded object."""
    if template.storage_key is None:
        return (DEFAULTS_DIR / Path(template.builtin or "").name).read_bytes()
    try:
        with store.open(template.storage_key, verify=True) as reader:
            return reader.read()
    except StorageError as exc:
        raise ServiceUnavailable(N_("the template's file cannot be read from the document store: %(problem)s"),
                                 problem=str(exc)) from exc
