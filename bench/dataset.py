"""Fill an instance's database with synthetic letters in bulk, as extraction would have left them."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.common import BENCH_PASSWORD, BenchError
from bench.synthetic import UNITS, LetterGenerator, SyntheticLetter
from docflow.auth.models import User
from docflow.auth.operations import create_token, create_user
from docflow.config import load_settings
from docflow.db import utcnow
from docflow.documents.models import Document, ExtractionStatus, Version
from docflow.org.models import Unit
from docflow.org.operations import create_unit
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import INDEX_DOCUMENT
from docflow.services import Services
from storage.keys import key_for

logger = logging.getLogger(__name__)

AUTHORS_PER_UNIT = 3
INSERT_CHUNK = 1000


@dataclass(frozen=True)
class Org:
    """Unit ids by unit index, and the author ids of each unit."""

    unit_ids: list[int]
    authors: list[list[int]]


def open_services(instance_dir: Path, log_level: str = "WARNING") -> Services:
    """Return services for an instance directory, with its schema, store and index created."""
    from docflow.migrate import upgrade

    settings = load_settings(overrides={"server": {"instance_dir": str(instance_dir), "log_level": log_level}})
    services = Services.from_settings(settings)
    upgrade(services.db.engine)
    services.store.ensure_ready()
    services.index.ensure_ready()
    return services


def ensure_org(services: Services, units: int) -> Org:
    """Create the first `units` units with a few authors each, or return them if they exist."""
    with services.db.transaction() as session:
        unit_ids: list[int] = []
        authors: list[list[int]] = []
        for index, (code, name) in enumerate(UNITS[:units]):
            unit = session.scalar(select(Unit).where(Unit.code == code))
            if unit is None:
                kind = "kecamatan" if code.startswith("KEC") else "dinas"
                unit = create_unit(session, code=code, name=name, kind=kind)
            unit_ids.append(unit.id)
            ids = []
            for n in range(AUTHORS_PER_UNIT):
                username = f"staf{n + 1}.{code.lower()}"
                user = session.scalar(select(User).where(User.username == username))
                if user is None:
                    user = create_user(session, username=username, password=None, roles=["drafter"],
                                       full_name=f"Staf {n + 1} {name}", unit=unit)
                ids.append(user.id)
            authors.append(ids)
            logger.debug("unit %s ready (index %d)", code, index)
    return Org(unit_ids=unit_ids, authors=authors)


def create_searcher(services: Services, username: str, unit_index: int) -> tuple[int, str]:
    """Create an ordinary drafter in one unit and return (user id, API token)."""
    code = UNITS[unit_index][0]
    with services.db.transaction() as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise BenchError(f"unit {code} does not exist")
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(session, username=username, password=BENCH_PASSWORD, roles=["drafter"],
                               full_name="Pegawai Uji Kinerja", unit=unit)
        return user.id, create_token(session, user, name="benchmark")


def document_count(services: Services) -> int:
    """Return the number of documents in the database."""
    with services.db.transaction() as session:
        return int(session.scalar(select(func.count(Document.id))) or 0)


def _chunks(start: int, stop: int, size: int) -> Iterator[range]:
    for first in range(start, stop, size):
        yield range(first, min(first + size, stop))


def _rows(letter: SyntheticLetter, org: Org) -> tuple[dict[str, Any], dict[str, Any]]:
    authors = org.authors[letter.unit_index]
    author = authors[letter.ordinal % len(authors)]
    data = letter.body.encode()
    sha = hashlib.sha256(data).hexdigest()
    document = {
        "id": letter.ordinal, "title": letter.title, "doc_type": letter.doc_type,
        "classification_code": letter.classification, "security_class": letter.security_class,
        "urgency": "biasa", "state": letter.state, "number": letter.number,
        "unit_id": org.unit_ids[letter.unit_index], "author_id": author, "revision": 1,
        "created_at": letter.created, "updated_at": letter.created,
    }
    version = {
        "id": letter.ordinal, "document_id": letter.ordinal, "number": 1, "storage_key": key_for(sha),
        "sha256": sha, "size": len(data), "mime_type": "text/plain",
        "original_filename": f"naskah-{letter.ordinal}.txt", "page_count": None,
        "extraction_status": ExtractionStatus.OK, "extraction_reason": None, "encrypted": False,
        "text": letter.body, "comment": "", "created_by_id": author, "created_at": letter.created,
    }
    return document, version


def insert_letters(services: Services, generator: LetterGenerator, org: Org, start: int, stop: int, *,
                   enqueue_index: bool) -> int:
    """Insert letters [start, stop) as documents with one extracted version each; optionally queue index jobs.

    The rows are what `create_document` and `record_extraction` leave behind (the document id is
    the letter's ordinal); the index jobs are the ones `enqueue_index` adds for a new document.
    The object store stays empty: no path measured here reads it.
    """
    inserted = 0
    for ordinals in _chunks(start, stop, INSERT_CHUNK):
        rows = [_rows(generator.letter(i), org) for i in ordinals]
        now = utcnow()
        with services.db.transaction() as session:
            session.execute(insert(Document), [d for d, _ in rows])
            session.execute(insert(Version), [v for _, v in rows])
            if enqueue_index:
                session.execute(insert(OutboxJob), [
                    {"kind": INDEX_DOCUMENT, "payload": {"document_id": i}, "state": JobState.PENDING,
                     "attempts": 0, "run_after": now, "created_at": now} for i in ordinals
                ])
        inserted += len(rows)
    return inserted
