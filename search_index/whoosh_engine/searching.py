"""Searching one generation: permission filter, filters, ranking, pages, highlights, facets.

Every count and every suggestion is computed inside the set of documents the principals may
read, so nothing about other documents (not even that they exist) reaches the caller.
"""
from __future__ import annotations

import heapq
import logging
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance

from search_index.analysis import COMPOUNDS, stem_word
from search_index.whoosh_engine.docsets import EMPTY, DocSet
from search_index.errors import SearchIndexError
from search_index.highlighting import highlight_fragments, highlight_whole
from search_index.models import MAX_PER_PAGE, SORTS, SearchHit, SearchRequest, SearchResults
from search_index.query import (
    can_relax,
    corrected_query,
    is_browse,
    parse_query,
    parse_relaxed,
    TITLE_FIELDS,
    positive_leaves as _positive_leaves,
    proximity_words,
    without_fields,
)
from search_index.whoosh_engine.reader import View, is_exact_phrase, leaf_postings, posting_blocks, segment_key
from search_index.schema import FACET_FIELDS, FIELD_BOOSTS, PAIR_FIELDS

logger = logging.getLogger(__name__)

# Below this many hits a query is worth a "did you mean".
SUGGEST_BELOW = 3
MAX_EDIT_DISTANCE = 2
SPELL_FIELD = "spell"
MAX_AUTOCOMPLETE = 50
# Walking a candidate with skip_to costs about this many postings read in a full scan.
WALK_COST_RATIO = 4
# Up to this many matches, scoring each one directly beats block-max collection.
SCORE_ALL_BELOW = 5000
# Past the title tier, a query whose phrases have more candidates than this is scored in bulk
# rather than collected through Whoosh's matchers (which would confirm each phrase again).
PHRASE_BULK_ABOVE = 5000
# Past the title tier, matches at least this many times fewer than the query's postings are
# scored in bulk: the collector would pass every posting to find them (at 1,000,000 letters an
# ordinary user reads a few percent, and a common word's walk took 1-2 s for 10,000 matches).
BULK_SCORE_RATIO = 4
# Most matches with a title hit worth scoring one by one to settle a dense query's ranking.
MAX_TITLE_TIER = 20_000
# Block-max skipping in the last-resort collector (tests turn it off to score everything).
BLOCK_MAX = True
# A prefix can expand to thousands of words; marking more than this many is no help to anyone.
MAX_HIGHLIGHT_TERMS = 200
# The best this many matches (by BM25F) are reordered by how close together the words stand.
# 30 covers a first page of 20; reading word positions costs about 0.5 ms per letter.
RERANK_DEPTH = 30
# A letter with the query's words side by side scores up to this much more (1.5 = +50%).
PROXIMITY_BOOST = 0.5
# Only the body: a title is short, so its words always stand close, and it is boosted already.
PROXIMITY_FIELDS = ("body",)
# "More like this": the key terms of a letter taken from these fields (with these weights).
SIMILAR_FIELDS = {"title": 2.0, "body": 1.0}
SIMILAR_TERMS = 12


def run_search(view: View, request: SearchRequest) -> SearchResults:
    """Answer one search request against one generation.

    A query that finds nothing readable, while its spelling correction does, is answered with
    the correction (as major search engines do); the results say so in `corrected_query`.
    """
    results = _run_query(view, request, request.q)
    if request.autocorrect and results.total == 0 and results.suggestion is not None:
        corrected = _run_query(view, request, results.suggestion)
        if corrected.total:
            return replace(corrected, suggestion=None, corrected_query=results.suggestion)
    return results


