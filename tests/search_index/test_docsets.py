"""Bitmap document sets."""
from __future__ import annotations

from search_index.whoosh_engine.docsets import EMPTY, DocSet


def test_set_operations_and_counts() -> None:
    a = DocSet.from_ids([1, 5, 9, 200], size=256)
    b = DocSet.from_ids([5, 200, 7], size=256)
    assert (a & b).sorted_ids() == [5, 200]
    assert (a | b).sorted_ids() == [1, 5, 7, 9, 200]
    assert (a - b).sorted_ids() == [1, 9]
    assert len(a) == 4 and a.count_and(b) == 2
    assert not a.isdisjoint(b) and a.isdisjoint(DocSet.from_ids([2], size=3))
    assert list(a) == [1, 5, 9, 200]


def test_membership() -> None:
    a = DocSet.from_ids([0, 8, 1023], size=1024)
    assert 0 in a and 8 in a and 1023 in a
    assert 1 not in a and 1024 not in a and -1 not in a and "8" not in a


def test_empty_and_full() -> None:
    assert not EMPTY and len(EMPTY) == 0 and EMPTY.sorted_ids() == []
    assert DocSet.below(10).sorted_ids() == list(range(10))
    assert DocSet.below(10) == DocSet.from_ids(range(10), size=10)
