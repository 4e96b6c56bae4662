"""Time from upload to searchable, through the real server and worker, with the queue empty.

    .venv/bin/python -m bench.index_delay [--uploads 30] [--instance DIR] [--poll-interval S]

A real `python -m docflow serve` and a real `python -m docflow worker` run on one instance:
a fresh small one by default, or a benchmark instance already built by `bench.search_latency`
(--instance, e.g. its 100,000-letter one, so the worker commits into an index of that size).
For each upload a one-page PDF letter carrying a word found nowhere else is posted to
`POST /api/v1/documents`; the client then asks `/api/v1/search` for that word every
--probe-ms until the letter is found. The delay is counted from sending the upload to the
answer that finds it: the request, the worker's wake-up, text extraction in its child
process, the index commit, and the server opening the new commit. Uploads are spaced by
--gap seconds so that each one meets an empty queue.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.parse
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

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
    process_memory,
    setup_logging,
    stop_process,
    write_results,
)
from bench.synthetic import UNITS, LetterGenerator

logger = logging.getLogger(__name__)

_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")

AIM_SECONDS = 2.0
UPLOADER = "pengunggah.diskominfo"
UPLOADER_UNIT = 7  # DISKOMINFO, as the search benchmark's drafter
FOUND_TIMEOUT = 60.0


def marker_word(rng: random.Random) -> str:
    """Return a made-up word that no letter holds and Sastrawi leaves whole (no affix letters)."""
    return "zq" + "".join(rng.choice("gjvwxz") for _ in range(8))


def letter_pdf(generator: LetterGenerator, ordinal: int, marker: str) -> tuple[str, bytes]:
    """Return (title, bytes) of a one-page PDF letter whose text carries `marker`."""
    letter = generator.letter(ordinal)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setFont("Helvetica", 8)
    y = 810
    for line in [letter.title.upper(), f"Perihal: {marker}", ""] + textwrap.wrap(letter.body, 120):
        if y < 30:
            break
        pdf.drawString(40, y, line)
        y -= 10
    pdf.showPage()
    pdf.save()
    return letter.title, buffer.getvalue()


def _start_worker(server: ServeInstance, poll_interval: float | None) -> subprocess.Popen[bytes]:
    env = {**server.env, "DOCFLOW_SERVER__LOG_LEVEL": "INFO"}  # its log dates each extraction and commit
    if poll_interval is not None:
        env["DOCFLOW_WORKER__POLL_INTERVAL"] = str(poll_interval)
    with (server.instance_dir / "worker.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "docflow", "worker"], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


def _stage_times(log: Path, since: float) -> tuple[list[float], list[float]]:
    """Return the wall-clock times of the worker's extraction and index-commit log lines after `since`."""
    extracted: list[float] = []
    indexed: list[float] = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LOG_LINE.match(line)
        if match is None:
            continue
        moment = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if moment < since:
            continue
        if " extracted: " in line:
            extracted.append(moment)
        elif "indexed 1 documents" in line:
            indexed.append(moment)
    return extracted, indexed


def _wait_found(client: HttpClient, marker: str, document_id: int, started: float,
                probe_s: float) -> tuple[float, int]:
    """Ask for the marker until the document is a hit; return (seconds since started, probes sent)."""
    # As typed: a spelling correction could otherwise answer with an earlier upload's marker.
    path = "/api/v1/search?autocorrect=0&q=" + urllib.parse.quote(marker)
    probes = 0
    while True:
        body = client.get_json(path)
        probes += 1
        now = time.perf_counter()
        if any(hit["id"] == document_id for hit in body["results"]):
            return now - started, probes
        if now - started > FOUND_TIMEOUT:
            raise BenchError(f"the letter with {marker!r} was not searchable after {FOUND_TIMEOUT:.0f} s")
        time.sleep(probe_s)


