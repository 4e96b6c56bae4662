"""The shortcuts in ranking (walking candidates, the title tier) give exactly Whoosh's ranking."""
from __future__ import annotations

from array import array
from collections.abc import Iterator

import pytest

from search_index import SearchIndex, SearchRequest, SearchResults
from search_index.whoosh_engine import searching
from search_index.whoosh_engine.reader import PostingCache
from tests.search_index.conftest import add_in_commits
from tests.search_index.factories import synthetic_corpus

QUERIES = [
    "surat", "dinas", "surat dinas", "kepala dinas", "rapat koordinasi", "pegawai arsip",
    "surat OR undangan", '"surat dinas"', "laporan BUKAN anggaran", "penug*", "kakaribe",
    "sekolah puskesmas kesehatan", "surat dinas OR undangan", "(kepala dinas) OR (rapat arsip)",
    '"rapat koordinasi" OR "kepala dinas"', '"kepala dinas" arsip', '"surat dinas" OR (laporan kegiatan)',
    '"dinas surat dinas"', '"surat surat"', '"nota surat surat"', '"surat dinas surat"',
]
PRINCIPALS = [("role:arsiparis",), ("unit:1", "unit:2", "user:7")]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    index = SearchIndex(tmp_path_factory.mktemp("ranking"))
    index.ensure_ready()
    add_in_commits(index, list(synthetic_corpus(400, seed=11, units=8, words=(60, 160))), 100, 97, 9)
    yield index
    index.close()


def _ranking(index: SearchIndex, q: str, principals: tuple[str, ...], page: int) -> SearchResults:
    return index.search(SearchRequest(q=q, principals=principals, per_page=15, page=page))


def _plain(results: SearchResults) -> list[tuple[int, float]]:
    return [(hit.id, round(hit.score, 9)) for hit in results.hits]


