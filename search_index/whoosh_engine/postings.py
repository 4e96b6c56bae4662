"""Two of Whoosh's posting-block reads, done in C instead of a Python loop (same results).

Whoosh's leaf matcher decodes a block's document numbers with a Python generator
(`delta_decode`) and, in `skip_to`, walks a block one posting at a time (`next()`, `id()`).
A phrase of common words at 100,000 letters asks for millions of those calls per search:
confirming `"jadwal retensi arsip"` in 3,709 letters made 2.7 million `id()` calls. These
replacements give the same numbers and land on the same posting:

* `read_ids`: the block's ids as `itertools.accumulate` of the stored gaps;
* `skip_to`: after skipping whole blocks as Whoosh does, a binary search in the block's
  sorted ids instead of stepping through them. Whoosh finds a later block by reading every
  block header on the way (a pickle each, about 700 for a common word at 100,000 letters); a
  matcher given the list's block directory (`block_directory`, kept per segment and term by
  the reader) goes straight to the block instead.

`install()` puts them on `W3LeafMatcher`; tests/search_index/test_postings.py checks them
against Whoosh's own on real posting lists.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar

ORIGINAL_READ_IDS = W3LeafMatcher._read_ids
ORIGINAL_SKIP_TO = W3LeafMatcher.skip_to


def read_ids(self: Any) -> None:
    """Load the current block's document numbers (Whoosh's _read_ids, delta-decoded in C)."""
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    self._ids = ids if self._byteids else tuple(accumulate(ids))


def block_directory(matcher: Any) -> tuple[array, array]:
    """Return (last id, file offset) of every block of a leaf matcher's posting list, in order.

    Reads each block header once; the matcher is left at the end of its list.
    """
    matcher.reset()
    maxids, offsets = array("I"), array("Q")
    position = matcher._baseoffset
    while matcher.is_active():
        maxids.append(matcher._maxid)
        offsets.append(position)
        position = matcher._nextoffset
        matcher._next_block()
    return maxids, offsets


def skip_to(self: Any, targetid: int) -> None:
    """Move to the first posting whose id is at least targetid (Whoosh's skip_to, bisecting in the block)."""
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    if targetid > self._maxid:
        directory = self.__dict__.get("block_directory")
        if directory is not None:
            maxids, offsets = directory
            block = bisect_left(maxids, targetid)
            if block == len(maxids):
                self._atend = True
                return
            self._goto(offsets[block])
        else:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
    if self._ids is None:
        self._read_ids()
    # The block's last id is its _maxid >= targetid, so the position found is inside the block.
    self._i = bisect_left(self._ids, targetid, self._i)


def install() -> None:
    """Use these on every Whoosh leaf matcher of this process (idempotent)."""
    W3LeafMatcher._read_ids = read_ids
    W3LeafMatcher.skip_to = skip_to
