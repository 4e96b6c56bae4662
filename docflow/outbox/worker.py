"""The worker: carries out outbox jobs after their transaction committed (the only index writer)."""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from docflow.auth.operations import UNLOCK_MAIL
from docflow.db import utcnow
from docflow.documents.models import ExtractionStatus, Version
from docflow.documents.operations import CORRUPT_OBJECT_REASON, record_damaged_object, record_extraction
from docflow.extraction import OcrOptions, extract_text, read_text_layer
from docflow.outbox.heartbeat import Heartbeat
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import (
    DESTROY_OBJECTS,
    EXTRACT_VERSION,
    HANDOVER_PACKAGE,
    INDEX_DOCUMENT,
    NOTIFY,
    OCR_VERSION,
    SEND_LETTER,
    enqueue_job,
    prune_finished_jobs,
)
from docflow.search.indexing import load_indexed, plan_index_batches
from docflow.services import Services
from search_index import IndexLockedError
from storage import IntegrityError, ObjectNotFound, StorageError, make_scratch_file

logger = logging.getLogger(__name__)

# Not an outbox job: the worker's own round of counting the report's periods ahead (docflow.reports.snapshots).
REFRESH_REPORTS = "refresh_reports"
# How often the loop asks whether a report period is due to be counted again.
REPORT_CHECK_SECONDS = 60.0

# Job kinds by queue, for workers given `--queues`. An extraction that meets scans queues their
# OCR apart, so that workers on other hosts can take the slow OCR and leave extraction quick.
QUEUES: dict[str, tuple[str, ...]] = {
    "extract": (EXTRACT_VERSION,),
    "ocr": (OCR_VERSION,),
    "index": (INDEX_DOCUMENT,),
    "mail": (NOTIFY, SEND_LETTER),
    "retention": (DESTROY_OBJECTS, HANDOVER_PACKAGE),
    "reports": (REFRESH_REPORTS,),
}
SWEEP_EVERY = timedelta(hours=1)
# Rows (finished jobs, login attempts, sessions) deleted per transaction when pruning.
PRUNE_CHUNK = 5000
# How often the loop asks whether the index's large segments are due for a merge.
MERGE_CHECK_SECONDS = 10.0
MERGE_BACKOFF_MAX = 3600.0


class RetryLater(Exception):
    """A job met a passing fault (storage down, ...) and should run again after a delay."""


class Postpone(RetryLater):
    """A job could not start through no fault of its own (the index is being rebuilt): not an attempt."""


