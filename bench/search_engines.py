"""Both search engines in one run on the same letters: search p95 over HTTP, upload to searchable, reindex.

    .venv/bin/python -m bench.search_engines [--letters 10000] [--requests 60] [--uploads 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

One PostgreSQL database is made for the run on the server of --database-url (dropped after) and
filled with --letters synthetic letters over 20 units (bench.dataset, as bench.search_latency).
Two instances share it, each with its own instance folder: one with `[index] backend = "whoosh"`,
one with "postgres". For each engine, in turn:

* full reindex: `python -m docflow reindex` (one process), timed;
* disk of the index: the Whoosh folder; the PostgreSQL engine's tables with their indexes and TOAST;
* search: a real `python -m docflow serve` answers /api/v1/search for a drafter of one unit (the
  permission filter applies): one common word, one rare word, two words, a phrase, a type filter
  with a word, a letter number; per class each query once, then --requests timed requests over one
  keep-alive connection; p50/p95 of the full round trip; the web process's memory after;
* upload to searchable: with `python -m docflow worker` running, --uploads PDF letters each carrying
  a made-up word are posted, and the word is searched until the letter is a hit (p50/p95).

Results go to bench/results/search_engines.json; the table is printed.
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from bench.common import (
    REPO,
    BenchError,
    HttpClient,
    ServeInstance,
    dir_size,
    format_table,
    latency_ms,
    machine_info,
    make_workdir,
    multipart,
    setup_logging,
    stop_process,
    write_results,
)
from bench.dataset import create_searcher, ensure_org, insert_letters
from bench.index_delay import letter_pdf, marker_word
from bench.search_latency import COMMON_WORDS, FILTER_WORDS, PHRASES, SEARCHER, SEARCHER_UNIT, TWO_WORDS, UNIT_COUNT
from bench.synthetic import LetterGenerator
from eval.engines import scratch_database
from docflow.auth.models import User
from docflow.config import load_settings
from docflow.documents.models import Document
from docflow.services import Services

logger = logging.getLogger(__name__)

ENGINES = ("whoosh", "postgres")
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRETS = {"DOCFLOW_SERVER__SECRET_KEY": "bench-session-secret", "DOCFLOW_SIGNING__CA_KEY_SECRET": "bench-ca-secret"}
FOUND_TIMEOUT = 60.0


def _instance(workdir: Path, engine: str, url: str) -> ServeInstance:
    server = ServeInstance(workdir / engine, log_level="WARNING")
    server.env.update(SECRETS, DOCFLOW_DATABASE__URL=url, DOCFLOW_INDEX__BACKEND=engine,
                      DOCFLOW_WORKER__POLL_INTERVAL="0.2")
    server.instance_dir.mkdir(parents=True, exist_ok=True)
    return server


def _services(instance_dir: Path, url: str, engine: str) -> Services:
    settings = load_settings(overrides={
        "server": {"instance_dir": str(instance_dir), "secret_key": SECRETS["DOCFLOW_SERVER__SECRET_KEY"]},
        "signing": {"ca_key_secret": SECRETS["DOCFLOW_SIGNING__CA_KEY_SECRET"]},
        "database": {"url": url}, "index": {"backend": engine}}, environ={})
    return Services.from_settings(settings)


def build_rows(workdir: Path, url: str, letters: int, seed: int) -> dict[str, Any]:
    """Create the schema and insert the letters once (both engines index the same rows)."""
    from docflow.migrate import upgrade

    services = _services(workdir / "rows", url, "whoosh")
    try:
        upgrade(services.db.engine)
        services.store.ensure_ready()
        generator = LetterGenerator(seed=seed, units=UNIT_COUNT)
        org = ensure_org(services, UNIT_COUNT)
        started = time.perf_counter()
        insert_letters(services, generator, org, 1, letters + 1, enqueue_index=False)
        seconds = time.perf_counter() - started
        with services.db.transaction() as session:
            # The rows came with their ids: move PostgreSQL's sequences past them for the uploads.
            for table in ("documents", "versions"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
        _user, token = create_searcher(services, SEARCHER, SEARCHER_UNIT)
        with services.db.transaction() as session:
            user = session.scalar(select(User).where(User.username == SEARCHER))
            numbers = list(session.scalars(
                select(Document.number).where(Document.unit_id == user.unit_id, Document.security_class == "biasa",
                                              Document.number.is_not(None)).order_by(Document.id).limit(10)))
        uploader_token = create_searcher(services, "pengunggah.bench", SEARCHER_UNIT)[1]
    finally:
        services.close()
    return {"insert_seconds": round(seconds, 1), "token": token, "numbers": numbers, "uploader": uploader_token}


def _index_disk(engine: str, server: ServeInstance, url: str) -> int:
    if engine == "whoosh":
        return dir_size(server.instance_dir / "index")
    db = create_engine(url)
    try:
        with db.connect() as conn:
            return int(conn.scalar(text("SELECT pg_total_relation_size('search_entries') + "
                                        "pg_total_relation_size('search_words')")))
    finally:
        db.dispose()


def _rare_words(client: HttpClient, seed: int) -> list[str]:
    generator = LetterGenerator(seed=seed, units=UNIT_COUNT)
    found = []
    for word in itertools.islice(generator.tail, 200, 4000, 7):
        total = client.get_json("/api/v1/search?q=" + urllib.parse.quote(word))["total"]
        if 1 <= total <= 10:
            found.append(word)
            if len(found) == 5:
                break
    return found or [next(iter(generator.tail))]


def measure_search(server: ServeInstance, token: str, numbers: list[str], requests: int,
                   rare: list[str] | None, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Time each query class over HTTP; return the rows and the rare words used (found on the first engine)."""
    client = HttpClient(server.port, token)
    try:
        rare = rare or _rare_words(client, seed)
        classes = [("one common word", COMMON_WORDS, ""), ("one rare word", tuple(rare), ""),
                   ("two words", TWO_WORDS, ""), ("phrase", PHRASES, ""),
                   ("type=nota_dinas + one word", FILTER_WORDS, "&type=nota_dinas"),
                   ("letter number", tuple(numbers), "")]
        rows = []
        for name, queries, extra in classes:
            first = []
            for q in queries:
                t0 = time.perf_counter()
                client.get_json("/api/v1/search?q=" + urllib.parse.quote(q) + extra)
                first.append(time.perf_counter() - t0)
            durations, totals = [], []
            cycle = itertools.cycle(queries)
            for _ in range(requests):
                path = "/api/v1/search?q=" + urllib.parse.quote(next(cycle)) + extra
                t0 = time.perf_counter()
                status, body = client.request("GET", path)
                durations.append(time.perf_counter() - t0)
                if status != 200:
                    raise BenchError(f"GET {path} answered {status}: {body[:300]!r}")
                totals.append(json.loads(body)["total"])
            rows.append({"class": name, "hits_min": min(totals), "hits_max": max(totals), **latency_ms(durations),
                         "first_max_ms": round(max(first) * 1000, 1)})
            logger.info("%s: %s", name, rows[-1])
        return rows, rare
    finally:
        client.close()