def _run_query(view: View, request: SearchRequest, q: str) -> SearchResults:
    """Answer the request for the query text q."""
    if request.sort not in SORTS:
        raise SearchIndexError(f"unknown sort {request.sort!r}; use one of {', '.join(SORTS)}")
    page = max(1, request.page)
    per_page = min(max(1, request.per_page), MAX_PER_PAGE)
    start = (page - 1) * per_page
    wanted = start + per_page

    readable = readable_docs(view, request.principals)
    allowed = _allowed_docs(view, request, readable)
    if request.hidden:
        # Taken out after the cached sets: each caller hides a different few.
        hidden = view.id_docs(request.hidden)
        readable, allowed = readable - hidden, allowed - hidden
    parsed: wq.Query | None = None
    relaxed: wq.Query | None = None
    partial: list[tuple[float, int]] = []
    partial_total = 0
    if is_browse(q):
        matched = allowed
    else:
        parsed = parse_query(view.generation.parser, q)
        if request.sort == "relevance":
            matched, ranked = _rank_near_first(view, parsed, allowed, wanted)
            if len(matched) < wanted and can_relax(q):
                # Letters with only some of the words come after every letter with all of them.
                relaxed = parse_relaxed(view.generation.relaxed_parser, q)
                partial_matched, partial = _rank_near_first(view, relaxed, allowed - matched,
                                                            wanted - len(matched))
                partial_total = len(partial_matched)
        else:
            matched = _match(view, parsed, allowed)

    if parsed is None or request.sort != "relevance":
        newest = request.sort != "oldest"
        page_docs = [(d, 0.0, False) for d in _by_date(view, matched, newest, wanted)[start:]]
    else:
        page_docs = [(docnum, score, False) for score, docnum in ranked]
        page_docs += [(docnum, score, True) for score, docnum in partial]
        page_docs = page_docs[start:]
    total = len(matched)

    terms = _highlight_terms(view, parsed) if parsed is not None else {}
    partial_terms = _highlight_terms(view, relaxed) if partial else {}
    hits = [_hit(view, docnum, score, partial_terms if is_partial else terms, is_partial)
            for docnum, score, is_partial in page_docs]
    suggestion = None
    if parsed is not None and total < SUGGEST_BELOW:
        suggestion = _did_you_mean(view, q, parsed, total, allowed, readable)
    facets = facet_counts(view, matched) if request.facets else {}
    return SearchResults(total=total, page=page, per_page=per_page, hits=hits,
                         suggestion=suggestion, facets=facets, partial_total=partial_total)


# -- matching and ranking ------------------------------------------------------------------
#
# Strategies, picked per query by cost, all giving Whoosh's exact BM25F ranking:
# * the matches: for queries of words and phrases, from cached per-term bitmaps (exact total
#   and facets at the cost of a few big-int operations), a phrase's positions read only in
#   the documents holding all its words (View.phrase_docs); for prefixes and proximity, by
#   walking the allowed documents through the query's matcher (skip_to) when there are few;
# * the ranking: score every match if there are few (in bulk for words and phrases, see
#   _score_terms), only the title tier if that provably settles the top (_rank_title_tier),
#   else collect the top with block-max skipping (_collect_top).


def _walk_is_cheaper(view: View, q: wq.Query, candidates: DocSet) -> bool:
    return len(candidates) * WALK_COST_RATIO <= q.estimate_size(view.searcher.reader())


def _walk(view: View, q: wq.Query, candidates: DocSet, scored: bool) -> list[tuple[float, int]]:
    """Return (score, docnum) for every candidate the query matches."""
    return view.walk(q, candidates, scored)


def _score_known(view: View, q: wq.Query, matched: DocSet) -> list[tuple[float, int]]:
    """Return (score, docnum) for documents known to match q, in bulk where possible."""
    scored = _score_terms(view, q, matched)
    return scored if scored is not None else _walk(view, q, matched, scored=True)


def _score_terms(view: View, q: wq.Query, matched: DocSet) -> list[tuple[float, int]] | None:
    """Score documents known to match q as Whoosh would, reading each term's postings in blocks.

    Whoosh's matchers add up: a union the scores of the children a document matches, an
    intersection those of all its children, a phrase those of its words (in its field), each
    term its boosted BM25F score, and a compound of several children multiplies the sum by its
    boost. The same sums are made here over whole sets: each child of an OR over the matched
    documents it matches itself (from the cached sets, or phrase_docs). Walking the query's
    matcher instead costs several method calls per posting passed, which on a common word is
    nearly every posting. Returns None unless q is made of AND, OR, terms and plain phrases.
    """
    if not _scorable(q):
        return None
    scores: dict[int, float] = {}
    if not _add_scores(view, q, matched, matched.sorted_ids(), scores, 1.0):
        return None
    return [(score, docnum) for docnum, score in scores.items()]


