"""The paperless report over HTTP for a city of 40 units: p95 of GET /api/v1/reports/paperless.

    .venv/bin/python -m bench.report [--letters 1000000] [--units 40] [--requests 60] [--root DIR] [--reuse]

An instance is built under --root (default /tmp/docflow-bench-report/n<letters>): 40 units, each with a
head (II.b) and a secretary (III.a) at their desks and three drafters, and --letters letters of 2026
inserted in bulk as the workflow leaves them: the document, one version with its page count,
addressees and tembusan, its route (two steps) and its audit records (submit, sometimes return and
submit again, initial, sign, send), hash-chained as `record_event` chains them. One letter in twenty
is still waiting at a desk (some past due). The object store and the search index stay empty: the
report reads neither.

A real `python -m docflow serve` then answers the report to a leadership token. Measured:
- cold: the first request of each period (a month, a quarter, the year), which counts the figures;
- mixed: --requests requests cycling over the twelve months, four quarters and the year, as a
  meeting's audience clicks through them; the server counts each period once and serves it from
  its cache for up to five minutes (the page and `computed_at` say when the figures were counted).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select

from bench.common import (
    HttpClient,
    ServeInstance,
    format_table,
    latency_ms,
    machine_info,
    setup_logging,
    write_results,
)
from bench.dataset import AUTHORS_PER_UNIT, open_services
from bench.synthetic import UNITS
from docflow.audit.models import AuditEvent, AuditHead
from docflow.audit.operations import event_hash
from docflow.auth.models import User
from docflow.auth.operations import create_token, create_user
from docflow.documents.models import Document, DocumentRecipient, ExtractionStatus, Version
from docflow.org.models import Position, Unit
from docflow.org.operations import assign_position, create_position, create_unit
from docflow.services import Services
from docflow.workflow.models import RouteStep

logger = logging.getLogger(__name__)

CHUNK = 2000
YEAR = 2026
WIB = timedelta(hours=7)
_EVENT_FIELDS = ("document_id", "action", "from_state", "to_state", "actor_user_id", "actor_name",
                 "actor_position_id", "actor_position_title", "on_behalf_position_id", "on_behalf_title",
                 "delegation_kind", "comment", "document_revision", "file_sha256", "created_at", "prev_hash")


def _unit_names(units: int) -> list[tuple[str, str]]:
    """Return the city's units: the benchmark's 20 offices, then kelurahan up to `units`."""
    extra = [(f"KEL{n:02d}", f"Kelurahan Uji {n}") for n in range(1, max(0, units - len(UNITS)) + 1)]
    return [*UNITS, *extra][:units]


def _desks(services: Services, units: int) -> list[dict[str, Any]]:
    """Give each unit three drafters, a head (II.b) and a secretary (III.a) at their desks; return their ids."""
    desks = []
    with services.db.transaction() as session:
        for code, name in _unit_names(units):
            unit = session.scalar(select(Unit).where(Unit.code == code))
            if unit is None:
                unit = create_unit(session, code=code, name=name,
                                   kind="kelurahan" if code.startswith("KEL") else "dinas")
                head = create_position(session, unit=unit, title=f"Kepala {name}", eselon="II.b")
                secretary = create_position(session, unit=unit, title=f"Sekretaris {name}", eselon="III.a",
                                            parent=head)
                for desk, slug in ((head, "kepala"), (secretary, "sekretaris")):
                    user = create_user(session, username=f"{slug}.{code.lower()}", password=None,
                                       roles=["signer" if slug == "kepala" else "verifier"], unit=unit,
                                       full_name=f"{slug.title()} {name}")
                    assign_position(session, position=desk, user=user, starts_on=date(2020, 1, 1))
                for n in range(1, AUTHORS_PER_UNIT + 1):
                    create_user(session, username=f"staf{n}.{code.lower()}", password=None, roles=["drafter"],
                                full_name=f"Staf {n} {name}", unit=unit)
                session.flush()
            head = session.scalar(select(Position).where(Position.unit_id == unit.id, Position.eselon == "II.b"))
            secretary = session.scalar(select(Position).where(Position.parent_id == head.id))
            slug = code.lower()
            users = dict(session.execute(select(User.username, User.id).where(User.unit_id == unit.id)).all())
            desks.append({"unit_id": unit.id, "head": head.id, "secretary": secretary.id,
                          "authors": [users[f"staf{n}.{slug}"] for n in range(1, AUTHORS_PER_UNIT + 1)],
                          "head_user": users[f"kepala.{slug}"], "secretary_user": users[f"sekretaris.{slug}"]})
    return desks


class _Chain:
    """The audit trail's hash chain, continued from the head row."""

    def __init__(self, prev_hash: str, last_id: int, count: int) -> None:
        self.prev_hash, self.last_id, self.count = prev_hash, last_id, count

    def event(self, **fields: Any) -> dict[str, Any]:
        row = {name: None for name in _EVENT_FIELDS}
        row.update({"actor_name": "", "actor_position_title": "", "on_behalf_title": "", "comment": "", **fields})
        row["prev_hash"] = self.prev_hash
        row["hash"] = event_hash(SimpleNamespace(**row))
        self.last_id += 1
        self.count += 1
        row["id"] = self.last_id
        self.prev_hash = row["hash"]
        return row


