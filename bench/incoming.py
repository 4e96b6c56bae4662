"""Incoming letters over HTTP on PostgreSQL: a head's queues and a clerk's incoming book in a busy unit.

    .venv/bin/python -m bench.incoming [--letters 20000] [--nodes 50000] [--requests 100] [--database-url URL]
                                       [--database-name NAME]

One unit (BIG) gets --letters registered incoming letters (documents in state received, one version,
addressed to its head, desk grants as registration and disposisi give them) and --nodes disposisi
nodes in trees: the head to the secretary, the secretary to the sub-head, some further down, in
every state. A second unit (SMALL) gets 100 letters and 250 nodes the same way: the baseline,
measured in the same run against the same server, so the ratio says what the unit's size costs.

A real `python -m docflow serve` on a database of its own (created on the PostgreSQL server of
--database-url, default the tests' 127.0.0.1:5432) answers, with tokens of each unit's people:
- the clerk's incoming book: GET /api/v1/incoming-letters (first page, page 20, state=registered);
- the head's queues: letters without a disposisi (state=registered), as she reads them;
- the secretary's "disposisi for me" (GET /api/v1/dispositions, open ones first; state=unread);
- the clerk's "to register" count (GET /api/v1/pending-registrations);
- each one's dashboard, the start page's sections (GET /api/v1/dashboard).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.common import HttpClient, ServeInstance, format_table, latency_ms, machine_info, setup_logging, write_results
from docflow.auth.models import User
from docflow.auth.operations import create_token, create_user
from docflow.config import load_settings
from docflow.documents.models import Document, DocumentDeskGrant, ExtractionStatus, Version
from docflow.incoming.models import Disposition, DispositionInstruction, IncomingAddressee, IncomingLetter
from docflow.incoming.models import disposition_instruction_links
from docflow.org.operations import assign_position, create_position, create_unit
from docflow.services import Services

logger = logging.getLogger(__name__)

CHUNK = 2000
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "docflow_bench_incoming"
SECRETS = {"DOCFLOW_SERVER__SECRET_KEY": "bench-incoming-secret", "DOCFLOW_SIGNING__CA_KEY_SECRET": "bench-ca-secret"}
STATES = ("unread", "read", "followed_up", "done", "cancelled")


def _create_database(admin_url: str, name: str = DATABASE) -> str:
    """Create a fresh database beside the given one; return its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _services(instance_dir: Path, database_url: str) -> Services:
    from docflow.migrate import upgrade

    settings = load_settings(overrides={"server": {"instance_dir": str(instance_dir), "log_level": "WARNING",
                                                   "secret_key": SECRETS["DOCFLOW_SERVER__SECRET_KEY"]},
                                        "signing": {"ca_key_secret": SECRETS["DOCFLOW_SIGNING__CA_KEY_SECRET"]},
                                        "database": {"url": database_url}}, environ={})
    services = Services.from_settings(settings)
    upgrade(services.db.engine)
    services.store.ensure_ready()
    services.index.ensure_ready()
    return services


def _unit(services: Services, code: str) -> dict[str, Any]:
    """Create a unit with a head, a secretary, two sub-heads, four staff desks and a clerk; return their ids."""
    with services.db.transaction() as session:
        unit = create_unit(session, code=code, name=f"Dinas {code.title()}")
        head = create_position(session, unit=unit, title=f"Kepala Dinas {code}", eselon="II.b")
        secretary = create_position(session, unit=unit, title=f"Sekretaris {code}", eselon="III.a", parent=head)
        subs = [create_position(session, unit=unit, title=f"Kasubbag {n} {code}", eselon="IV.a", parent=secretary)
                for n in (1, 2)]
        staff = [create_position(session, unit=unit, title=f"Staf {n} {code}", parent=subs[n % 2]) for n in range(4)]
        people = {}
        for slug, desk, roles in (("kepala", head, ["signer"]), ("sekretaris", secretary, ["verifier"]),
                                  ("kasubbag", subs[0], ["verifier"]), ("staf", staff[0], ["drafter"])):
            user = create_user(session, username=f"{slug}.{code.lower()}", password=None, roles=roles, unit=unit,
                               full_name=f"{slug.title()} {code}")
            assign_position(session, position=desk, user=user, starts_on=date(2020, 1, 1))
            people[slug] = user.id
        clerk = create_user(session, username=f"tu.{code.lower()}", password=None, roles=["records_clerk"],
                            unit=unit, full_name=f"TU {code}")
        session.flush()
        return {"unit_id": unit.id, "code": code, "head": head.id, "secretary": secretary.id,
                "subs": [s.id for s in subs], "staff": [s.id for s in staff], "clerk": clerk.id, **people}


