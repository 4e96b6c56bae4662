"""Immutable sets of document numbers stored as bitmaps in a Python int.

Python's big-int &, |, & ~ and bit_count() run in C, so combining the permission set with
filters and query matches, and counting facets, stays cheap even at 100,000 documents
(a set is 12.5 KB there, against ~7 MB for a Python set of the same numbers).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.idsets import DocIdSet

# Bit positions set in each byte value, to walk a bitmap a byte at a time.
_BITS_OF_BYTE: tuple[tuple[int, ...], ...] = tuple(
    tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)
)


class DocSet(DocIdSet):
    """An immutable set of document numbers (also accepted as a Whoosh search filter)."""

    __slots__ = ("bits", "_count", "_bytes", "_sorted")

    def __init__(self, bits: int = 0) -> None:
        self.bits = bits
        self._count: int | None = None
        self._bytes: bytes | None = None
        self._sorted: list[int] | None = None

    @classmethod
    def from_ids(cls, ids: Iterable[int], size: int) -> DocSet:
        """Build a set from document numbers (any order) that are all below `size`."""
        buffer = bytearray((size + 7) >> 3)
        for docnum in ids:
            buffer[docnum >> 3] |= 1 << (docnum & 7)
        return cls(int.from_bytes(buffer, "little"))

    @classmethod
    def below(cls, size: int) -> DocSet:
        """Return the set {0, 1, ..., size - 1}."""
        return cls((1 << size) - 1)

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.bits.bit_count()
        return self._count

    def __bool__(self) -> bool:
        return self.bits != 0

    def __and__(self, other: DocSet) -> DocSet:  # type: ignore[override]
        return DocSet(self.bits & other.bits)

    def __or__(self, other: DocSet) -> DocSet:  # type: ignore[override]
        return DocSet(self.bits | other.bits)

    def __sub__(self, other: DocSet) -> DocSet:  # type: ignore[override]
        return DocSet(self.bits & ~other.bits)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocSet) and other.bits == self.bits

    def __hash__(self) -> int:
        return hash(self.bits)

    def __repr__(self) -> str:
        return f"DocSet({len(self)} docs)"

    def isdisjoint(self, other: DocSet) -> bool:
        """Tell whether the two sets share no document."""
        return not self.bits & other.bits

    def count_and(self, other: DocSet) -> int:
        """Return len(self & other) without building the intersection object."""
        return (self.bits & other.bits).bit_count()

    def _as_bytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = self.bits.to_bytes((self.bits.bit_length() + 7) // 8, "little")
        return self._bytes

    def __contains__(self, docnum: object) -> bool:
        if not isinstance(docnum, int) or docnum < 0:
            return False
        raw = self._as_bytes()
        index = docnum >> 3
        return index < len(raw) and bool(raw[index] >> (docnum & 7) & 1)

    def sorted_ids(self) -> list[int]:
        """Return the document numbers in ascending order (computed once)."""
        if self._sorted is None:
            ids: list[int] = []
            append = ids.append
            bits_of = _BITS_OF_BYTE
            for index, value in enumerate(self._as_bytes()):
                if value:
                    base = index << 3
                    for bit in bits_of[value]:
                        append(base + bit)
            self._sorted = ids
        return self._sorted

    def __iter__(self) -> Iterator[int]:
        return iter(self.sorted_ids())

    def copy(self) -> DocSet:
        """Return self: the set is immutable."""
        return self


EMPTY = DocSet(0)
