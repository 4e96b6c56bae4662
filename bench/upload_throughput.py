"""Upload throughput through the real HTTP API of `python -m docflow serve`, against raw disk writes.

    .venv/bin/python -m bench.upload_throughput [--count 300] [--clients 1 4] [--size-kb 100]

N distinct ~100 KB PDFs are made once with reportlab (uncompressed text pages of synthetic
letters). Each concurrency level gets a fresh instance (so no upload is deduplicated by the
content-addressed store) and a fresh `serve` process on the embedded default (SQLite +
filesystem store); no worker runs, so extraction does not compete for the CPU. The raw
baseline writes the same bytes the way the object store does, one file after another: a
temporary file, fsync, a hard link to its final name, fsync of that folder. A raw run goes
right before each upload run, so that each upload run is compared with the disk as it was
then (the machine is shared); the multipart bodies are built before the clock starts.
Beside each upload run, two floor runs (bench/upload_floor.py, skipped with --no-floor) send
the same files to a bare Flask endpoint on the same WSGI server that only checks the token,
parses the multipart body and stores the file through the same object store, once without
and once with one durable SQLite row: the rate no Flask service can beat on this machine.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.engine import make_url

from bench.common import (
    REPO,
    BenchError,
    HttpClient,
    ServeInstance,
    format_table,
    free_port,
    latency_ms,
    machine_info,
    make_workdir,
    multipart,
    process_cpu_seconds,
    process_memory,
    setup_logging,
    stop_process,
    wait_until_healthy,
    write_results,
)
from bench.synthetic import UNITS, LetterGenerator

logger = logging.getLogger(__name__)

MB = 1_000_000
LINES_PER_PAGE = 100
# Bytes one drawn line costs in an uncompressed content stream besides its characters.
LINE_OVERHEAD = 38


@dataclass(frozen=True)
class SamplePdf:
    """One generated PDF and the title it is uploaded under."""

    title: str
    data: bytes


def make_pdf(generator: LetterGenerator, ordinal: int, target_bytes: int) -> SamplePdf:
    """Return a distinct multi-page PDF of about target_bytes, text only, without stream compression."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0, invariant=True)
    pdf.setTitle(f"Naskah dinas {ordinal}")
    estimate = 2500  # fonts, catalogue, cross-reference table
    part = 0
    first_title = ""
    lines: list[str] = []
    while estimate < target_bytes:
        while len(lines) < LINES_PER_PAGE:
            # Several letters per file; the ordinal keeps every file's text (and hash) distinct.
            letter = generator.letter(ordinal * 100 + part)
            first_title = first_title or letter.title
            part += 1
            lines += [letter.title.upper(), f"Nomor: {letter.number or '-'}", ""]
            lines += textwrap.wrap(letter.body, 140) + [""]
        page_lines, lines = lines[:LINES_PER_PAGE], lines[LINES_PER_PAGE:]
        pdf.setFont("Helvetica", 7)
        y = 810
        for line in page_lines:
            pdf.drawString(40, y, line)
            y -= 7.9
            estimate += len(line) + LINE_OVERHEAD
        pdf.drawString(40, 20, f"Halaman {pdf.getPageNumber()} - dokumen {ordinal}")
        pdf.showPage()
        estimate += 400
    pdf.save()
    return SamplePdf(title=first_title, data=buffer.getvalue())


def make_pdfs(count: int, target_bytes: int, seed: int = 11) -> list[SamplePdf]:
    """Return `count` distinct PDFs of about target_bytes each."""
    generator = LetterGenerator(seed=seed)
    pdfs = [make_pdf(generator, i, target_bytes) for i in range(1, count + 1)]
    if len({p.data for p in pdfs}) != count:
        raise BenchError("generated PDFs are not all distinct")
    return pdfs