SHORTCUTS = {
    "defaults": {},
    "walk allowed docs": {"WALK_COST_RATIO": 0},
    "dense: title tier": {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": 5},
    "dense: walk matches": {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": 10**9},
    "dense: block-max": {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": -1, "MAX_TITLE_TIER": -1,
                         "BULK_SCORE_RATIO": 10**9, "PHRASE_BULK_ABOVE": 10**9},
    "dense: few matches in bulk": {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": -1, "MAX_TITLE_TIER": -1,
                                   "BULK_SCORE_RATIO": 0, "PHRASE_BULK_ABOVE": 10**9},
    "dense: phrases in bulk": {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": -1, "MAX_TITLE_TIER": -1,
                               "BULK_SCORE_RATIO": 10**9, "PHRASE_BULK_ABOVE": -1},
    # Every posting list decoded once and read from the cache afterwards (the first search of
    # each principal fills it, the others read it).
    "cached postings": {"POSTING_CACHE": lambda: PostingCache(max_postings=10**6, min_postings=1)},
    "cached postings, walk": {"WALK_COST_RATIO": 0,
                              "POSTING_CACHE": lambda: PostingCache(max_postings=10**6, min_postings=1)},
}
# The reference: Whoosh's collector scoring every match (its block-max skipping is not exact).
WHOOSH_EXHAUSTIVE = {"WALK_COST_RATIO": 10**9, "SCORE_ALL_BELOW": -1, "MAX_TITLE_TIER": -1,
                     "BULK_SCORE_RATIO": 10**9, "PHRASE_BULK_ABOVE": 10**9, "BLOCK_MAX": False}


@pytest.mark.parametrize("q", QUERIES)
def test_shortcuts_rank_exactly_like_whoosh(corpus_index: SearchIndex, q: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Every strategy gives the same totals, hits and scores as scoring every match."""
    outcomes: dict[tuple[str, tuple[str, ...], int], SearchResults] = {}
    for name, settings in SHORTCUTS.items():
        with monkeypatch.context() as patch:
            for constant, value in settings.items():
                if constant == "POSTING_CACHE":
                    patch.setattr(corpus_index._current_generation(), "posting_cache", value())
                    continue
                patch.setattr(searching, constant, value)
            for principals in PRINCIPALS:
                for page in (1, 3):
                    outcomes[(name, principals, page)] = _ranking(corpus_index, q, principals, page)
    for constant, value in WHOOSH_EXHAUSTIVE.items():
        monkeypatch.setattr(searching, constant, value)
    for (name, principals, page), results in outcomes.items():
        reference = _ranking(corpus_index, q, principals, page)
        assert results.total == reference.total, (name, q, principals)
        assert _plain(results) == _plain(reference), (name, q, principals, page)


def test_title_tier_settles_dense_queries(corpus_index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only exact, but taken: a frequent word with enough title hits is ranked from the tier."""
    settled: list[bool] = []
    original = searching._rank_title_tier

    def recording(*args: object) -> object:
        ranked = original(*args)  # type: ignore[arg-type]
        settled.append(ranked is not None)
        return ranked

    monkeypatch.setattr(searching, "WALK_COST_RATIO", 10**9)
    monkeypatch.setattr(searching, "SCORE_ALL_BELOW", 5)
    monkeypatch.setattr(searching, "_rank_title_tier", recording)
    results = corpus_index.search(SearchRequest(q="surat", principals=("role:arsiparis",), per_page=5))
    assert results.total > 100 and settled == [True]


def test_a_reader_of_a_small_part_has_dense_matches_scored_in_bulk(
        corpus_index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Matches far fewer than the postings are scored in bulk, not collected by walking every posting."""
    narrow = ("unit:1",)  # one unit of eight
    for constant, value in WHOOSH_EXHAUSTIVE.items():
        monkeypatch.setattr(searching, constant, value)
    reference = corpus_index.search(SearchRequest(q="surat", principals=narrow, per_page=10))
    monkeypatch.setattr(searching, "BULK_SCORE_RATIO", 4)
    walked: list[int] = []
    original = searching._collect_top
    monkeypatch.setattr(searching, "_collect_top", lambda *args: walked.append(1) or original(*args))
    results = corpus_index.search(SearchRequest(q="surat", principals=narrow, per_page=10))
    assert results.total == reference.total and 20 < results.total < 100
    assert _plain(results) == _plain(reference)
    assert walked == []
    # An archivist reads everything: the matches are as many as the postings, so they are collected.
    corpus_index.search(SearchRequest(q="surat", principals=("role:arsiparis",), per_page=10))
    assert walked == [1]


def test_posting_cache_keeps_the_most_recent_lists_within_its_budget() -> None:
    cache = PostingCache(max_postings=10, min_postings=1)

    def blocks(n: int) -> list:
        return [(n - 1, array("I", range(n)), array("f", [1.0] * n))]

    cache.put("a", blocks(4))
    cache.put("b", blocks(4))
    assert cache.get("a") is not None  # now the most recent
    cache.put("c", blocks(4))  # 12 > 10: the least recent ("b") goes
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("huge", blocks(11))  # larger than the whole budget: not kept, nothing evicted
    assert cache.get("huge") is None and cache.get("a") is not None
    cache.put("a", "ignored", size=1)  # a key keeps its first value...
    assert cache.get("a") != "ignored"
    cache.put("a", "grown", size=7, replace=True)  # ...unless replaced, counted at the new size (4 + 7 > 10)
    assert cache.get("a") == "grown" and cache.get("c") is None and cache.get("huge") is None


def test_warming_decodes_the_lists_searches_then_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After warm_posting_cache, searches for common words decode nothing and rank as without a cache."""
    from search_index.whoosh_engine import reader

    index = SearchIndex(tmp_path / "warm")
    index.ensure_ready()
    docs = list(synthetic_corpus(400, seed=5, units=8, words=(60, 160)))
    for start in (0, 200):  # two segments
        with index.writer() as batch:
            for doc in docs[start:start + 200]:
                batch.upsert(doc)
    index._posting_cache = PostingCache(max_postings=10**7, min_postings=40)
    index._generation = None  # reopen with the new cache
    decoded_in_order: list[int] = []
    original_all_blocks = reader._all_blocks

    def recording(matcher, offsets=None):
        blocks = original_all_blocks(matcher, offsets)
        decoded_in_order.append(sum(len(ids) for _maxid, ids, _weights in blocks))
        return blocks

    with monkeypatch.context() as patch:
        patch.setattr(reader, "_all_blocks", recording)
        lists, postings = index.warm_posting_cache(fill=1.0)
    assert lists > 10 and postings > lists * 40
    # The longest decoded first (ready soonest after a start), and last in the LRU's order.
    assert decoded_in_order == sorted(decoded_in_order, reverse=True) and len(decoded_in_order) == lists
    kept = list(index._posting_cache._entries)
    decoded = [key for key in kept if key[0] not in ("bits", "directory")]
    assert len(decoded) == lists
    sizes = [index._posting_cache._sizes[key] for key in decoded]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert kept[-3:] == [decoded[-1], ("directory", *decoded[-1]), ("bits", *decoded[-1])]
    # With each list decoded, its block directory and its set of documents are kept too.
    assert all(("directory", *key) in kept and ("bits", *key) in kept for key in decoded)
    plain = SearchIndex(tmp_path / "warm", posting_cache_mb=0)

    from search_index.whoosh_engine.index import WARM_FIELDS

    decode = reader._all_blocks
    directory_of = reader.block_directory

    def no_decoding(matcher, offsets=None):
        if matcher._term[0] in WARM_FIELDS:
            raise AssertionError(f"a warmed list was decoded again: {matcher._term}")
        return decode(matcher, offsets)  # other fields' lists (the readers' tokens, ...) are not warmed

    def no_directory(matcher):
        if matcher._term[0] in WARM_FIELDS:
            raise AssertionError(f"a warmed list's block directory was read again: {matcher._term}")
        return directory_of(matcher)

    monkeypatch.setattr(reader, "_all_blocks", no_decoding)
    # Lists this short get no block directory in production; here the closeness of two words
    # skips through them with the directories the warm-up kept.
    monkeypatch.setattr(reader, "DIRECTORY_MIN_POSTINGS", 40)
    monkeypatch.setattr(reader, "block_directory", no_directory)
    for q in ("surat", "dinas", "surat dinas", "rapat koordinasi", "pegawai arsip"):
        warm = index.search(SearchRequest(q=q, principals=PRINCIPALS[0], per_page=15))
        cold = plain.search(SearchRequest(q=q, principals=PRINCIPALS[0], per_page=15))
        assert warm.total == cold.total and _plain(warm) == _plain(cold), q
    index.close()
    plain.close()


def test_warming_an_empty_index_does_nothing(tmp_path) -> None:
    index = SearchIndex(tmp_path / "empty")
    index.ensure_ready()
    assert index.warm_posting_cache() == (0, 0)
    assert SearchIndex(tmp_path / "empty", posting_cache_mb=0).warm_posting_cache() == (0, 0)
    index.close()


def test_term_sets_of_old_segments_are_reused_after_a_commit(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit makes a new generation; only its new segment's term sets are computed again."""
    from search_index.whoosh_engine import reader
    from tests.search_index.factories import make_document

    index = SearchIndex(tmp_path / "bits")
    index.ensure_ready()
    for start in (1, 101):
        with index.writer() as batch:
            for doc_id in range(start, start + 100):
                batch.upsert(make_document(doc_id, body=f"arsip dinas nomor {doc_id}"))
    read: list[tuple] = []
    original = reader.posting_ids

    def counting(matcher):
        leaf = getattr(matcher, "child", matcher)
        read.append(getattr(leaf, "_term", None))
        return original(matcher)

    monkeypatch.setattr(reader, "posting_ids", counting)
    request = SearchRequest(q="arsip", principals=("unit:1",), per_page=5)
    assert index.search(request).total == 200
    first = read.count(("body", b"arsip"))
    assert first == 2  # one per segment
    with index.writer() as batch:
        batch.upsert(make_document(500, body="arsip baru"))
        batch.delete(7)
    assert index.search(request).total == 200  # one added, one deleted
    assert read.count(("body", b"arsip")) == first + 1  # only the new segment was read
    index.close()
