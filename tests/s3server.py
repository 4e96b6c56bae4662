"""S3 servers for tests: moto's S3 server in a child process on loopback, or a real MinIO from the environment."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


