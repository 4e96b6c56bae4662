"""Reads of documents that respect who may see them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from docflow.auth.models import User
from docflow.documents.access import can_read, readable_clause
from docflow.documents.models import Document, Version
from docflow.errors import N_, NotFound


@dataclass(frozen=True)
class Page:
    items: list[Document]
    total: int
    page: int
    per_page: int


def get_readable_document(session: Session, user: User, document_id: int,
                          positions: Iterable[int] = ()) -> Document:
    """Return the document if the user may read it; otherwise NotFound (existence is not revealed)."""
    document = session.get(Document, document_id, options=[selectinload(Document.versions)])
    if document is None or not can_read(user, document, positions):
        raise NotFound(N_("document %(id)s does not exist or you may not read it"), id=document_id)
    return document


def get_version(document: Document, number: int | None = None) -> Version:
    """Return one version of a document (the newest when number is None)."""
    if number is None:
        version = document.current_version
    else:
        version = next((v for v in document.versions if v.number == number), None)
    if version is None:
        raise NotFound(N_("document %(id)s has no version %(number)s"), id=document.id, number=number)
    return version


def list_readable_documents(session: Session, user: User, *, page: int = 1, per_page: int = 20,
                            state: str | None = None, doc_type: str | None = None,
                            mine: bool = False, positions: Iterable[int] = ()) -> Page:
    """Return one page of the documents the user may read, newest first."""
    conditions = [readable_clause(user, positions)]
    if state:
        conditions.append(Document.state == state)
    if doc_type:
        conditions.append(Document.doc_type == doc_type)
    if mine:
        conditions.append(Document.author_id == user.id)
    total = session.scalar(select(func.count(Document.id)).where(*conditions)) or 0
    items = session.scalars(
        select(Document).where(*conditions).order_by(Document.created_at.desc(), Document.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
        .options(selectinload(Document.versions), selectinload(Document.unit), selectinload(Document.author))
    ).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)
