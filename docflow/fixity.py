"""Fixity: every version's bytes are present and intact, nothing unclaimed or abandoned, the index in step."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from docflow.db import utcnow
from docflow.documents.models import DamagedObject, Version
from docflow.incoming.models import FollowUpAttachment
from docflow.documents.operations import clear_damaged_object, record_damaged_object
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import EXTRACT_VERSION, INDEX_DOCUMENT, OCR_VERSION
from docflow.search.indexing import index_differences
from docflow.services import Services
from storage import IntegrityError, ObjectNotFound, ScratchFile, StorageError, find_abandoned, remove_abandoned
from storage import sha256_from_key

logger = logging.getLogger(__name__)

# Temporary files (uploads being received or stored, objects copied out for extraction) of a process
# that is gone are swept once this old: longer than any upload or extraction runs (the worker's job
# lease is 10 minutes); a file of another host, whose process cannot be asked about, waits as long.
TEMP_FILE_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class Problem:
    """One thing `check` found wrong, named so an operator can act on it."""

    kind: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.detail}"


def _claimed_keys(services: Services) -> set[str]:
    # A destroyed version claims nothing: its object is deleted on purpose (a copy left behind is an orphan).
    from docflow.incoming.intake import claimed_keys
    from docflow.retention.models import RetentionBatch

    with services.db.transaction() as session:
        keys = set(session.scalars(select(Version.storage_key).where(Version.destroyed_at.is_(None)).distinct()))
        # Files kept by intake (mailbox and scanner folder) and files reported with a disposisi's follow-up
        # are claimed by their rows too.
        keys.update(claimed_keys(session))
        keys.update(session.scalars(select(FollowUpAttachment.storage_key)
                                    .where(FollowUpAttachment.destroyed_at.is_(None)).distinct()))
        # The stored package of a hand-over (penyerahan) is kept with its batch.
        keys.update(session.scalars(select(RetentionBatch.package_key).where(RetentionBatch.package_key.is_not(None))))
        return keys


def check_objects(services: Services, *, verify_hashes: bool = True) -> list[Problem]:
    """Check that each version's object exists and matches its SHA-256 (destroyed versions excepted).

    A version destroyed by a signed berita acara pemusnahan has no object by design: it is not
    missing (`destroyed_versions` counts them); its key, if another letter holds the same file,
    is checked through that letter.

    With hashes verified, corrupt objects are recorded as damaged (downloads refuse them) and the
    record of one found intact again (restored from a backup, say) is removed.
    """
    problems: list[Problem] = []
    damaged: dict[str, str] = {}
    intact: set[str] = set()
    with services.db.transaction() as session:
        rows = session.execute(
            select(Version.id, Version.document_id, Version.number, Version.storage_key, Version.sha256, Version.size)
            .where(Version.destroyed_at.is_(None)).order_by(Version.id)
        ).all()
    for version_id, document_id, number, key, sha256, size in rows:
        subject = f"document {document_id} version {number} (object {key})"
        try:
            if sha256_from_key(key) != sha256:
                problems.append(Problem("mismatched-key", subject, f"row says SHA-256 {sha256}"))
                continue
            info = services.store.verify(key) if verify_hashes else services.store.stat(key)
            if info.size != size:
                problems.append(Problem("wrong-size", subject, f"stored {info.size} bytes, row says {size}"))
            elif verify_hashes:
                intact.add(key)
        except ObjectNotFound:
            problems.append(Problem("missing-object", subject, "the stored object does not exist"))
        except IntegrityError as exc:
            problems.append(Problem("corrupt-object", subject, str(exc)))
            damaged[key] = str(exc)
        except StorageError as exc:
            problems.append(Problem("storage-error", subject, str(exc)))
    if damaged or intact:
        _record_damage(services, damaged, intact)
    return problems


def _record_damage(services: Services, damaged: dict[str, str], intact: set[str]) -> None:
    """Record what check found damaged and forget damage records of objects it found intact."""
    with services.db.transaction() as session:
        recorded = set(session.scalars(select(DamagedObject.storage_key)))
        for key, detail in damaged.items():
            record_damaged_object(session, key, detail=detail, found_by="check")
        for key in intact & recorded:
            clear_damaged_object(session, key)


def find_orphans(services: Services, *, older_than: timedelta | None = None) -> list[str]:
    """Return keys of stored objects that no version claims (optionally only those older than a delay)."""
    claimed = _claimed_keys(services)
    cutoff = utcnow() - older_than if older_than is not None else None
    return sorted(
        info.key for info in services.store.iter_objects()
        if info.key not in claimed and (cutoff is None or info.modified < cutoff)
    )


def sweep_orphans(services: Services) -> list[str]:
    """Delete objects that no row has claimed within the grace period; return their keys."""
    grace = timedelta(hours=services.settings.storage.orphan_grace_hours)
    removed = []
    for key in find_orphans(services, older_than=grace):
        # Look again just before deleting: an upload may have claimed it since the listing.
        if key in _claimed_keys(services):
            continue
        try:
            services.store.delete(key)
        except ObjectNotFound:
            continue
        logger.info("removed orphan object %s", key)
        removed.append(key)
    return removed


def abandoned_temp_files(services: Services) -> list[ScratchFile]:
    """List temporary files of processes that died: the instance's spool and the store's own."""
    return (find_abandoned(services.spool_dir, older_than=TEMP_FILE_GRACE)
            + services.store.abandoned_uploads(TEMP_FILE_GRACE))


def sweep_temp_files(services: Services) -> list[ScratchFile]:
    """Remove the temporary files that abandoned_temp_files lists; return those removed."""
    removed = (remove_abandoned(services.spool_dir, older_than=TEMP_FILE_GRACE)
               + services.store.remove_abandoned_uploads(TEMP_FILE_GRACE))
    if removed:
        logger.info("removed %d abandoned temporary files (%d bytes)", len(removed), sum(f.size for f in removed))
    return removed


def _temp_file_problem(services: Services, scratch: ScratchFile) -> Problem:
    written = scratch.modified.astimezone(services.timezone).strftime("%Y-%m-%d %H:%M %Z")
    return Problem("abandoned-temp-file", str(scratch.path),
                   f"{scratch.size} bytes left by {scratch.owner()}, last written {written}; `sweep` removes it")


def _documents_in_flight(session) -> set[int]:
    """Return documents the worker has yet to (re)index: the index may lag them by design."""
    jobs = session.scalars(select(OutboxJob).where(OutboxJob.state == JobState.PENDING)).all()
    version_ids = [j.payload.get("version_id") for j in jobs if j.kind in (EXTRACT_VERSION, OCR_VERSION)]
    ids = {int(j.payload["document_id"]) for j in jobs if j.kind == INDEX_DOCUMENT}
    if version_ids:
        ids.update(session.scalars(select(Version.document_id).where(Version.id.in_(version_ids))))
    return ids


def destroyed_versions(services: Services) -> int:
    """Return how many versions were destroyed by decision (their objects deleted on purpose, not missing)."""
    from sqlalchemy import func

    with services.db.transaction() as session:
        return session.scalar(select(func.count(Version.id)).where(Version.destroyed_at.is_not(None))) or 0


def destroyed_files(services: Services) -> int:
    """Return how many follow-up files and intake records lost their files with a destroyed incoming letter."""
    from sqlalchemy import func

    from docflow.incoming.intake_models import PendingRegistration

    with services.db.transaction() as session:
        attachments = session.scalar(select(func.count(FollowUpAttachment.id))
                                     .where(FollowUpAttachment.destroyed_at.is_not(None))) or 0
        intakes = session.scalar(select(func.count(PendingRegistration.id))
                                 .where(PendingRegistration.files_destroyed_at.is_not(None))) or 0
    return attachments + intakes


def check_follow_up_files(services: Services) -> list[Problem]:
    """Check that each follow-up file not destroyed with its letter is stored (a destroyed one is not missing)."""
    with services.db.transaction() as session:
        rows = session.execute(select(FollowUpAttachment.id, FollowUpAttachment.storage_key)
                               .where(FollowUpAttachment.destroyed_at.is_(None))
                               .order_by(FollowUpAttachment.id)).all()
    problems = []
    for attachment_id, key in rows:
        try:
            services.store.stat(key)
        except ObjectNotFound:
            problems.append(Problem("missing-object", f"follow-up file {attachment_id} (object {key})",
                                    "the stored object does not exist"))
        except StorageError as exc:
            problems.append(Problem("storage-error", f"follow-up file {attachment_id} (object {key})", str(exc)))
    return problems


def check_index(services: Services) -> list[Problem]:
    """Compare the search index with the database (documents still queued for the worker excepted)."""
    with services.db.transaction() as session:
        missing, stale, extra = index_differences(session, services.index)
        in_flight = _documents_in_flight(session)
    missing, stale, extra = missing - in_flight, stale - in_flight, extra - in_flight
    return (
        [Problem("not-indexed", f"document {i}", "in the database but not in the search index") for i in sorted(missing)]
        + [Problem("stale-index", f"document {i}", "the index holds an older state") for i in sorted(stale)]
        + [Problem("index-extra", f"document {i}", "in the search index but not in the database") for i in sorted(extra)]
    )


def check_audit(services: Services) -> list[Problem]:
    """Verify the audit trail's hash chain."""
    from docflow.audit.operations import verify_chain

    with services.db.transaction() as session:
        return [Problem("audit-chain", f"audit record {p.event_id}" if p.event_id else "audit trail", p.detail)
                for p in verify_chain(session)]