def build(services: Services, desk: dict[str, Any], letters: int, nodes: int, first_id: int, seed: int) -> int:
    """Insert the unit's letters and disposisi trees in bulk; return the next free id."""
    rng = random.Random(seed)
    with services.db.transaction() as session:
        instructions = list(session.scalars(select(DispositionInstruction.id)))
        node_id = (session.scalar(select(func.max(Disposition.id))) or 0) + 1
    start = datetime(2026, 1, 2, 1, 0, tzinfo=UTC)
    per_letter = nodes / letters
    budget = nodes
    started = time.monotonic()
    for first in range(first_id, first_id + letters, CHUNK):
        ids = range(first, min(first + CHUNK, first_id + letters))
        documents, versions, grants, rows, addressees, tree, links = [], [], [], [], [], [], []
        for n, ident in enumerate(ids):
            created = start + timedelta(minutes=(ident - first_id) * 20)
            sha = hashlib.sha256(f"bench-incoming-{ident}".encode()).hexdigest()
            documents.append({"id": ident, "title": f"Surat masuk uji {ident}", "doc_type": "surat_dinas",
                              "classification_code": "000", "security_class": "biasa", "urgency": "biasa",
                              "state": "received", "unit_id": desk["unit_id"], "author_id": desk["clerk"],
                              "revision": 1, "created_at": created, "updated_at": created})
            versions.append({"id": ident, "document_id": ident, "number": 1, "storage_key": sha, "sha256": sha,
                             "size": 60_000, "mime_type": "application/pdf", "original_filename": "scan.pdf",
                             "page_count": 2, "extraction_status": ExtractionStatus.OK, "encrypted": False,
                             "comment": "", "created_by_id": desk["clerk"], "created_at": created})
            seq = ident - first_id + 1
            rows.append({"id": ident, "document_id": ident, "unit_id": desk["unit_id"], "agenda_year": 2026,
                         "agenda_number": seq, "sender_institution": f"Instansi {seq % 300}",
                         "sender_person": "", "sender_key": f"instansi {seq % 300}",
                         "sender_number": f"005/{seq}/X", "sender_date": created.date(),
                         "received_on": created.date(), "state": "registered", "registered_by_id": desk["clerk"],
                         "created_at": created})
            addressees.append({"letter_id": ident, "position_id": desk["head"]})
            desks = {desk["head"]}
            # Spread the node budget over the letters: a root to the secretary, then further down.
            want = min(budget, max(0, round(per_letter + rng.uniform(-1, 1)))) if seq < letters else budget
            if want:
                state = rng.choice(STATES)
                root = {"id": node_id, "letter_id": ident, "parent_id": None, "from_position_id": desk["head"],
                        "from_user_id": desk["kepala"], "to_position_id": desk["secretary"], "state": state,
                        "created_at": created + timedelta(hours=2), "due_on": (created + timedelta(days=7)).date()}
                tree.append(root)
                desks.add(desk["secretary"])
                node_id += 1
                for k in range(want - 1):
                    target = rng.choice(desk["subs"] + desk["staff"])
                    tree.append({"id": node_id, "letter_id": ident, "parent_id": root["id"],
                                 "from_position_id": desk["secretary"], "from_user_id": desk["sekretaris"],
                                 "to_position_id": target, "state": rng.choice(STATES),
                                 "created_at": created + timedelta(hours=3 + k), "due_on": None})
                    desks.add(target)
                    node_id += 1
                budget -= want
                rows[-1]["state"] = rng.choice(("in_progress", "done"))
            grants.extend({"document_id": ident, "position_id": p, "created_at": created} for p in desks)
        for node in tree:
            node.update(issued_via="holder", note="", priority="biasa", revision=1, follow_up_note="")
            links.append({"disposition_id": node["id"], "instruction_id": rng.choice(instructions)})
        with services.db.transaction() as session:
            session.execute(insert(Document), documents)
            session.execute(insert(Version), versions)
            session.execute(insert(IncomingLetter), rows)
            session.execute(insert(IncomingAddressee), addressees)
            session.execute(insert(DocumentDeskGrant), grants)
            if tree:
                session.execute(insert(Disposition), tree)
                session.execute(insert(disposition_instruction_links), links)
        logger.info("%s: %d letters (%.0f s)", desk["code"], ids[-1] - first_id + 1, time.monotonic() - started)
    with services.db.transaction() as session:
        # Ids were given explicitly: move the sequences past them, as the server's inserts will need.
        for table in ("documents", "versions", "incoming_letters", "incoming_addressees", "document_desk_grants",
                      "dispositions"):
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        session.execute(text("ANALYZE"))
    return first_id + letters


