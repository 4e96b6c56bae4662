"""The worker's heartbeat: one row per worker process, refreshed from its loop, read by /readyz and /metrics.

The model lives here rather than in outbox/models.py so that the worker's own changes and this
one stay apart; docflow/models.py imports it like every other table.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from docflow.db import Base, Database, utcnow

logger = logging.getLogger(__name__)

# The loop polls twice a second; the database hears from it at most this often.
BEAT_EVERY_SECONDS = 5.0
# Rows of workers silent this long are removed when another worker beats (restarts leave one each).
FORGET_AFTER = timedelta(days=1)


class WorkerHeartbeat(Base):
    """The last sign of life of one worker process (host and process id)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]


def worker_name() -> str:
    """Return this process's name as a heartbeat row knows it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat(session: Session, worker: str, now: datetime, started_at: datetime) -> None:
    """Write the worker's beat and forget workers silent for a day."""
    row = session.get(WorkerHeartbeat, worker)
    if row is None:
        session.add(WorkerHeartbeat(worker=worker, started_at=started_at, beat_at=now))
    else:
        row.beat_at = now
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))
    session.flush()


def last_heartbeat(session: Session) -> datetime | None:
    """Return the newest beat of any worker, or None when no worker ever beat."""
    return session.scalar(select(func.max(WorkerHeartbeat.beat_at)))


class Heartbeat:
    """Beats for one worker process, at most every BEAT_EVERY_SECONDS however often it is called."""

    def __init__(self, db: Database, every: float = BEAT_EVERY_SECONDS) -> None:
        self.db = db
        self.every = every
        self.worker = worker_name()
        self.started_at = utcnow()
        self._next = 0.0

    def beat(self) -> None:
        """Record a beat if one is due; a database that does not answer is logged, not raised."""
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.every
        try:
            with self.db.transaction() as session:
                record_heartbeat(session, self.worker, utcnow(), self.started_at)
        except Exception:  # the loop must go on; /readyz reports the silence
            logger.warning("could not record the worker's heartbeat", exc_info=True)
