"""Record side effects for the worker in the caller's transaction."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docflow.outbox.models import JobState, OutboxJob

logger = logging.getLogger(__name__)

EXTRACT_VERSION = "extract_version"
# Reading a version's scans with OCR, queued by its extraction when the text layer left pages unread.
OCR_VERSION = "ocr_version"
INDEX_DOCUMENT = "index_document"
SWEEP_ORPHANS = "sweep_orphans"
NOTIFY = "notify"
# E-mailing a signed letter to an external addressee (one line of the expedition book).
SEND_LETTER = "send_letter"


def enqueue_job(session: Session, kind: str, *, run_after: datetime | None = None, **payload: Any) -> OutboxJob:
    """Add a job to the outbox; it runs only if the caller's transaction commits."""
    job = OutboxJob(kind=kind, payload=payload)
    if run_after is not None:
        job.run_after = run_after
    session.add(job)
    session.flush()
    logger.debug("enqueued %s job %s %s", kind, job.id, payload)
    return job


def enqueue_index(session: Session, document_id: int) -> OutboxJob | None:
    """Ask the worker to (re)index a document, unless the same request is already waiting."""
    pending = session.scalars(
        select(OutboxJob.id).where(
            OutboxJob.kind == INDEX_DOCUMENT,
            OutboxJob.state == JobState.PENDING,
            OutboxJob.attempts == 0,
            OutboxJob.payload["document_id"].as_integer() == document_id,
        ).limit(1)
    ).first()
    if pending is not None:
        return None
    return enqueue_job(session, INDEX_DOCUMENT, document_id=document_id)


def prune_finished_jobs(session: Session, before: datetime, *, limit: int = 10_000) -> int:
    """Delete up to `limit` jobs finished (done) before `before`; return how many went.

    Dead jobs stay: `check` shows them until someone looks. Callers loop, one transaction per call,
    so that a large backlog never holds SQLite's write lock for long.
    """
    ids = session.scalars(
        select(OutboxJob.id).where(OutboxJob.state == JobState.DONE, OutboxJob.finished_at < before)
        .order_by(OutboxJob.id).limit(limit)
    ).all()
    if ids:
        session.execute(delete(OutboxJob).where(OutboxJob.id.in_(ids)))
        logger.info("pruned %d outbox jobs finished before %s", len(ids), before.isoformat(timespec="seconds"))
    return len(ids)
