"""Content-addressed object storage for official documents (filesystem or S3/MinIO).

Objects are keyed by the SHA-256 of their bytes, written atomically, never overwritten
(except a stored copy found corrupt when the same bytes arrive again: the upload repairs it),
and can be re-verified against their key at any time. Nothing here knows about Flask or
Docflow: build a store from settings with :func:`open_store` and call ``ensure_ready``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .base import ObjectInfo, ObjectStore
from .errors import (
    IntegrityError,
    ObjectNotFound,
    ObjectTooLarge,
    StorageError,
    StorageFull,
    StorageUnavailable,
)
from .filesystem import FilesystemStore
from .keys import key_for, sha256_from_key
from .scratch import ScratchFile, find_abandoned, make_scratch_file, remove_abandoned

if TYPE_CHECKING:
    from .s3 import MinioStore

__all__ = [
    "FilesystemStore",
    "IntegrityError",
    "MinioStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectTooLarge",
    "ScratchFile",
    "StorageError",
    "StorageFull",
    "StorageUnavailable",
    "find_abandoned",
    "key_for",
    "make_scratch_file",
    "open_store",
    "remove_abandoned",
    "sha256_from_key",
]



def __getattr__(name: str) -> Any:
    # The S3 client (minio, urllib3, pycryptodome) loads when first asked for: a third of a second at
    # every start of a command or a server that stores its objects in a folder.
    if name == "MinioStore":
        from .s3 import MinioStore

        return MinioStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def open_store(settings: Mapping[str, Any]) -> ObjectStore:
    """Build (without connecting) the store that a flat settings mapping describes."""
    backend = settings.get("backend", "filesystem")
    if backend == "filesystem":
        return FilesystemStore(_required(settings, "path"))
    if backend == "minio":
        from .s3 import MinioStore

        options: dict[str, Any] = {}
        if settings.get("part_size") is not None:
            options["part_size"] = int(settings["part_size"])
        if settings.get("spool_dir"):
            options["spool_dir"] = settings["spool_dir"]
        return MinioStore(
            endpoint=_required(settings, "endpoint"),
            access_key=_required(settings, "access_key"),
            secret_key=_required(settings, "secret_key"),
            bucket=_required(settings, "bucket"),
            secure=_flag(settings.get("secure", True), "secure"),
            region=settings.get("region") or None,
            **options,
        )
    raise ValueError(f"unknown storage backend {backend!r} (expected 'filesystem' or 'minio')")


def _required(settings: Mapping[str, Any], name: str) -> Any:
    """Return a setting that must be present and non-empty."""
    value = settings.get(name)
    if value is None or value == "":
        raise ValueError(f"storage setting {name!r} is required for backend {settings.get('backend')!r}")
    return value


def _flag(value: Any, name: str) -> bool:
    """Read a boolean that may come from an environment variable as text."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"storage setting {name!r} must be a boolean, got {value!r}")
