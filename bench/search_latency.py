"""Search latency over HTTP at 10,000 and 100,000 documents, for an ordinary drafter.

    .venv/bin/python -m bench.search_latency [--sizes 10000 100000] [--reuse] [--requests 200]

For each size an instance is built under --root (default /tmp/docflow-bench-search/n<size>):
synthetic letters spread over 20 units are inserted in bulk as documents with an extracted
version, and indexed the way the worker does it (`load_indexed`, then `SearchIndex.writer()`
upserts in batches of worker.batch_size, one commit each). A bigger instance starts from a
copy of the smaller one. The build stops at the deadline (--build-budget-min); the size
reached is then the one measured, and the results say so. --reuse keeps instances already
built to the wanted size.

A real `python -m docflow serve` then answers /api/v1/search with the token of a drafter of
one unit, so the permission filter applies. Per query class: a warm-up, then --requests
sequential requests over one keep-alive connection; p50/p95/p99 of the full HTTP round trip.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import logging
import os
import pstats
import shutil
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from whoosh import index as whoosh_index

from bench.common import (
    BenchError,
    HttpClient,
    ServeInstance,
    dir_size,
    format_table,
    latency_ms,
    machine_info,
    setup_logging,
    write_results,
)
from bench.dataset import create_searcher, document_count, ensure_org, insert_letters, open_services
from bench.synthetic import UNITS, LetterGenerator
from docflow.auth.models import User
from docflow.documents.access import user_principals
from docflow.documents.models import Document
from docflow.search.indexing import load_indexed
from docflow.services import Services
from search_index import SearchRequest
from search_index.whoosh_engine.index import CURRENT_LINK
from search_index.schema import build_schema

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path("/tmp/docflow-bench-search")
UNIT_COUNT = 20
SEARCHER_UNIT = 7  # DISKOMINFO
SEARCHER = "pencari.diskominfo"
BUILD_CHUNK = 5000
READY_MARK = "bench-size.json"
# A reindex of 1,000,000 letters takes hours on two loaded cores.
REINDEX_TIMEOUT = 12 * 3600

COMMON_WORDS = ("pelaksanaan", "anggaran", "kegiatan", "laporan", "koordinasi")
TWO_WORDS = ("penugasan pegawai", "anggaran pengadaan", "arsip retensi", "imunisasi puskesmas",
             "drainase jalan")
PHRASES = ('"rapat koordinasi"', '"jadwal retensi arsip"', '"pelayanan publik"', '"bantuan sosial"',
           '"tanda tangan elektronik"')
FILTER_WORDS = ("ditugaskan", "kearsipan", "anggaran", "penyusunan", "verifikasi")
RARE_WANTED = 10
RARE_MAX_HITS = 10


@dataclass(frozen=True)
class QueryClass:
    """A named kind of search and the query strings it cycles through."""

    name: str
    queries: tuple[str, ...]


def _path(q: str, extra: str = "") -> str:
    return "/api/v1/search?q=" + urllib.parse.quote(q) + extra


# -- building ------------------------------------------------------------------------------


def index_range(services: Services, start: int, stop: int) -> None:
    """Index documents [start, stop) the way the worker does: load_indexed, one writer per batch, merges."""
    batch = services.settings.worker.batch_size
    for first in range(start, stop, batch):
        ids = range(first, min(first + batch, stop))
        with services.db.transaction() as session:
            entries, gone = load_indexed(session, ids)
        if gone:
            raise BenchError(f"documents {sorted(gone)[:5]} are missing from the database")
        with services.index.writer() as writer:
            for entry in entries:
                writer.upsert(entry)
    # The worker merges large segments in a background thread; here, after each chunk.
    services.index.merge_pending()


def build(instance_dir: Path, size: int, deadline: float, seed: int, index_by: str = "worker",
          reindex_processes: int = 1) -> dict[str, Any]:
    """Grow the instance to `size` documents (or as far as the deadline allows); return timings.

    index_by "worker" indexes each chunk as it is inserted, in the worker's batches; "reindex"
    inserts every letter first and then runs `python -m docflow reindex` once (one writer, one
    merged segment: about half the CPU of many small commits, the way to reach 1,000,000), in
    `reindex_processes` processes side by side (one segment each).
    """
    services = open_services(instance_dir)
    try:
        generator = LetterGenerator(seed=seed, units=UNIT_COUNT)
        org = ensure_org(services, UNIT_COUNT)
        have = document_count(services)
        _require_current_schema(services)
        if services.index.doc_count() != have:
            raise BenchError(f"{instance_dir}: {have} documents in the database, "
                             f"{services.index.doc_count()} in the index; rebuild without --reuse")
        db_seconds = index_seconds = 0.0
        reached = have
        while reached < size:
            if time.monotonic() > deadline:
                logger.warning("build budget spent at %d documents (wanted %d)", reached, size)
                break
            stop = min(reached + BUILD_CHUNK, size)
            t0 = time.perf_counter()
            insert_letters(services, generator, org, reached + 1, stop + 1, enqueue_index=False)
            t1 = time.perf_counter()
            if index_by == "worker":
                index_range(services, reached + 1, stop + 1)
            t2 = time.perf_counter()
            db_seconds += t1 - t0
            index_seconds += t2 - t1
            reached = stop
            logger.info("%s: %d documents (db %.0f s, index %.0f s so far)", instance_dir.name, reached,
                        db_seconds, index_seconds)
        if index_by == "reindex" and reached > have:
            t0 = time.perf_counter()
            ServeInstance(instance_dir, log_level="WARNING").cli("reindex", "--processes", str(reindex_processes),
                                                                 timeout=REINDEX_TIMEOUT)
            index_seconds += time.perf_counter() - t0
            logger.info("%s: reindexed %d documents in %.0f s", instance_dir.name, reached, index_seconds)
        earlier = _mark(instance_dir)
        mark = {"documents": reached, "seed": seed,
                "db_seconds": round(earlier.get("db_seconds", 0) + db_seconds, 1),
                "index_seconds": round(earlier.get("index_seconds", 0) + index_seconds, 1)}
        (instance_dir / READY_MARK).write_text(json.dumps(mark))
        # Totals include earlier runs that built part of this instance (--reuse goes on from there).
        return {"documents": reached, "added": reached - have, "db_seconds": mark["db_seconds"],
                "index_seconds": mark["index_seconds"], "this_run_index_seconds": round(index_seconds, 1),
                "index_by": index_by, "reindex_processes": reindex_processes if index_by == "reindex" else None}
    finally:
        services.close()


def _require_current_schema(services: Services) -> None:
    """Refuse to extend an index whose fields differ from what this code's schema builds."""
    # search_index changes under development; an index from older code cannot take new documents.
    ix = whoosh_index.open_dir(str(services.index.path / CURRENT_LINK))
    try:
        on_disk = set(ix.schema.names())
    finally:
        ix.close()
    wanted = set(build_schema().names())
    if on_disk != wanted:
        raise BenchError(f"the index under {services.index.path} was built by other search_index code "
                         f"(fields differ: {sorted(on_disk ^ wanted)}); run without --reuse to rebuild")


