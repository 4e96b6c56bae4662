"""Content-addressed key layout: ``sha256/ab/cd/abcd...`` (64 lowercase hex digits)."""
from __future__ import annotations

import re

KEY_PREFIX = "sha256"

_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_KEY_RE = re.compile(KEY_PREFIX + r"/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")


def key_for(sha256_hex: str) -> str:
    """Return the storage key for a SHA-256 given as 64 lowercase hex digits."""
    if not isinstance(sha256_hex, str) or not _SHA256_RE.fullmatch(sha256_hex):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256_hex!r}")
    return f"{KEY_PREFIX}/{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def sha256_from_key(key: str) -> str:
    """Return the SHA-256 a key names, or raise ValueError for anything not made by key_for."""
    match = _KEY_RE.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        raise ValueError(f"malformed storage key: {key!r}")
    first, second, digest = match.groups()
    # The two directory levels are derived from the digest; a key whose levels disagree
    # would address a different file on disk than the one its name claims.
    if digest[:2] != first or digest[2:4] != second:
        raise ValueError(f"malformed storage key: {key!r}")
    return digest
