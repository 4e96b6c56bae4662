"""Turn documents into what the search index holds, and keep the index in step with the database."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from docflow.db import Database
from docflow.documents.access import reader_principals
from docflow.documents.models import Document, DocumentRecipient, Version
from docflow.org.models import Position
from search_index import IndexedDocument, IndexOutdatedError, SearchIndex

logger = logging.getLogger(__name__)


def fingerprint(document: Document) -> str:
    """Return what changes whenever anything the index holds about the document changes."""
    version = document.current_version
    version_part = f"{version.id}:{version.extraction_status}" if version else "-"
    grants = ",".join(str(g.user_id) for g in sorted(document.grants, key=lambda g: g.user_id))
    return f"{document.revision}|{document.updated_at.timestamp():.6f}|{version_part}|{grants}"


def to_indexed(document: Document) -> IndexedDocument:
    """Return the index entry for a document (its current version's text as the body)."""
    version = document.current_version
    return IndexedDocument(
        id=document.id,
        title=document.title,
        body=(version.text or "") if version else "",
        number=document.number,
        doc_type=document.doc_type,
        unit=document.unit.code,
        state=document.state,
        security_class=document.security_class,
        classification=document.classification_code,
        author=document.author.display_name,
        created=document.created_at,
        updated=document.updated_at,
        readers=reader_principals(document),
        fingerprint=fingerprint(document),
        recipients=recipients_text(document),
    )


def recipients_text(document: Document) -> str:
    """Return the addressees and copies, one a line; an internal one with its unit's name."""
    lines = []
    for recipient in document.recipients:
        position = recipient.position
        lines.append(f"{recipient.name}, {position.unit.name}" if position is not None else recipient.name)
    return "\n".join(lines)


def _load_options():
    return (
        selectinload(Document.versions).options(undefer(Version.text)),
        selectinload(Document.unit),
        selectinload(Document.author),
        selectinload(Document.grants),
        selectinload(Document.recipients).selectinload(DocumentRecipient.position).selectinload(Position.unit),
    )


def load_indexed(session: Session, document_ids: Iterable[int]) -> tuple[list[IndexedDocument], set[int]]:
    """Return index entries for the documents that exist, and the ids that no longer do."""
    wanted = set(document_ids)
    documents = session.scalars(select(Document).where(Document.id.in_(wanted)).options(*_load_options())).all()
    found = [to_indexed(d) for d in documents]
    return found, wanted - {d.id for d in found}


def iter_all_indexed(db: Database, batch: int = 500) -> Iterator[IndexedDocument]:
    """Yield the index entry of every document, reading the database in batches, a short transaction each.

    A rebuild takes minutes, and on SQLite every transaction holds the write lock (BEGIN
    IMMEDIATE): one transaction around it would stop every request of the web process until it
    ended. A document changed between two batches is caught by the comparison after the rebuild.
    """
    last_id = 0
    while True:
        with db.transaction() as session:
            documents = session.scalars(
                select(Document).where(Document.id > last_id).order_by(Document.id).limit(batch)
                .options(*_load_options())
            ).all()
            entries = [to_indexed(document) for document in documents]
        if not entries:
            return
        yield from entries
        last_id = entries[-1].id


def database_fingerprints(session: Session, batch: int = 1000) -> dict[int, str]:
    """Return id -> fingerprint for every document in the database."""
    result: dict[int, str] = {}
    last_id = 0
    while True:
        documents = session.scalars(
            select(Document).where(Document.id > last_id).order_by(Document.id).limit(batch)
            .options(selectinload(Document.versions), selectinload(Document.grants))
        ).all()
        if not documents:
            return result
        for document in documents:
            result[document.id] = fingerprint(document)
        last_id = documents[-1].id
        session.expunge_all()


def index_differences(session: Session, index: SearchIndex) -> tuple[set[int], set[int], set[int]]:
    """Return (missing from index, stale in index, in index but not in database)."""
    in_db = database_fingerprints(session)
    in_index = index.fingerprints()
    missing = set(in_db) - set(in_index)
    extra = set(in_index) - set(in_db)
    stale = {i for i in set(in_db) & set(in_index) if in_db[i] != in_index[i]}
    return missing, stale, extra


def rebuild_index(db: Database, index: SearchIndex, processes: int = 1) -> tuple[int, int]:
    """Rebuild the index from the database and swap it in; return (documents indexed, queued again).

    `processes` above 1 index side by side in that many child processes (for a large archive
    on a machine with cores to spare).
    """
    from docflow.outbox.operations import enqueue_index

    count = index.rebuild(iter_all_indexed(db), processes=processes)
    # Documents that changed while the copy was built went to the old index: queue them again.
    with db.transaction() as session:
        missing, stale, extra = index_differences(session, index)
        for document_id in sorted(missing | stale | extra):
            enqueue_index(session, document_id)
    return count, len(missing | stale | extra)


def ensure_index(db: Database, index: SearchIndex) -> bool:
    """Make the index ready, rebuilding one made under other fields (it is derived data); tell if it was rebuilt."""
    try:
        index.ensure_ready()
    except IndexOutdatedError as exc:
        logger.warning("%s; rebuilding it from the database now", exc)
        count, _ = rebuild_index(db, index)
        logger.info("rebuilt the search index: %d documents", count)
        return True
    return False