def raw_write(pdfs: list[SamplePdf], directory: Path) -> dict[str, Any]:
    """Write each file durably the way the store does: temporary file, fsync, link into place, fsync of the folder."""
    staging = directory / "tmp"
    staging.mkdir(parents=True)
    total = sum(len(p.data) for p in pdfs)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        for i, pdf in enumerate(pdfs):
            fd, tmp_name = tempfile.mkstemp(prefix="put-", suffix=".part", dir=staging)
            try:
                view = memoryview(pdf.data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.link(tmp_name, directory / f"{i:06d}.pdf")
            os.unlink(tmp_name)
            os.fsync(dir_fd)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        os.close(dir_fd)
    shutil.rmtree(directory)
    return {"seconds": round(took, 3), "docs_per_s": round(len(pdfs) / took, 1),
            "mb_per_s": round(total / took / MB, 2), "cpu_ms_per_file": round(cpu / len(pdfs) * 1000, 3)}


def _upload_worker(client: HttpClient, bodies: list[tuple[bytes, str]], todo: queue.Queue[int],
                   durations: list[float], failures: list[str]) -> None:
    while True:
        try:
            i = todo.get_nowait()
        except queue.Empty:
            return
        body, content_type = bodies[i]
        t0 = time.perf_counter()
        try:
            status, data = client.request("POST", "/api/v1/documents", body, {"Content-Type": content_type})
        except OSError as exc:
            failures.append(f"{i}: {exc}")
            continue
        durations.append(time.perf_counter() - t0)
        if status != 201:
            failures.append(f"{i}: HTTP {status} {data[:200]!r}")


@contextmanager
def _fresh_database(admin_url: str | None, name: str) -> Iterator[str | None]:
    """Yield the URL of a new empty PostgreSQL database on the admin URL's server (None: embedded SQLite)."""
    if admin_url is None:
        yield None
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def upload_run(pdfs: list[SamplePdf], instance_dir: Path, clients: int,
               database_url: str | None = None) -> dict[str, Any]:
    """Upload every PDF through a fresh instance's real server with `clients` keep-alive connections."""
    with _fresh_database(database_url, f"docflow_bench_{os.getpid()}_{instance_dir.name}".replace("-", "_")) as url:
        return _upload_run(pdfs, instance_dir, clients, url)


def _upload_run(pdfs: list[SamplePdf], instance_dir: Path, clients: int, database_url: str | None) -> dict[str, Any]:
    instance = ServeInstance(instance_dir)
    if database_url is not None:
        instance.env["DOCFLOW_DATABASE__URL"] = database_url
        # A server database needs the secrets every node shares (docflow.config).
        instance.env["DOCFLOW_SERVER__SECRET_KEY"] = "bench-session-secret"
        instance.env["DOCFLOW_SIGNING__CA_KEY_SECRET"] = "bench-ca-key-secret"
    instance.cli("init")
    unit_code, unit_name = UNITS[7]
    instance.cli("unit", "create", unit_code, unit_name)
    token = instance.create_user_token("pengunggah", unit_code)
    with instance:
        instance.start()
        result = _drive_uploads(instance.port, instance.pid, token, pdfs, clients)
        check = HttpClient(instance.port, token)
        listed = check.get_json("/api/v1/documents?per_page=1")
        check.close()
    if listed["total"] != len(pdfs):
        raise BenchError(f"{len(pdfs)} uploads answered 201 but the API lists {listed['total']} documents")
    return result


def floor_run(pdfs: list[SamplePdf], directory: Path, clients: int, with_database: bool) -> dict[str, Any]:
    """Upload every PDF to the floor endpoint (bench/upload_floor.py): Flask receiving and storing, nothing else."""
    token = "floor-" + os.urandom(8).hex()
    directory.mkdir(parents=True)
    port = free_port()
    args = [sys.executable, "-m", "bench.upload_floor", str(directory), str(port)]
    if with_database:
        args.append("--database")
    log_path = directory / "floor.log"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(args, cwd=REPO, env={**os.environ, "FLOOR_TOKEN": token},
                                stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_until_healthy(proc, port, log_path)
        result = _drive_uploads(port, proc.pid, token, pdfs, clients)
    finally:
        stop_process(proc, timeout=20)
    stored = sum(1 for p in (directory / "objects" / "sha256").rglob("*") if p.is_file())
    if stored != len(pdfs):
        raise BenchError(f"{len(pdfs)} floor uploads answered 201 but {stored} objects are stored")
    return result


def _drive_uploads(port: int, server_pid: int, token: str, pdfs: list[SamplePdf], clients: int) -> dict[str, Any]:
    """POST every PDF with `clients` keep-alive connections and return the rate, latency and server CPU."""
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(pdfs)):
        todo.put(i)
    durations: list[float] = []
    failures: list[str] = []
    bodies = [multipart({"title": pdf.title, "doc_type": "nota_dinas"}, f"naskah-{i}.pdf", pdf.data)
              for i, pdf in enumerate(pdfs)]
    connections = [HttpClient(port, token) for _ in range(clients)]
    threads = [threading.Thread(target=_upload_worker, args=(c, bodies, todo, durations, failures))
               for c in connections]
    server_cpu, client_cpu = process_cpu_seconds(server_pid), time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    server_cpu = process_cpu_seconds(server_pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    for connection in connections:
        connection.close()
    memory = process_memory(server_pid)
    if failures:
        raise BenchError(f"{len(failures)} uploads failed, e.g. {failures[:3]}")
    total = sum(len(p.data) for p in pdfs)
    return {"clients": clients, "seconds": round(took, 3), "docs_per_s": round(len(pdfs) / took, 1),
            "mb_per_s": round(total / took / MB, 2), "request_latency": latency_ms(durations),
            "server_cpu_ms_per_upload": round(server_cpu / len(pdfs) * 1000, 2),
            "client_cpu_ms_per_upload": round(client_cpu / len(pdfs) * 1000, 2),
            "serve_memory": memory}


def _median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the run with the median throughput, annotated with the spread of all runs."""
    ordered = sorted(results, key=lambda r: r["mb_per_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs_mb_per_s"] = [r["mb_per_s"] for r in results]
    chosen["runs_docs_per_s"] = [r["docs_per_s"] for r in results]
    if all("paired_ratio" in r for r in results):
        ratios = sorted(r["paired_ratio"] for r in results)
        chosen["runs_paired_ratio"] = [r["paired_ratio"] for r in results]
        chosen["median_paired_ratio"] = ratios[(len(ratios) - 1) // 2]
    if all("server_cpu_ms_per_upload" in r for r in results):
        cpu = sorted(r["server_cpu_ms_per_upload"] for r in results)
        chosen["median_server_cpu_ms_per_upload"] = cpu[(len(cpu) - 1) // 2]
    return chosen


FLOOR_KINDS = {"floor": False, "floor_db": True}  # kind -> with one SQLite row per upload


def run(count: int, clients: list[int], size_kb: int, repeat: int = 3, keep: bool = False,
        database_url: str | None = None, floor: bool = True) -> dict[str, Any]:
    """Run the whole benchmark (each measurement `repeat` times) and return its results."""
    workdir = make_workdir("upload")
    floors: list[dict[str, Any]] = []
    try:
        t0 = time.perf_counter()
        pdfs = make_pdfs(count, size_kb * 1000)
        sizes = [len(p.data) for p in pdfs]
        logger.info("made %d PDFs in %.1f s (%.1f-%.1f KB)", count, time.perf_counter() - t0,
                    min(sizes) / 1000, max(sizes) / 1000)
        info = machine_info(workdir)
        raw_runs = []
        uploads = []
        for level in clients:
            level_runs: list[dict[str, Any]] = []
            floor_runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FLOOR_KINDS} if floor else {}
            for i in range(repeat):
                # The raw run just before, so that the pair sees the same disk and the same neighbours.
                raw_run = raw_write(pdfs, workdir / f"raw-c{level}-{i}")
                raw_run["load_average"] = os.getloadavg()[0]
                raw_runs.append(raw_run)
                for kind, runs in floor_runs.items():
                    result = floor_run(pdfs, workdir / f"{kind}-c{level}-{i}", level, FLOOR_KINDS[kind])
                    _pair(result, raw_run)
                    logger.info("%s with %d clients: %s", kind, level, result)
                    runs.append(result)
                    shutil.rmtree(workdir / f"{kind}-c{level}-{i}", ignore_errors=True)
                result = upload_run(pdfs, workdir / f"instance-c{level}-{i}", level, database_url)
                _pair(result, raw_run)
                logger.info("raw: %s; upload with %d clients: %s", raw_run, level, result)
                level_runs.append(result)
                if not keep:
                    shutil.rmtree(workdir / f"instance-c{level}-{i}", ignore_errors=True)
            uploads.append(_median_run(level_runs))
            for kind, runs in floor_runs.items():
                floors.append({"kind": kind, **_median_run(runs)})
        info["load_average_at_end"] = os.getloadavg()
    finally:
        if keep:
            logger.info("kept %s", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    raw = _median_run(raw_runs)
    for result in uploads + floors:
        result["ratio_to_raw"] = round(result["mb_per_s"] / raw["mb_per_s"], 3)
    for result in uploads:
        same = [f for f in floors if f["clients"] == result["clients"]]
        result["ratio_to_floor"] = {f["kind"]: round(result["mb_per_s"] / f["mb_per_s"], 3) for f in same}
    return {
        "benchmark": "upload_throughput",
        "machine": info,
        "parameters": {"count": count, "clients": clients, "repeat": repeat, "target_kb": size_kb,
                       "database": make_url(database_url).get_backend_name() if database_url else "sqlite",
                       "pdf_kb_min": round(min(sizes) / 1000, 1), "pdf_kb_max": round(max(sizes) / 1000, 1),
                       "pdf_kb_mean": round(sum(sizes) / len(sizes) / 1000, 1),
                       "pdf_pages": _page_count(pdfs[0].data)},
        "raw": raw,
        "raw_runs": raw_runs,
        "floors": floors,
        "uploads": uploads,
    }


def _pair(result: dict[str, Any], raw_run: dict[str, Any]) -> None:
    result["load_average"] = os.getloadavg()[0]
    result["raw_mb_per_s"] = raw_run["mb_per_s"]
    result["paired_ratio"] = round(result["mb_per_s"] / raw_run["mb_per_s"], 3)


def _page_count(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ") or data.count(b"/Type /Page")


def _spread(values: list[float]) -> str:
    return f"{min(values):g}-{max(values):g}"


def render(results: dict[str, Any]) -> str:
    """Return the results as a plain table (median run; the range covers every run)."""
    n = results["parameters"]["count"]
    raw = results["raw"]
    rows: list[list[Any]] = [
        ["raw tmp+fsync+link+dir fsync", "1", n, raw["seconds"], raw["docs_per_s"], _spread(raw["runs_docs_per_s"]),
         raw["mb_per_s"], "-", "-", raw["cpu_ms_per_file"], "1.00", "-"],
    ]
    labels = {"floor": "floor: Flask + store only", "floor_db": "floor + one SQLite row"}
    measured = [(labels[f["kind"]], f) for f in results.get("floors", [])]
    measured += [("HTTP upload (serve)", r) for r in results["uploads"]]
    for label, r in sorted(measured, key=lambda m: m[1]["clients"]):
        rows.append([label, str(r["clients"]), n, r["seconds"], r["docs_per_s"],
                     _spread(r["runs_docs_per_s"]), r["mb_per_s"], r["request_latency"]["p50_ms"],
                     r["request_latency"]["p95_ms"], r.get("median_server_cpu_ms_per_upload", r["server_cpu_ms_per_upload"]),
                     f"{r['ratio_to_raw']:.3f}", f"{r['median_paired_ratio']:.3f}" if "median_paired_ratio" in r else "-"])
    # "x raw": the median run against the median raw run; "paired": the median of each run against
    # the raw run made just before it.
    return format_table(["path", "clients", "files", "seconds", "docs/s", "docs/s range", "MB/s",
                         "p50 ms", "p95 ms", "server CPU ms/doc", "x raw", "paired x raw"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run the upload benchmark from the command line and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--size-kb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor runs (bench/upload_floor.py)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument("--database-url", help="an admin URL of a PostgreSQL server: each run gets a new database "
                        "there instead of the embedded SQLite (results go to upload_throughput_postgresql.json)")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.count, args.clients, args.size_kb, repeat=args.repeat, keep=args.keep,
                  database_url=args.database_url, floor=not args.no_floor)
    print(render(results))
    for r in results["uploads"]:
        if r["ratio_to_floor"]:
            print(f"Docflow with {r['clients']} client(s) against the floor: "
                  + ", ".join(f"{kind} {ratio:.2f}" for kind, ratio in r["ratio_to_floor"].items()))
    print(f"PDFs {results['parameters']['pdf_kb_mean']} KB on average, {results['parameters']['pdf_pages']} "
          f"pages; median of {results['parameters']['repeat']} runs per row")
    if not args.no_save:
        write_results("upload_throughput_postgresql" if args.database_url else "upload_throughput", results)


if __name__ == "__main__":
    main()
