"""Shared parts of the benchmarks: real instances, HTTP, statistics, tables, results, the machine."""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TMP_PREFIX = "docflow-bench-"
# Long enough for any CLI step on a loaded 2-core machine, short enough to stop a hung run.
CLI_TIMEOUT = 300
READY_TIMEOUT = 60
BENCH_PASSWORD = "bench-password-123"


class BenchError(Exception):
    """A benchmark could not run, or what it measured is inconsistent."""


def make_workdir(name: str) -> Path:
    """Create a fresh scratch folder /tmp/docflow-bench-<name>-XXXX for one run."""
    return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{name}-", dir="/tmp"))


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def instance_env(instance_dir: Path, log_level: str = "INFO") -> dict[str, str]:
    """Return an environment that puts all of an instance's state in `instance_dir`."""
    return {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(instance_dir),
            "DOCFLOW_SERVER__LOG_LEVEL": log_level, "PYTHONUNBUFFERED": "1"}


class ServeInstance:
    """One instance directory, driven through `python -m docflow` and a real `serve` process."""

    def __init__(self, instance_dir: Path, *, log_level: str = "INFO") -> None:
        self.instance_dir = instance_dir
        self.env = instance_env(instance_dir, log_level)
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Return http://127.0.0.1:<port> of the running server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Return the process id of the running server."""
        if self._proc is None:
            raise BenchError("the server is not running")
        return self._proc.pid

    def cli(self, *args: str, stdin: str | None = None, timeout: float = CLI_TIMEOUT) -> str:
        """Run one `python -m docflow` command against this instance and return its standard output."""
        done = subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise BenchError(f"docflow {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return done.stdout

    def create_user_token(self, username: str, unit_code: str, role: str = "drafter") -> str:
        """Create a person in a unit through the command line and return a fresh API token."""
        self.cli("user", "create", username, "--role", role, "--unit", unit_code, stdin=BENCH_PASSWORD + "\n")
        return self.cli("token", "create", username).strip()

    def start(self, threads: int | None = None) -> None:
        """Start `python -m docflow serve` on a free local port and wait until /healthz answers."""
        self.port = free_port()
        args = [sys.executable, "-m", "docflow", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if threads:
            args += ["--threads", str(threads)]
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        with (self.instance_dir / "serve.log").open("ab") as log:
            self._proc = subprocess.Popen(args, cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_until_healthy(self._proc, self.port, self.instance_dir / "serve.log")
        except BenchError:
            self.stop()
            raise

    def memory(self) -> dict[str, float]:
        """Return the server's resident memory now and at its peak, in MiB (from /proc)."""
        return process_memory(self.pid)

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the server has used so far."""
        return process_cpu_seconds(self.pid)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_process(proc, timeout=20)

    def __enter__(self) -> ServeInstance:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def wait_until_healthy(proc: subprocess.Popen, port: int, log: Path) -> None:
    """Wait until the server process answers GET /healthz with 200; raise BenchError if it exits or never does."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"the server exited with {proc.returncode}; see {log}")
        try:
            client = HttpClient(port)
            status, _ = client.request("GET", "/healthz")
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"the server did not answer /healthz within {READY_TIMEOUT} s; see {log}")


def process_cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far (from /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_memory(pid: int) -> dict[str, float]:
    """Return a process's resident memory now and at its peak, in MiB (from /proc)."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            name, _, rest = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                values[name] = int(rest.split()[0]) / 1024
    return {"rss_mib": values.get("VmRSS", 0.0), "peak_rss_mib": values.get("VmHWM", 0.0)}


def stop_process(proc: subprocess.Popen, timeout: float) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it has not ended within timeout seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class HttpClient:
    """One keep-alive HTTP/1.1 connection to the local server (not thread-safe: one per thread)."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 60) -> None:
        self._port = port
        self._timeout = timeout
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request and return (status, body); reconnect once if the server closed the connection."""
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection("127.0.0.1", self._port, timeout=self._timeout)
            try:
                self._conn.request(method, path, body=body, headers={**self._headers, **(headers or {})})
                response = self._conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, path: str) -> Any:
        """GET a path and decode its JSON body; raise BenchError unless the status is 200."""
        status, data = self.request("GET", path)
        if status != 200:
            raise BenchError(f"GET {path} answered {status}: {data[:500]!r}")
        return json.loads(data)

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def multipart(fields: Mapping[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    """Return a multipart/form-data body with text fields and one `file` part, and its content type."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise BenchError("no values to take a percentile of")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Summarise request durations (seconds) as p50/p95/p99/mean/max in milliseconds."""
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 95) * 1000, 2),
        "p99_ms": round(percentile(seconds, 99) * 1000, 2),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return a plain text table (also valid Markdown) with columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def dir_size(path: Path) -> int:
    """Return the bytes of all regular files under path (symlinks not followed)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                total += os.stat(full).st_size
    return total


def _mount_of(path: Path) -> dict[str, str]:
    """Return device and filesystem type of the mount that holds path (longest matching mount point)."""
    target = str(path.resolve())
    best = {"mount_point": "/", "device": "?", "fs_type": "?"}
    with open("/proc/mounts", encoding="utf-8") as fh:
        for line in fh:
            device, mount_point, fs_type = line.split()[:3]
            inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
            if inside and len(mount_point) >= len(best["mount_point"]):
                best = {"mount_point": mount_point, "device": device, "fs_type": fs_type}
    return best


def machine_info(work_path: Path) -> dict[str, Any]:
    """Describe the machine and the disk holding work_path (for the results and the README)."""
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    mount = _mount_of(work_path)
    usage = shutil.disk_usage(work_path)
    device_name = Path(mount["device"]).name
    rotational = Path(f"/sys/block/{device_name}/queue/rotational")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "disk": {**mount, "size_gib": round(usage.total / 2**30), "free_gib": round(usage.free / 2**30),
                 "rotational": rotational.read_text().strip() if rotational.exists() else "?"},
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        # Taken when the run starts: the modules it imports are the ones measured.
        "code_at_start": code_state(),
    }


MEASURED_PACKAGES = ("docflow", "search_index", "storage")


def code_state() -> dict[str, Any]:
    """Describe the code measured: commit, uncommitted changes, and a digest of the packages' sources."""
    def git(*args: str) -> str:
        # --no-optional-locks: reading the state must not rewrite the shared checkout's index.
        done = subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=60)
        return done.stdout.rstrip("\n") if done.returncode == 0 else "?"

    digest = hashlib.sha256()
    for package in MEASURED_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    changed = [line[3:] for line in git("status", "--porcelain", "--", *MEASURED_PACKAGES).splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed,
            "sources_sha256": digest.hexdigest()[:16]}


def write_results(name: str, payload: Mapping[str, Any]) -> Path:
    """Write one benchmark's results as bench/results/<name>.json and return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    if "code" not in payload:
        payload = {**payload, "code": code_state()}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    logger.info("results written to %s", path)
    return path


def setup_logging(verbose: bool = False) -> None:
    """Log the benchmark's progress to standard error."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    if not verbose:
        # The measured code logs every batch and migration step; keep the progress readable.
        for name in ("alembic", "docflow", "search_index"):
            logging.getLogger(name).setLevel(logging.WARNING)
