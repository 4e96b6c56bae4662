"""The ObjectStore interface and the pieces both backends share."""
from __future__ import annotations

import abc
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, BinaryIO

from .errors import IntegrityError, ObjectNotFound, ObjectTooLarge
from .keys import sha256_from_key
from .scratch import ScratchFile

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    """What the store knows about one stored object."""

    key: str
    sha256: str
    size: int
    modified: datetime  # tz-aware UTC; last write or touch
    # Set by put when a copy already stored under the key was corrupt and the upload replaced it:
    # what was found there ("9 bytes, sha256 ..."). Not part of the object's identity.
    repaired: str | None = field(default=None, compare=False)


class ObjectStore(abc.ABC):
    """Content-addressed object storage: streamed, atomic, verified, never overwriting an intact object."""

    @abc.abstractmethod
    def ensure_ready(self) -> None:
        """Create whatever the store needs (directories, bucket); safe to call repeatedly."""

    @abc.abstractmethod
    def put(
        self,
        stream: IO[bytes],
        *,
        max_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> ObjectInfo:
        """Store the stream under its SHA-256 key, or touch the object already there.

        An object already under the key is re-hashed first; if it is corrupt, the upload replaces
        it and the returned info says what was found in `repaired`.
        """

    @abc.abstractmethod
    def open(self, key: str, *, verify: bool = False) -> AbstractContextManager[BinaryIO]:
        """Open a streamed reader; with verify, reading to EOF raises IntegrityError on mismatch."""

    @abc.abstractmethod
    def stat(self, key: str) -> ObjectInfo:
        """Return the object's info or raise ObjectNotFound."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Delete the object or raise ObjectNotFound."""

    @abc.abstractmethod
    def iter_objects(self) -> Iterator[ObjectInfo]:
        """Yield every stored object in key order (temporary and partial uploads excluded)."""

    @abc.abstractmethod
    def check_health(self) -> None:
        """Raise StorageUnavailable unless the store is reachable and ready."""

    def abandoned_uploads(self, older_than: timedelta) -> list[ScratchFile]:
        """List temporary upload files of processes that died, older than the grace period."""
        return []  # a store that keeps no named temporary files has none

    def remove_abandoned_uploads(self, older_than: timedelta) -> list[ScratchFile]:
        """Remove what abandoned_uploads lists; return what was removed."""
        return []

    def exists(self, key: str) -> bool:
        """Tell whether the object is stored; StorageUnavailable is not an answer of False."""
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def verify(self, key: str) -> ObjectInfo:
        """Re-read the whole object and raise IntegrityError unless it hashes to its key."""
        with self.open(key, verify=True) as reader:
            while reader.read(CHUNK_SIZE):
                pass
        return self.stat(key)


def read_chunks(stream: IO[bytes], max_size: int | None) -> Iterator[bytes]:
    """Yield the stream in chunks; raise ObjectTooLarge as soon as it passes max_size."""
    if max_size is not None and max_size < 0:
        raise ValueError(f"max_size must not be negative: {max_size}")
    total = 0
    while True:
        # Ask for at most one byte past the limit, so an oversized upload is not read further.
        want = CHUNK_SIZE if max_size is None else min(CHUNK_SIZE, max_size + 1 - total)
        chunk = stream.read(want)
        if not chunk:
            return
        total += len(chunk)
        if max_size is not None and total > max_size:
            raise ObjectTooLarge(f"upload exceeds the limit of {max_size} bytes")
        yield chunk


def describe_found(size: int, sha256: str) -> str:
    """Describe what a corrupt copy held, for the logs and the audit trail."""
    return f"{size} bytes, sha256 {sha256}"


def hash_reader(reader: IO[bytes]) -> tuple[int, str]:
    """Read a stream to its end and return its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while chunk := reader.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def check_expected(actual_sha256: str, expected_sha256: str | None) -> None:
    """Raise IntegrityError when the caller announced a different SHA-256 than what arrived."""
    if expected_sha256 is not None and actual_sha256 != expected_sha256.lower():
        raise IntegrityError(
            f"upload does not match its announced hash: expected {expected_sha256} "
            f"got {actual_sha256}"
        )


def corrupt_object(key: str, expected: str, actual: str) -> IntegrityError:
    """Log and return the error for an object whose content no longer matches its key."""
    logger.error("object %s is corrupt: expected sha256 %s got %s", key, expected, actual)
    return IntegrityError(f"object {key} is corrupt: expected sha256 {expected} got {actual}")


class VerifyingReader(io.RawIOBase):
    """Raw reader over a backend's read function that can check the key's hash at EOF."""

    def __init__(self, read: Callable[[int], bytes], key: str, *, verify: bool) -> None:
        super().__init__()
        self._read = read
        self._key = key
        self._expected = sha256_from_key(key) if verify else None
        self._digest = hashlib.sha256() if verify else None
        self._mismatch: str | None = None

    def readable(self) -> bool:
        """Report that this stream can be read."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill buffer from the object; at EOF raise IntegrityError if verifying and corrupt."""
        if self._mismatch is not None:
            raise IntegrityError(self._mismatch)
        view = memoryview(buffer).cast("B")
        data = self._read(len(view))
        size = len(data)
        view[:size] = data
        if self._digest is not None and self._expected is not None:
            if size:
                self._digest.update(data)
            elif len(view):
                actual = self._digest.hexdigest()
                if actual != self._expected:
                    error = corrupt_object(self._key, self._expected, actual)
                    self._mismatch = str(error)
                    raise error
        return size
