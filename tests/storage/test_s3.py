"""S3-specific guarantees: multipart ETag check, hash metadata, touch by copy, fault mapping."""
from __future__ import annotations

import hashlib
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage import MinioStore, StorageUnavailable, key_for

from .conftest import TEST_PART_SIZE, GeneratedStream, S3Server, minio_server_from_env

MiB = 1024 * 1024


@pytest.fixture(params=["s3", "s3rver", "minio"])
def server(request: pytest.FixtureRequest) -> S3Server:
    """Give an S3 server: moto and s3rver always, a real MinIO when DOCFLOW_TEST_S3_* is set."""
    if request.param == "s3":
        moto: S3Server = request.getfixturevalue("moto_server")
        return moto
    if request.param == "s3rver":
        s3rver: S3Server = request.getfixturevalue("s3rver_server")
        return s3rver
    return minio_server_from_env()


def test_multipart_upload_is_checked_and_keeps_its_hash(backend_s3: MinioStore, server: S3Server) -> None:
    """Does an 11 MiB upload go multipart, match its ETag and carry x-amz-meta-sha256?"""
    data = GeneratedStream(11 * MiB, seed=3).read()
    sha256 = hashlib.sha256(data).hexdigest()

    info = backend_s3.put(io.BytesIO(data))

    raw = server.raw_client().stat_object(backend_s3.bucket, info.key)
    if server.access_key == "S3RVER":
        # s3rver gives a multipart object the MD5 of its bytes, not S3's MD5 of the parts' MD5s.
        assert raw.etag == hashlib.md5(data, usedforsecurity=False).hexdigest()
    else:
        assert raw.etag is not None and raw.etag.endswith("-3")  # 5 + 5 + 1 MiB
    assert raw.metadata is not None and raw.metadata["x-amz-meta-sha256"] == sha256
    assert raw.size == len(data)


def test_touch_keeps_the_hash_metadata(backend_s3: MinioStore, server: S3Server) -> None:
    """After a duplicate upload touches the object, is x-amz-meta-sha256 still there?"""
    data = b"surat kuasa"
    key = backend_s3.put(io.BytesIO(data)).key
    backend_s3.put(io.BytesIO(data))

    raw = server.raw_client().stat_object(backend_s3.bucket, key)
    assert raw.metadata is not None
    assert raw.metadata["x-amz-meta-sha256"] == hashlib.sha256(data).hexdigest()
    assert raw.content_type == "application/octet-stream"


@pytest.mark.parametrize("region", [None, "us-east-1"], ids=["region-lookup", "region-set"])
def test_missing_bucket_is_unavailable_not_empty(server: S3Server, region: str | None) -> None:
    """Without its bucket, does the store say unavailable rather than 'object not found'?"""
    store = _store(server, "docflow-test-no-such-bucket", region=region)
    key = key_for("0" * 64)

    with pytest.raises(StorageUnavailable, match="does not exist"):
        store.check_health()
    with pytest.raises(StorageUnavailable):
        store.stat(key)
    with pytest.raises(StorageUnavailable):
        store.put(io.BytesIO(b"x"))


def test_dead_server_fails_fast(tmp_path: Path) -> None:
    """Against a closed port, does every call raise StorageUnavailable within seconds?"""
    store = _store(S3Server(f"127.0.0.1:{_closed_port()}", "a", "b", secure=False), "bucket", tmp_path)
    key = key_for("0" * 64)

    def open_and_close() -> None:
        with store.open(key):
            pass

    calls: dict[str, Callable[[], object]] = {
        "ensure_ready": store.ensure_ready,
        "check_health": store.check_health,
        "put": lambda: store.put(io.BytesIO(b"surat")),
        "stat": lambda: store.stat(key),
        "exists": lambda: store.exists(key),
        "delete": lambda: store.delete(key),
        "open": open_and_close,
        "iter_objects": lambda: list(store.iter_objects()),
    }
    for name, call in calls.items():
        started = time.monotonic()
        with pytest.raises(StorageUnavailable, match="unreachable"):
            call()
        assert time.monotonic() - started < 10, name
    assert list(tmp_path.iterdir()) == []  # the spooled upload is gone too


def test_server_errors_are_retried_a_bounded_number_of_times() -> None:
    """Is a server that answers 503 retried at most twice, then reported unavailable?"""
    with _failing_server(503) as (endpoint, requests):
        store = MinioStore(endpoint, "a", "b", "bucket", secure=False, region="us-east-1")
        started = time.monotonic()
        with pytest.raises(StorageUnavailable, match="keeps failing"):
            store.check_health()
        assert time.monotonic() - started < 10
    assert requests == ["HEAD /bucket"] * 3


def test_part_size_outside_s3_limits_is_refused() -> None:
    """Is a part size S3 would reject refused when the store is built?"""
    with pytest.raises(ValueError, match="part_size"):
        MinioStore("127.0.0.1:9", "a", "b", "bucket", part_size=MiB)


@pytest.fixture
def backend_s3(server: S3Server, tmp_path: Path) -> Iterator[MinioStore]:
    """Give a ready MinioStore on a fresh bucket of the parametrized server."""
    bucket = f"docflow-test-s3-{time.time_ns()}"
    store = _store(server, bucket, tmp_path)
    store.ensure_ready()
    yield store
    raw = server.raw_client()
    for item in raw.list_objects(bucket, recursive=True):
        raw.remove_object(bucket, item.object_name)
    raw.remove_bucket(bucket)


def _store(
    server: S3Server, bucket: str, spool_dir: Path | None = None, region: str | None = None
) -> MinioStore:
    return MinioStore(
        server.endpoint,
        server.access_key,
        server.secret_key,
        bucket,
        secure=server.secure,
        region=region,
        part_size=TEST_PART_SIZE,
        spool_dir=spool_dir,
    )


def _closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _FailingHandler(BaseHTTPRequestHandler):
    status = 503

    def _fail(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        body = b"" if self.command == "HEAD" else b"<Error><Code>SlowDown</Code></Error>"
        self.send_response(self.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _fail

    def log_message(self, format: str, *args: object) -> None:
        pass


class _failing_server:  # noqa: N801 - used like a function in a with statement
    """Serve every request with one HTTP error status, recording what was asked."""

    def __init__(self, status: int) -> None:
        handler = type("Handler", (_FailingHandler,), {"status": status})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.requests = []  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> tuple[str, list[str]]:
        self._thread.start()
        return f"127.0.0.1:{self._httpd.server_port}", self._httpd.requests  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