def _mark(instance_dir: Path) -> dict[str, Any]:
    try:
        found = json.loads((instance_dir / READY_MARK).read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _built_size(instance_dir: Path) -> int:
    return int(_mark(instance_dir).get("documents", 0))


def _largest_built_below(root: Path, size: int) -> Path | None:
    """Return the instance under root built to the most documents not above size, if any."""
    built = [(n, d) for d in root.glob("n*") if 0 < (n := _built_size(d)) <= size]
    return max(built)[1] if built else None


# -- measuring -----------------------------------------------------------------------------


def _searcher_facts(instance_dir: Path) -> tuple[str, tuple[str, ...], list[str]]:
    """Create the drafter's token; return it, the drafter's principals and readable letter numbers."""
    services = open_services(instance_dir)
    try:
        _user_id, token = create_searcher(services, SEARCHER, SEARCHER_UNIT)
        with services.db.transaction() as session:
            user = session.scalar(select(User).where(User.username == SEARCHER))
            principals = user_principals(user)
            numbers = list(session.scalars(
                select(Document.number).where(Document.unit_id == user.unit_id, Document.security_class == "biasa",
                                              Document.number.is_not(None)).order_by(Document.id).limit(20)
            ))
    finally:
        services.close()
    if not numbers:
        raise BenchError("the drafter can read no numbered letter")
    return token, principals, numbers


def _find_rare_words(client: HttpClient, generator: LetterGenerator) -> list[tuple[str, int]]:
    """Return made-up names that match between 1 and RARE_MAX_HITS of the drafter's readable letters."""
    found: list[tuple[str, int]] = []
    # Names from the middle of the Zipf tail: common enough to occur, rare enough to be rare.
    for word in itertools.islice(generator.tail, 200, 4000, 7):
        total = client.get_json(_path(word))["total"]
        if 1 <= total <= RARE_MAX_HITS:
            found.append((word, total))
            if len(found) == RARE_WANTED:
                break
    if not found:
        raise BenchError("no rare word with a readable match was found")
    return found


def measure(instance_dir: Path, requests: int, warmup: int, seed: int, settle: float = 0.0) -> dict[str, Any]:
    """Start a real server on the instance and time every query class over HTTP."""
    token, _principals, numbers = _searcher_facts(instance_dir)
    generator = LetterGenerator(seed=seed, units=UNIT_COUNT)
    server = ServeInstance(instance_dir, log_level="WARNING")
    with server:
        server.start()
        # With --settle, the server has been up that long before the first query (its posting
        # cache warms in the first seconds; see search_index.SearchIndex.warm_posting_cache).
        time.sleep(settle)
        client = HttpClient(server.port, token)
        t0 = time.perf_counter()
        first = client.get_json(_path(COMMON_WORDS[0]))
        first_ms = (time.perf_counter() - t0) * 1000
        rare = _find_rare_words(client, generator)
        classes = [
            QueryClass("one common word", COMMON_WORDS),
            QueryClass("one rare word", tuple(w for w, _ in rare)),
            QueryClass("two words", TWO_WORDS),
            QueryClass("phrase", PHRASES),
            QueryClass("type=nota_dinas + one word", FILTER_WORDS),
            QueryClass("letter number", tuple(numbers)),
        ]
        rows = []
        for query_class in classes:
            extra = "&type=nota_dinas" if query_class.name.startswith("type=") else ""
            # Each query once before any warm-up: the server has not decoded its words' postings
            # yet (unless an earlier class shared a word), the latency a new query meets.
            first_seen: list[float] = []
            for q in query_class.queries:
                t0 = time.perf_counter()
                client.get_json(_path(q, extra))
                first_seen.append(time.perf_counter() - t0)
            cycle = itertools.cycle(query_class.queries)
            for _ in range(warmup):
                client.get_json(_path(next(cycle), extra))
            durations: list[float] = []
            totals: list[int] = []
            cpu_before = server.cpu_seconds()
            for _ in range(requests):
                path = _path(next(cycle), extra)
                t0 = time.perf_counter()
                status, body = client.request("GET", path)
                durations.append(time.perf_counter() - t0)
                if status != 200:
                    raise BenchError(f"GET {path} answered {status}: {body[:300]!r}")
                totals.append(json.loads(body)["total"])
            cpu_ms = (server.cpu_seconds() - cpu_before) / requests * 1000
            if max(totals) < 1:
                raise BenchError(f"{query_class.name}: no query found anything ({query_class.queries})")
            rows.append({"class": query_class.name, "queries": list(query_class.queries),
                         "hits_min": min(totals), "hits_max": max(totals),
                         "hits_mean": round(sum(totals) / len(totals), 1), **latency_ms(durations),
                         "first_seen_ms": [round(t * 1000, 1) for t in first_seen],
                         "server_cpu_ms": round(cpu_ms, 2)})
            logger.info("%s: %s", query_class.name, rows[-1])
        memory = server.memory()
        client.close()
    return {"first_request_ms": round(first_ms, 1), "first_request_hits": first["total"],
            "rare_words": rare, "classes": rows, "serve_memory": memory}


def profile_in_process(instance_dir: Path, rounds: int = 50) -> str:
    """Profile the search calls of each query class in this process (no HTTP) and return the report."""
    token, principals, numbers = _searcher_facts(instance_dir)
    del token
    services = open_services(instance_dir)
    try:
        queries = [(q, ()) for q in COMMON_WORDS + TWO_WORDS + PHRASES + tuple(numbers[:5])]
        queries += [(q, ("nota_dinas",)) for q in FILTER_WORDS]
        for q, types in queries:  # warm the caches as the server's warm-up does
            services.index.search(SearchRequest(q=q, principals=principals, doc_types=types))
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(rounds):
            for q, types in queries:
                services.index.search(SearchRequest(q=q, principals=principals, doc_types=types))
        prof.disable()
    finally:
        services.close()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


# -- the run -------------------------------------------------------------------------------


def run(sizes: list[int], root: Path, reuse: bool, requests: int, warmup: int, budget_min: float,
        seed: int = 7, profile: bool = False, index_by: str = "worker", settle: float = 0.0,
        reindex_processes: int = 1) -> dict[str, Any]:
    """Build (or reuse) each size, measure it, and return the results."""
    if not reuse and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    info = machine_info(root)
    deadline = time.monotonic() + budget_min * 60
    results: list[dict[str, Any]] = []
    previous: Path | None = None
    for size in sorted(sizes):
        instance_dir = root / f"n{size}"
        built = _built_size(instance_dir) if reuse else 0
        seed_from = previous if previous is not None else (_largest_built_below(root, size) if reuse else None)
        if not instance_dir.exists() and seed_from is not None and _built_size(seed_from) <= size:
            shutil.copytree(seed_from, instance_dir, symlinks=True)
            logger.info("started %s from a copy of %s", instance_dir.name, seed_from.name)
        if built == size:
            build_info: dict[str, Any] = {"documents": size, "reused": True, **_mark(instance_dir)}
        else:
            t0 = time.perf_counter()
            build_info = build(instance_dir, size, deadline, seed, index_by, reindex_processes)
            build_info["wall_seconds"] = round(time.perf_counter() - t0, 1)
            build_info["reached_wanted_size"] = build_info["documents"] == size
        services = open_services(instance_dir)
        try:
            index_bytes = dir_size(services.index.path)
            db_bytes = sum(p.stat().st_size for p in instance_dir.glob("docflow.sqlite3*"))
            documents = services.index.doc_count()
        finally:
            services.close()
        measured = measure(instance_dir, requests, warmup, seed, settle)
        entry = {"size_wanted": size, "documents": documents, "build": build_info,
                 "index_mb": round(index_bytes / 1e6, 1), "database_mb": round(db_bytes / 1e6, 1), **measured}
        if profile:
            entry["profile"] = profile_in_process(instance_dir)
        results.append(entry)
        previous = instance_dir
        if documents < size:
            break  # the budget ran out: larger sizes cannot be reached either
    info["load_average_at_end"] = os.getloadavg()
    return {"benchmark": "search_latency", "machine": info,
            "parameters": {"sizes": sizes, "requests_per_class": requests, "warmup_per_class": warmup,
                           "units": UNIT_COUNT, "searcher": f"drafter of {UNITS[SEARCHER_UNIT][0]}",
                           "build_budget_min": budget_min, "seed": seed, "root": str(root), "index_by": index_by,
                           "settle_s": settle, "reindex_processes": reindex_processes},
            "sizes": results}


def render(results: dict[str, Any]) -> str:
    """Return the results as plain tables, one per size."""
    parts = []
    for entry in results["sizes"]:
        build = entry["build"]
        totals = f"db {build.get('db_seconds', 0):.0f} s, index {build.get('index_seconds', 0):.0f} s"
        built = (f"reused; built earlier: {totals}" if build.get("reused") else
                 f"this run built for {build['wall_seconds']:.0f} s; in all {totals}")
        parts.append(f"{entry['documents']:,} documents ({built}); index {entry['index_mb']} MB, database "
                     f"{entry['database_mb']} MB; serve RSS {entry['serve_memory']['rss_mib']:.0f} MiB "
                     f"(peak {entry['serve_memory']['peak_rss_mib']:.0f} MiB); first request "
                     f"{entry['first_request_ms']:.0f} ms")
        rows = [[c["class"], c["p50_ms"], c["p95_ms"], c["p99_ms"], c["mean_ms"], c["server_cpu_ms"],
                 max(c["first_seen_ms"]) if c.get("first_seen_ms") else "-",
                 f"{c['hits_min']}-{c['hits_max']}"] for c in entry["classes"]]
        parts.append(format_table(["query class", "p50 ms", "p95 ms", "p99 ms", "mean ms", "server CPU ms/req",
                                   "first-time max ms", "hits"], rows))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Run the search benchmark from the command line and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--reuse", action="store_true", help="keep instances already built to the wanted size")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--build-budget-min", type=float, default=35)
    parser.add_argument("--index-by", choices=("worker", "reindex"), default="worker",
                        help="index each chunk in the worker's batches, or everything at the end with `reindex`")
    parser.add_argument("--reindex-processes", type=int, default=1,
                        help="with --index-by reindex: `reindex --processes N` (index in N processes side by side)")
    parser.add_argument("--profile", action="store_true", help="also profile the searches in-process")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait after the server is up before the first query")
    parser.add_argument("--name", default="search_latency", help="results file name under bench/results/")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.sizes, args.root, args.reuse, args.requests, args.warmup, args.build_budget_min,
                  profile=args.profile, index_by=args.index_by, settle=args.settle,
                  reindex_processes=args.reindex_processes)
    print(render(results))
    for entry in results["sizes"]:
        if entry.get("profile"):
            print(f"\nprofile at {entry['documents']} documents\n{entry['profile']}")
    if not args.no_save:
        write_results(args.name, results)


if __name__ == "__main__":
    main()
