"""S3 servers for tests: moto's S3 server and s3rver (Node.js, npm) in child processes on loopback, or a real
MinIO from the environment."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from minio import Minio

# The server runs in a child process: moto keeps uploads in memory, and the streaming test's
# tracemalloc must measure our client, not the server's copies. Closing stdin stops it.
_MOTO_SCRIPT = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    secure: bool

    def raw_client(self) -> Minio:
        """Return a plain minio client, for tampering with objects behind the store's back."""
        return Minio(self.endpoint, self.access_key, self.secret_key, secure=self.secure)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[S3Server]:
    """Run moto's S3 server once per session on a free port of 127.0.0.1."""
    with running_moto_server() as (server, _process):
        yield server


@contextmanager
def running_moto_server() -> Iterator[tuple[S3Server, subprocess.Popen[str]]]:
    """Run a moto S3 server of one's own (to stop or kill mid-test); yield it and its process."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _MOTO_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            pytest.fail(f"moto server did not start (exit code {proc.poll()})")
        yield S3Server(f"127.0.0.1:{line}", "testing", "testing", secure=False), proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)  # a test may have left it stopped
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


REPO = Path(__file__).resolve().parent.parent
S3RVER = REPO / "node_modules" / "s3rver" / "bin" / "s3rver.js"


@pytest.fixture(scope="session")
def s3rver_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Run s3rver once per session on a free port of 127.0.0.1: a second S3 server, not written in Python."""
    with running_s3rver(tmp_path_factory.mktemp("s3rver")) as server:
        yield server


@contextmanager
def running_s3rver(directory: Path) -> Iterator[S3Server]:
    """Run s3rver (pinned in package.json, installed by `make test`) keeping its objects in directory."""
    node = shutil.which("node")
    if node is None or not S3RVER.exists():
        pytest.fail("s3rver is not installed: run `npm ci` (make test does) with Node.js on the PATH")
    proc = subprocess.Popen([node, str(S3RVER), "--directory", str(directory), "--address", "127.0.0.1",
                             "--port", "0", "--no-vhost-buckets"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    reader = None
    try:
        line = proc.stdout.readline()
        while line and not line.startswith("S3rver listening on "):
            line = proc.stdout.readline()
        if not line:
            pytest.fail(f"s3rver did not start (exit code {proc.poll()})")
        # It goes on logging every request: read the log away, so that a full pipe never blocks it.
        reader = threading.Thread(target=proc.stdout.read, name="s3rver-log", daemon=True)
        reader.start()
        # s3rver checks AWS signatures (v2 and v4) against its one built-in key pair.
        yield S3Server(line.removeprefix("S3rver listening on ").strip(), "S3RVER", "S3RVER", secure=False)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if reader is not None:
            reader.join(timeout=10)
        proc.stdout.close()


def minio_server_from_env() -> S3Server:
    """Return the real MinIO named by DOCFLOW_TEST_S3_*, or skip the test."""
    names = ("DOCFLOW_TEST_S3_ENDPOINT", "DOCFLOW_TEST_S3_ACCESS_KEY", "DOCFLOW_TEST_S3_SECRET_KEY")
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        pytest.skip(
            f"real MinIO not configured: set {', '.join(missing)} (and optionally DOCFLOW_TEST_S3_SECURE)"
        )
    secure = os.environ.get("DOCFLOW_TEST_S3_SECURE", "").strip().lower() in {"1", "true", "yes", "on"}
    endpoint, access_key, secret_key = (os.environ[name] for name in names)
    return S3Server(endpoint, access_key, secret_key, secure=secure)


