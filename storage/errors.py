"""Errors raised by the object store; callers catch these, never backend exceptions."""
from __future__ import annotations


class StorageError(Exception):
    """Base class of every error the storage package raises."""


class ObjectNotFound(StorageError):
    """The store is reachable and the object is not in it."""


class StorageUnavailable(StorageError):
    """The store cannot be used right now: server down, timeouts, disk errors, missing bucket."""


class StorageFull(StorageUnavailable):
    """The store has no room for the object (a full disk or quota, a server that says so)."""


class IntegrityError(StorageError):
    """Stored or transferred bytes do not match their SHA-256 (or the server's checksum)."""


class ObjectTooLarge(StorageError):
    """An upload exceeded its size limit; nothing of it was kept."""
