"""Indexing rate of the real worker draining index jobs, against raw Whoosh on the same schema.

    .venv/bin/python -m bench.indexing_rate [--count 5000] [--repeat 3] [--profile]

M synthetic letters (300-800 words) go straight into a fresh instance's database as documents
with an extracted version, each with the index job `enqueue_index` would add. Timed:

* worker: `Worker(services).run_pending()`, claiming jobs in batches of worker.batch_size,
  loading the documents (`load_indexed`), upserting them in one Whoosh commit per batch and
  marking the jobs done, then the merges of large segments that the running worker does in a
  background process (`SearchIndex.merge_segments`, CPU of the child counted);
* raw Whoosh add: the same documents' fields (`search_index.schema.document_fields` of the
  entries the worker would make) added with `add_document` to an index of the same schema and
  analyzer, a new writer and one commit per batch of the same size;
* raw Whoosh update: the same with `update_document`, which is what an upsert costs.

Both start with a cold stemmer cache. Each round resets the jobs and the index; the median
round is reported.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import resource
import shutil
import statistics
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from whoosh import index as whoosh_index

from bench.common import BenchError, format_table, machine_info, make_workdir, setup_logging, write_results
from bench.dataset import ensure_org, insert_letters, open_services
from bench.synthetic import LetterGenerator
from docflow.outbox.models import JobState, OutboxJob
from docflow.outbox.worker import Worker
from docflow.search.indexing import iter_all_indexed
from docflow.services import Services
from search_index import analysis
from search_index.whoosh_engine.index import WRITER_LIMIT_MB
from search_index.schema import build_schema, document_fields

logger = logging.getLogger(__name__)


def _reset(services: Services) -> None:
    """Put every index job back to pending and start from an empty index."""
    with services.db.transaction() as session:
        session.execute(update(OutboxJob).values(state=JobState.PENDING, attempts=0, locked_until=None,
                                                 finished_at=None, last_error=None))
    services.index.close()
    shutil.rmtree(services.index.path, ignore_errors=True)
    services.index = type(services.index)(services.index.path)
    services.index.ensure_ready()
    analysis._cached_stem.cache_clear()


def _cpu_with_children() -> float:
    """Return this process's CPU time plus that of its finished children (the merges)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_worker(services: Services, count: int,
                profile: cProfile.Profile | None = None) -> tuple[float, float, float, float]:
    """Drain the index jobs with the real worker; return (wall, CPU) seconds with the merges, then without."""
    _reset(services)
    worker = Worker(services)
    started, cpu_started = time.perf_counter(), _cpu_with_children()
    if profile is not None:
        profile.enable()
    done = worker.run_pending(max_rounds=count)
    indexing, indexing_cpu = time.perf_counter() - started, _cpu_with_children() - cpu_started
    # Commits merge only small segments; the running worker merges the large ones beside them
    # (search_index.whoosh_engine.merging), in a child process on the other core. Counted too, since raw
    # Whoosh's commits do their merging inline.
    services.index.merge_pending()
    if profile is not None:
        profile.disable()
    took, cpu = time.perf_counter() - started, _cpu_with_children() - cpu_started
    with services.db.transaction() as session:
        pending = session.scalar(select(func.count(OutboxJob.id)).where(OutboxJob.state != JobState.DONE))
    indexed = services.index.doc_count()
    if done != count or pending or indexed != count:
        raise BenchError(f"worker ran {done} jobs, {pending} not done, {indexed} indexed; expected {count}")
    return took, cpu, indexing, indexing_cpu


