"""Phrases answered from decoded positions (View.phrase_docs) match exactly what Whoosh's phrase matcher does."""
from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from whoosh import query as wq

from search_index import SearchIndex
from search_index.whoosh_engine import reader
from search_index.analysis import analyze
from search_index.whoosh_engine.docsets import DocSet
from tests.search_index.conftest import add_in_commits
from tests.search_index.factories import synthetic_corpus


@pytest.fixture(scope="module")
def phrase_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Three segments, with deleted documents among them."""
    index = SearchIndex(tmp_path_factory.mktemp("phrases"), posting_cache_mb=0)
    index.ensure_ready()
    add_in_commits(index, list(synthetic_corpus(300, seed=3, units=6, words=(60, 140))), 100, 95, 7)
    yield index
    index.close()


def _phrases() -> list[list[str]]:
    """Phrases taken from the letters (so most match), with words repeated and a few that match nothing."""
    rng = random.Random(5)
    docs = list(synthetic_corpus(300, seed=3, units=6, words=(60, 140)))
    phrases = [["surat", "surat"], ["dinas", "surat", "dinas"], ["tidakada", "surat"], ["surat", "kakaribe", "rapat"]]
    for doc in rng.sample(docs, 40):
        terms = analyze(doc.body)
        length = rng.choice([2, 3, 4])
        start = rng.randrange(len(terms) - length)
        phrases.append(terms[start:start + length])
        # The same words in the other order: rarely a phrase.
        phrases.append(list(reversed(terms[start:start + length])))
    return phrases


def _whoosh(view, phrase: wq.Phrase) -> DocSet:
    return DocSet.from_ids(view.searcher.docs_for_query(phrase), view.size) & view.live_docs()


def test_phrase_docs_match_what_whooshs_phrase_matcher_matches(phrase_index: SearchIndex) -> None:
    with phrase_index._reading() as view:
        live = view.live_docs()
        some = DocSet.from_ids(range(0, view.size, 3), view.size) & live
        matching = 0
        for words in _phrases():
            phrase = wq.Phrase("body", words)
            expected = _whoosh(view, phrase)
            assert view.phrase_docs(phrase, live) == expected, words
            assert view.phrase_docs(phrase, some) == expected & some, words
            matching += bool(expected)
        assert matching > 30  # the test compares real matches, not empty sets


def test_phrase_docs_read_positions_once_per_document(phrase_index: SearchIndex,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A phrase asked again, or about more documents, reads positions only where it has not before."""
    asked: list[tuple[str, int]] = []  # (segment, its document number)
    real = reader._phrase_in

    def recording(view, subsearcher, fieldname, words, docs):
        asked.extend((subsearcher.reader().segment().segment_id(), docnum) for docnum in docs)
        return real(view, subsearcher, fieldname, words, docs)

    monkeypatch.setattr(reader, "_phrase_in", recording)
    cached = SearchIndex(phrase_index.path, posting_cache_mb=8)  # the fixture's has no cache
    phrase = wq.Phrase("body", ["surat", "dinas"])
    with cached._reading() as view:
        live = view.live_docs()
        half = DocSet.from_ids(range(0, view.size, 2), view.size) & live
        expected = _whoosh(view, phrase)
        assert view.phrase_docs(phrase, half) == expected & half
        first = len(asked)
        assert first > 0
        assert view.phrase_docs(phrase, half) == expected & half
        assert len(asked) == first  # nothing read again
        assert view.phrase_docs(phrase, live) == expected
        assert len(asked) == len(set(asked)) == len(view.candidates(phrase, live))
        other_half = DocSet.from_ids(range(1, view.size, 2), view.size) & live
        assert view.phrase_docs(phrase, other_half) == expected & other_half
        assert len(asked) == len(set(asked))  # every document's answer was kept
    cached.close()
