"""Dead jobs retried by command (audited), and finished jobs, old login attempts and ended sessions pruned."""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.audit.operations import verify_chain
from docflow.auth.models import LoginAttempt, WebSession
from docflow.db import utcnow
from docflow.errors import Conflict, NotFound
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.operations import NOTIFY, RETRY_JOB, enqueue_job, retry_dead_jobs
from docflow.outbox.worker import Worker, prune_history
from tests import pg

REPO = Path(__file__).resolve().parent.parent


def _dead_job(db, attempts: int = 5, error: str = "MailUnavailable: connection refused") -> OutboxJob:
    job = enqueue_job(db, NOTIFY, document_id=987654)
    job.state, job.attempts, job.last_error, job.finished_at = JobState.DEAD, attempts, error, utcnow()
    db.flush()
    return job


def test_a_dead_job_retried_runs_again_and_the_retry_is_audited(services, db):
    """Does a retried dead job get fresh attempts, a record in the audit trail, and then run?"""
    job = _dead_job(db)
    db.commit()
    retried = retry_dead_jobs(db, [job.id], by="the command line (root)", now=utcnow())
    db.commit()
    assert [j.id for j in retried] == [job.id]
    db.refresh(job)
    assert (job.state, job.attempts, job.finished_at) == (JobState.PENDING, 0, None)
    assert job.last_error == "MailUnavailable: connection refused"  # what went wrong stays until it succeeds
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == RETRY_JOB)).one()
    assert event.actor_name == "the command line (root)"
    assert f"job {job.id} (notify" in event.comment and "after 5 attempt(s)" in event.comment
    assert "connection refused" in event.comment
    assert verify_chain(db) == []
    assert Worker(services).run_pending() == 1
    db.refresh(job)
    assert (job.state, job.last_error) == (JobState.DONE, None)


def test_retrying_an_unknown_or_live_job_changes_nothing(services, db):
    """Is a request naming a job that is not dead refused whole, the dead ones in it left dead?"""
    dead = _dead_job(db)
    waiting = enqueue_job(db, NOTIFY, document_id=987655)
    db.commit()
    with pytest.raises(Conflict, match=f"job {waiting.id} is pending, not dead"):
        retry_dead_jobs(db, [dead.id, waiting.id], by="tester", now=utcnow())
    db.rollback()
    with pytest.raises(NotFound, match="there is no job 2147483000"):
        retry_dead_jobs(db, [dead.id, 2147483000], by="tester", now=utcnow())
    db.rollback()
    assert db.get(OutboxJob, dead.id).state == JobState.DEAD
    assert db.scalars(select(AuditEvent.id).where(AuditEvent.action == RETRY_JOB)).all() == []


def test_all_dead_jobs_are_retried_at_once(services, db):
    jobs = [_dead_job(db, attempts=n) for n in (3, 5)]
    done = enqueue_job(db, NOTIFY, document_id=1)
    done.state = JobState.DONE
    db.commit()
    assert sorted(j.id for j in retry_dead_jobs(db, None, by="tester", now=utcnow())) == sorted(j.id for j in jobs)
    db.commit()
    assert {db.get(OutboxJob, j.id).state for j in jobs} == {JobState.PENDING}
    assert db.get(OutboxJob, done.id).state == JobState.DONE
    assert len(db.scalars(select(AuditEvent.id).where(AuditEvent.action == RETRY_JOB)).all()) == 2
    assert retry_dead_jobs(db, None, by="tester", now=utcnow()) == []


