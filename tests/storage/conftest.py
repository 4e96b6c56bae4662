"""Fixtures for the storage contract suite: one `store` per backend, each in a fresh root or bucket."""
from __future__ import annotations

import io
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from storage import FilesystemStore, MinioStore, ObjectStore, sha256_from_key
from tests.s3server import S3Server, minio_server_from_env, moto_server, s3rver_server  # noqa: F401  (fixtures)

# A small part size so that a few MiB already take the multipart path.
TEST_PART_SIZE = 5 * 1024 * 1024

@dataclass
class Backend:
    """A store under test plus the backdoors the tests need to inspect and damage it."""

    name: str
    store: ObjectStore
    overwrite: Callable[[str, bytes], None]  # replace an object's bytes, bypassing the store
    leftovers: Callable[[], list[str]]  # temporary files or incomplete uploads left behind
    age: Callable[[str], None]  # make sure a later touch shows as a later `modified`
    cleanups: list[Callable[[], None]] = field(default_factory=list)


@pytest.fixture(scope="session")
def boto3_clients() -> dict[S3Server, Any]:
    """Cache one boto3 client per server; only boto3 has a public multipart-upload listing."""
    return {}


def _boto3_client(cache: dict[S3Server, Any], server: S3Server) -> Any:
    if server not in cache:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415 - installed with moto[server]

        scheme = "https" if server.secure else "http"
        cache[server] = boto3.client(
            "s3",
            endpoint_url=f"{scheme}://{server.endpoint}",
            aws_access_key_id=server.access_key,
            aws_secret_access_key=server.secret_key,
            region_name="us-east-1",
        )
    return cache[server]


def filesystem_backend(root: Path) -> Backend:
    """Build a ready FilesystemStore in root."""
    store = FilesystemStore(root)
    store.ensure_ready()

    def overwrite(key: str, data: bytes) -> None:
        path = store.path_for(key)
        path.chmod(0o644)
        path.write_bytes(data)
        path.chmod(0o444)

    def leftovers() -> list[str]:
        return sorted(os.listdir(root / "tmp"))

    def age(key: str) -> None:
        past = time.time() - 3600
        os.utime(store.path_for(key), (past, past))

    return Backend("filesystem", store, overwrite, leftovers, age)


def s3_backend(name: str, server: S3Server, spool_dir: Path, boto3_cache: dict[S3Server, Any]) -> Backend:
    """Build a ready MinioStore on a fresh bucket of server."""
    bucket = f"docflow-test-{uuid.uuid4().hex[:16]}"
    spool_dir.mkdir()
    store = MinioStore(
        server.endpoint,
        server.access_key,
        server.secret_key,
        bucket,
        secure=server.secure,
        part_size=TEST_PART_SIZE,
        spool_dir=spool_dir,
    )
    store.ensure_ready()
    raw = server.raw_client()

    def overwrite(key: str, data: bytes) -> None:
        # Keep the metadata that claims the right hash: corruption must be caught by re-hashing.
        raw.put_object(bucket, key, io.BytesIO(data), len(data), metadata={"sha256": sha256_from_key(key)})

    def incomplete_uploads() -> list[dict[str, Any]]:
        if name == "s3rver":
            return []  # s3rver 3.7.1 can neither list nor abort multipart uploads (501 and 405)
        listing = _boto3_client(boto3_cache, server).list_multipart_uploads(Bucket=bucket)
        uploads: list[dict[str, Any]] = listing.get("Uploads", [])
        return uploads

    def leftovers() -> list[str]:
        uploads = [f"upload:{upload['Key']}" for upload in incomplete_uploads()]
        return sorted(os.listdir(spool_dir)) + uploads

    def age(key: str) -> None:
        time.sleep(1.1)  # S3 timestamps have one-second resolution and cannot be set

    def remove_bucket() -> None:
        for upload in incomplete_uploads():
            _boto3_client(boto3_cache, server).abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
        for item in raw.list_objects(bucket, recursive=True):
            raw.remove_object(bucket, item.object_name)
        raw.remove_bucket(bucket)

    return Backend(name, store, overwrite, leftovers, age, cleanups=[remove_bucket])


@pytest.fixture(params=["filesystem", "s3", "s3rver", "minio"])
def storage_backend(
    request: pytest.FixtureRequest, tmp_path: Path, boto3_clients: dict[S3Server, Any]
) -> Iterator[Backend]:
    """Give each test a ready store of one backend, in a fresh directory or bucket."""
    if request.param == "filesystem":
        built = filesystem_backend(tmp_path / "store")
    elif request.param == "s3":
        server: S3Server = request.getfixturevalue("moto_server")
        built = s3_backend("s3", server, tmp_path / "spool", boto3_clients)
    elif request.param == "s3rver":
        built = s3_backend("s3rver", request.getfixturevalue("s3rver_server"), tmp_path / "spool", boto3_clients)
    else:
        built = s3_backend("minio", minio_server_from_env(), tmp_path / "spool", boto3_clients)
    yield built
    for cleanup in built.cleanups:
        cleanup()


@pytest.fixture
def store(storage_backend: Backend) -> ObjectStore:
    """Give each test a ready store (parametrized over filesystem, moto S3, s3rver and real MinIO)."""
    return storage_backend.store


class GeneratedStream(io.RawIOBase):
    """Deterministic pseudo-random bytes made on demand, so a large upload never exists whole."""

    _BLOCK = 64 * 1024

    def __init__(self, size: int, seed: int = 0) -> None:
        super().__init__()
        self._left = size
        self._rng = random.Random(seed)
        self._block = b""
        self._pos = 0

    def readable(self) -> bool:
        """Report that this stream can be read."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill buffer with the next bytes of the sequence."""
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._left)
        filled = 0
        while filled < wanted:
            if self._pos == len(self._block):
                # Fixed-size blocks keep the bytes independent of how callers size their reads.
                self._block = self._rng.randbytes(self._BLOCK)
                self._pos = 0
            take = min(wanted - filled, len(self._block) - self._pos)
            view[filled:filled + take] = self._block[self._pos:self._pos + take]
            self._pos += take
            filled += take
        self._left -= filled
        return filled