def measure_uploads(server: ServeInstance, token: str, uploads: int, seed: int) -> dict[str, Any]:
    """Upload letters with the worker running; return the upload-to-searchable latencies."""
    with (server.instance_dir / "worker.log").open("ab") as log:
        worker = subprocess.Popen([sys.executable, "-m", "docflow", "worker"], cwd=REPO, env=server.env,
                                  stdout=subprocess.DEVNULL, stderr=log)
    client = HttpClient(server.port, token)
    rng = random.Random(seed)
    generator = LetterGenerator(seed=seed, units=UNIT_COUNT)
    delays = []
    try:
        time.sleep(3)  # the worker's start-up (imports, schema check)
        for i in range(-1, uploads):  # the first (-1) warms the worker's extraction child: not counted
            marker = marker_word(rng)
            title, data = letter_pdf(generator, 900_001 + i, marker)
            body, content_type = multipart({"title": title, "doc_type": "nota_dinas"}, f"uji-{i}.pdf", data)
            started = time.perf_counter()
            status, answer = client.request("POST", "/api/v1/documents", body, {"Content-Type": content_type})
            if status != 201:
                raise BenchError(f"upload {i} answered {status}: {answer[:300]!r}")
            doc_id = json.loads(answer)["id"]
            path = "/api/v1/search?autocorrect=0&q=" + urllib.parse.quote(marker)
            while not any(hit["id"] == doc_id for hit in client.get_json(path)["results"]):
                if time.perf_counter() - started > FOUND_TIMEOUT:
                    raise BenchError(f"upload {i} was not searchable after {FOUND_TIMEOUT:.0f} s")
                time.sleep(0.05)
            if i >= 0:
                delays.append(time.perf_counter() - started)
            time.sleep(1.0)  # each upload meets an empty queue
    finally:
        client.close()
        stop_process(worker, timeout=30)
    return {**latency_ms(delays), "uploads": uploads, "within_2s": sum(d <= 2.0 for d in delays)}


