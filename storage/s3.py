"""Object storage on MinIO or any S3-compatible server, through the ``minio`` client."""
from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO, NoReturn

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import REPLACE, CopySource
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.helpers import MAX_MULTIPART_COUNT, MAX_PART_SIZE, MIN_PART_SIZE, get_part_info
from urllib3.util import Retry, Timeout

from .base import (
    ObjectInfo,
    ObjectStore,
    VerifyingReader,
    check_expected,
    describe_found,
    hash_reader,
    read_chunks,
)
from .errors import IntegrityError, ObjectNotFound, StorageError, StorageFull, StorageUnavailable
from .keys import KEY_PREFIX, key_for, sha256_from_key

logger = logging.getLogger(__name__)

DEFAULT_PART_SIZE = 16 * 1024 * 1024
CONTENT_TYPE = "application/octet-stream"
SHA256_HEADER = "x-amz-meta-sha256"
_FIRST_SERVER_ERROR = 500

# Errors that mean "this store cannot be used as configured", as opposed to a bad request.
_UNAVAILABLE_CODES = frozenset({
    "AccessDenied",
    "AllAccessDisabled",
    "ExpiredToken",
    "InvalidAccessKeyId",
    "InvalidToken",
    "NoSuchBucket",
    "ServiceUnavailable",
    "SignatureDoesNotMatch",
    "SlowDown",
})
_BUCKET_EXISTS_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})
# MinIO's answer when its drives (or a quota) leave no room; 507 Insufficient Storage from others.
_FULL_CODES = frozenset({"XMinioStorageFull", "XMinioAdminBucketQuotaExceeded"})
_INSUFFICIENT_STORAGE = 507


class _UploadChecksums:
    """SHA-256 of the whole upload plus the MD5s an S3 ETag is made of."""

    def __init__(self, part_size: int) -> None:
        self.part_size = part_size
        self.size = 0
        self.sha256 = hashlib.sha256()
        self._whole_md5 = hashlib.md5(usedforsecurity=False)
        self._part_md5 = hashlib.md5(usedforsecurity=False)
        self._part_filled = 0
        self._part_digests: list[bytes] = []

    def update(self, chunk: bytes) -> None:
        """Feed the next chunk, splitting it at part boundaries."""
        self.size += len(chunk)
        self.sha256.update(chunk)
        self._whole_md5.update(chunk)
        view = memoryview(chunk)
        while view:
            take = min(len(view), self.part_size - self._part_filled)
            self._part_md5.update(view[:take])
            self._part_filled += take
            view = view[take:]
            if self._part_filled == self.part_size:
                self._part_digests.append(self._part_md5.digest())
                self._part_md5 = hashlib.md5(usedforsecurity=False)
                self._part_filled = 0

    def whole_md5(self) -> str:
        """Return the MD5 of all the bytes (a single-part upload's ETag)."""
        return self._whole_md5.hexdigest()

    def etag(self) -> str:
        """Return the ETag an S3 server computes when minio uploads these bytes."""
        _, part_count = get_part_info(self.size, self.part_size)
        if part_count <= 1:
            return self._whole_md5.hexdigest()
        digests = list(self._part_digests)
        if self._part_filled:
            digests.append(self._part_md5.digest())
        return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"