def kinds_of_queues(names: Collection[str]) -> frozenset[str]:
    """Return the job kinds of the named queues; raise ValueError naming an unknown queue."""
    unknown = sorted(set(names) - set(QUEUES))
    if unknown:
        raise ValueError(f"unknown queue {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    return frozenset(kind for name in names for kind in QUEUES[name])


class Worker:
    """Claims due jobs, runs them, records the outcome; safe to run several on PostgreSQL.

    A claimed job is leased for `worker.lease_seconds`, and a heartbeat thread renews the lease
    while the job runs: a worker that dies (kill -9, power cut) lets its jobs go to another
    worker within one lease, however long the job would have taken. `kinds` limits the worker to
    those job kinds (None: every kind).
    """

    def __init__(self, services: Services, kinds: Collection[str] | None = None) -> None:
        self.services = services
        self.settings = services.settings
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.lease = timedelta(seconds=self.settings.worker.lease_seconds)
        self._stop = threading.Event()
        self._last_sweep = float("-inf")  # the first round sweeps, however long ago the machine booted
        self._next_intake = 0.0
        self._next_merge_check = 0.0
        self._merge_backoff = 0.0
        self._merging: threading.Thread | None = None
        self._next_report_check = 0.0
        self._reporting: threading.Thread | None = None
        self._handlers: dict[str, Callable[[Sequence[OutboxJob]], None]] = {
            EXTRACT_VERSION: self._extract,
            OCR_VERSION: self._ocr,
            INDEX_DOCUMENT: self._index,
            NOTIFY: self._notify,
            UNLOCK_MAIL: self._mail_unlock_link,
            DESTROY_OBJECTS: self._destroy_objects,
            HANDOVER_PACKAGE: self._handover_package,
            SEND_LETTER: self._send_letter,
        }

    # -- running -----------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the loop to finish the job in hand and return."""
        self._stop.set()

    @property
    def takes_index_jobs(self) -> bool:
        """Tell whether this worker writes the search index."""
        return self._takes(INDEX_DOCUMENT)

    def run_forever(self) -> None:
        """Process jobs until stopped (SIGTERM or SIGINT in the main thread)."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop())
        if self.takes_index_jobs:
            self.services.index.ensure_ready()
            # A single-node engine (Whoosh) allows one writer: a second worker on its folder stops here.
            self.services.index.claim_writer()
        logger.info("worker %s started (%s)", os.getpid(),
                    "every queue" if self.kinds is None else "kinds " + ", ".join(sorted(self.kinds)))
        heartbeat = Heartbeat(self.services.db)
        while not self._stop.is_set():
            heartbeat.beat()
            try:
                self._maybe_sweep()
                self._maybe_take_in()
                worked = self.run_once()
            except Exception:  # a fault outside any job (database down): log, wait, go on
                logger.exception("worker loop failed; retrying")
                worked = 0
            if self._takes(INDEX_DOCUMENT):
                self._maybe_merge()
            if self._takes(REFRESH_REPORTS):
                self._maybe_refresh_reports()
            if not worked:
                self._stop.wait(self.settings.worker.poll_interval)
        if self._merging is not None:
            self._merging.join()  # stop() cancels a running merge: this is quick
        if self._reporting is not None:
            self._reporting.join()  # it stops between two periods
        logger.info("worker %s stopped", os.getpid())

    def _maybe_merge(self) -> None:
        """Start merging the index's large segments in a thread, when due and none is running.

        The merge runs beside indexing (search_index.whoosh_engine.merging), so new documents stay quick to
        find while it lasts; stop() cancels it.
        """
        now = time.monotonic()
        if now < self._next_merge_check or (self._merging is not None and self._merging.is_alive()):
            return
        self._next_merge_check = now + max(MERGE_CHECK_SECONDS, self._merge_backoff)
        try:
            due = self.services.index.wants_merge()
        except Exception:
            logger.exception("could not read the index's segments")
            return
        if due:
            self._merging = threading.Thread(target=self._merge, name="index-merge", daemon=True)
            self._merging.start()

    def _merge(self) -> None:
        try:
            self.services.index.merge_pending(cancel=self._stop)
        except Exception:
            # A merge is minutes of work: after a failure (disk full, ...) wait longer each time.
            self._merge_backoff = min(max(2 * self._merge_backoff, MERGE_CHECK_SECONDS * 6), MERGE_BACKOFF_MAX)
            self._next_merge_check = time.monotonic() + self._merge_backoff
            logger.exception("merging the index's segments failed; trying again in %.0f s", self._merge_backoff)
        else:
            self._merge_backoff = 0.0

    def _maybe_refresh_reports(self) -> None:
        """Count the report's due periods ahead in a thread, when none is running (jobs go on meanwhile)."""
        now = time.monotonic()
        if now < self._next_report_check or (self._reporting is not None and self._reporting.is_alive()):
            return
        self._next_report_check = now + REPORT_CHECK_SECONDS
        self._reporting = threading.Thread(target=self.refresh_reports, name="report-snapshots", daemon=True)
        self._reporting.start()

    def refresh_reports(self) -> int:
        """Count every due period of the paperless report ahead (snapshots); return how many were counted."""
        from docflow.reports.snapshots import refresh_snapshots

        try:
            counted = refresh_snapshots(self.services.db.transaction, zone=self.services.timezone,
                                        now=self.services.now, refresh_seconds=self.settings.reports.refresh_seconds,
                                        stop=self._stop.is_set)
        except Exception:
            logger.exception("counting the paperless report ahead failed; trying again in %.0f s",
                             REPORT_CHECK_SECONDS)
            return 0
        return len(counted)

    def run_pending(self, max_rounds: int = 1000) -> int:
        """Run due jobs until none is left (for tests and one-off runs); return how many ran."""
        total = 0
        for _ in range(max_rounds):
            done = self.run_once()
            if not done:
                break
            total += done
        return total

    def run_once(self) -> int:
        """Claim one batch of due jobs of one kind, run it, and return the number of jobs handled."""
        jobs = self._claim()
        if not jobs:
            return 0
        kind = jobs[0].kind
        handler = self._handlers.get(kind)
        try:
            if handler is None:
                raise ValueError(f"no handler for job kind {kind!r}")
            with self._leased(jobs):
                handler(jobs)
        except Exception as exc:
            self._failed(jobs, exc)
        return len(jobs)

    def _takes(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    # -- claiming ----------------------------------------------------------------------------

    def _claim(self) -> list[OutboxJob]:
        now = utcnow()
        due = (
            OutboxJob.state == JobState.PENDING,
            OutboxJob.run_after <= now,
            or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
        )
        if self.kinds is not None:
            due += (OutboxJob.kind.in_(sorted(self.kinds)),)
        with self.services.db.transaction() as session:
            first = session.scalars(self._locking(select(OutboxJob).where(*due).order_by(OutboxJob.id).limit(1))).first()
            if first is None:
                return []
            limit = self.settings.worker.batch_size if first.kind == INDEX_DOCUMENT else 1
            jobs = [first]
            if limit > 1:
                jobs += session.scalars(self._locking(
                    select(OutboxJob).where(*due, OutboxJob.kind == first.kind, OutboxJob.id != first.id)
                    .order_by(OutboxJob.id).limit(limit - 1)
                )).all()
            for job in jobs:
                job.locked_until = now + self.lease
                job.attempts += 1
            session.flush()
            for job in jobs:
                session.expunge(job)
            return jobs

    @contextmanager
    def _leased(self, jobs: Sequence[OutboxJob]) -> Iterator[None]:
        """Renew the jobs' lease in a heartbeat thread while the caller runs them."""
        if self.services.db.single_connection:
            # Bound to a test's one connection, which two threads must not share; tests of the
            # heartbeat run workers on their own engines.
            yield
            return
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(jobs, done), name="lease-heartbeat", daemon=True)
        beat.start()
        try:
            yield
        finally:
            done.set()
            beat.join()

    def _heartbeat(self, jobs: Sequence[OutboxJob], done: threading.Event) -> None:
        # Three beats a lease: one late or failed beat (a busy database) does not lose the jobs.
        while not done.wait(self.lease.total_seconds() / 3):
            try:
                self._renew_lease(jobs)
            except Exception:
                logger.warning("could not renew the lease of jobs %s", [j.id for j in jobs], exc_info=True)

    def _renew_lease(self, jobs: Sequence[OutboxJob]) -> None:
        """Extend the lease of the jobs this worker still holds (the attempt count it set marks them)."""
        by_attempt: dict[int, list[int]] = {}
        for job in jobs:
            by_attempt.setdefault(job.attempts, []).append(job.id)
        with self.services.db.transaction() as session:
            until = utcnow() + self.lease
            renewed = 0
            for attempts, ids in by_attempt.items():
                renewed += session.execute(
                    update(OutboxJob).where(OutboxJob.id.in_(ids), OutboxJob.state == JobState.PENDING,
                                            OutboxJob.attempts == attempts)
                    .values(locked_until=until)
                ).rowcount
        logger.debug("renewed the lease of %d jobs until %s", renewed, until)

    def _locking(self, stmt):
        if self.services.db.dialect == "postgresql":
            return stmt.with_for_update(skip_locked=True)
        return stmt  # SQLite: BEGIN IMMEDIATE already serialises claimers

    def _finish(self, session: Session, jobs: Sequence[OutboxJob]) -> None:
        session.execute(
            update(OutboxJob).where(OutboxJob.id.in_([j.id for j in jobs]))
            .values(state=JobState.DONE, finished_at=utcnow(), locked_until=None, last_error=None)
        )

    def _failed(self, jobs: Sequence[OutboxJob], exc: Exception) -> None:
        retry = isinstance(exc, RetryLater)
        if retry:
            logger.warning("jobs %s (%s) will retry: %s", [j.id for j in jobs], jobs[0].kind, exc)
        else:
            logger.error("jobs %s (%s) failed", [j.id for j in jobs], jobs[0].kind, exc_info=exc)
        settings = self.settings.worker
        with self.services.db.transaction() as session:
            for job in jobs:
                row = session.get(OutboxJob, job.id)
                if row is None or row.state != JobState.PENDING:
                    continue  # gone, or finished before the failure (an index batch done in parts)
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.locked_until = None
                if isinstance(exc, Postpone):
                    row.attempts -= 1
                    row.run_after = utcnow() + timedelta(seconds=settings.retry_base_seconds)
                    continue
                if row.attempts >= settings.max_attempts:
                    row.state = JobState.DEAD
                    row.finished_at = utcnow()
                    logger.error("job %s (%s) is dead after %d attempts", row.id, row.kind, row.attempts)
                    if row.kind in (EXTRACT_VERSION, OCR_VERSION):
                        self._give_up_extraction(session, row, exc)
                else:
                    delay = settings.retry_base_seconds * 2 ** (row.attempts - 1)
                    row.run_after = utcnow() + timedelta(seconds=delay)

    def _give_up_extraction(self, session: Session, job: OutboxJob, exc: Exception) -> None:
        version = session.get(Version, job.payload.get("version_id"))
        if version is not None and version.extraction_status == ExtractionStatus.PENDING:
            record_extraction(session, version, status=ExtractionStatus.FAILED, text="", page_count=None,
                              encrypted=False, reason=f"gave up after {job.attempts} attempts: {exc}")

    # -- handlers ----------------------------------------------------------------------------

    def _extract(self, jobs: Sequence[OutboxJob]) -> None:
        """Read a version's text layer; queue OCR of its scans apart when there are some (and OCR is on)."""
        self._read_version(jobs, with_ocr=False)

    def _ocr(self, jobs: Sequence[OutboxJob]) -> None:
        """Read a version's text layer and its scans with OCR."""
        self._read_version(jobs, with_ocr=True)

    def _read_version(self, jobs: Sequence[OutboxJob], *, with_ocr: bool) -> None:
        (job,) = jobs
        version_id = job.payload["version_id"]
        with self.services.db.transaction() as session:
            version = session.get(Version, version_id)
            if version is None:
                self._finish(session, jobs)
                return
            key, mime = version.storage_key, version.mime_type
        extraction = self.settings.extraction
        spool = self.services.spool_dir
        spool.mkdir(parents=True, exist_ok=True)
        fd, name = make_scratch_file(spool, "extract")
        path = Path(name)
        damage: str | None = None
        try:
            try:
                with os.fdopen(fd, "wb") as out, self.services.store.open(key, verify=True) as src:
                    while chunk := src.read(1024 * 1024):
                        out.write(chunk)
            except ObjectNotFound as exc:
                # The bytes are gone: a fixity problem for `check`, not something a retry fixes.
                result_args = dict(status=ExtractionStatus.FAILED, text="", page_count=None, encrypted=False,
                                   reason=f"stored object missing: {exc}")
            except IntegrityError as exc:
                damage = str(exc)
                result_args = dict(status=ExtractionStatus.FAILED, text="", page_count=None, encrypted=False,
                                   reason=f"{CORRUPT_OBJECT_REASON}: {exc}")
            except StorageError as exc:
                raise RetryLater(f"cannot read {key}: {exc}") from exc
            else:
                limits = dict(timeout=extraction.timeout_seconds, memory_limit_mb=extraction.memory_limit_mb,
                              max_chars=extraction.max_chars)
                if with_ocr:
                    ocr = OcrOptions(languages=extraction.ocr_languages,
                                     timeout_seconds=extraction.ocr_timeout_seconds,
                                     max_pages=extraction.ocr_max_pages) if extraction.ocr else None
                    result, wants_ocr = extract_text(path, mime, ocr=ocr, **limits), False
                else:
                    result, wants_ocr = read_text_layer(path, mime, **limits)
                    wants_ocr = wants_ocr and extraction.ocr
                if result.retryable and job.attempts < self.settings.worker.max_attempts:
                    raise RetryLater(f"extraction of version {version_id} failed: {result.reason}")
                result_args = None if wants_ocr else dict(
                    status=str(result.status), text=result.text, page_count=result.page_count,
                    encrypted=result.encrypted, reason=result.reason, ocr=result.ocr)
        finally:
            path.unlink(missing_ok=True)
        with self.services.db.transaction() as session:
            version = session.get(Version, version_id)
            if version is not None and result_args is None:
                # The version stays pending until its scans are read too.
                enqueue_job(session, OCR_VERSION, version_id=version_id)
                logger.info("version %s has pages without text; queued for OCR", version_id)
            elif version is not None:
                record_extraction(session, version, **result_args)
            if damage is not None:
                record_damaged_object(session, key, detail=damage, found_by="worker")
            self._finish(session, jobs)

    def _index(self, jobs: Sequence[OutboxJob]) -> None:
        """Index the jobs' documents in commits of at most `index.batch_max_mb` of text each.

        Each commit loads only its own documents, each text cut at `index.max_text_chars`: the
        worker's memory and the length of one commit stay bounded whatever was uploaded, and the
        jobs of each commit are finished as soon as it is done.
        """
        index_settings = self.settings.index
        jobs_of: dict[int, list[OutboxJob]] = {}
        for job in jobs:
            jobs_of.setdefault(int(job.payload["document_id"]), []).append(job)
        with self.services.db.transaction() as session:
            groups = plan_index_batches(session, jobs_of, max_text_chars=index_settings.max_text_chars,
                                        max_bytes=int(index_settings.batch_max_mb * 1024 * 1024))
        for group in groups:
            with self.services.db.transaction() as session:
                entries, gone = load_indexed(session, group, max_text_chars=index_settings.max_text_chars)
            chars = sum(len(entry.body) for entry in entries)
            started = time.monotonic()
            finished = [job for doc_id in group for job in jobs_of[doc_id]]
            index = self.services.index
            if index.writes_in_database:
                # The index rows and the jobs' end commit in one transaction: both or neither.
                with self.services.db.transaction() as session:
                    with index.writer(session.connection()) as batch:
                        for entry in entries:
                            batch.upsert(entry)
                        for doc_id in gone:
                            batch.delete(doc_id)
                    took = time.monotonic() - started
                    self._finish(session, finished)
            else:
                try:
                    with index.writer() as batch:
                        for entry in entries:
                            batch.upsert(entry)
                        for doc_id in gone:
                            batch.delete(doc_id)
                except IndexLockedError as exc:
                    raise Postpone(f"the index is busy (a reindex may be running): {exc}") from exc
                took = time.monotonic() - started
                with self.services.db.transaction() as session:
                    self._finish(session, finished)
            del entries, batch
            logger.info("indexed %d documents (%d removed) in %.2f s, %d characters of text",
                        len(group) - len(gone), len(gone), took, chars)

    def _notify(self, jobs: Sequence[OutboxJob]) -> None:
        from docflow.documents.models import Document
        from docflow.notifications.mail import compose, recipients

        (job,) = jobs
        mail = self.settings.mail
        with self.services.db.transaction() as session:
            document = session.get(Document, job.payload.get("document_id"))
            people = [] if document is None or not mail.host else recipients(
                session, position_ids=job.payload.get("position_ids", []),
                user_ids=job.payload.get("user_ids", []), on=self.services.today())
            message = None
            if people:
                base = self.settings.server.public_url.rstrip("/")
                # A job may name the page to open (an incoming letter's); by default the letter's own page.
                link = f"{base}{job.payload.get('path') or f'/documents/{document.id}'}" if base else ""
                message = compose(document, job.payload.get("event", ""), to=people, sender=mail.sender, link=link)
        self._send_and_finish(jobs, message)

    def _mail_unlock_link(self, jobs: Sequence[OutboxJob]) -> None:
        from docflow.auth.models import User
        from docflow.auth.operations import unlock_link_token
        from docflow.config import ensure_secret_key
        from docflow.notifications.mail import compose_unlock

        (job,) = jobs
        mail, base = self.settings.mail, self.settings.server.public_url.rstrip("/")
        message = None
        with self.services.db.transaction() as session:
            user = session.get(User, job.payload.get("user_id"))
            if user is not None and user.is_active and user.email and mail.host and base:
                # Signed here, not stored in the job: the outbox never holds a usable link.
                link = f"{base}/login/unlock/{unlock_link_token(ensure_secret_key(self.settings), user)}"
                message = compose_unlock(user, link=link, sender=mail.sender)
        self._send_and_finish(jobs, message)

    def _send_letter(self, jobs: Sequence[OutboxJob]) -> None:
        """E-mail a signed letter's PDF to one external addressee and record it in the expedition book."""
        from docflow.dispatch.models import Delivery, DeliveryStatus
        from docflow.dispatch.operations import finish_email_delivery
        from docflow.notifications.mail import MailUnavailable, compose_letter, send

        (job,) = jobs
        mail = self.settings.mail
        delivery_id = job.payload.get("delivery_id")
        with self.services.db.transaction() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.status != DeliveryStatus.QUEUED:
                self._finish(session, jobs)
                return
            if not mail.host:
                raise Postpone("mail.host is not set: the letter waits until a mail server is configured")
            version = delivery.document.current_version
            key, filename = version.storage_key, f"{(delivery.document.number or 'naskah').replace('/', '-')}.pdf"
            document, to_name, to_address = delivery.document, delivery.addressee, delivery.address
            try:
                with self.services.store.open(key, verify=True) as reader:
                    pdf = reader.read()
            except StorageError as exc:
                raise RetryLater(f"signed PDF of document {document.id} unreadable: {exc}") from exc
            message = compose_letter(document, to_name=to_name, to_address=to_address, sender=mail.sender, pdf=pdf,
                                     filename=filename)
        try:
            send(mail, message)
        except MailUnavailable as exc:
            if job.attempts < self.settings.worker.max_attempts:  # counted when the job was claimed
                raise RetryLater(str(exc)) from exc
            with self.services.db.transaction() as session:
                finish_email_delivery(session, delivery_id, now=utcnow(), error=str(exc))
                self._finish(session, jobs)
            return
        with self.services.db.transaction() as session:
            finish_email_delivery(session, delivery_id, now=utcnow())
            self._finish(session, jobs)

    def _send_and_finish(self, jobs: Sequence[OutboxJob], message) -> None:
        """Send the message (None: nothing to send) and finish the jobs; a mail server that fails retries later."""
        from docflow.notifications.mail import MailUnavailable, send

        if message is not None:
            try:
                send(self.settings.mail, message)
            except MailUnavailable as exc:
                raise RetryLater(str(exc)) from exc
        with self.services.db.transaction() as session:
            self._finish(session, jobs)

    def _destroy_objects(self, jobs: Sequence[OutboxJob]) -> None:
        """Delete the objects of versions a signed berita acara pemusnahan destroyed (committed before)."""
        from docflow.retention.operations import delete_destroyed_objects

        for job in jobs:
            try:
                delete_destroyed_objects(self.services.db.transaction, self.services.store, job.payload["keys"])
            except StorageError as exc:
                raise RetryLater(f"object store: {exc}") from exc
        with self.services.db.transaction() as session:
            self._finish(session, jobs)

    def _handover_package(self, jobs: Sequence[OutboxJob]) -> None:
        """Write the export package of a hand-over whose berita acara penyerahan was signed (committed before)."""
        from docflow.retention.handover import write_handover_package

        for job in jobs:
            try:
                write_handover_package(self.services, job.payload["batch_id"])
            except StorageError as exc:
                raise RetryLater(f"object store: {exc}") from exc
        with self.services.db.transaction() as session:
            self._finish(session, jobs)

    # -- housekeeping ------------------------------------------------------------------------

    def _maybe_sweep(self) -> None:
        if time.monotonic() - self._last_sweep < SWEEP_EVERY.total_seconds():
            return
        self._last_sweep = time.monotonic()
        from docflow.fixity import sweep_orphans, sweep_temp_files

        removed = sweep_orphans(self.services)
        if removed:
            logger.info("swept %d orphan objects", len(removed))
        sweep_temp_files(self.services)
        prune_history(self.services)

    def _maybe_take_in(self) -> None:
        """Read the units' mailboxes and scanner folders when due (the worker that sends mail does it)."""
        if not self.settings.intake.sources_file or not self._takes(NOTIFY) or time.monotonic() < self._next_intake:
            return
        self._next_intake = time.monotonic() + self.settings.intake.poll_seconds
        from docflow.incoming.poll import poll_sources

        poll_sources(self.services)

    def prune_finished(self) -> int:
        """Prune what is past its retention (`prune_history`); return how many finished jobs went."""
        return prune_history(self.services).jobs


@dataclass(frozen=True)
class Pruned:
    """How many rows past their retention one pruning deleted."""

    jobs: int
    login_attempts: int
    web_sessions: int


def prune_history(services: Services) -> Pruned:
    """Delete finished jobs, login attempts and ended browser sessions older than their retention settings."""
    from docflow.auth.operations import prune_login_attempts, prune_web_sessions

    now = utcnow()
    worker, server = services.settings.worker, services.settings.server
    jobs_before = now - timedelta(days=worker.finished_retention_days)
    logins_before = now - timedelta(days=worker.login_retention_days)
    sessions_before = now - timedelta(days=worker.session_retention_days)
    lifetime = timedelta(hours=server.session_lifetime_hours)
    idle = timedelta(minutes=server.idle_timeout_minutes)
    return Pruned(
        jobs=_in_chunks(services, lambda session: prune_finished_jobs(session, jobs_before, limit=PRUNE_CHUNK)),
        login_attempts=_in_chunks(services, lambda session: prune_login_attempts(session, logins_before,
                                                                                 limit=PRUNE_CHUNK)),
        web_sessions=_in_chunks(services, lambda session: prune_web_sessions(
            session, sessions_before, lifetime=lifetime, idle=idle, limit=PRUNE_CHUNK)),
    )


def _in_chunks(services: Services, prune: Callable[[Session], int]) -> int:
    """Run a pruning step, one transaction per chunk, until a chunk comes back short."""
    total = 0
    while True:
        with services.db.transaction() as session:
            pruned = prune(session)
        total += pruned
        if pruned < PRUNE_CHUNK:
            return total