def run(letters: int, requests: int, uploads: int, database_url: str, seed: int,
        reindex_processes: int = 1) -> dict[str, Any]:
    """Build the letters once, then reindex and measure each engine on them."""
    workdir = make_workdir("engines")
    results: dict[str, Any] = {"letters": letters, "requests": requests, "machine": machine_info(workdir),
                               "reindex_processes": reindex_processes, "engines": {}}
    with scratch_database(database_url) as url:
        rows = build_rows(workdir, url, letters, seed)
        results["insert_seconds"] = rows["insert_seconds"]
        rare = None
        # Searches first on both engines (the same letters), then the uploads (which add letters).
        for engine in ENGINES:
            server = _instance(workdir, engine, url)
            server.cli("init")
            started = time.perf_counter()
            server.cli("reindex", "--processes", str(reindex_processes), timeout=12 * 3600)
            reindex_s = time.perf_counter() - started
            logger.info("%s: reindexed %d letters in %.0f s", engine, letters, reindex_s)
            with server:
                server.start()
                search, rare = measure_search(server, rows["token"], rows["numbers"], requests, rare, seed)
                memory = server.memory()
            results["engines"][engine] = {"reindex_seconds": round(reindex_s, 1), "search": search,
                                          "serve_memory_mib": memory, "upload_to_searchable": None,
                                          "index_bytes": _index_disk(engine, server, url)}
        for n, engine in enumerate(ENGINES):
            if uploads:
                server = _instance(workdir, engine, url)
                with server:
                    server.start()
                    results["engines"][engine]["upload_to_searchable"] = measure_uploads(
                        server, rows["uploader"], uploads, seed + n)
        results["rare_words"] = rare
    return results


def render(results: dict[str, Any]) -> str:
    """Return the comparison as a Markdown table."""
    engines = results["engines"]
    rows = []
    for i, row in enumerate(engines["whoosh"]["search"]):
        cells = [row["class"]]
        for engine in ENGINES:
            r = engines[engine]["search"][i]
            cells.append(f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ({r['hits_min']}-{r['hits_max']} hits)")
        rows.append(cells)
    for label, key in (("full reindex (s)", "reindex_seconds"),):
        rows.append([label, *(f"{engines[e][key]:.0f}" for e in ENGINES)])
    rows.append(["upload to searchable p50 / p95 (s)", *(
        f"{engines[e]['upload_to_searchable']['p50_ms'] / 1000:.2f} / "
        f"{engines[e]['upload_to_searchable']['p95_ms'] / 1000:.2f} "
        f"({engines[e]['upload_to_searchable']['within_2s']} of {engines[e]['upload_to_searchable']['uploads']} "
        "within 2 s)" if engines[e]["upload_to_searchable"] else "-" for e in ENGINES)])
    rows.append(["web process RSS after the searches (MiB)",
                 *(f"{engines[e]['serve_memory_mib'].get('rss_mib', 0):.0f}" for e in ENGINES)])
    rows.append(["index on disk (MB)", *(f"{engines[e]['index_bytes'] / 1e6:.0f}" for e in ENGINES)])
    return (f"{results['letters']:,} letters, search p50 / p95 in ms over HTTP for a drafter of one unit "
            f"({results['requests']} requests a class)\n\n"
            + format_table(["", "whoosh", "postgres"], rows))


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description="Compare the Whoosh and PostgreSQL search engines.")
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reindex-processes", type=int, default=1,
                        help="`reindex --processes N` for both engines (each process takes a core)")
    parser.add_argument("--output", default="search_engines",
                        help="results file name under bench/results (without .json)")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.letters, args.requests, args.uploads, args.database_url, args.seed,
                  reindex_processes=args.reindex_processes)
    write_results(args.output, results)
    print(render(results))


if __name__ == "__main__":
    main()