def time_raw(fields: list[dict[str, Any]], directory: Path, batch_size: int, upsert: bool) -> tuple[float, float]:
    """Index the field dicts with plain Whoosh, one writer and commit per batch; return (wall, CPU) seconds."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    analysis._cached_stem.cache_clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    ix = whoosh_index.create_in(str(directory), build_schema())
    try:
        for first in range(0, len(fields), batch_size):
            writer = ix.writer(limitmb=WRITER_LIMIT_MB)
            for values in fields[first:first + batch_size]:
                if upsert:
                    writer.update_document(**values)
                else:
                    writer.add_document(**values)
            writer.commit()
        took, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        with ix.searcher() as searcher:
            indexed = searcher.doc_count()
    finally:
        ix.close()
    if indexed != len(fields):
        raise BenchError(f"raw Whoosh indexed {indexed} documents, expected {len(fields)}")
    return took, cpu


def run(count: int, repeat: int, seed: int = 7, profile: bool = False, keep: bool = False) -> dict[str, Any]:
    """Build the instance, time the worker and raw Whoosh `repeat` times, and return the results."""
    workdir = make_workdir("indexing")
    services = open_services(workdir / "instance")
    try:
        info = machine_info(workdir)
        generator = LetterGenerator(seed=seed)
        org = ensure_org(services, units=20)
        t0 = time.perf_counter()
        insert_letters(services, generator, org, 1, count + 1, enqueue_index=True)
        setup_seconds = time.perf_counter() - t0
        logger.info("inserted %d documents and index jobs in %.1f s", count, setup_seconds)
        entries = list(iter_all_indexed(services.db))
        fields = [document_fields(e, UTC) for e in entries]
        words = [len(e.body.split()) for e in entries]
        batch_size = services.settings.worker.batch_size
        timings: dict[str, list[float]] = {"worker": [], "worker_indexing": [], "raw_add": [], "raw_update": []}
        cpu: dict[str, list[float]] = {"worker": [], "worker_indexing": [], "raw_add": [], "raw_update": []}
        for round_no in range(repeat):
            # The order turns each round so that no path always runs at the same point of a round.
            order = ["worker", "raw_add", "raw_update"]
            order = order[round_no % 3:] + order[:round_no % 3]
            for key in order:
                if key == "worker":
                    wall, used, indexing, indexing_cpu = time_worker(services, count)
                    timings["worker_indexing"].append(indexing)
                    cpu["worker_indexing"].append(indexing_cpu)
                else:
                    wall, used = time_raw(fields, workdir / "raw", batch_size, upsert=key == "raw_update")
                timings[key].append(wall)
                cpu[key].append(used)
            logger.info("round %d: wall %s, cpu %s", round_no + 1, {k: round(v[-1], 1) for k, v in timings.items()},
                        {k: round(v[-1], 1) for k, v in cpu.items()})
        index_bytes = sum(f.stat().st_size for f in services.index.path.rglob("*") if f.is_file())
        profile_text = ""
        if profile:
            prof = cProfile.Profile()
            time_worker(services, count, prof)
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
            profile_text = out.getvalue()
        info["load_average_at_end"] = os.getloadavg()
    finally:
        services.close()
        if keep:
            logger.info("kept %s", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    medians = {k: statistics.median(v) for k, v in timings.items()}
    cpu_medians = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "benchmark": "indexing_rate",
        "machine": info,
        "parameters": {"count": count, "repeat": repeat, "batch_size": batch_size, "seed": seed,
                       "words_mean": round(statistics.mean(words)), "words_min": min(words),
                       "words_max": max(words), "body_mb": round(sum(len(e.body) for e in entries) / 1e6, 1)},
        "setup_seconds": round(setup_seconds, 1),
        "seconds": {k: [round(x, 2) for x in v] for k, v in timings.items()},
        "cpu_seconds": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
        "median_seconds": {k: round(v, 2) for k, v in medians.items()},
        "median_cpu_seconds": {k: round(v, 2) for k, v in cpu_medians.items()},
        "docs_per_s": {k: round(count / v, 1) for k, v in medians.items()},
        "docs_per_cpu_s": {k: round(count / v, 1) for k, v in cpu_medians.items()},
        "ratio_worker_to_raw_add": round(medians["raw_add"] / medians["worker"], 3),
        "ratio_worker_to_raw_update": round(medians["raw_update"] / medians["worker"], 3),
        "cpu_ratio_worker_to_raw_add": round(cpu_medians["raw_add"] / cpu_medians["worker"], 3),
        "cpu_ratio_worker_to_raw_update": round(cpu_medians["raw_update"] / cpu_medians["worker"], 3),
        "ratio_worker_indexing_to_raw_update": round(medians["raw_update"] / medians["worker_indexing"], 3),
        "index_mb": round(index_bytes / 1e6, 1),
        "profile": profile_text,
    }


def render(results: dict[str, Any]) -> str:
    """Return the results as a plain table (medians over the rounds; ranges over every round)."""
    n = results["parameters"]["count"]
    labels = {"worker": "worker (run_pending, upsert) + merges", "worker_indexing": "worker, indexing only",
              "raw_add": "raw Whoosh add_document", "raw_update": "raw Whoosh update_document"}
    rows = []
    for key, label in labels.items():
        wall, cpu = results["seconds"][key], results["cpu_seconds"][key]
        rows.append([label, n, results["median_seconds"][key], f"{min(wall):g}-{max(wall):g}",
                     results["docs_per_s"][key], results["median_cpu_seconds"][key],
                     f"{min(cpu):g}-{max(cpu):g}", results["docs_per_cpu_s"][key]])
    table = format_table(["path", "docs", "wall s", "wall range", "docs/s", "CPU s", "CPU range", "docs/CPU s"],
                         rows)
    return (table + f"\nworker / raw add: {results['ratio_worker_to_raw_add']:.2f} (wall), "
            f"{results['cpu_ratio_worker_to_raw_add']:.2f} (CPU); worker / raw update: "
            f"{results['ratio_worker_to_raw_update']:.2f} (wall), {results['cpu_ratio_worker_to_raw_update']:.2f} "
            f"(CPU); indexing only / raw update: {results['ratio_worker_indexing_to_raw_update']:.2f} (wall). "
            "Aim: worker >= 0.8 x raw Whoosh.")


def main(argv: list[str] | None = None) -> None:
    """Run the indexing benchmark from the command line and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one more worker run (cProfile)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.count, args.repeat, profile=args.profile, keep=args.keep)
    print(render(results))
    if results["profile"]:
        print(results["profile"])
    if not args.no_save:
        write_results("indexing_rate", results)


if __name__ == "__main__":
    main()
