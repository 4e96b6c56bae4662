"""Turn documents into what the search index holds, and keep the index in step with the database."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from docflow.db import Database
from docflow.documents.access import reader_principals
from docflow.documents.models import Document, DocumentRecipient, Version
from docflow.org.models import Position
from search_index import IndexedDocument, IndexOutdatedError, SearchEngine

logger = logging.getLogger(__name__)


def fingerprint(document: Document) -> str:
    """Return what changes whenever anything the index holds about the document changes."""
    version = document.current_version
    version_part = f"{version.id}:{version.extraction_status}" if version else "-"
    grants = ",".join(str(g.user_id) for g in sorted(document.grants, key=lambda g: g.user_id))
    return f"{document.revision}|{document.updated_at.timestamp():.6f}|{version_part}|{grants}"


# Text of one document that the index takes; the rest stays in the database (and the file).
DEFAULT_MAX_TEXT_CHARS = 500_000
DEFAULT_BATCH_MAX_BYTES = 4 * 1024 * 1024
# What one document costs an index commit besides its text (title, fields, Whoosh's bookkeeping).
_DOCUMENT_OVERHEAD_BYTES = 4096


def to_indexed(document: Document, body: str | None = None) -> IndexedDocument:
    """Return the index entry for a document: `body`, or else its current version's text."""
    version = document.current_version
    if body is None:
        body = (version.text or "") if version else ""
    return IndexedDocument(
        id=document.id,
        title=document.title,
        body=body,
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
    # The versions without their text: only the current version's is read, and only its indexed part.
    return (
        selectinload(Document.versions),
        selectinload(Document.unit),
        selectinload(Document.author),
        selectinload(Document.grants),
        selectinload(Document.recipients).selectinload(DocumentRecipient.position).selectinload(Position.unit),
    )


def _indexed_texts(session: Session, documents: Iterable[Document], max_text_chars: int) -> dict[int, str]:
    """Return document id -> the first `max_text_chars` characters of its current version's text.

    The database cuts the text (substr), so a long text never passes through this process whole.
    A cut text is logged: the document stays findable by its title, number and the text's start.
    """
    current = {d.current_version.id: d.id for d in documents if d.current_version is not None}
    if not current:
        return {}
    rows = session.execute(
        select(Version.id, func.substr(Version.text, 1, max_text_chars), func.length(Version.text))
        .where(Version.id.in_(current))
    ).all()
    texts = {}
    for version_id, text, length in rows:
        texts[current[version_id]] = text or ""
        if length is not None and length > max_text_chars:
            logger.warning("document %s: text of %d characters truncated to the first %d for the index",
                           current[version_id], length, max_text_chars)
    return texts


def _entries(session: Session, documents: Iterable[Document], max_text_chars: int) -> list[IndexedDocument]:
    documents = list(documents)
    texts = _indexed_texts(session, documents, max_text_chars)
    return [to_indexed(d, texts.get(d.id, "")) for d in documents]


def load_indexed(session: Session, document_ids: Iterable[int], *,
                 max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> tuple[list[IndexedDocument], set[int]]:
    """Return index entries for the documents that exist, and the ids that no longer do."""
    wanted = set(document_ids)
    documents = session.scalars(select(Document).where(Document.id.in_(wanted)).options(*_load_options())).all()
    found = _entries(session, documents, max_text_chars)
    return found, wanted - {d.id for d in found}


def plan_index_batches(session: Session, document_ids: Iterable[int], *, max_text_chars: int,
                       max_bytes: int) -> list[list[int]]:
    """Split documents into index commits of at most `max_bytes` of text each (one document at least).

    Sizes come from the database (the length of each current version's text, as cut for the
    index), without reading the texts. Documents keep their order, so the oldest jobs go first.
    """
    ordered = list(dict.fromkeys(document_ids))
    lengths: dict[int, tuple[int, int]] = {}  # document id -> (version number, text length)
    for chunk_start in range(0, len(ordered), 500):
        chunk = ordered[chunk_start:chunk_start + 500]
        for document_id, number, length in session.execute(
            select(Version.document_id, Version.number, func.length(Version.text)).where(Version.document_id.in_(chunk))
        ):
            if document_id not in lengths or number > lengths[document_id][0]:
                lengths[document_id] = (number, length or 0)
    groups: list[list[int]] = []
    size = 0
    for document_id in ordered:
        cost = _DOCUMENT_OVERHEAD_BYTES + min(lengths.get(document_id, (0, 0))[1], max_text_chars)
        if groups and size + cost <= max_bytes:
            groups[-1].append(document_id)
            size += cost
        else:
            groups.append([document_id])
            size = cost
    return groups


def iter_all_indexed(db: Database, batch: int = 500, *, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
                     max_bytes: int = DEFAULT_BATCH_MAX_BYTES) -> Iterator[IndexedDocument]:
    """Yield the index entry of every document, reading the database in batches, a short transaction each.

    A rebuild takes minutes, and on SQLite every transaction holds the write lock (BEGIN
    IMMEDIATE): one transaction around it would stop every request of the web process until it
    ended. A document changed between two batches is caught by the comparison after the rebuild.
    Texts are read at most `max_bytes` at a time, each cut at `max_text_chars`.
    """
    last_id = 0
    while True:
        with db.transaction() as session:
            documents = session.scalars(
                select(Document).where(Document.id > last_id).order_by(Document.id).limit(batch)
                .options(*_load_options())
            ).all()
            groups = plan_index_batches(session, [d.id for d in documents], max_text_chars=max_text_chars,
                                        max_bytes=max_bytes)
        if not documents:
            return
        by_id = {d.id: d for d in documents}
        for group in groups:
            with db.transaction() as session:
                entries = _entries(session, [by_id[i] for i in group], max_text_chars)
            yield from entries
        last_id = documents[-1].id


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


def index_differences(session: Session, index: SearchEngine) -> tuple[set[int], set[int], set[int]]:
    """Return (missing from index, stale in index, in index but not in database)."""
    in_db = database_fingerprints(session)
    in_index = index.fingerprints()
    missing = set(in_db) - set(in_index)
    extra = set(in_index) - set(in_db)
    stale = {i for i in set(in_db) & set(in_index) if in_db[i] != in_index[i]}
    return missing, stale, extra


def rebuild_index(db: Database, index: SearchEngine, processes: int = 1, *,
                  max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> tuple[int, int]:
    """Rebuild the index from the database and swap it in; return (documents indexed, queued again).

    `processes` above 1 index side by side in that many child processes (for a large archive
    on a machine with cores to spare). Each text is cut at `max_text_chars`, as the worker does.
    """
    from docflow.outbox.operations import enqueue_index

    count = index.rebuild(iter_all_indexed(db, max_text_chars=max_text_chars), processes=processes)
    # Documents that changed while the copy was built went to the old index: queue them again.
    with db.transaction() as session:
        missing, stale, extra = index_differences(session, index)
        for document_id in sorted(missing | stale | extra):
            enqueue_index(session, document_id)
    return count, len(missing | stale | extra)


def ensure_index(db: Database, index: SearchEngine, *, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> bool:
    """Make the index ready, rebuilding one made under other fields (it is derived data); tell if it was rebuilt."""
    try:
        index.ensure_ready()
    except IndexOutdatedError as exc:
        logger.warning("%s; rebuilding it from the database now", exc)
        count, _ = rebuild_index(db, index, max_text_chars=max_text_chars)
        logger.info("rebuilt the search index: %d documents", count)
        return True
    return False
