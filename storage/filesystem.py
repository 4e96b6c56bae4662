"""Object storage in a local (or mounted) directory tree."""
from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import stat as stat_module
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, BinaryIO

from .base import (
    ObjectInfo,
    ObjectStore,
    VerifyingReader,
    check_expected,
    describe_found,
    hash_reader,
    read_chunks,
)
from .errors import ObjectNotFound, StorageError, StorageFull, StorageUnavailable
from .keys import KEY_PREFIX, key_for, sha256_from_key
from .scratch import ScratchFile, find_abandoned, make_scratch_file, remove_abandoned

logger = logging.getLogger(__name__)

_HEX_PAIRS = frozenset(f"{i:02x}" for i in range(256))
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


@contextmanager
def _disk_errors(action: str) -> Iterator[None]:
    """Turn OSError (EIO, EACCES, ...) into StorageUnavailable naming the action; ENOSPC into StorageFull."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno in _FULL_ERRNOS:
            raise StorageFull(f"{action}: {reason}") from exc
        raise StorageUnavailable(f"{action}: {reason}") from exc


def _fsync_dir(path: Path) -> None:
    """Flush a directory so that entries just linked into it survive a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemStore(ObjectStore):
    """Objects as read-only files under ``<root>/sha256/ab/cd/<hex>``; uploads staged in ``<root>/tmp``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._objects_dir = self.root / KEY_PREFIX
        self._tmp_dir = self.root / "tmp"

    def __repr__(self) -> str:
        return f"FilesystemStore(root={str(self.root)!r})"

    def path_for(self, key: str) -> Path:
        """Return the file path of a key (validated, so it cannot escape the root)."""
        sha256_from_key(key)
        return self.root / key

    def ensure_ready(self) -> None:
        """Create the root, object and temporary directories if missing."""
        with _disk_errors(f"cannot prepare storage root {self.root}"):
            for directory in (self.root, self._objects_dir, self._tmp_dir):
                directory.mkdir(parents=True, exist_ok=True)

    def check_health(self) -> None:
        """Raise StorageUnavailable unless the object and temporary directories are writable."""
        for directory in (self._objects_dir, self._tmp_dir):
            with _disk_errors(f"storage directory {directory} is not usable"):
                mode = os.stat(directory).st_mode
            if not stat_module.S_ISDIR(mode) or not os.access(directory, os.W_OK | os.X_OK):
                raise StorageUnavailable(f"storage directory {directory} is not a writable directory")

    def put(
        self,
        stream: IO[bytes],
        *,
        max_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> ObjectInfo:
        """Store the stream under its SHA-256 key, or touch the object already there."""
        digest = hashlib.sha256()
        size = 0
        tmp_path: str | None = None
        try:
            with _disk_errors(f"cannot create a temporary file in {self._tmp_dir}"):
                fd, tmp_path = make_scratch_file(self._tmp_dir, "put", ".part")
                out = io.FileIO(fd, "wb")
            with out:
                for chunk in read_chunks(stream, max_size):
                    digest.update(chunk)
                    size += len(chunk)
                    with _disk_errors("cannot write upload"):
                        _write_all(out, chunk)
                with _disk_errors("cannot flush upload"):
                    os.fchmod(out.fileno(), 0o444)
                    os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            check_expected(sha256, expected_sha256)
            return self._link_into_place(tmp_path, key_for(sha256), size)
        finally:
            if tmp_path is not None:
                _remove_quietly(tmp_path)

    @contextmanager
    def open(self, key: str, *, verify: bool = False) -> Iterator[BinaryIO]:
        """Open a streamed reader; with verify, reading to EOF raises IntegrityError on mismatch."""
        path = self.path_for(key)
        try:
            raw = io.FileIO(path, "rb")
        except FileNotFoundError:
            raise self._not_found(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot open {key}: {exc.strerror or exc}") from exc

        def read(size: int) -> bytes:
            with _disk_errors(f"cannot read {key}"):
                return raw.read(size) or b""

        with raw, io.BufferedReader(VerifyingReader(read, key, verify=verify)) as reader:
            yield reader

    def stat(self, key: str) -> ObjectInfo:
        """Return the object's info or raise ObjectNotFound."""
        path = self.path_for(key)
        try:
            return _info(key, os.stat(path))
        except FileNotFoundError:
            raise self._not_found(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot stat {key}: {exc.strerror or exc}") from exc

    def delete(self, key: str) -> None:
        """Delete the object or raise ObjectNotFound."""
        path = self.path_for(key)
        try:
            os.unlink(path)
        except FileNotFoundError:
            raise self._not_found(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot delete {key}: {exc.strerror or exc}") from exc
        with _disk_errors(f"cannot flush deletion of {key}"):
            _fsync_dir(path.parent)
        logger.info("deleted object %s", key)

    def abandoned_uploads(self, older_than: timedelta) -> list[ScratchFile]:
        """List temporary upload files of processes that died, older than the grace period."""
        with _disk_errors(f"cannot list {self._tmp_dir}"):
            return find_abandoned(self._tmp_dir, older_than=older_than)

    def remove_abandoned_uploads(self, older_than: timedelta) -> list[ScratchFile]:
        """Remove what abandoned_uploads lists; return what was removed."""
        with _disk_errors(f"cannot sweep {self._tmp_dir}"):
            return remove_abandoned(self._tmp_dir, older_than=older_than)

    def iter_objects(self) -> Iterator[ObjectInfo]:
        """Yield every stored object in key order (temporary and partial uploads excluded)."""
        with _disk_errors(f"cannot list {self._objects_dir}"):
            if not self._objects_dir.is_dir():
                raise StorageUnavailable(f"storage directory {self._objects_dir} is missing")
            for first in _sorted_entries(self._objects_dir):
                if first.name not in _HEX_PAIRS or not first.is_dir(follow_symlinks=False):
                    continue
                for second in _sorted_entries(Path(first.path)):
                    if second.name not in _HEX_PAIRS or not second.is_dir(follow_symlinks=False):
                        continue
                    for entry in _sorted_entries(Path(second.path)):
                        key = f"{KEY_PREFIX}/{first.name}/{second.name}/{entry.name}"
                        try:
                            sha256_from_key(key)
                            yield _info(key, entry.stat(follow_symlinks=False))
                        except ValueError:
                            logger.warning("ignoring stray file %s in object store", entry.path)
                        except FileNotFoundError:
                            continue  # deleted while we were listing

    def _link_into_place(self, tmp_path: str, key: str, size: int) -> ObjectInfo:
        """Hard-link the finished upload to its key, never replacing an existing object."""
        final = self.root / key
        with _disk_errors(f"cannot store {key}"):
            created = self._make_parents(final)
            # Two rounds: a sweep may delete the existing duplicate between link and touch.
            for _ in range(2):
                try:
                    os.link(tmp_path, final)
                except FileExistsError:
                    try:
                        info = self._reuse_or_repair(tmp_path, final, key)
                    except FileNotFoundError:
                        continue
                    self._flush_parents(created)
                    return info
                # Leaf first, then the folders made for it: the first flush commits a journalling
                # file system's pending metadata (the new folders too), so the others cost little.
                _fsync_dir(final.parent)
                self._flush_parents(created)
                info = _info(key, os.stat(final))
                logger.info("stored object %s (%d bytes)", key, size)
                return info
        raise StorageError(f"cannot store {key}: it kept disappearing while being stored")

    def _reuse_or_repair(self, tmp_path: str, final: Path, key: str) -> ObjectInfo:
        """Keep an intact existing copy (refreshing its mtime for the orphan sweep); replace a corrupt one.

        The upload was hashed on its way in, so when the stored copy no longer hashes to its key the
        upload is the good copy: it takes the corrupt one's place in one atomic rename.
        """
        with io.FileIO(final, "rb") as existing:
            found_size, found_sha256 = hash_reader(existing)
        if found_sha256 == sha256_from_key(key):
            os.utime(final)
            logger.info("object %s already stored; touched", key)
            return _info(key, os.stat(final))
        found = describe_found(found_size, found_sha256)
        os.replace(tmp_path, final)
        _fsync_dir(final.parent)
        logger.warning("object %s was corrupt (%s); replaced it with the uploaded copy", key, found)
        return replace(_info(key, os.stat(final)), repaired=found)

    def _make_parents(self, final: Path) -> list[Path]:
        """Create the two fan-out directories; return the parents whose entries changed, deepest first."""
        changed: list[Path] = []
        for directory in (final.parent.parent, final.parent):
            try:
                directory.mkdir()
            except FileExistsError:
                continue
            except FileNotFoundError:
                raise StorageUnavailable(
                    f"storage directory {self._objects_dir} is missing (call ensure_ready)"
                ) from None
            changed.insert(0, directory.parent)
        return changed

    @staticmethod
    def _flush_parents(changed: list[Path]) -> None:
        """Flush the folders that gained a new fan-out directory, so the object's path survives a crash."""
        for directory in changed:
            _fsync_dir(directory)
        changed.clear()

    def _not_found(self, key: str) -> StorageError:
        """Return ObjectNotFound, unless the whole store is missing (an unmounted volume)."""
        if not self._objects_dir.is_dir():
            return StorageUnavailable(f"storage directory {self._objects_dir} is missing")
        return ObjectNotFound(key)


def _write_all(out: io.FileIO, data: bytes) -> None:
    """Write every byte; a raw file may accept only part of a large write."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        if written is None:
            raise OSError(errno.EAGAIN, "write would block")
        view = view[written:]


def _remove_quietly(path: str) -> None:
    """Remove a temporary file, logging rather than masking the caller's exception."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("cannot remove temporary file %s: %s", path, exc)


def _sorted_entries(directory: Path) -> list[os.DirEntry[str]]:
    """List a directory in name order, so listings come out in key order like S3's."""
    with os.scandir(directory) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _info(key: str, st: os.stat_result) -> ObjectInfo:
    """Build ObjectInfo from a key and its file's stat result."""
    return ObjectInfo(
        key=key,
        sha256=sha256_from_key(key),
        size=st.st_size,
        modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
    )
