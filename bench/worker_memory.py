"""The worker's memory and its longest index commit when one drafter uploads large text files.

    .venv/bin/python -m bench.worker_memory [--files 20] [--size-mb 4.9] [--small-kb 5] [--uncapped]

Issue 21: twenty 4.9 MB text files drove the worker to 1.29 GB and one index commit to 7 min
46 s. This runs the same through the real app: a fresh instance, a real `python -m docflow
serve` and `python -m docflow worker`, and one drafter posting the files to
`POST /api/v1/documents` one after another, as fast as the server takes them. Each file is
Indonesian letter text (bench.synthetic) that starts with a word found nowhere else; the run
ends when search finds every file by that word. Measured: the worker's peak resident memory
(VmHWM from /proc), each index commit's length and size (from the worker's log), and the time
from the first upload to the last file found.

Runs, each on its own fresh instance:
- `small`: the same number of files of --small-kb each (the baseline);
- `large`: files of --size-mb, with the settings of config.toml (index.max_text_chars,
  index.batch_max_mb);
- `uncapped` (with --uncapped): the large files with the cap and the batch limit raised past
  any file (max_text_chars 5,000,000, batch_max_mb 100,000), the way the worker ran before.
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import (
    REPO,
    BenchError,
    HttpClient,
    ServeInstance,
    format_table,
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

UPLOADER = "pengunggah.diskominfo"
UPLOADER_UNIT = 7  # DISKOMINFO
FOUND_TIMEOUT = 1800.0
_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
_COMMIT = re.compile(r"indexed (\d+) documents \((\d+) removed\) in ([\d.]+) s, (\d+) characters")
UNCAPPED = {"DOCFLOW_INDEX__MAX_TEXT_CHARS": "5000000", "DOCFLOW_INDEX__BATCH_MAX_MB": "100000"}


def marker_word(rng: random.Random) -> str:
    """Return a made-up word that no letter holds and Sastrawi leaves whole."""
    return "zq" + "".join(rng.choice("gjvwxz") for _ in range(8))


def text_file(generator: LetterGenerator, first_ordinal: int, size: int, marker: str) -> bytes:
    """Return about `size` bytes of letter text, starting with the marker, built from consecutive letters."""
    parts = [f"Perihal: {marker}\n\n"]
    length = len(parts[0])
    ordinal = first_ordinal
    while length < size:
        letter = generator.letter(ordinal)
        chunk = f"{letter.title}\n{letter.body}\n\n"
        parts.append(chunk)
        length += len(chunk.encode())
        ordinal += 1
    return "".join(parts).encode()[:size]


def _start_worker(server: ServeInstance, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**server.env, "DOCFLOW_SERVER__LOG_LEVEL": "INFO", **extra_env}
    with (server.instance_dir / "worker.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "docflow", "worker"], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


def _commits(log: Path) -> list[dict[str, Any]]:
    """Return each index commit the worker logged: documents, seconds, characters of text."""
    found = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _COMMIT.search(line)
        if match:
            found.append({"documents": int(match.group(1)), "removed": int(match.group(2)),
                          "seconds": float(match.group(3)), "characters": int(match.group(4))})
    return found


def _truncations(log: Path) -> int:
    return sum("truncated to the first" in line for line in log.read_text(encoding="utf-8", errors="replace")
               .splitlines())


def run_case(name: str, files: int, size: int, extra_env: dict[str, str], seed: int = 11) -> dict[str, Any]:
    """Upload `files` text files of `size` bytes into a fresh instance and measure the worker; return the figures."""
    workdir = make_workdir(f"worker-memory-{name}")
    try:
        server = ServeInstance(workdir / "instance", log_level="WARNING")
        server.env.update(extra_env)
        unit_code, unit_name = UNITS[UPLOADER_UNIT]
        server.cli("init")
        server.cli("unit", "create", unit_code, unit_name)
        token = server.create_user_token(UPLOADER, unit_code)
        generator = LetterGenerator(seed=seed)
        rng = random.Random(seed)
        logger.info("%s: making %d files of %d bytes", name, files, size)
        markers = [marker_word(rng) for _ in range(files)]
        per_file = max(1, size // 3000)
        payloads = [text_file(generator, 1 + i * per_file, size, markers[i]) for i in range(files)]
        with server:
            server.start()
            worker = _start_worker(server, extra_env)
            peak_rss = 0.0
            try:
                client = HttpClient(server.port, token, timeout=600)
                started = time.perf_counter()
                ids = []
                upload_seconds = []
                for i, data in enumerate(payloads):
                    body, content_type = multipart({"title": f"Lampiran laporan tahunan {i + 1}", "doc_type": "laporan"},
                                                   f"lampiran-{i + 1}.txt", data)
                    sent = time.perf_counter()
                    status, answer = client.request("POST", "/api/v1/documents", body, {"Content-Type": content_type})
                    upload_seconds.append(time.perf_counter() - sent)
                    if status != 201:
                        raise BenchError(f"upload {i} answered {status}: {answer[:300]!r}")
                    ids.append(json.loads(answer)["id"])
                    peak_rss = max(peak_rss, process_memory(worker.pid)["peak_rss_mib"])
                del payloads
                waiting = dict(zip(markers, ids, strict=True))
                while waiting:
                    if worker.poll() is not None:
                        raise BenchError(f"the worker exited with {worker.returncode}")
                    for marker, doc_id in list(waiting.items()):
                        found = client.get_json("/api/v1/search?autocorrect=0&q=" + urllib.parse.quote(marker))
                        if any(hit["id"] == doc_id for hit in found["results"]):
                            del waiting[marker]
                    if time.perf_counter() - started > FOUND_TIMEOUT:
                        raise BenchError(f"{len(waiting)} files not searchable after {FOUND_TIMEOUT:.0f} s")
                    time.sleep(0.5)
                all_found = time.perf_counter() - started
                memory = process_memory(worker.pid)
                serve_memory = process_memory(server.pid)
                client.close()
            finally:
                stop_process(worker, timeout=60)
        log = server.instance_dir / "worker.log"
        commits = _commits(log)
        return {"case": name, "files": files, "file_bytes": size, "settings": extra_env,
                "worker_peak_rss_mib": round(max(peak_rss, memory["peak_rss_mib"]), 1),
                "worker_rss_at_end_mib": round(memory["rss_mib"], 1),
                "serve_peak_rss_mib": round(serve_memory["peak_rss_mib"], 1),
                "longest_commit_s": max((c["seconds"] for c in commits), default=0.0),
                "commits": commits, "truncated_texts": _truncations(log),
                "upload_request_max_s": round(max(upload_seconds), 2),
                "first_upload_to_all_found_s": round(all_found, 1)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(files: int, size_mb: float, small_kb: float, uncapped: bool) -> dict[str, Any]:
    """Run the baseline, the large files with the configured bounds and, if asked, without them."""
    info = machine_info(Path("/tmp"))
    cases = [run_case("small", files, int(small_kb * 1024), {}),
             run_case("large", files, int(size_mb * 1024 * 1024), {})]
    if uncapped:
        cases.append(run_case("uncapped", files, int(size_mb * 1024 * 1024), UNCAPPED))
    return {"benchmark": "worker_memory", "machine": info,
            "parameters": {"files": files, "size_mb": size_mb, "small_kb": small_kb, "uncapped": uncapped},
            "cases": cases, "finished": datetime.now().isoformat(timespec="seconds")}


def render(results: dict[str, Any]) -> str:
    """Return the results as a plain table."""
    rows = []
    for case in results["cases"]:
        commits = case["commits"]
        rows.append([case["case"], f"{case['files']} x {case['file_bytes'] / 1e6:.3g} MB", case["worker_peak_rss_mib"],
                     len(commits), max((c["documents"] for c in commits), default=0),
                     case["longest_commit_s"], case["truncated_texts"], case["first_upload_to_all_found_s"]])
    return format_table(["run", "uploads", "worker peak MiB", "commits", "most docs in a commit",
                         "longest commit s", "texts cut", "all found after s"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run the worker memory benchmark from the command line and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--size-mb", type=float, default=4.9, help="size of each large text file")
    parser.add_argument("--small-kb", type=float, default=5, help="size of each baseline text file")
    parser.add_argument("--uncapped", action="store_true", help="also run the large files without the bounds")
    parser.add_argument("--name", default="worker_memory", help="results file name under bench/results/")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    logger.setLevel(logging.INFO)
    results = run(args.files, args.size_mb, args.small_kb, args.uncapped)
    if not args.no_save:
        write_results(args.name, results)
    print(render(results))


if __name__ == "__main__":
    main()