def _add_scores(view: View, q: wq.Query, docs: DocSet, ids: list[int], scores: dict[int, float],
                weight: float) -> bool:
    """Add q's score times `weight` to `scores` for each of `docs` (all matching q; `ids` lists them in order).

    Returns False if a term cannot be scored in bulk.
    """
    if type(q) is wq.Term:
        return _add_term_scores(view, q, ids, scores, weight)
    if type(q) is wq.Phrase:
        weight = weight * q.boost if q.boost != 1.0 else weight
        return all(_add_term_scores(view, wq.Term(q.fieldname, word), ids, scores, weight) for word in q.words)
    children = q.subqueries
    if len(children) > 1 and q.boost != 1.0:  # Whoosh ignores the boost of a compound of one
        weight *= q.boost
    for child in children:
        child_docs, child_ids = docs, ids
        if type(q) is wq.Or and type(child) is not wq.Term:
            # A term adds its score only where it occurs, which is where it matches; a phrase or
            # a group may hold its words without matching, and must add nothing there.
            child_docs = view.query_docs(child, docs)
            child_ids = child_docs.sorted_ids()
        if child_ids and not _add_scores(view, child, child_docs, child_ids, scores, weight):
            return False
    return True


def _add_term_scores(view: View, leaf: wq.Term, ids: list[int], scores: dict[int, float], weight: float) -> bool:
    searcher = view.searcher
    context = searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        low = bisect_left(ids, offset)
        high = bisect_left(ids, offset + subsearcher.doc_count_all())
        if low == high:
            continue
        local = [docnum - offset for docnum in ids[low:high]]
        segment = segment_key(view.generation.directory, subsearcher)
        cache = view.generation.posting_cache
        matcher = leaf.matcher(subsearcher, context)
        if not matcher.is_active():
            continue
        unwrapped = leaf_postings(matcher)
        scorer = getattr(unwrapped[0], "scorer", None) if unwrapped else None
        if unwrapped is None or not hasattr(scorer, "_score") or not hasattr(scorer, "dfl"):
            return False
        postings, boost = unwrapped
        norms = _bm25_norms(scorer, view.length_bytes(subsearcher, leaf.field()))
        if norms is not None:
            lengths, norm, idf, k1_plus_1 = norms
        cache_key = None
        if cache is not None and segment is not None and \
                subsearcher.doc_frequency(leaf.field(), leaf.text) >= cache.min_postings:
            cache_key = (segment, leaf.field(), leaf.text)
        for block_ids, weights in posting_blocks(postings, local, cache_key, cache):
            first = bisect_left(local, block_ids[0])
            last = bisect_right(local, block_ids[-1], first)
            for local_doc in local[first:last]:
                i = bisect_left(block_ids, local_doc)
                if i < len(block_ids) and block_ids[i] == local_doc:
                    if norms is None:
                        score = scorer._score(weights[i], scorer.dfl(local_doc)) * boost
                    else:
                        # whoosh.scoring.bm25, the same operations in the same order.
                        posting_weight = weights[i]
                        score = idf * ((posting_weight * k1_plus_1) / (posting_weight + norm[lengths[local_doc]])) * boost
                    if weight != 1.0:
                        score *= weight
                    docnum = local_doc + offset
                    scores[docnum] = scores.get(docnum, 0.0) + score
    return True


def _bm25_norms(scorer: Any, lengths: bytes | None) -> tuple[bytes, tuple[float, ...], float, float] | None:
    """Return what scoring needs besides the weight, when the scorer is Whoosh's BM25F and lengths are known.

    Per length byte, the BM25 length normalisation K1 * ((1 - B) + B * length / avgfl),
    computed exactly as whoosh.scoring.bm25 does, so the scores are Whoosh's to the last bit.
    (Byte 0, no length, never belongs to a document with a posting in the field.)
    """
    if lengths is None or type(scorer) is not BM25FScorer:
        return None
    return lengths, _length_norms(scorer.K1, scorer.B, scorer.avgfl), scorer.idf, scorer.K1 + 1


@lru_cache(maxsize=256)
def _length_norms(k1: float, b: float, avgfl: float) -> tuple[float, ...]:
    return tuple(k1 * ((1 - b) + b * byte_to_length(value) / avgfl) for value in range(256))


