"""Several workers never run the same job twice; a worker that dies mid-job loses nothing."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from docflow.db import utcnow
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import INDEX_DOCUMENT, NOTIFY, enqueue_job
from docflow.outbox.worker import Worker


class CountingWorker(Worker):
    def __init__(self, services, seen: Counter, lock: threading.Lock) -> None:
        super().__init__(services)
        self.seen, self.lock = seen, lock

    def _index(self, jobs):
        with self.lock:
            self.seen.update(j.id for j in jobs)
        super()._index(jobs)


@pytest.mark.postgres
def test_two_workers_on_postgresql_share_the_queue_without_overlap(tmp_path):
    """Is every job run exactly once when two workers claim with FOR UPDATE SKIP LOCKED?"""
    from docflow.migrate import upgrade
    from docflow.services import Services
    from tests import pg
    from tests.conftest import make_settings

    with pg.postgres_database() as url:
        settings = make_settings(tmp_path, database={"url": url}, worker={"batch_size": 5})
        services = [Services.from_settings(settings) for _ in range(2)]
        upgrade(services[0].db.engine)
        services[0].index.ensure_ready()
        with services[0].db.transaction() as session:
            for n in range(60):
                enqueue_job(session, INDEX_DOCUMENT, document_id=100_000 + n)
        seen: Counter = Counter()
        lock = threading.Lock()
        # Only one process may write the index, so each worker writes its own index directory here;
        # what is under test is the claiming, not the index.
        services[1].index = type(services[1].index)(tmp_path / "second-index")
        services[1].index.ensure_ready()
        workers = [CountingWorker(s, seen, lock) for s in services]
        threads = [threading.Thread(target=w.run_pending) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert len(seen) == 60
        assert max(seen.values()) == 1
        with services[0].db.transaction() as session:
            states = Counter(session.scalars(select(OutboxJob.state)))
        assert states == {JobState.DONE: 60}
        for s in services:
            s.close()


def test_a_job_leased_by_a_dead_worker_runs_again_after_the_lease(services, db):
    enqueue_job(db, INDEX_DOCUMENT, document_id=424242)
    db.commit()
    dead = Worker(services)
    [claimed] = dead._claim()  # the worker dies right here, before finishing
    assert Worker(services).run_once() == 0  # leased: nobody else takes it
    job = db.get(OutboxJob, claimed.id)
    db.refresh(job)
    job.locked_until = utcnow() - timedelta(seconds=1)  # the lease runs out
    db.commit()
    assert Worker(services).run_once() == 1
    db.refresh(job)
    assert job.state == JobState.DONE
    assert job.attempts == 2


def test_index_jobs_wait_without_losing_attempts_while_the_index_is_locked(services, db):
    """Does a reindex holding the index lock only postpone index jobs, never kill them?"""
    from search_index import SearchIndex

    import subprocess
    import sys

    enqueue_job(db, INDEX_DOCUMENT, document_id=777)
    db.commit()
    services.index = SearchIndex(services.index.path, lock_timeout=0.2)
    # Another process (a rebuild) holds the write lock (file locks are per process).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom search_index import SearchIndex\n"
         "def docs():\n    print('locked', flush=True)\n    sys.stdin.read()\n    yield from ()\n"
         f"SearchIndex({str(services.index.path)!r}).rebuild(docs())\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert Worker(services).run_once() == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    job = db.scalars(select(OutboxJob)).one()
    db.refresh(job)
    assert (job.state, job.attempts) == (JobState.PENDING, 0)
    assert "index is busy" in job.last_error
    job.run_after = utcnow()
    db.commit()
    assert Worker(services).run_once() == 1
    db.refresh(job)
    assert job.state == JobState.DONE


def test_a_heartbeat_renews_only_the_leases_its_worker_still_holds(services, db):
    """Does a worker that lost a job to another (its lease ran out) leave the new holder's lease alone?"""
    enqueue_job(db, INDEX_DOCUMENT, document_id=515151)
    enqueue_job(db, NOTIFY, document_id=515152)
    db.commit()
    slow = Worker(services)
    [lost] = slow._claim()
    [kept] = slow._claim()
    row = db.get(OutboxJob, lost.id)
    row.locked_until = utcnow() - timedelta(seconds=1)  # the slow worker stalled past its lease
    db.commit()
    [taken] = Worker(services)._claim()
    assert (taken.id, taken.attempts) == (lost.id, 2)
    slow._renew_lease([lost, kept])
    db.expire_all()
    assert db.get(OutboxJob, lost.id).locked_until == taken.locked_until
    assert db.get(OutboxJob, kept.id).locked_until > kept.locked_until
