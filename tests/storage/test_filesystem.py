"""Filesystem-specific guarantees: read-only files, staging directory, disk trouble."""
from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from storage import FilesystemStore, ObjectNotFound, StorageUnavailable, key_for

from .conftest import GeneratedStream

MiB = 1024 * 1024


def test_objects_are_read_only_files_at_their_key(tmp_path: Path) -> None:
    """Is each object a 0444 file at <root>/<key>, with the staging directory left empty?"""
    store = FilesystemStore(tmp_path)
    store.ensure_ready()

    info = store.put(io.BytesIO(b"surat perintah"))

    path = tmp_path / info.key
    assert store.path_for(info.key) == path
    assert path.read_bytes() == b"surat perintah"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert os.listdir(tmp_path / "tmp") == []


def test_interrupted_upload_leaves_no_temporary_file(tmp_path: Path) -> None:
    """If the incoming stream breaks halfway, is the staged part removed?"""

    class BrokenUpload(GeneratedStream):
        def readinto(self, buffer: Any) -> int:
            if self._left < 2 * MiB:
                raise ConnectionResetError("client went away")
            return super().readinto(buffer)

    store = FilesystemStore(tmp_path)
    store.ensure_ready()

    with pytest.raises(ConnectionResetError):
        store.put(io.BufferedReader(BrokenUpload(3 * MiB)))

    assert os.listdir(tmp_path / "tmp") == []
    assert list(store.iter_objects()) == []


def test_stray_files_are_not_objects(tmp_path: Path) -> None:
    """Are files that are not well-formed keys left out of iter_objects?"""
    store = FilesystemStore(tmp_path)
    store.ensure_ready()
    info = store.put(io.BytesIO(b"laporan"))
    (tmp_path / "tmp" / "put-leftover.part").write_bytes(b"partial")
    (tmp_path / "sha256" / "README").write_text("not an object")
    (tmp_path / info.key).parent.joinpath("notes.txt").write_text("not an object")

    assert [item.key for item in store.iter_objects()] == [info.key]


def test_unmounted_root_is_unavailable_not_empty(tmp_path: Path) -> None:
    """Does a missing storage root raise StorageUnavailable rather than ObjectNotFound?"""
    store = FilesystemStore(tmp_path / "not-mounted")
    key = key_for("0" * 64)
    started = time.monotonic()

    with pytest.raises(StorageUnavailable):
        store.check_health()
    with pytest.raises(StorageUnavailable):
        store.put(io.BytesIO(b"x"))
    with pytest.raises(StorageUnavailable):
        store.stat(key)
    with pytest.raises(StorageUnavailable):
        store.exists(key)
    with pytest.raises(StorageUnavailable):
        with store.open(key):
            pass
    with pytest.raises(StorageUnavailable):
        list(store.iter_objects())
    assert time.monotonic() - started < 10


def test_disk_errors_become_storage_unavailable(tmp_path: Path) -> None:
    """Is an OSError from the disk (here: root is a file) reported as StorageUnavailable?"""
    root = tmp_path / "root"
    root.write_text("a file where a directory should be")
    store = FilesystemStore(root)

    with pytest.raises(StorageUnavailable, match="cannot prepare storage root"):
        store.ensure_ready()
    with pytest.raises(StorageUnavailable):
        store.put(io.BytesIO(b"x"))


def test_object_swept_after_put_can_be_stored_again(tmp_path: Path) -> None:
    """After a sweep deletes an object, does the next upload of the same bytes recreate it?"""
    store = FilesystemStore(tmp_path)
    store.ensure_ready()
    key = store.put(io.BytesIO(b"notula rapat")).key
    store.delete(key)
    with pytest.raises(ObjectNotFound):
        store.stat(key)

    assert store.put(io.BytesIO(b"notula rapat")).key == key
    assert store.verify(key).size == len(b"notula rapat")