def _scorable(q: wq.Query) -> bool:
    """Tell whether q is matched from cached sets and phrase_docs, and scored by _score_terms.

    NOT adds a constant to Whoosh's scores, proximity groups and prefixes score differently:
    those queries are matched and scored by their matcher.
    """
    if type(q) in (wq.And, wq.Or):
        if type(q) is wq.Or and (q.minmatch or q.scale is not None):
            return False
        return bool(q.subqueries) and all(_scorable(child) for child in q.subqueries)
    return type(q) is wq.Term or is_exact_phrase(q)


def _without_impossible(view: View, q: wq.Query, allowed: DocSet) -> wq.Query:
    """Return q without the phrases that no allowed document holds all the words of.

    Such a phrase matches nothing a score is computed for, so dropping it changes no match and
    no score; what is left is often terms only ("tanda tangan elektronik" searched in the author
    field as well), which are scored in bulk instead of walked.
    """
    if isinstance(q, wq.Phrase):
        return q if view.candidates(q, allowed) else wq.NullQuery
    if type(q) is wq.And:
        children = [_without_impossible(view, child, allowed) for child in q.subqueries]
        return wq.NullQuery if any(child is wq.NullQuery for child in children) else q
    if type(q) is wq.Or and not q.minmatch and q.scale is None:
        children = [_without_impossible(view, child, allowed) for child in q.subqueries]
        kept = [child for child in children if child is not wq.NullQuery]
        if len(kept) == len(children) and all(a is b for a, b in zip(children, q.subqueries, strict=True)):
            return q
        if not kept:
            return wq.NullQuery
        if len(kept) == 1:
            return kept[0] if q.boost == 1.0 else wq.Or(kept, boost=q.boost)
        rebuilt = wq.Or(kept, boost=q.boost)
        rebuilt.matcher_type = q.matcher_type
        return rebuilt
    return q


def _match(view: View, q: wq.Query, allowed: DocSet) -> DocSet:
    """Return the allowed documents the query matches."""
    if not allowed:
        return EMPTY
    q = _without_impossible(view, q, allowed)
    if not _scorable(q) and _walk_is_cheaper(view, q, allowed):
        # Only the allowed documents holding the words a phrase needs are walked.
        return view.matches_among(q, view.candidates(q, allowed))
    return view.query_docs(q, allowed)


def _top(found: list[tuple[float, int]], wanted: int) -> list[tuple[float, int]]:
    # Best score first; equal scores keep document order (lower number first).
    return heapq.nsmallest(wanted, found, key=lambda item: (-item[0], item[1]))


def _rank(view: View, q: wq.Query, allowed: DocSet, wanted: int) -> tuple[DocSet, list[tuple[float, int]]]:
    """Return the allowed matches and the best `wanted` of them as (score, docnum), best first."""
    if not allowed:
        return EMPTY, []
    q = _without_impossible(view, q, allowed)
    # A query of terms and phrases has its matches from cached bitmaps (and phrase_docs) and
    # scores read in bulk, which beats walking even a short list of allowed documents through
    # dense posting lists.
    if not _scorable(q):
        # A proximity group walks only the allowed letters holding all its words, matching and
        # scoring them in one pass, when those are few enough to score every one.
        candidates = view.candidates(q, allowed)
        if _walk_is_cheaper(view, q, allowed) or len(candidates) <= min(SCORE_ALL_BELOW, len(allowed) - 1):
            found = _walk(view, q, candidates, scored=True)
            return DocSet.from_ids((d for _s, d in found), view.size), _top(found, wanted)
    matched = view.query_docs(q, allowed)
    if not matched:
        return matched, []
    if len(matched) <= SCORE_ALL_BELOW:
        return matched, _top(_score_known(view, q, matched), wanted)
    ranked = _rank_title_tier(view, q, matched, wanted)
    if ranked is not None:
        return matched, ranked
    if _bulk_beats_collecting(view, q, matched):
        return matched, _top(_score_known(view, q, matched), wanted)
    # Filtering costs a membership test per posting; skip it when everything is allowed.
    everything = allowed == view.live_docs()
    return matched, _collect_top(view, q, None if everything else matched, wanted)


