"""Readiness: can this node do its work? Database, object store, search index, worker, queue.

Each check returns None when fine, or a short English reason an operator reads (the JSON of
/readyz names the failing ones). No Flask: the view passes in what is checked.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from docflow.config import HealthSettings
from search_index import SearchEngine
from storage import ObjectStore

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Readiness:
    """Each check's outcome ("ok" or the reason it failed)."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        """Tell whether every check passed."""
        return all(outcome == "ok" for outcome in self.checks.values())


def _run(checks: dict[str, str], name: str, check: Callable[[], str | None]) -> None:
    try:
        problem = check()
    except Exception as exc:  # a probe reports; it never crashes
        logger.warning("readiness check %s failed", name, exc_info=True)
        problem = f"{type(exc).__name__}: {exc}"[:300]
    checks[name] = problem or "ok"


def check_readiness(session: Session, store: ObjectStore, index: SearchEngine, limits: HealthSettings,
                    now: datetime) -> Readiness:
    """Check the database, the object store, the index, the worker's heartbeat and the queue's age."""
    from docflow.outbox.heartbeat import last_heartbeat
    from docflow.outbox.models import JobState, OutboxJob

    checks: dict[str, str] = {}

    def database() -> None:
        session.execute(text("SELECT 1"))

    def worker() -> str | None:
        last = last_heartbeat(session)
        if last is None:
            return "no worker has ever recorded a heartbeat"
        silent = (now - last).total_seconds()
        if silent > limits.worker_silence_seconds:
            return f"no worker heartbeat for {silent:.0f} s (limit {limits.worker_silence_seconds:g} s)"
        return None

    def queue() -> str | None:
        oldest = session.scalar(select(func.min(OutboxJob.run_after))
                                .where(OutboxJob.state == JobState.PENDING, OutboxJob.run_after <= now))
        if oldest is None:
            return None
        waited = (now - oldest).total_seconds()
        if waited > limits.queue_age_seconds:
            return f"the oldest due job has waited {waited:.0f} s (limit {limits.queue_age_seconds:g} s)"
        return None

    _run(checks, "database", database)
    if checks["database"] != "ok":
        try:
            session.rollback()
        except Exception:  # a connection that is gone may refuse even this
            logger.debug("rollback after a failed readiness check failed", exc_info=True)
        checks["worker"] = checks["queue"] = "not checked: the database does not answer"
    else:
        _run(checks, "worker", worker)
        _run(checks, "queue", queue)
    _run(checks, "storage", store.check_health)
    _run(checks, "index", index.check_health)
    return Readiness(checks)

