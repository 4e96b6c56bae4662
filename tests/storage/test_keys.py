"""The content-addressed key layout."""
from __future__ import annotations

import hashlib

import pytest

from storage import key_for, sha256_from_key

DIGEST = hashlib.sha256(b"surat tugas").hexdigest()


def test_key_layout_round_trips() -> None:
    """Does key_for fan out by the first two byte pairs, and sha256_from_key invert it?"""
    key = key_for(DIGEST)
    assert key == f"sha256/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}"
    assert sha256_from_key(key) == DIGEST


@pytest.mark.parametrize(
    "digest",
    [DIGEST.upper(), DIGEST[:-1], DIGEST + "0", "g" * 64, "", f"../{DIGEST[3:]}"],
    ids=["uppercase", "short", "long", "not-hex", "empty", "traversal"],
)
def test_key_for_rejects_non_digests(digest: str) -> None:
    """Is anything but 64 lowercase hex digits refused?"""
    with pytest.raises(ValueError):
        key_for(digest)


@pytest.mark.parametrize(
    "key",
    [
        DIGEST,
        f"sha1/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}",
        f"sha256/{DIGEST[2:4]}/{DIGEST[:2]}/{DIGEST}",
        f"sha256/{DIGEST[:2]}/{DIGEST}",
        f"sha256/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}/",
        f"/sha256/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}",
        f"sha256/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST.upper()}",
        f"sha256/{DIGEST[:2]}/{DIGEST[2:4]}/../{DIGEST[2:4]}/{DIGEST}",
    ],
    ids=["bare-digest", "other-prefix", "swapped-levels", "one-level", "trailing-slash",
         "absolute", "uppercase", "dot-dot"],
)
def test_sha256_from_key_rejects_malformed_keys(key: str) -> None:
    """Is every key that key_for could not have produced refused?"""
    with pytest.raises(ValueError):
        sha256_from_key(key)
