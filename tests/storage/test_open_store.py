"""Building a store from flat settings."""
from __future__ import annotations

from pathlib import Path

import pytest

from storage import FilesystemStore, MinioStore, open_store


def test_filesystem_backend(tmp_path: Path) -> None:
    """Does 'filesystem' build a FilesystemStore rooted at 'path'?"""
    store = open_store({"backend": "filesystem", "path": str(tmp_path)})
    assert isinstance(store, FilesystemStore)
    assert store.root == tmp_path


def test_minio_backend() -> None:
    """Does 'minio' build a MinioStore from endpoint, keys, bucket and flags, without connecting?"""
    store = open_store({
        "backend": "minio",
        "endpoint": "127.0.0.1:9",
        "access_key": "docflow",
        "secret_key": "rahasia",
        "bucket": "naskah-dinas",
        "secure": "false",
        "region": None,
    })
    assert isinstance(store, MinioStore)
    assert store.bucket == "naskah-dinas"
    assert "rahasia" not in repr(store)


def test_unknown_backend_is_named() -> None:
    """Is an unknown backend refused with its name in the message?"""
    with pytest.raises(ValueError, match="'dropbox'"):
        open_store({"backend": "dropbox"})


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({"backend": "filesystem"}, "path"),
        ({"backend": "minio", "access_key": "a", "secret_key": "b", "bucket": "c"}, "endpoint"),
        ({"backend": "minio", "endpoint": "e:9", "access_key": "a", "secret_key": "b"}, "bucket"),
    ],
)
def test_missing_settings_are_named(settings: dict[str, str], missing: str) -> None:
    """Is a missing required setting refused with its name in the message?"""
    with pytest.raises(ValueError, match=f"'{missing}'"):
        open_store(settings)


def test_secure_must_be_a_boolean() -> None:
    """Is a 'secure' value that is not a recognisable boolean refused?"""
    with pytest.raises(ValueError, match="secure"):
        open_store({
            "backend": "minio", "endpoint": "e:9", "access_key": "a", "secret_key": "b",
            "bucket": "c", "secure": "maybe",
        })
