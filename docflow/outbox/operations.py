"""Record side effects for the worker in the caller's transaction."""
from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docflow.errors import N_, Conflict, NotFound
from docflow.outbox.models import JobState, OutboxJob

logger = logging.getLogger(__name__)

EXTRACT_VERSION = "extract_version"
# Reading a version's scans with OCR, queued by its extraction when the text layer left pages unread.
OCR_VERSION = "ocr_version"
INDEX_DOCUMENT = "index_document"
SWEEP_ORPHANS = "sweep_orphans"
NOTIFY = "notify"
# Deleting the stored files of letters destroyed by a signed berita acara pemusnahan (docflow/retention).
DESTROY_OBJECTS = "destroy_objects"
# Writing the export package of letters handed over by a signed berita acara penyerahan (docflow/retention).
HANDOVER_PACKAGE = "handover_package"
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


RETRY_JOB = "retry_job"


def list_jobs(session: Session, *, state: str | None = None, limit: int = 100) -> list[OutboxJob]:
    """Return up to `limit` jobs, newest first, of one state or of every state."""
    stmt = select(OutboxJob).order_by(OutboxJob.id.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(OutboxJob.state == state)
    return list(session.scalars(stmt))


def retry_dead_jobs(session: Session, job_ids: Collection[int] | None, *, by: str,
                    now: datetime) -> list[OutboxJob]:
    """Queue dead jobs again with fresh attempts, each retry in the audit trail; None: every dead job.

    All or nothing: an id that is unknown or not dead refuses the whole request.
    """
    import docflow.models  # noqa: F401  (every table: the audit record's foreign keys name documents and users)
    from docflow.audit.operations import record_event

    if job_ids is None:
        jobs = list(session.scalars(select(OutboxJob).where(OutboxJob.state == JobState.DEAD)
                                    .order_by(OutboxJob.id).with_for_update()))
    else:
        found = {job.id: job for job in session.scalars(
            select(OutboxJob).where(OutboxJob.id.in_(set(job_ids))).with_for_update())}
        jobs = []
        for job_id in sorted(set(job_ids)):
            job = found.get(job_id)
            if job is None:
                raise NotFound(N_("there is no job %(job)s"), job=job_id)
            if job.state != JobState.DEAD:
                raise Conflict(N_("job %(job)s is %(state)s, not dead: only dead jobs are retried"), job=job_id,
                               state=job.state)
            jobs.append(job)
    for job in jobs:
        record_event(session, action=RETRY_JOB, actor_name=by,
                     comment=f"job {job.id} ({job.kind} {job.payload}) after {job.attempts} attempt(s): "
                             f"{job.last_error or ''}"[:1000])
        job.state = JobState.PENDING
        job.attempts = 0
        job.run_after = now
        job.locked_until = None
        job.finished_at = None
        # last_error stays until the job succeeds: it tells what went wrong before.
        logger.info("dead job %s (%s) queued again by %s", job.id, job.kind, by)
    session.flush()
    return jobs