class MinioStore(ObjectStore):
    """Objects in one S3 bucket under ``sha256/ab/cd/<hex>``, SHA-256 kept as user metadata."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = True,
        region: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        *,
        spool_dir: str | Path | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 6.0,
    ) -> None:
        if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be between {MIN_PART_SIZE} and {MAX_PART_SIZE}")
        self.endpoint = endpoint
        self.bucket = bucket
        self.part_size = part_size
        self.spool_dir = None if spool_dir is None else Path(spool_dir)
        self._region = region
        # minio's own pool retries 5 times with 5-minute timeouts; a dead server must fail in seconds,
        # and so must a hung one (it accepts connections and answers nothing): its read timeout is not
        # retried, so an upload waits one read_timeout, not three. The timeout bounds each wait for
        # the next bytes, not a whole transfer; S3 servers keep slow operations alive with whitespace.
        http = urllib3.PoolManager(
            timeout=Timeout(connect=connect_timeout, read=read_timeout),
            maxsize=10,
            cert_reqs="CERT_REQUIRED",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=Retry(total=2, read=0, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )

    def __repr__(self) -> str:
        return f"MinioStore(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    def ensure_ready(self) -> None:
        """Create the bucket if it does not exist."""
        with self._errors("cannot prepare bucket"):
            if self._client.bucket_exists(self.bucket):
                return
            try:
                self._client.make_bucket(self.bucket, location=self._region)
            except S3Error as exc:
                if exc.code not in _BUCKET_EXISTS_CODES:
                    raise
            logger.info("created bucket %s on %s", self.bucket, self.endpoint)

    def check_health(self) -> None:
        """Raise StorageUnavailable unless the server answers and the bucket exists."""
        with self._errors("health check failed"):
            if not self._client.bucket_exists(self.bucket):
                raise StorageUnavailable(f"bucket {self.bucket} does not exist on {self.endpoint}")

    def put(
        self,
        stream: IO[bytes],
        *,
        max_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> ObjectInfo:
        """Store the stream under its SHA-256 key, or touch the object already there."""
        # minio refuses more than 10,000 parts, which bounds what one upload may be.
        limit = self.part_size * MAX_MULTIPART_COUNT
        if max_size is not None:
            limit = min(limit, max_size)
        checksums = _UploadChecksums(self.part_size)
        with self._spool_file() as spool:
            for chunk in read_chunks(stream, limit):
                checksums.update(chunk)
                try:
                    spool.write(chunk)
                except OSError as exc:
                    error = StorageFull if exc.errno in (errno.ENOSPC, errno.EDQUOT) else StorageUnavailable
                    raise error(f"cannot spool upload: {exc.strerror or exc}") from exc
            sha256 = checksums.sha256.hexdigest()
            check_expected(sha256, expected_sha256)
            key = key_for(sha256)
            damage = self._damage_of_existing(key, checksums.size)
            if damage is None:
                touched = self._touch(key)
                if touched is not None:
                    return touched
            spool.seek(0)
            self._upload(spool, key, checksums)
        info = self.stat(key)
        if damage:
            logger.warning("object %s in bucket %s was corrupt (%s); replaced it with the uploaded copy",
                           key, self.bucket, damage)
            return replace(info, repaired=damage)
        logger.info("stored object %s (%d bytes) in bucket %s", key, info.size, self.bucket)
        return info

    @contextmanager
    def open(self, key: str, *, verify: bool = False) -> Iterator[BinaryIO]:
        """Open a streamed reader; with verify, reading to EOF raises IntegrityError on mismatch."""
        sha256_from_key(key)
        with self._errors(f"cannot open {key}", key):
            response = self._client.get_object(self.bucket, key)

        def read(size: int) -> bytes:
            with self._errors(f"cannot read {key}", key):
                return response.read(size)

        try:
            with io.BufferedReader(VerifyingReader(read, key, verify=verify)) as reader:
                yield reader
        finally:
            response.close()
            response.release_conn()

    def stat(self, key: str) -> ObjectInfo:
        """Return the object's info or raise ObjectNotFound."""
        sha256 = sha256_from_key(key)
        with self._errors(f"cannot stat {key}", key):
            result = self._client.stat_object(self.bucket, key)
        return ObjectInfo(
            key=key, sha256=sha256, size=result.size or 0, modified=_utc(result.last_modified)
        )

    def delete(self, key: str) -> None:
        """Delete the object or raise ObjectNotFound."""
        self.stat(key)  # S3 deletes of missing keys succeed silently
        with self._errors(f"cannot delete {key}", key):
            self._client.remove_object(self.bucket, key)
        logger.info("deleted object %s from bucket %s", key, self.bucket)

    def iter_objects(self) -> Iterator[ObjectInfo]:
        """Yield every stored object in key order (incomplete multipart uploads excluded)."""
        with self._errors("cannot list objects"):
            for item in self._client.list_objects(self.bucket, prefix=f"{KEY_PREFIX}/", recursive=True):
                key = item.object_name or ""
                try:
                    sha256 = sha256_from_key(key)
                except ValueError:
                    logger.warning("ignoring stray object %s in bucket %s", key, self.bucket)
                    continue
                yield ObjectInfo(
                    key=key, sha256=sha256, size=item.size or 0, modified=_utc(item.last_modified)
                )

    def _upload(self, spool: BinaryIO, key: str, checksums: _UploadChecksums) -> None:
        """PUT the spooled bytes and make sure the server stored exactly them."""
        sha256 = checksums.sha256.hexdigest()
        with self._errors(f"cannot upload {key}", key):
            result = self._client.put_object(
                self.bucket,
                key,
                spool,
                checksums.size,
                content_type=CONTENT_TYPE,
                metadata={"sha256": sha256},
                part_size=self.part_size,
                # One part in memory at a time; parallel parts would multiply the footprint.
                num_parallel_uploads=1,
            )
        expected_etag = checksums.etag()
        actual_etag = (result.etag or "").strip('"').lower()
        # Some S3 servers (s3rver among them) give a multipart object the MD5 of its whole bytes
        # rather than S3's MD5 of the parts' MD5s: just as good a proof that the bytes arrived.
        if actual_etag not in (expected_etag, checksums.whole_md5()):
            logger.error(
                "server stored %s with ETag %s, expected %s; removing it", key, actual_etag, expected_etag
            )
            try:
                with self._errors(f"cannot remove mismatched upload {key}", key):
                    self._client.remove_object(self.bucket, key)
            except StorageError:
                logger.exception("could not remove mismatched upload %s", key)
            raise IntegrityError(
                f"server stored {key} with ETag {actual_etag}, expected {expected_etag}"
            )

    def _damage_of_existing(self, key: str, size: int) -> str | None:
        """Return what is wrong with the object already under the key: None if it is intact, "" if absent.

        The object is read back and re-hashed (a copy of the right size can hold the wrong bytes),
        and its metadata must name the same hash.
        """
        sha256 = sha256_from_key(key)
        try:
            with self._errors(f"cannot stat {key}", key):
                existing = self._client.stat_object(self.bucket, key)
            with self.open(key) as reader:
                found_size, found_sha256 = hash_reader(reader)
        except ObjectNotFound:
            return ""  # absent (or swept while we looked): upload it
        if found_sha256 == sha256 and existing.size == size:
            stored_sha256 = existing.metadata.get(SHA256_HEADER) if existing.metadata else None
            if stored_sha256 in (None, sha256):
                return None
            return f"{found_size} bytes, but metadata claims sha256 {stored_sha256}"
        return describe_found(found_size, found_sha256)

    def _touch(self, key: str) -> ObjectInfo | None:
        """Advance an intact object's LastModified so the orphan sweep spares it; None if it vanished."""
        sha256 = sha256_from_key(key)
        try:
            # S3 has no touch; a copy onto itself that replaces metadata rewrites LastModified.
            with self._errors(f"cannot touch {key}", key):
                self._client.copy_object(
                    self.bucket,
                    key,
                    CopySource(self.bucket, key),
                    metadata={"Content-Type": CONTENT_TYPE, "sha256": sha256},
                    metadata_directive=REPLACE,
                )
        except ObjectNotFound:
            return None  # swept between the check and the copy: upload it again
        logger.info("object %s already stored in bucket %s; touched", key, self.bucket)
        return self.stat(key)

    @contextmanager
    def _spool_file(self) -> Iterator[BinaryIO]:
        """Open an anonymous temporary file, gone from disk as soon as it is closed (or its process killed)."""
        try:
            spool = tempfile.TemporaryFile(prefix="docflow-put-", dir=self.spool_dir)
        except OSError as exc:
            raise StorageUnavailable(
                f"cannot create spool file in {self.spool_dir or tempfile.gettempdir()}: "
                f"{exc.strerror or exc}"
            ) from exc
        with spool:
            yield spool

    @contextmanager
    def _errors(self, action: str, key: str | None = None) -> Iterator[None]:
        """Translate minio, urllib3 and socket errors into storage errors."""
        try:
            yield
        except S3Error as exc:
            self._raise_s3_error(exc, action, key)
        except ServerError as exc:
            if exc.status_code == _INSUFFICIENT_STORAGE:
                raise StorageFull(f"{action}: {exc}") from exc
            if exc.status_code >= _FIRST_SERVER_ERROR:
                raise StorageUnavailable(f"{action}: {exc}") from exc
            raise StorageError(f"{action}: {exc}") from exc
        except InvalidResponseError as exc:
            # A non-S3 answer (an HTML error page from a proxy, say) means we cannot use the store.
            raise StorageUnavailable(f"{action}: {exc}") from exc
        except urllib3.exceptions.MaxRetryError as exc:
            if isinstance(exc.reason, urllib3.exceptions.ResponseError):
                raise StorageUnavailable(f"{action}: {self.endpoint} keeps failing: {exc.reason}") from exc
            raise StorageUnavailable(f"{action}: {self.endpoint} unreachable: {exc.reason}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StorageUnavailable(f"{action}: {self.endpoint} unreachable: {exc}") from exc

    def _raise_s3_error(self, exc: S3Error, action: str, key: str | None) -> NoReturn:
        """Raise the storage error that matches an S3 error response."""
        if exc.code == "NoSuchKey" and key is not None:
            # A HEAD on a missing bucket also says NoSuchKey; do not report "not found" then.
            if not self._bucket_exists_quietly():
                raise StorageUnavailable(f"bucket {self.bucket} does not exist") from exc
            raise ObjectNotFound(key) from exc
        status = exc.response.status if exc.response is not None else 0
        if exc.code in _FULL_CODES or status == _INSUFFICIENT_STORAGE:
            raise StorageFull(f"{action}: {exc.code}: {exc.message}") from exc
        if exc.code in _UNAVAILABLE_CODES or status >= _FIRST_SERVER_ERROR:
            raise StorageUnavailable(f"{action}: {exc.code}: {exc.message}") from exc
        raise StorageError(f"{action}: {exc.code}: {exc.message}") from exc

    def _bucket_exists_quietly(self) -> bool:
        """Tell whether the bucket exists, treating an unreachable server as 'no'."""
        try:
            return self._client.bucket_exists(self.bucket)
        except (S3Error, ServerError, InvalidResponseError, urllib3.exceptions.HTTPError, OSError):
            return False


def _utc(moment: datetime | None) -> datetime:
    """Return a tz-aware UTC datetime from what minio parsed."""
    if moment is None:
        raise StorageError("server sent no Last-Modified time")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