def _bulk_beats_collecting(view: View, q: wq.Query, matched: DocSet) -> bool:
    """Tell whether scoring every match in bulk beats collecting the best through Whoosh's matchers."""
    if len(matched) * BULK_SCORE_RATIO <= q.estimate_size(view.searcher.reader()):
        # Few matches among many postings: the collector would pass (and test) every posting,
        # most of them in letters this user may not read or that the filters exclude.
        return True
    # The collector would confirm each candidate's phrase again through Whoosh's span matchers
    # (an archivist's common phrase at 100,000 letters: 80,000 of them, 6-9 s); the matches are
    # known already, and scoring all of them in bulk takes a fraction.
    phrases = [leaf for leaf in q.leaves() if is_exact_phrase(leaf)]
    return sum(len(view.candidates(leaf, matched)) for leaf in phrases) > PHRASE_BULK_ABOVE


def _collect_top(view: View, q: wq.Query, within: DocSet | None, wanted: int) -> list[tuple[float, int]]:
    """Return the best `wanted` matches (of those `within`, if given), skipping hopeless blocks.

    A block whose best possible score (block-max) cannot beat the weakest kept hit is passed
    over without scoring its documents.
    """
    # Whoosh's own collector also swaps in "replacement" matchers as the threshold rises, and
    # those can drop a hit that belongs in the top; this loop keeps to block-max skipping.
    searcher = view.searcher
    context = searcher.context()
    heap: list[tuple[float, int]] = []  # (score, -docnum): the weakest kept hit on top
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = q.matcher(subsearcher, context)
        skipping = BLOCK_MAX and matcher.supports_block_quality()
        while matcher.is_active():
            if skipping and len(heap) == wanted:
                matcher.skip_to_quality(heap[0][0])
                if not matcher.is_active():
                    break
            docnum = matcher.id() + offset
            if within is None or docnum in within:
                item = (matcher.score(), -docnum)
                if len(heap) < wanted:
                    heapq.heappush(heap, item)
                elif item[0] > heap[0][0]:
                    heapq.heapreplace(heap, item)
            matcher.next()
    return [(score, -negated) for score, negated in sorted(heap, key=lambda i: (-i[0], -i[1]))]


