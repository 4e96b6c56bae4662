"""A full `docflow reindex` while a client keeps searching over HTTP: does search keep answering?

    .venv/bin/python -m bench.reindex_search --instance DIR [--before 20] [--after 20]

DIR is an instance built by `bench.search_latency` (for example its n100000). A real `serve`
answers a drafter's searches (the search benchmark's common words and word pairs, in turn, one
request after another) for --before seconds, during a real `python -m docflow reindex`, and for
--after seconds once it is done. Reported: the reindex's duration and peak memory, and per phase
the search latency, the requests that failed, and whether each query's total stayed the same.
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import resource
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import (
    BenchError,
    HttpClient,
    ServeInstance,
    format_table,
    latency_ms,
    machine_info,
    setup_logging,
    write_results,
)
from bench.search_latency import COMMON_WORDS, TWO_WORDS, _path, _searcher_facts

logger = logging.getLogger(__name__)

# The reindex of a large instance takes long on two shared cores.
REINDEX_TIMEOUT = 12 * 3600


class _Searcher(threading.Thread):
    """Search in a loop, recording (phase, seconds, status, query, total) per request."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.client = HttpClient(port, token)
        self.phase = "before"
        self.records: list[tuple[str, float, int, str, int | None]] = []
        self._done = threading.Event()

    def run(self) -> None:
        for q in itertools.cycle(COMMON_WORDS + TWO_WORDS):
            if self._done.is_set():
                break
            started = time.perf_counter()
            try:
                status, body = self.client.request("GET", _path(q))
            except OSError:
                status, body = 0, b""
            took = time.perf_counter() - started
            total = json.loads(body)["total"] if status == 200 else None
            self.records.append((self.phase, took, status, q, total))
        self.client.close()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=120)


def _phase_summary(records: list[tuple[str, float, int, str, int | None]], phase: str) -> dict[str, Any]:
    rows = [r for r in records if r[0] == phase]
    ok = [r for r in rows if r[2] == 200]
    if not ok:
        return {"requests": len(rows), "failed": len(rows)}
    return {"requests": len(rows), "failed": len(rows) - len(ok), **latency_ms([r[1] for r in ok])}


def run(instance: Path, before: float, after: float) -> dict[str, Any]:
    """Search before, during and after a reindex of the instance; return the results."""
    info = machine_info(instance)
    token, _principals, _numbers = _searcher_facts(instance)
    server = ServeInstance(instance, log_level="WARNING")
    with server:
        server.start()
        searcher = _Searcher(server.port, token)
        searcher.start()
        time.sleep(before)
        searcher.phase = "during"
        started = time.perf_counter()
        output = server.cli("reindex", timeout=REINDEX_TIMEOUT)
        took = time.perf_counter() - started
        del output
        reindex_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        searcher.phase = "after"
        time.sleep(after)
        searcher.stop()
        memory = server.memory()
    records = searcher.records
    totals: dict[str, set[int]] = {}
    for _phase, _took, status, q, total in records:
        if status == 200 and total is not None:
            totals.setdefault(q, set()).add(total)
    changed = {q: sorted(t) for q, t in totals.items() if len(t) > 1}
    if not records:
        raise BenchError("the searching client made no request")
    info["load_average_at_end"] = os.getloadavg()
    return {"benchmark": "reindex_search", "machine": info,
            "parameters": {"instance": str(instance), "before_s": before, "after_s": after,
                           "queries": list(COMMON_WORDS + TWO_WORDS)},
            "reindex_seconds": round(took, 1), "reindex_peak_rss_mib": round(reindex_peak_mib, 1),
            "phases": {phase: _phase_summary(records, phase) for phase in ("before", "during", "after")},
            "totals_that_changed": changed, "serve_memory": memory}


def render(results: dict[str, Any]) -> str:
    """Return the results as a plain table."""
    rows = []
    for phase, s in results["phases"].items():
        rows.append([phase, s["requests"], s["failed"], s.get("p50_ms", "-"), s.get("p95_ms", "-"),
                     s.get("max_ms", "-")])
    head = (f"reindex of {results['parameters']['instance']}: {results['reindex_seconds']} s, peak RSS "
            f"{results['reindex_peak_rss_mib']} MiB; totals that changed: {results['totals_that_changed'] or 'none'}")
    return head + "\n" + format_table(["phase", "requests", "failed", "p50 ms", "p95 ms", "max ms"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run the reindex-while-searching benchmark from the command line and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, required=True, help="an instance built by bench.search_latency")
    parser.add_argument("--before", type=float, default=20.0, help="seconds of searching before the reindex")
    parser.add_argument("--after", type=float, default=20.0, help="seconds of searching after it")
    parser.add_argument("--name", default="reindex_search", help="results file name under bench/results/")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.instance, args.before, args.after)
    print(render(results))
    if not args.no_save:
        write_results(args.name, results)


if __name__ == "__main__":
    main()