def run(uploads: int, instance: Path | None, poll_interval: float | None, gap: float, probe_ms: float,
        seed: int = 5) -> dict[str, Any]:
    """Upload letters one at a time and time each until search finds it; return the results.

    Without `instance`, a fresh one is made in a scratch folder, removed afterwards.
    """
    if instance is not None:
        return _run(uploads, instance, False, poll_interval, gap, probe_ms, seed)
    workdir = make_workdir("index-delay")
    try:
        return _run(uploads, workdir / "instance", True, poll_interval, gap, probe_ms, seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(uploads: int, instance_dir: Path, fresh: bool, poll_interval: float | None, gap: float,
         probe_ms: float, seed: int) -> dict[str, Any]:
    info = machine_info(instance_dir.parent if fresh else instance_dir)
    server = ServeInstance(instance_dir, log_level="WARNING")
    unit_code = UNITS[UPLOADER_UNIT][0]
    if fresh:
        server.cli("init")
        server.cli("unit", "create", unit_code, UNITS[UPLOADER_UNIT][1])
    try:
        token = server.create_user_token(UPLOADER, unit_code)
    except BenchError:  # a reused instance: the uploader exists from an earlier run
        token = server.cli("token", "create", UPLOADER).strip()
    generator = LetterGenerator(seed=seed)
    rng = random.Random(seed * 7919 + int(time.time()))
    delays: list[float] = []
    requests: list[float] = []
    rows: list[dict[str, Any]] = []
    with server:
        server.start()
        worker = _start_worker(server, poll_interval)
        try:
            client = HttpClient(server.port, token)
            client.get_json("/api/v1/search?q=surat")  # the server's first search opens the index
            time.sleep(gap)
            for i in range(uploads):
                marker = marker_word(rng)
                title, data = letter_pdf(generator, 900_000 + i, marker)
                body, content_type = multipart({"title": title, "doc_type": "nota_dinas"}, f"uji-{i}.pdf", data)
                started, started_wall = time.perf_counter(), time.time()
                status, answer = client.request("POST", "/api/v1/documents", body, {"Content-Type": content_type})
                requests.append(time.perf_counter() - started)
                if status != 201:
                    raise BenchError(f"upload {i} answered {status}: {answer[:300]!r}")
                delay, probes = _wait_found(client, marker, json.loads(answer)["id"], started, probe_ms / 1000)
                delays.append(delay)
                rows.append({"upload": i, "seconds": round(delay, 3), "probes": probes, "at": started_wall})
                logger.info("upload %d found after %.2f s", i, delay)
                time.sleep(gap)
            memory = {"serve_rss_mib": round(process_memory(server.pid)["rss_mib"], 1),
                      "worker_rss_mib": round(process_memory(worker.pid)["rss_mib"], 1)}
            client.close()
        finally:
            stop_process(worker, timeout=30)
    within = sum(1 for d in delays if d <= AIM_SECONDS)
    stages = _stages(rows, instance_dir / "worker.log")
    info["load_average_at_end"] = os.getloadavg()
    return {"benchmark": "index_delay", "machine": info,
            "parameters": {"uploads": uploads, "instance": str(instance_dir), "reused_instance": not fresh,
                           "poll_interval_s": poll_interval, "gap_s": gap, "probe_ms": probe_ms,
                           "index_mb": round(dir_size(instance_dir / "index") / 1e6, 1)},
            "delay": latency_ms(delays), "upload_request": latency_ms(requests),
            "within_aim": within, "aim_seconds": AIM_SECONDS, "stages": stages, "memory": memory, "uploads": rows}


def _stages(rows: list[dict[str, Any]], log: Path) -> dict[str, Any]:
    """Split each delay at the worker's log lines: upload to extracted, to committed, to found."""
    if not rows or not log.exists():
        return {}
    extracted, indexed = _stage_times(log, rows[0]["at"])
    if len(extracted) != len(rows) or len(indexed) != len(rows):
        return {"note": f"{len(extracted)} extractions and {len(indexed)} commits logged for {len(rows)} uploads"}
    parts: dict[str, list[float]] = {"to_extracted": [], "extracted_to_committed": [], "committed_to_found": []}
    for row, done_extracting, done_indexing in zip(rows, extracted, indexed, strict=True):
        parts["to_extracted"].append(done_extracting - row["at"])
        parts["extracted_to_committed"].append(done_indexing - done_extracting)
        parts["committed_to_found"].append(max(0.0, row["at"] + row["seconds"] - done_indexing))
    return {name: latency_ms(values) for name, values in parts.items()}


def render(results: dict[str, Any]) -> str:
    """Return the results as a plain table."""
    d, r = results["delay"], results["upload_request"]
    rows = [["upload to searchable", d["p50_ms"] / 1000, d["p95_ms"] / 1000, d["max_ms"] / 1000],
            ["upload request alone", r["p50_ms"] / 1000, r["p95_ms"] / 1000, r["max_ms"] / 1000]]
    head = (f"{results['parameters']['uploads']} uploads into {results['parameters']['instance']} "
            f"(index {results['parameters']['index_mb']} MB); {results['within_aim']} within "
            f"{results['aim_seconds']:g} s; serve RSS {results['memory']['serve_rss_mib']} MiB, worker RSS "
            f"{results['memory']['worker_rss_mib']} MiB")
    for name, stage in results.get("stages", {}).items():
        if isinstance(stage, dict):
            rows.append([f"  of which {name.replace('_', ' ')}", stage["p50_ms"] / 1000, stage["p95_ms"] / 1000,
                         stage["max_ms"] / 1000])
    return head + "\n" + format_table(["what", "p50 s", "p95 s", "max s"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run the upload-to-searchable benchmark from the command line and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--instance", type=Path, help="a built benchmark instance to upload into (default: fresh)")
    parser.add_argument("--poll-interval", type=float, help="override the worker's poll interval (seconds)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between uploads")
    parser.add_argument("--probe-ms", type=float, default=50.0, help="milliseconds between search probes")
    parser.add_argument("--name", default="index_delay", help="results file name under bench/results/")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.uploads, args.instance, args.poll_interval, args.gap, args.probe_ms)
    print(render(results))
    if not args.no_save:
        write_results(args.name, results)


if __name__ == "__main__":
    main()
