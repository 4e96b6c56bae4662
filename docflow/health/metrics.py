"""Prometheus figures: counted in this process, or read from the database when scraped.

Web processes (waitress: threads in one process) count requests, signing and login failures in
this process's registry. The worker is another process: what it does is read from the database
at scrape time (outbox depth and age per kind, extraction outcomes, index lag, heartbeat), so
every web process reports the same, current figures and nothing needs a multi-process directory.
No Flask here: the view hands in a session factory and the index.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "docflow_request_duration_seconds", "Time to answer a request, by route (the URL rule) and method.",
    ["route", "method", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
SIGNING_FAILURES = Counter(
    "docflow_signing_failures", "Signatures refused or failed, by the kind of refusal.", ["reason"],
    registry=REGISTRY)
LOGIN_FAILURES = Counter("docflow_login_failures", "Failed logins (wrong name or password).", registry=REGISTRY)


def count_signing_failure(exc: BaseException) -> None:
    """Count a signature that did not happen, by the refusal's class (WrongPassphrase, TsaUnavailable ...)."""
    SIGNING_FAILURES.labels(reason=type(exc).__name__).inc()


def count_login_failure() -> None:
    """Count one failed login."""
    LOGIN_FAILURES.inc()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Record how long a request took."""
    REQUEST_SECONDS.labels(route=route, method=method, status=str(status)).observe(seconds)


class DatabaseCollector(Collector):
    """Figures read from the database (and the index) each time Prometheus scrapes."""

    def __init__(self, session_factory: Callable[[], Session], doc_count: Callable[[], int],
                 now: Callable[[], datetime]) -> None:
        self.session_factory = session_factory
        self.doc_count = doc_count
        self.now = now

    def describe(self) -> list[Metric]:
        return []  # figures come and go with the database: nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        from docflow.documents.models import Version
        from docflow.outbox.heartbeat import last_heartbeat
        from docflow.outbox.models import JobState, OutboxJob
        from docflow.outbox.operations import INDEX_DOCUMENT

        now = self.now()
        up = GaugeMetricFamily("docflow_database_up", "1 when the database answered this scrape.")
        session = self.session_factory()
        try:
            depth = GaugeMetricFamily("docflow_outbox_jobs", "Outbox jobs by kind and state.", labels=["kind", "state"])
            age = GaugeMetricFamily("docflow_outbox_oldest_due_seconds",
                                    "Age of the oldest pending job that is due, by kind (0: none).", labels=["kind"])
            rows = session.execute(select(OutboxJob.kind, OutboxJob.state, func.count())
                                   .where(OutboxJob.state != JobState.DONE)
                                   .group_by(OutboxJob.kind, OutboxJob.state)).all()
            for kind, state, count in rows:
                depth.add_metric([kind, state], count)
            oldest = dict(session.execute(
                select(OutboxJob.kind, func.min(OutboxJob.run_after))
                .where(OutboxJob.state == JobState.PENDING, OutboxJob.run_after <= now)
                .group_by(OutboxJob.kind)).all())
            for kind, since in oldest.items():
                age.add_metric([kind], _seconds_since(since, now))
            lag = GaugeMetricFamily("docflow_index_lag_seconds",
                                    "How long the oldest due change has waited to reach the search index.")
            lag.add_metric([], _seconds_since(oldest[INDEX_DOCUMENT], now) if INDEX_DOCUMENT in oldest else 0.0)
            outcomes = GaugeMetricFamily("docflow_extraction_versions",
                                         "Stored versions by text extraction outcome.", labels=["outcome"])
            for outcome, count in session.execute(select(Version.extraction_status, func.count())
                                                  .group_by(Version.extraction_status)).all():
                outcomes.add_metric([outcome], count)
            beat = GaugeMetricFamily("docflow_worker_heartbeat_age_seconds",
                                     "Seconds since a worker last recorded its heartbeat (absent: never).")
            last = last_heartbeat(session)
            if last is not None:
                beat.add_metric([], _seconds_since(last, now))
            figures = [depth, age, lag, outcomes, beat, *_intake_figures(session)]
        except Exception:
            logger.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        finally:
            session.close()
        up.add_metric([], 1)
        yield up
        yield from figures
        indexed = GaugeMetricFamily("docflow_index_documents", "Documents in the search index.")
        try:
            indexed.add_metric([], self.doc_count())
        except Exception:
            logger.warning("metrics: the search index could not be read", exc_info=True)
        else:
            yield indexed


def _intake_figures(session: Session) -> list[Metric]:
    """Return each mailbox's and scanner folder's health and the intakes waiting per state."""
    from docflow.incoming.intake_models import IntakeSource, PendingRegistration

    up = GaugeMetricFamily("docflow_intake_source_up",
                           "1 when the mailbox or scanner folder answered the worker's last round, else 0.",
                           labels=["source"])
    failures = GaugeMetricFamily("docflow_intake_source_failures",
                                 "Rounds in a row the mailbox or folder could not be read.", labels=["source"])
    for name, count in session.execute(select(IntakeSource.name, IntakeSource.consecutive_failures)):
        up.add_metric([name], 0 if count else 1)
        failures.add_metric([name], count)
    waiting = GaugeMetricFamily("docflow_intake_waiting", "Intakes waiting for a clerk, by state (pending, failed).",
                                labels=["state"])
    for state, count in session.execute(select(PendingRegistration.state, func.count())
                                        .where(PendingRegistration.state.in_(("pending", "failed")))
                                        .group_by(PendingRegistration.state)):
        waiting.add_metric([state], count)
    return [up, failures, waiting]


def _seconds_since(then: datetime, now: datetime) -> float:
    return max(0.0, (now - then).total_seconds())