def _rank_title_tier(view: View, q: wq.Query, matched: DocSet, wanted: int) -> list[tuple[float, int]] | None:
    """Rank by scoring only the matches with a title hit, if that provably gives the top hits.

    Common words defeat block-max skipping (every block has some title hit, boosted three
    times), so a dense query would score nearly every match. But when the `wanted`-th best
    title match outscores the most any match without a title hit could reach (the query's
    maximum score with its title terms taken out), no other match can enter the top, and the
    ranking is exact. Returns None when that does not hold.
    """
    title_leaves = [leaf for leaf in _positive_leaves(q) if leaf.field() in TITLE_FIELDS]
    if not title_leaves:
        return None
    bits = 0
    for leaf in title_leaves:
        bits |= view.query_docs(leaf).bits
    tier = DocSet(bits) & matched
    if not wanted <= len(tier) <= min(MAX_TITLE_TIER, len(matched) // 2):
        return None
    ranked = _top(_score_known(view, q, tier), wanted)
    if len(ranked) < wanted or ranked[-1][0] <= _max_score(view, without_fields(q, TITLE_FIELDS)):
        return None
    return ranked


def _max_score(view: View, q: wq.Query) -> float:
    """Return an upper bound of q's score over all documents."""
    if q is wq.NullQuery:
        return 0.0
    searcher = view.searcher
    best = 0.0
    for subsearcher, _offset in searcher.leaf_searchers():
        matcher = q.matcher(subsearcher, searcher.context())
        if matcher.is_active():
            best = max(best, matcher.max_quality())
    return best


def _rank_near_first(view: View, q: wq.Query, allowed: DocSet,
                     wanted: int) -> tuple[DocSet, list[tuple[float, int]]]:
    """Rank like _rank, then reorder the best RERANK_DEPTH by the closeness of the query's words.

    Always the same top RERANK_DEPTH is reordered whatever the page, so pages stay consistent.
    """
    words = proximity_words(q)
    if len(words) < 2:
        return _rank(view, q, allowed, wanted)
    matched, ranked = _rank(view, q, allowed, max(wanted, RERANK_DEPTH))
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    closeness = _closeness(view, words, [docnum for _score, docnum in head])
    head = _top([(score * (1.0 + PROXIMITY_BOOST * closeness.get(docnum, 0.0)), docnum)
                 for score, docnum in head], len(head))
    return matched, (head + tail)[:wanted]


def _closeness(view: View, words: list[str], docnums: list[int]) -> dict[int, float]:
    """Return, per document, how close together the query's words stand (0 to 1).

    Each pair of words next to each other in the query scores 1 / their least distance in the
    PROXIMITY_FIELDS (1 side by side, in either order; 0 if one is missing); a document's
    closeness is the mean over the pairs, in its best field.
    """
    positions: dict[int, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    searcher = view.searcher
    ids = sorted(docnums)
    for subsearcher, offset in searcher.leaf_searchers():
        low = bisect_left(ids, offset)
        high = bisect_left(ids, offset + subsearcher.doc_count_all())
        if low == high:
            continue
        for fieldname in PROXIMITY_FIELDS:
            for word in words:
                try:
                    postings = view.seek_postings(subsearcher, fieldname, word)
                except (TermNotFound, KeyError):
                    continue
                if not postings.supports("positions"):
                    continue
                for docnum in ids[low:high]:
                    local = docnum - offset
                    if postings.is_active() and postings.id() < local:
                        postings.skip_to(local)
                    if not postings.is_active():
                        break
                    if postings.id() == local:
                        positions[docnum][fieldname][word] = list(postings.value_as("positions"))
    pairs = list(zip(words, words[1:]))
    closeness: dict[int, float] = {}
    for docnum, fields in positions.items():
        closeness[docnum] = max(
            sum(_pair_closeness(by_word.get(a), by_word.get(b)) for a, b in pairs) / len(pairs)
            for by_word in fields.values()
        )
    return closeness


def _pair_closeness(first: list[int] | None, second: list[int] | None) -> float:
    """Return 1 / (the least distance between the two words' positions), or 0 if one is missing."""
    if not first or not second:
        return 0.0
    i = j = 0
    least = None
    while i < len(first) and j < len(second):
        gap = abs(first[i] - second[j])
        least = gap if least is None else min(least, gap)
        if first[i] < second[j]:
            i += 1
        else:
            j += 1
    return 1.0 / max(least or 1, 1)


# -- document sets -------------------------------------------------------------------------


def readable_docs(view: View, principals: tuple[str, ...]) -> DocSet:
    """Return the documents any of the principals may read."""
    if not principals:
        return EMPTY
    return view.any_term_docs("readers", tuple(principals))


def _allowed_docs(view: View, request: SearchRequest, readable: DocSet) -> DocSet:
    """Return readable documents that pass every filter of the request (cached)."""
    classification = (request.classification or "").strip().rstrip(".")
    key = ("allowed", frozenset(request.principals), frozenset(request.doc_types),
           frozenset(request.units), frozenset(request.states),
           frozenset(request.security_classes), classification,
           request.date_from, request.date_to)

    def compute() -> DocSet:
        result = readable
        for fieldname, values in (("doc_type", request.doc_types), ("unit", request.units),
                                  ("state", request.states),
                                  ("security_class", request.security_classes)):
            if values and result:
                result = result & view.any_term_docs(fieldname, tuple(values))
        if classification and result:
            result = result & _classification_docs(view, classification)
        if (request.date_from is not None or request.date_to is not None) and result:
            result = result & _date_docs(view, request.date_from, request.date_to)
        return result

    return view.generation.cached(key, compute)


def _classification_docs(view: View, code: str) -> DocSet:
    # "000.8" covers itself and its descendants ("000.8.3.3"), not a sibling like "000.81".
    q = wq.Or([wq.Term("classification", code), wq.Prefix("classification", code + ".")])
    return view.query_docs_cached(("classification", code), q)


def _local_midnight_utc(day: date, view: View) -> datetime:
    moment = datetime.combine(day, time.min, tzinfo=view.local_tz)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _date_docs(view: View, date_from: date | None, date_to: date | None) -> DocSet:
    if date_from is not None and date_to is not None and date_from > date_to:
        return EMPTY
    start = _local_midnight_utc(date_from, view) if date_from is not None else None
    end = _local_midnight_utc(date_to + timedelta(days=1), view) if date_to is not None else None
    q = wq.DateRange("created", start, end, startexcl=False, endexcl=True)
    return view.query_docs_cached(("created", date_from, date_to), q)


def _by_date(view: View, docs: DocSet, newest: bool, upto: int) -> list[int]:
    """Return the first `upto` of docs ordered by creation time."""
    if not docs or upto <= 0:
        return []
    keys = view.created_keys()
    # A small set sorts faster than a walk through the whole index in date order.
    if len(docs) * 16 < len(keys):
        ids = docs.sorted_ids()
        if newest:
            return heapq.nsmallest(upto, ids, key=lambda d: (-keys[d], d))
        return heapq.nsmallest(upto, ids, key=lambda d: (keys[d], -d))
    order = view.newest_first()
    picked: list[int] = []
    for docnum in (order if newest else reversed(order)):
        if docnum in docs:
            picked.append(docnum)
            if len(picked) == upto:
                break
    return picked


# -- hits ----------------------------------------------------------------------------------


def _highlight_terms(view: View, q: wq.Query) -> dict[str, frozenset[str]]:
    """Return, per stored field, the terms of the query to mark in it."""
    schema = view.searcher.schema
    reader = view.searcher.reader()
    found: dict[str, set[str]] = defaultdict(set)
    for leaf in _positive_leaves(q):
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if len(found[fieldname]) >= MAX_HIGHLIGHT_TERMS:
                continue
            if isinstance(text, bytes):
                text = schema[fieldname].from_bytes(text)
            found[fieldname].add(text)
    # Title words matched as written (a prefix on title_ac) are marked through their roots,
    # and the words of a matched pair in the field the pair came from.
    found["title"].update(stem_word(word) for word in found.pop("title_ac", ()))
    for fieldname, pair_field in PAIR_FIELDS.items():
        for pair in found.pop(pair_field, ()):
            found[fieldname].update(pair.split(" "))
    return {fieldname: frozenset(texts) for fieldname, texts in found.items()}


def _hit(view: View, docnum: int, score: float, terms: dict[str, frozenset[str]],
         partial: bool = False) -> SearchHit:
    """Build one hit from stored fields, highlighting only the hits that are shown."""
    stored: dict[str, Any] = view.searcher.stored_fields(docnum)
    title = stored.get("title", "")
    body = stored.get("body", "")
    return SearchHit(
        id=int(stored["id"]),
        title=title,
        number=stored.get("number"),
        doc_type=stored.get("doc_type", ""),
        unit=stored.get("unit", ""),
        state=stored.get("state", ""),
        created=stored["created"].replace(tzinfo=timezone.utc),
        score=score,
        title_html=highlight_whole(title, terms.get("title", frozenset())),
        fragments=highlight_fragments(body, terms.get("body", frozenset())),
        partial=partial,
    )


# -- facets --------------------------------------------------------------------------------


def facet_counts(view: View, docs: DocSet) -> dict[str, dict[str, int]]:
    """Count docs per value of each facet field, largest first; zero counts are left out."""
    facets: dict[str, dict[str, int]] = {}
    for fieldname in FACET_FIELDS:
        counts: dict[str, int] = {}
        if docs:
            for value in view.field_values(fieldname):
                n = view.term_docs(fieldname, value).count_and(docs)
                if n:
                    counts[value] = n
        facets[fieldname] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return facets


# -- did you mean --------------------------------------------------------------------------


def _did_you_mean(view: View, q: str, parsed: wq.Query, total: int, allowed: DocSet,
                  readable: DocSet) -> str | None:
    """Propose a corrected query, only from words of readable documents and only if it finds more."""
    if not readable or SPELL_FIELD not in view.searcher.schema:
        return None
    found = corrected_query(
        view.generation.parser, q, parsed,
        known=lambda field_terms: any(not view.term_docs(f, t).isdisjoint(readable) for f, t in field_terms),
        written=lambda typed: not view.term_docs(SPELL_FIELD, typed).isdisjoint(readable),
        closest=lambda typed, previous: _closest_readable_word(view, typed, previous, readable))
    if found is None:
        return None
    corrected, query = found
    if len(_match(view, query, allowed)) <= total:
        return None
    return corrected


def _closest_readable_word(view: View, typed: str, previous: str | None, readable: DocSet) -> str | None:
    """Return the nearest word written in readable documents, or None.

    Fewest edits first, then a word completing an office compound with the word before it
    ("tanda tangan" over "tanda tanggal"), then the word in the most readable documents.
    """
    reader = view.searcher.reader()
    # Per segment: only a segment reader walks its word list with a Levenshtein automaton.
    leaves = [leaf for leaf, _offset in reader.leaf_readers()] if not reader.is_atomic() else [reader]
    near = {word for leaf in leaves
            for word in leaf.terms_within(SPELL_FIELD, typed, MAX_EDIT_DISTANCE, prefix=1)}
    ranked: list[tuple[int, int, int, str]] = []
    for candidate in near - {typed}:
        readable_count = view.term_docs(SPELL_FIELD, candidate).count_and(readable)
        if readable_count:
            compound = 0 if (previous, candidate) in COMPOUNDS else 1
            ranked.append((distance(typed, candidate), compound, -readable_count, candidate))
    return min(ranked)[3] if ranked else None


# -- more like this ------------------------------------------------------------------------


def similar_documents(view: View, doc_id: int, principals: tuple[str, ...], limit: int,
                      hidden: frozenset[int] = frozenset()) -> SearchResults:
    """Return the readable letters sharing the most distinctive words of one readable letter.

    The letter's key terms (Bo1, from its title and body as indexed) become an OR query run
    inside the principals' readable set without the letter itself; a letter they may not read
    gives no results at all, as if it did not exist. `hidden` letters are left out (see SearchRequest).
    """
    limit = min(max(1, limit), MAX_PER_PAGE)
    readable = readable_docs(view, principals)
    if hidden:
        readable = readable - view.id_docs(hidden)
    source = view.term_docs("id", str(doc_id)) & readable
    empty = SearchResults(total=0, page=1, per_page=limit, hits=[], suggestion=None, facets={})
    if not source:
        return empty
    docnum = source.sorted_ids()[0]
    searcher = view.searcher
    terms: dict[str, float] = defaultdict(float)
    for fieldname, weight in SIMILAR_FIELDS.items():
        for text, score in searcher.key_terms([docnum], fieldname, numterms=SIMILAR_TERMS):
            terms[text] += score * weight
    best = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
    if not best:
        return empty
    q = wq.Or([wq.Term(fieldname, text, boost=weight * boost)
               for text, weight in best for fieldname, boost in FIELD_BOOSTS.items()
               if fieldname in SIMILAR_FIELDS])
    matched, ranked = _rank(view, q, readable - source, limit)
    terms_by_field = {fieldname: frozenset(text for text, _w in best) for fieldname in SIMILAR_FIELDS}
    hits = [_hit(view, d, score, terms_by_field) for score, d in ranked]
    return SearchResults(total=len(matched), page=1, per_page=limit, hits=hits, suggestion=None, facets={})


# -- autocomplete --------------------------------------------------------------------------


def suggest_titles(view: View, prefix: str, principals: tuple[str, ...], limit: int,
                   hidden: frozenset[int] = frozenset()) -> list[str]:
    """Return up to `limit` distinct titles of readable documents matching the typed words, newest first."""
    limit = min(max(0, limit), MAX_AUTOCOMPLETE)
    analyzer = view.searcher.schema["title_ac"].analyzer
    words = [t.text for t in analyzer(prefix, mode="query")]
    if not words or not limit:
        return []
    complete_last = prefix[-1:].isspace()
    parts: list[wq.Query] = [wq.Term("title_ac", w) for w in (words if complete_last else words[:-1])]
    if not complete_last:
        parts.append(wq.Prefix("title_ac", words[-1]))
    readable = readable_docs(view, principals)
    if hidden and readable:
        readable = readable - view.id_docs(hidden)
    if not readable:
        return []
    matched = _match(view, wq.And(parts), readable)
    titles: list[str] = []
    seen: set[str] = set()
    # Fetch a few extra rows: several letters often share one title.
    for docnum in _by_date(view, matched, newest=True, upto=limit * 4):
        title = view.searcher.stored_fields(docnum).get("title", "")
        folded = " ".join(title.split()).casefold()
        if title and folded not in seen:
            seen.add(folded)
            titles.append(title)
            if len(titles) == limit:
                break
    return titles

