"""search_index.whoosh_engine.postings reads Whoosh posting blocks exactly as Whoosh's own code does."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from search_index import SearchIndex
from search_index.whoosh_engine import postings
from search_index.whoosh_engine.reader import leaf_postings
from tests.search_index.factories import make_document


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    """Common words over several blocks (Whoosh blocks hold up to 128 postings) and segments."""
    index = SearchIndex(Path(tmp_path_factory.mktemp("postings")))
    index.ensure_ready()
    rng = random.Random(3)
    for start in (1, 700):
        with index.writer() as batch:
            for doc_id in range(start, start + 699):
                words = ["arsip"] * rng.randint(1, 5) + (["surat"] if rng.random() < 0.3 else [])
                batch.upsert(make_document(doc_id, body=" ".join(words + ["dinas"])))
    yield index
    index.close()


def _leaf_matchers(index: SearchIndex, word: str):
    with index._reading() as view:
        for subsearcher, _offset in view.searcher.leaf_searchers():
            yield leaf_postings(subsearcher.postings("body", word))[0]


def _copy(matcher):
    """Return a second matcher over the same posting list, in the same state."""
    reference = type(matcher).__new__(type(matcher))
    reference.__dict__.update(matcher.__dict__)
    return reference


def _skip_both(matcher, reference, targets: list[int]) -> None:
    """Skip `matcher` with ours and `reference` with Whoosh's skip_to to each target; they must land alike."""
    for target in targets:
        if not matcher.is_active():
            assert not reference.is_active()
            break
        postings.skip_to(matcher, target)
        postings.ORIGINAL_SKIP_TO(reference, target)
        assert matcher.is_active() == reference.is_active()
        if matcher.is_active():
            assert matcher.id() == reference.id() >= target


@pytest.mark.parametrize("word", ["arsip", "surat"])
def test_ids_and_skips_land_where_whooshs_do(index: SearchIndex, word: str) -> None:
    assert postings.W3LeafMatcher.skip_to is postings.skip_to  # installed on import
    rng = random.Random(word)
    for matcher in _leaf_matchers(index, word):
        ours, theirs = [], []
        while matcher.is_active():
            postings.ORIGINAL_READ_IDS(matcher)
            theirs.append(tuple(matcher._ids))
            postings.read_ids(matcher)
            ours.append(tuple(matcher._ids))
            matcher._next_block()
        assert ours == theirs and len(ours) >= 2
        for _round in range(20):
            targets = sorted(rng.sample(range(0, 800), 25))
            matcher.reset()
            reference = _copy(matcher)
            reference.reset()
            _skip_both(matcher, reference, targets)


@pytest.mark.parametrize("word", ["arsip", "surat"])
def test_skips_through_the_block_directory_land_where_whooshs_do(index: SearchIndex, word: str) -> None:
    """With its block directory, skip_to jumps to the right block (reading no other header)."""
    rng = random.Random(word + "directory")
    for matcher in _leaf_matchers(index, word):
        directory = postings.block_directory(matcher)
        maxids, offsets = directory
        assert len(maxids) == len(offsets) >= 2 and list(maxids) == sorted(maxids)
        for _round in range(20):
            targets = sorted(rng.sample(range(0, 800), rng.randint(1, 25)))
            matcher.reset()
            matcher.block_directory = directory
            reference = _copy(matcher)
            del reference.block_directory
            reference.reset()
            headers = []
            original_goto = type(matcher)._goto
            matcher._goto = lambda position, m=matcher: (headers.append(position), original_goto(m, position))
            _skip_both(matcher, reference, targets)
            assert len(headers) <= len(targets)  # one header per jump at most
            del matcher._goto