def _letter(rng: random.Random, ident: int, desk: dict[str, Any], chain: _Chain, year_start: datetime,
            now: datetime) -> tuple[dict, dict, list[dict], list[dict], list[dict]]:
    created = year_start + timedelta(seconds=rng.randrange(0, 335 * 86400))
    author = desk["authors"][ident % len(desk["authors"])]
    pending = rng.random() < 0.05
    sha = hashlib.sha256(f"bench-report-{ident}".encode()).hexdigest()
    submit = created + timedelta(hours=rng.uniform(1, 48))
    events = [chain.event(document_id=ident, action="submit", from_state="draft", to_state="in_verification",
                          actor_user_id=author, created_at=submit, document_revision=2)]
    at = submit
    if rng.random() < 0.15:
        at += timedelta(hours=rng.uniform(1, 24))
        events.append(chain.event(document_id=ident, action="return", from_state="in_verification",
                                  to_state="returned", actor_user_id=desk["secretary_user"], created_at=at,
                                  comment="Mohon diperbaiki", document_revision=3))
        at += timedelta(hours=rng.uniform(1, 24))
        events.append(chain.event(document_id=ident, action="submit", from_state="returned",
                                  to_state="in_verification", actor_user_id=author, created_at=at, document_revision=4))
    steps = [{"document_id": ident, "order": 1, "kind": "verify", "position_id": desk["secretary"]},
             {"document_id": ident, "order": 2, "kind": "sign", "position_id": desk["head"]}]
    if pending:
        steps[0].update(state="current", due_at=at + timedelta(hours=72))
        steps[1].update(state="waiting")
        state, signed_at = "in_verification", None
    else:
        at += timedelta(hours=rng.uniform(0.5, 30))
        events.append(chain.event(document_id=ident, action="initial", from_state="in_verification",
                                  to_state="approved", actor_user_id=desk["secretary_user"], created_at=at))
        steps[0].update(state="done", acted_at=at, acted_by_user_id=desk["secretary_user"])
        at += timedelta(hours=rng.uniform(0.5, 48))
        signed_at = at
        events.append(chain.event(document_id=ident, action="sign", from_state="approved", to_state="signed",
                                  actor_user_id=desk["head_user"], created_at=at, file_sha256=sha))
        steps[1].update(state="done", acted_at=at, acted_by_user_id=desk["head_user"])
        at += timedelta(hours=rng.uniform(0.2, 8))
        events.append(chain.event(document_id=ident, action="send", from_state="signed", to_state="sent",
                                  actor_user_id=author, created_at=at))
        state = "sent"
    for step in steps:
        step.setdefault("mode", "direct")
    document = {"id": ident, "title": f"Nota dinas uji laporan {ident}", "doc_type": "nota_dinas",
                "classification_code": "000.8.3.3", "security_class": "biasa", "urgency": "biasa", "state": state,
                "number": None if pending else f"000.8.3.3/{ident}/BENCH/{YEAR}", "unit_id": desk["unit_id"],
                "author_id": author, "revision": 6, "created_at": created, "updated_at": min(at, now),
                "signed_at": signed_at}
    version = {"id": ident, "document_id": ident, "number": 1, "storage_key": sha, "sha256": sha, "size": 50_000,
               "mime_type": "application/pdf", "original_filename": f"naskah-{ident}.pdf",
               "page_count": rng.randint(1, 5), "extraction_status": ExtractionStatus.OK, "encrypted": False,
               "comment": "", "created_by_id": author, "created_at": created}
    recipients = [{"document_id": ident, "kind": "to" if n < 2 else "cc", "ordering": n + 1, "name": f"Penerima {n}"}
                  for n in range(rng.randint(0, 4))]
    return document, version, recipients, steps, events


