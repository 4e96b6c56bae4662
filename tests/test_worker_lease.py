"""A worker's lease: renewed by a heartbeat while the job runs, taken over soon after the holder dies."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import NOTIFY, enqueue_job

REPO = Path(__file__).resolve().parent.parent
# Short for the test, long enough that a loaded machine's late heartbeat (one a second) still holds it.
LEASE = 3.0


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _start(env: dict[str, str], seconds: float, markers: Path, log: Path) -> subprocess.Popen:
    # The Whoosh engine allows one writer per index folder: each worker gets its own (the leases are under test).
    env = {**env, "DOCFLOW_INDEX__PATH": str(log.with_suffix(".index"))}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.outbox_child", str(seconds), str(markers)],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=out)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_workers_job_is_taken_over_within_seconds(tmp_path: Path, backend: str):
    """Does a job whose worker is killed -9 mid-job finish on a second worker within a lease or so,
    while a living holder keeps it however long the job takes?"""
    from contextlib import ExitStack

    from docflow.migrate import upgrade
    from docflow.services import Services
    from tests import pg
    from tests.conftest import make_settings

    with ExitStack() as stack:
        url = stack.enter_context(pg.postgres_database()) if backend == "postgresql" \
            else f"sqlite:///{tmp_path / 'lease.sqlite3'}"
        settings = make_settings(tmp_path, database={"url": url},
                                 worker={"lease_seconds": LEASE, "poll_interval": 0.1})
        services = Services.from_settings(settings)
        stack.callback(services.close)
        upgrade(services.db.engine)
        with services.db.transaction() as session:
            job_id = enqueue_job(session, NOTIFY, document_id=987654, event="submitted").id
        markers = tmp_path / "markers"
        markers.mkdir()
        env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / "instance"),
               "DOCFLOW_SERVER__SECRET_KEY": "test-secret-key", "DOCFLOW_SIGNING__CA_KEY_SECRET": "test-ca-key-secret",
               "DOCFLOW_DATABASE__URL": url,
               "DOCFLOW_WORKER__LEASE_SECONDS": str(LEASE), "DOCFLOW_WORKER__POLL_INTERVAL": "0.1",
               "PYTHONUNBUFFERED": "1"}
        procs: list[subprocess.Popen] = []

        def _stop_all() -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=30)

        stack.callback(_stop_all)
        holder = _start(env, 600, markers, tmp_path / "holder.log")
        procs.append(holder)
        _wait_for(lambda: (markers / f"ran-{job_id}-{holder.pid}").exists(), 60, "the holder to start the job")
        taker = _start(env, 0, markers, tmp_path / "taker.log")
        procs.append(taker)
        _wait_for(lambda: (markers / f"ready-{taker.pid}").exists(), 60, "the second worker to start")

        def job() -> OutboxJob:
            with services.db.transaction() as session:
                return session.scalars(select(OutboxJob).where(OutboxJob.id == job_id)).one()

        # Over two leases with the holder alive: its heartbeat keeps the job, the second worker waits.
        time.sleep(2.5 * LEASE)
        held = job()
        assert (held.state, held.attempts) == (JobState.PENDING, 1)
        assert not (markers / f"ran-{job_id}-{taker.pid}").exists()

        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        killed = time.monotonic()
        done = _wait_for(lambda: (j := job()).state == JobState.DONE and j, 30, "the job to be done")
        took = time.monotonic() - killed
        assert (markers / f"ran-{job_id}-{taker.pid}").exists()
        assert done.attempts == 2
        # The lease at most, plus the second worker's poll and a loaded machine's slack.
        assert took < LEASE + 5, took