def _tokens(services: Services, desk: dict[str, Any]) -> dict[str, str]:
    with services.db.transaction() as session:
        return {role: create_token(session, session.get(User, desk[role]), name="benchmark")
                for role in ("clerk", "kepala", "sekretaris")}


QUERIES = (
    ("clerk: incoming book, first page", "clerk", "/api/v1/incoming-letters?per_page=20"),
    ("clerk: incoming book, page 20", "clerk", "/api/v1/incoming-letters?per_page=20&page=20"),
    ("clerk: letters without a disposisi", "clerk", "/api/v1/incoming-letters?state=registered"),
    ("clerk: to register (pending intake)", "clerk", "/api/v1/pending-registrations"),
    ("head: letters without a disposisi", "kepala", "/api/v1/incoming-letters?state=registered"),
    ("head: incoming book as she reads it", "kepala", "/api/v1/incoming-letters?per_page=20"),
    ("secretary: disposisi for me", "sekretaris", "/api/v1/dispositions?per_page=20"),
    ("secretary: disposisi unread", "sekretaris", "/api/v1/dispositions?state=unread&per_page=20"),
    ("head: her dashboard (start page sections)", "kepala", "/api/v1/dashboard"),
    ("secretary: her dashboard", "sekretaris", "/api/v1/dashboard"),
    ("clerk: his dashboard", "clerk", "/api/v1/dashboard"),
)


def measure(server: ServeInstance, tokens: dict[str, dict[str, str]], requests: int) -> dict[str, Any]:
    """Time each query for the big unit and the baseline unit, interleaved so both meet the same load."""
    clients = {unit: {role: HttpClient(server.port, token, timeout=120) for role, token in t.items()}
               for unit, t in tokens.items()}
    timings: dict[str, dict[str, list[float]]] = {unit: {name: [] for name, _, _ in QUERIES} for unit in tokens}
    for unit in tokens:  # warm up: plans cached, connections open
        for name, role, path in QUERIES:
            clients[unit][role].get_json(path)
    for _ in range(requests):
        for unit in tokens:
            for name, role, path in QUERIES:
                began = time.perf_counter()
                clients[unit][role].get_json(path)
                timings[unit][name].append(time.perf_counter() - began)
    for by_role in clients.values():
        for client in by_role.values():
            client.close()
    return {unit: {name: latency_ms(values) for name, values in by_name.items()}
            for unit, by_name in timings.items()}


def main(argv: list[str] | None = None) -> int:
    """Build both units on a fresh PostgreSQL database, serve it, measure, print, save the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DOCFLOW_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--database-name", default=DATABASE,
                        help="the database created (dropped first) beside --database-url's")
    parser.add_argument("--root", type=Path, default=Path("/tmp/docflow-bench-incoming"))
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    import shutil

    shutil.rmtree(args.root, ignore_errors=True)
    args.root.mkdir(parents=True)
    url = _create_database(args.database_url, args.database_name)
    services = _services(args.root, url)
    began = time.monotonic()
    big = _unit(services, "BIG")
    small = _unit(services, "SMALL")
    next_id = build(services, big, args.letters, args.nodes, 1, seed=16)
    build(services, small, 100, 250, next_id, seed=17)
    build_seconds = round(time.monotonic() - began, 1)
    tokens = {"big": _tokens(services, big), "baseline": _tokens(services, small)}
    with services.db.transaction() as session:
        counted = {"letters": session.scalar(select(func.count(IncomingLetter.id))
                                             .where(IncomingLetter.unit_id == big["unit_id"])),
                   "nodes": session.scalar(select(func.count(Disposition.id)).join(IncomingLetter)
                                           .where(IncomingLetter.unit_id == big["unit_id"]))}
    services.close()
    server = ServeInstance(args.root)
    server.env.update({"DOCFLOW_DATABASE__URL": url, **SECRETS})
    with server:
        server.start()
        results = measure(server, tokens, args.requests)
    rows = [[name, results["big"][name]["p50_ms"], results["big"][name]["p95_ms"],
             results["baseline"][name]["p95_ms"],
             round(results["big"][name]["p95_ms"] / max(results["baseline"][name]["p95_ms"], 0.01), 2)]
            for name, _, _ in QUERIES]
    print(format_table(["request", "p50 ms", "p95 ms", "baseline p95 ms", "ratio"], rows))
    print(json.dumps({**counted, "build_s": build_seconds, "requests": args.requests}))
    if not args.no_save:
        write_results("incoming", {**counted, "build_seconds": build_seconds, "requests": args.requests,
                                   "results": results, "machine": machine_info(args.root)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