def build(services: Services, letters: int, units: int, seed: int = 20) -> int:
    """Insert letters up to `letters` (continuing a partial build); return how many the instance has."""
    desks = _desks(services, units)
    with services.db.transaction() as session:
        have = session.scalar(select(func.count(Document.id))) or 0
        head = session.get(AuditHead, 1)
        last_id = session.scalar(select(func.max(AuditEvent.id))) or 0
        chain = _Chain(head.last_hash, last_id, head.count)
    rng = random.Random(seed + have)
    year_start = datetime(YEAR, 1, 1, tzinfo=UTC) - WIB
    now = datetime.now(UTC)
    started = time.monotonic()
    for first in range(have + 1, letters + 1, CHUNK):
        rows = [_letter(rng, i, desks[i % len(desks)], chain, year_start, now)
                for i in range(first, min(first + CHUNK, letters + 1))]
        with services.db.transaction() as session:
            session.execute(insert(Document), [r[0] for r in rows])
            session.execute(insert(Version), [r[1] for r in rows])
            recipients = [x for r in rows for x in r[2]]
            if recipients:
                session.execute(insert(DocumentRecipient), recipients)
            session.execute(insert(RouteStep), [x for r in rows for x in r[3]])
            session.execute(insert(AuditEvent), [x for r in rows for x in r[4]])
            head = session.get(AuditHead, 1)
            head.last_hash, head.last_event_id, head.count = chain.prev_hash, chain.last_id, chain.count
        done = first + len(rows) - 1
        if done % 50_000 < CHUNK:
            logger.info("%d letters (%.0f s)", done, time.monotonic() - started)
    return letters


def _periods() -> list[tuple[str, date, date]]:
    months = []
    for month in range(1, 13):
        last = (date(YEAR, month % 12 + 1, 1) if month < 12 else date(YEAR + 1, 1, 1)) - timedelta(days=1)
        months.append((f"month {month:02d}", date(YEAR, month, 1), last))
    quarters = [(f"quarter {q + 1}", months[3 * q][1], months[3 * q + 2][2]) for q in range(4)]
    return months + quarters + [("year", date(YEAR, 1, 1), date(YEAR, 12, 31))]


def _path(start: date, end: date) -> str:
    return f"/api/v1/reports/paperless?from={start.isoformat()}&to={end.isoformat()}"


def measure(instance_dir: Path, requests: int) -> dict[str, Any]:
    """Serve the instance and time the report: each period's first (counting) request, then a mixed stream."""
    with ServeInstance(instance_dir, log_level="WARNING") as server:
        services = open_services(instance_dir)
        with services.db.transaction() as session:
            user = session.scalar(select(User).where(User.username == "walikota"))
            if user is None:
                user = create_user(session, username="walikota", password=None, roles=["leadership"],
                                   full_name="Wali Kota", unit=session.scalar(select(Unit).order_by(Unit.id)))
            token = create_token(session, user, name="benchmark")
        services.close()
        server.start()
        client = HttpClient(server.port, token, timeout=600)
        cold: dict[str, list[float]] = {"month": [], "quarter": [], "year": []}
        figures = None
        for name, start, end in _periods():
            began = time.perf_counter()
            body = client.get_json(_path(start, end))
            cold[name.split()[0]].append(time.perf_counter() - began)
            if name == "year":
                figures = body["total"]
        stream = []
        periods = _periods()
        for n in range(requests):
            _, start, end = periods[n % len(periods)]
            began = time.perf_counter()
            client.get_json(_path(start, end))
            stream.append(time.perf_counter() - began)
        memory = server.memory()
        client.close()
    return {"cold": {kind: latency_ms(values) | {"n": len(values)} for kind, values in cold.items()},
            "mixed": latency_ms(stream) | {"n": len(stream)}, "serve_memory_mib": memory, "year_total": figures}


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the instance, measure, print a table, write bench/results/report.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--root", type=Path, default=Path("/tmp/docflow-bench-report"))
    parser.add_argument("--reuse", action="store_true", help="keep an instance already built (or go on with it)")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    instance_dir = args.root / f"n{args.letters}"
    if instance_dir.exists() and not args.reuse:
        import shutil

        shutil.rmtree(instance_dir)
    instance_dir.mkdir(parents=True, exist_ok=True)
    services = open_services(instance_dir)
    began = time.monotonic()
    build(services, args.letters, args.units)
    build_seconds = round(time.monotonic() - began, 1)
    services.close()
    results = measure(instance_dir, args.requests)
    rows = [[f"first request of a {kind} (counts it)", r["n"], r["p50_ms"], r["p95_ms"], r["max_ms"]]
            for kind, r in results["cold"].items()]
    mixed = results["mixed"]
    rows.append(["mixed stream over the 17 periods (cached)", mixed["n"], mixed["p50_ms"], mixed["p95_ms"],
                 mixed["max_ms"]])
    print(format_table(["requests", "n", "p50 ms", "p95 ms", "max ms"], rows))
    print(json.dumps({"letters": args.letters, "units": args.units, "build_s": build_seconds,
                      "year_total": results["year_total"]}, default=str))
    if not args.no_save:
        write_results("report", {"letters": args.letters, "units": args.units, "build_seconds": build_seconds,
                                 **results, "machine": machine_info(instance_dir)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