def check_jobs(services: Services) -> list[Problem]:
    """Report outbox jobs that gave up."""
    with services.db.transaction() as session:
        dead = session.scalars(select(OutboxJob).where(OutboxJob.state == JobState.DEAD).order_by(OutboxJob.id)).all()
        return [Problem("dead-job", f"job {j.id} ({j.kind} {j.payload})", j.last_error or "failed") for j in dead]


def pending_jobs(services: Services) -> int:
    """Return how many jobs wait for the worker (index checks are only exact when this is 0)."""
    with services.db.transaction() as session:
        return len(session.scalars(select(OutboxJob.id).where(OutboxJob.state == JobState.PENDING)).all())


@dataclass(frozen=True)
class Report:
    """What `check` found: problems, plus what is normal in flight."""

    problems: list[Problem]
    pending_jobs: int
    young_orphans: int
    destroyed_versions: int = 0
    destroyed_files: int = 0


def check_all(services: Services, *, verify_hashes: bool = True) -> Report:
    """Run every check and return the report."""
    grace = timedelta(hours=services.settings.storage.orphan_grace_hours)
    problems = check_objects(services, verify_hashes=verify_hashes)
    problems += check_follow_up_files(services)
    old = find_orphans(services, older_than=grace)
    problems += [Problem("orphan-object", key, "no document version claims this object") for key in old]
    problems += check_index(services)
    problems += check_jobs(services)
    problems += check_audit(services)
    problems += [_temp_file_problem(services, scratch) for scratch in abandoned_temp_files(services)]
    young = len(find_orphans(services)) - len(old)
    return Report(problems=problems, pending_jobs=pending_jobs(services), young_orphans=max(young, 0),
                  destroyed_versions=destroyed_versions(services), destroyed_files=destroyed_files(services))