def test_old_login_attempts_and_ended_sessions_are_pruned(services, db, make_user):
    """Are attempts and sessions past their retention deleted, and everything the throttle or a login needs kept?"""
    settings = services.settings
    user = make_user()
    now = utcnow()
    keep_days = settings.worker.login_retention_days
    idle = timedelta(minutes=settings.server.idle_timeout_minutes)
    lifetime = timedelta(hours=settings.server.session_lifetime_hours)
    old = now - timedelta(days=keep_days, hours=1)
    for name, at in [("old", old), ("recent", now - timedelta(days=keep_days - 1)), ("now", now)]:
        db.add(LoginAttempt(username=f"attempt-{name}", ip="192.0.2.1", succeeded=False, at=at))
    sessions_days = settings.worker.session_retention_days
    long_ago = now - timedelta(days=sessions_days, hours=1)
    rows = {
        "logged_out_long_ago": WebSession(token_hash="a" * 64, user_id=user.id, created_at=long_ago,
                                          last_seen_at=long_ago, ended_at=long_ago),
        "logged_out_lately": WebSession(token_hash="b" * 64, user_id=user.id, created_at=long_ago,
                                        last_seen_at=long_ago, ended_at=now - timedelta(days=1)),
        "idle_long_ago": WebSession(token_hash="c" * 64, user_id=user.id, created_at=long_ago - idle,
                                    last_seen_at=long_ago - idle),
        "expired_long_ago": WebSession(token_hash="d" * 64, user_id=user.id, created_at=long_ago - lifetime,
                                       last_seen_at=now - timedelta(minutes=1)),
        "open": WebSession(token_hash="e" * 64, user_id=user.id, created_at=now, last_seen_at=now),
    }
    db.add_all(rows.values())
    db.commit()
    pruned = prune_history(services)
    assert (pruned.login_attempts, pruned.web_sessions) == (1, 3)
    assert sorted(db.scalars(select(LoginAttempt.username))) == ["attempt-now", "attempt-recent"]
    left = set(db.scalars(select(WebSession.token_hash)))
    assert left == {rows["logged_out_lately"].token_hash, rows["open"].token_hash}


def test_login_retention_shorter_than_the_throttle_reads_is_refused(tmp_path):
    from docflow.config import ConfigError
    from tests.conftest import make_settings

    with pytest.raises(ConfigError, match="worker.login_retention_days: must be at least 2"):
        make_settings(tmp_path, worker={"login_retention_days": 1})


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_jobs_commands(backend, tmp_path):
    """`jobs list --dead` shows a dead job, `jobs retry` queues it again, `prune` runs, all on a real database."""
    from docflow.config import load_settings
    from docflow.services import Services

    with ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
        env.update({"DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / "instance"),
                    "DOCFLOW_SERVER__LOG_LEVEL": "WARNING", "DOCFLOW_SERVER__SECRET_KEY": "test-secret",
                    "DOCFLOW_SIGNING__CA_KEY_SECRET": "test-ca-secret"})
        if backend == "postgresql":
            env["DOCFLOW_DATABASE__URL"] = stack.enter_context(pg.postgres_database())
        assert _cli(env, "init").returncode == 0
        services = Services.from_settings(load_settings(environ=env))
        stack.callback(services.close)
        with services.db.transaction() as session:
            dead = _dead_job(session, error="MailUnavailable: connection refused\nmore detail")
            dead_id = dead.id
            enqueue_job(session, NOTIFY, document_id=987656)

        listed = _cli(env, "jobs", "list", "--dead")
        assert listed.returncode == 0, listed.stderr
        (line,) = listed.stdout.splitlines()
        fields = line.split("\t")
        assert fields[:4] == [str(dead_id), NOTIFY, "dead", "5"]
        assert fields[5:] == ["document_id=987654", "MailUnavailable: connection refused"]
        assert "1 job(s) dead" in listed.stderr
        assert len(_cli(env, "jobs", "list").stdout.splitlines()) == 2

        usage = _cli(env, "jobs", "retry")
        assert usage.returncode == 2 and "name the dead jobs' ids, or give --all-dead" in usage.stderr
        refused = _cli(env, "jobs", "retry", str(dead_id), str(dead_id + 1))
        assert refused.returncode == 1
        assert f"job {dead_id + 1} is pending, not dead" in refused.stderr and "nothing was retried" in refused.stderr
        retried = _cli(env, "jobs", "retry", str(dead_id))
        assert retried.returncode == 0, retried.stderr
        assert retried.stdout == f"queued job {dead_id} (notify) again\n"
        assert _cli(env, "jobs", "list", "--dead").stdout == ""
        assert _cli(env, "jobs", "retry", "--all-dead").stderr.strip() == "0 dead job(s) queued again"
        with services.db.transaction() as session:
            assert session.get(OutboxJob, dead_id).state == JobState.PENDING
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == RETRY_JOB)).one()
            assert event.actor_name.startswith("the command line (")

        pruned = _cli(env, "prune")
        assert pruned.returncode == 0, pruned.stderr
        assert "deleted 0 finished job(s), 0 login attempt(s) and 0 ended browser session(s)" in pruned.stderr
        assert _cli(env, "check", "--no-hashes").returncode == 0
