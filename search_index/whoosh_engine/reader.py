"""Read side: one open index generation, its pooled searchers and its cached document sets.

A Whoosh searcher is not safe to share between threads (its posting files are read with
seek() then read()), so each concurrent search borrows its own searcher; all searchers of a
generation see the same commit, so document numbers, and every set cached here, agree.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.query import And, AndNot, Every, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.qparser import OrGroup, QueryParser
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from search_index.whoosh_engine.docsets import EMPTY, DocSet
from search_index.errors import IndexDamagedError, SearchIndexError
from search_index.whoosh_engine.postings import block_directory
from search_index.query import build_parser

logger = logging.getLogger(__name__)

# Distinct cached sets per generation (principal tokens, filter values, filter combinations).
# A set costs size/8 bytes (12.5 KB at 100,000 documents), so this bounds memory well.
DOCSET_CACHE_SIZE = 4096
# Walking candidates with skip_to costs about this many postings read in a full evaluation.
WALK_COST_RATIO = 4
# Lists of at least this many postings get a block directory for skipping (View.seek_postings).
DIRECTORY_MIN_POSTINGS = 1024
# Whoosh's mmap path copies every file of a segment into a BytesIO per reader opened (seconds
# and hundreds of MB per searcher on a large index, for each pooled searcher and after every
# commit); plain file reads share the OS page cache and proved as fast for our searches.
USE_MMAP = False


# Tries at opening the latest commit while commits may be replacing it (see Generation.open).
OPEN_ATTEMPTS = 5


class StaleGeneration(Exception):
    """A newer commit appeared while a searcher was being opened; the caller retries."""


class Generation:
    """One commit of one index directory, shared by all threads until a newer one appears."""

    def __init__(self, directory: Path, ix: FileIndex, searcher: Searcher, local_tz: tzinfo,
                 posting_cache: PostingCache | None = None) -> None:
        self.directory = directory
        self.local_tz = local_tz
        # Shared with the index's other generations (see PostingCache); None: no cache.
        self.posting_cache = posting_cache
        self._ix = ix
        self.schema = searcher.schema
        self.number: int = searcher.reader().generation()
        self._lock = threading.Lock()
        self._idle: list[Searcher] = [searcher]
        self._users = 0
        self._retired = False
        self._docsets: OrderedDict[Hashable, DocSet] = OrderedDict()
        self._created: list[int] | None = None
        self._newest_first: list[int] | None = None
        self._parser: QueryParser | None = None
        self._relaxed_parser: QueryParser | None = None
        self._lengths: dict[tuple[str, str], bytes | None] = {}

    @classmethod
    def open(cls, directory: Path, local_tz: tzinfo, posting_cache: PostingCache | None = None) -> Generation:
        """Open the latest commit of the index in `directory`.

        A commit made while this opens may delete the files of the commit being opened (its
        table of contents, merged segments): then the newer commit is opened instead.
        """
        for attempt in range(OPEN_ATTEMPTS):
            try:
                ix = FileStorage(str(directory), supports_mmap=USE_MMAP).open_index()
                searcher = Searcher(ix.reader(), fromindex=ix)
                return cls(directory, ix, searcher, local_tz, posting_cache)
            except FileNotFoundError as exc:
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise IndexDamagedError(f"cannot open search index {directory}: {exc}") from exc
                time.sleep(0.01 * (attempt + 1))
            except Exception as exc:
                raise IndexDamagedError(f"cannot open search index {directory}: {exc!r}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def is_current(self, link: Path) -> bool:
        """Tell whether `link` still points here and no commit has happened since opening."""
        if self._retired:
            return False
        try:
            return (os.readlink(link) == self.directory.name
                    and self._ix.latest_generation() == self.number)
        except OSError:
            return False

    @contextmanager
    def lease(self) -> Iterator[View]:
        """Lend a searcher of this generation for one search."""
        with self._lock:
            if self._retired:
                raise StaleGeneration()
            self._users += 1
            searcher = self._idle.pop() if self._idle else None
        try:
            if searcher is None:
                searcher = self._open_searcher()
            yield View(self, searcher)
        finally:
            with self._lock:
                self._users -= 1
                if searcher is not None:
                    if self._retired:
                        searcher.close()
                    else:
                        self._idle.append(searcher)

    def _open_searcher(self) -> Searcher:
        try:
            reader = self._ix.reader()
        except OSError as exc:
            # A writer's merge deleted files of our commit: a newer generation exists.
            raise StaleGeneration() from exc
        if reader.generation() != self.number:
            reader.close()
            raise StaleGeneration()
        return Searcher(reader, fromindex=self._ix)

    def retire(self) -> None:
        """Stop lending; idle searchers close now, borrowed ones when they come back."""
        with self._lock:
            self._retired = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()

    # -- caches shared by all searchers of this generation ------------------------------

    @property
    def parser(self) -> QueryParser:
        """Return the query parser for this generation's schema (built once)."""
        if self._parser is None:
            self._parser = build_parser(self.schema)
        return self._parser

    @property
    def relaxed_parser(self) -> QueryParser:
        """Return the parser with OR between words, for letters matching some of them (built once)."""
        if self._relaxed_parser is None:
            self._relaxed_parser = build_parser(self.schema, OrGroup)
        return self._relaxed_parser

    def cached(self, key: Hashable, compute: Callable[[], DocSet]) -> DocSet:
        """Return the document set stored under key, computing it once per generation."""
        with self._lock:
            found = self._docsets.get(key)
            if found is not None:
                self._docsets.move_to_end(key)
                return found
        # Computed outside the lock: two threads may both compute it, which is harmless.
        value = compute()
        with self._lock:
            self._docsets[key] = value
            while len(self._docsets) > DOCSET_CACHE_SIZE:
                self._docsets.popitem(last=False)
        return value

    def created_keys(self, searcher: Searcher) -> list[int]:
        """Return the sortable `created` value of every document number."""
        if self._created is None and not searcher.doc_count_all():
            self._created = []
        if self._created is None:
            column = searcher.reader().column_reader("created", translate=False)
            keys = list(column)
            if len(keys) != searcher.doc_count_all():
                keys = [column[docnum] for docnum in range(searcher.doc_count_all())]
            self._created = keys
        return self._created

    def newest_first(self, searcher: Searcher) -> list[int]:
        """Return every document number, newest `created` first (ties: lower number first)."""
        if self._newest_first is None:
            keys = self.created_keys(searcher)
            self._newest_first = sorted(range(len(keys)), key=lambda d: (-keys[d], d))
        return self._newest_first


def posting_ids(matcher: Matcher) -> Iterator[int]:
    """Yield the document numbers of a term's postings, deleted ones possibly included.

    Whoosh's generic all_ids() costs several method calls per posting; its own leaf matcher
    holds each block's ids as a tuple, so whole blocks are handed over at once.
    """
    if isinstance(matcher, FilterMatcher) and getattr(matcher, "_exclude", False):
        matcher = matcher.child  # the deletion filter: the caller removes deleted documents
    if type(matcher) is W3LeafMatcher and hasattr(matcher, "_read_ids"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            yield from matcher._ids[matcher._i:]
            matcher._next_block()
    else:
        yield from matcher.all_ids()


def leaf_postings(matcher: Matcher) -> tuple[W3LeafMatcher, float] | None:
    """Return a term's own posting matcher and the boost wrapped around it, if it has one.

    None when the matcher is not Whoosh's leaf matcher (nothing to read in bulk).
    """
    boost = 1.0
    while isinstance(matcher, WrappingMatcher):
        if not isinstance(matcher, FilterMatcher):
            boost *= matcher.boost
        # A FilterMatcher hides deleted documents; callers only ask about live ones.
        matcher = matcher.child
    if type(matcher) is not W3LeafMatcher or not hasattr(matcher, "_read_weights"):
        return None
    return matcher, boost


class PostingCache:
    """Decoded posting blocks of long posting lists, shared by every generation and thread.

    A common word's postings at 100,000 letters are some 1,800 compressed, pickled blocks:
    decoding them is most of a search for it, and the same common words come back in query
    after query. Segments never change once written (a commit or merge makes new ones, and
    deletions are applied by the caller), so an entry keyed by segment, field and term stays
    right until the segment is merged away, when it ages out of the LRU. Callers offer lists
    of at least `min_postings` (shorter ones decode quickly); the total is bounded by
    `max_postings` (POSTING_BYTES each in memory). The same LRU keeps each segment's set of
    documents per term (`segment_bits`), counted at what its bytes would hold in postings, so
    that the sets a search starts from survive the worker's commits too.
    """

    def __init__(self, max_postings: int, min_postings: int) -> None:
        self.max_postings = max_postings
        self.min_postings = min_postings
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            blocks = self._entries.get(key)
            if blocks is not None:
                self._entries.move_to_end(key)
            return blocks

    def put(self, key: Hashable, blocks: Any, size: int | None = None, replace: bool = False) -> None:
        """Keep decoded blocks (their postings counted) or any value costing `size` postings.

        A value already kept under `key` stays, unless `replace` (a value that grows).
        """
        if size is None:
            size = sum(len(ids) for _, ids, _ in blocks)
        if size > self.max_postings:
            return
        with self._lock:
            if key in self._entries:
                if not replace:
                    return
                del self._entries[key]
                self._total -= self._sizes.pop(key)
            self._entries[key] = blocks
            self._sizes[key] = size
            self._total += size
            while self._total > self.max_postings:
                old, _ = self._entries.popitem(last=False)
                self._total -= self._sizes.pop(old)


# Bytes of memory per cached posting: a 4-byte id, a 4-byte weight, and the block's objects
# (two arrays and a tuple per block of up to 128 postings) spread over its postings.
POSTING_BYTES = 10
# Shorter lists decode quickly enough not to be worth a place.
CACHE_MIN_POSTINGS = 2_048


def segment_key(directory: Path, subsearcher: Searcher) -> tuple[str, str] | None:
    """Return what identifies a segment's postings in a PostingCache (index directory, segment id)."""
    get_segment = getattr(subsearcher.reader(), "segment", None)
    segment = get_segment() if get_segment is not None else None
    return (str(directory), segment.segment_id()) if segment is not None else None


def _all_blocks(matcher: W3LeafMatcher, offsets: array | None = None) -> list[tuple[int, array, Sequence[float]]]:
    """Decode every block of a posting list; with `offsets`, append each block's file offset to it."""
    # From the first block: a wrapper hiding deleted documents may have moved the matcher past
    # blocks of documents deleted in this generation, which an older one still counts.
    matcher.reset()
    blocks = []
    position = matcher._baseoffset
    while matcher.is_active():
        if offsets is not None:
            offsets.append(position)
            position = matcher._nextoffset
        if matcher._ids is None:
            matcher._read_ids()  # delta-decoded in C (search_index.whoosh_engine.postings)
        if matcher._weights is None:
            matcher._read_weights()
        # Whoosh keeps a block's differing weights as Python floats (about 32 bytes each); they
        # are term frequencies, exact in 4 bytes (as Whoosh stores uniform ones). Kept as they
        # are should one not be.
        weights = matcher._weights
        packed = array("f", weights)
        blocks.append((matcher._maxid, array("I", matcher._ids),
                       packed if packed.tolist() == list(weights) else weights))
        matcher._next_block()
    return blocks


def cached_blocks(cache: PostingCache, key: Hashable,
                  matcher: W3LeafMatcher) -> list[tuple[int, array, Sequence[float]]]:
    """Return a posting list's decoded blocks from the cache, decoding and keeping them on a miss.

    A miss also keeps the list's block directory (View.seek_postings), read on the way.
    """
    blocks = cache.get(key)
    if blocks is None:
        offsets = array("Q")
        blocks = _all_blocks(matcher, offsets)
        cache.put(key, blocks)
        if len(offsets) == len(blocks):
            _keep_directory(cache, ("directory", *key), (array("I", [maxid for maxid, _i, _w in blocks]), offsets))
    return blocks


def _keep_directory(cache: PostingCache, key: Hashable, directory: tuple[array, array]) -> None:
    cache.put(key, directory, size=max(1, len(directory[0]) * 12 // POSTING_BYTES))


def warm_postings(view: View, cache: PostingCache, fieldnames: Sequence[str], fill: float) -> tuple[int, int]:
    """Decode into the cache the longest posting lists of the view's segments; return (lists, postings).

    Takes lists from the longest down while they fit in `fill` of the cache's budget, so that a
    common word's first search after a start finds its postings decoded, with its block
    directory and its set of documents per segment. The longest are decoded first (they cost a
    search the most to decode itself, and a large index takes minutes to warm), then touched
    again from the shortest up, so that they are also the last the LRU lets go.
    """
    found: list[tuple[int, Hashable, Searcher, str, str]] = []
    for subsearcher, _offset in view.searcher.leaf_searchers():
        segment = segment_key(view.generation.directory, subsearcher)
        if segment is None:
            continue
        reader = subsearcher.reader()
        for fieldname in fieldnames:
            if fieldname not in view.generation.schema:
                continue
            field = view.generation.schema[fieldname]
            for termbytes, info in reader.iter_field(fieldname):
                frequency = info.doc_frequency()
                if frequency >= cache.min_postings:
                    found.append((frequency, segment, subsearcher, fieldname, field.from_bytes(termbytes)))
    found.sort(key=lambda item: item[0], reverse=True)
    budget, used, chosen = int(cache.max_postings * fill), 0, []
    for item in found:
        if used + item[0] <= budget:
            chosen.append(item)
            used += item[0]
    for _frequency, segment, subsearcher, fieldname, text in chosen:
        unwrapped = leaf_postings(subsearcher.postings(fieldname, text))
        if unwrapped is not None:
            cached_blocks(cache, (segment, fieldname, text), unwrapped[0])
            view._segment_bits(subsearcher, fieldname, text)  # the term's set, from those blocks
    for _frequency, segment, _subsearcher, fieldname, text in reversed(chosen):
        for kind in ((), ("directory",), ("bits",)):
            cache.get((*kind, segment, fieldname, text))
    return len(chosen), used


def posting_blocks(matcher: W3LeafMatcher, needed: Sequence[int] | None = None, cache_key: Hashable | None = None,
                   cache: PostingCache | None = None) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """Yield (ids, weights) of each block of a fresh leaf matcher, a whole block at a time.

    With `needed` (ascending document numbers), a block holding none of them is passed over
    on its header alone: its ids, weights and positions are never decompressed. With
    `cache_key` (segment, field, term; for lists of at least cache.min_postings) and `cache`,
    the list is decoded whole once and kept there; later calls read the decoded blocks.
    """
    if cache_key is not None and cache is not None:
        below = 0
        for maxid, ids, weights in cached_blocks(cache, cache_key, matcher):
            if needed is not None:
                if below == len(needed):
                    return
                if needed[below] > maxid:
                    continue
                below = bisect_right(needed, maxid, below)
            yield ids, weights
        return
    below = 0  # needed[:below] lie in blocks already passed
    while matcher.is_active():
        if needed is not None:
            if below == len(needed):
                return
            if needed[below] > matcher._maxid:
                matcher._next_block()
                continue
            below = bisect_right(needed, matcher._maxid, below)
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def is_exact_phrase(q: Query) -> bool:
    """Tell whether q is a plain phrase (words side by side, in order), which phrase_docs answers."""
    return type(q) is Phrase and q.slop == 1 and bool(q.words) and all(isinstance(w, str) for w in q.words)


def _phrase_in(view: View, subsearcher: Searcher, fieldname: str, words: list[bytes], docs: list[int]) -> list[int]:
    """Return the documents (ascending, each holding every word) where the words stand side by side."""
    field_format = subsearcher.schema[fieldname].format
    if not field_format.supports("positions"):
        raise SearchIndexError(f"field {fieldname} keeps no word positions to match a phrase in")
    decode = field_format.decoder("positions")
    postings = [view.seek_postings(subsearcher, fieldname, word) for word in words]
    found = []
    for docnum in docs:
        starts: set[int] | None = None
        for shift, matcher in enumerate(postings):
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active() or matcher.id() != docnum:
                raise SearchIndexError(f"document {docnum} was a phrase candidate without word {shift + 1}")
            positions = decode(matcher.value())
            if starts is None:
                starts = set(positions)
            else:
                starts.intersection_update([position - shift for position in positions])
            if not starts:
                break
        if starts:
            found.append(docnum)
    return found


def _from_sets(q: Query) -> bool:
    """Tell whether query_docs answers q from cached term sets alone (no matcher walk)."""
    if isinstance(q, Term | Every) or q is NullQuery:
        return True
    if isinstance(q, And | Not | AndNot) or (isinstance(q, Or) and not q.minmatch):
        return all(_from_sets(child) for child in q.children())
    return False


def _read_lengths(perdoc: object, fieldname: str, doccount: int) -> bytes | None:
    lenfield = _lenfield(fieldname)
    try:
        if not perdoc.has_column(lenfield):  # type: ignore[attr-defined]
            return None
        column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)  # type: ignore[attr-defined]
        raw = column._dbfile.get(column._basepos, column._count)
    except (AttributeError, OSError):
        return None
    if len(raw) != min(column._count, doccount) or column._fixedlen != 1:
        return None
    return bytes(raw) + bytes(max(0, doccount - len(raw)))


class View:
    """A generation together with the searcher borrowed for one search."""

    def __init__(self, generation: Generation, searcher: Searcher) -> None:
        self.generation = generation
        self.searcher = searcher
        self.size: int = searcher.doc_count_all()

    @property
    def local_tz(self) -> tzinfo:
        """Return the calendar used for date filters."""
        return self.generation.local_tz

    def live_docs(self) -> DocSet:
        """Return every document that is not deleted."""
        def compute() -> DocSet:
            if self.searcher.doc_count() == self.size:
                return DocSet.below(self.size)
            return DocSet.from_ids(self.searcher.reader().all_doc_ids(), self.size)

        return self.generation.cached(("live",), compute)

    def _matching(self, q: Query) -> DocSet:
        return DocSet.from_ids(self.searcher.docs_for_query(q), self.size)

    def term_docs(self, fieldname: str, value: str) -> DocSet:
        """Return the documents holding one exact term (cached)."""
        return self.generation.cached(("term", fieldname, value), lambda: self._postings(fieldname, value))

    def _postings(self, fieldname: str, value: str) -> DocSet:
        bits = 0
        for subsearcher, offset in self.searcher.leaf_searchers():
            bits |= self._segment_bits(subsearcher, fieldname, value) << offset
        # The segments' sets may include deleted documents; the live set removes them.
        return DocSet(bits) & self.live_docs()

    def _segment_bits(self, subsearcher: Searcher, fieldname: str, value: str) -> int:
        """Return one segment's documents holding the term, as bits of its own numbers.

        Kept in the posting cache per segment, so a commit (a new generation) recomputes only
        its new segment's; long lists are read from (or put in) the cache's decoded blocks.
        """
        cache = self.generation.posting_cache
        segment = segment_key(self.generation.directory, subsearcher) if cache is not None else None
        key = ("bits", segment, fieldname, value)
        if segment is not None:
            bits = cache.get(key)
            if bits is not None:
                return bits
        try:
            frequency = subsearcher.doc_frequency(fieldname, value)
            matcher = subsearcher.reader().postings(fieldname, value) if frequency else None
        except (TermNotFound, KeyError):
            matcher = None
        if matcher is None:
            return 0
        buffer = bytearray((subsearcher.doc_count_all() + 7) >> 3)
        if segment is not None and frequency >= cache.min_postings and (leaf := leaf_postings(matcher)):
            blocks = cached_blocks(cache, (segment, fieldname, value), leaf[0])
            ids: Iterable[int] = (docnum for _maxid, block_ids, _weights in blocks for docnum in block_ids)
        else:
            ids = posting_ids(matcher)
        for docnum in ids:
            buffer[docnum >> 3] |= 1 << (docnum & 7)
        bits = int.from_bytes(buffer, "little")
        if segment is not None:
            cache.put(key, bits, size=max(1, len(buffer) // POSTING_BYTES))
        return bits

    def id_docs(self, ids: Iterable[int]) -> DocSet:
        """Return the documents with these ids (not cached: the set changes with every caller).

        One term lookup per id and segment, the document numbers gathered before the set is made:
        a set per id (as term_docs makes) would cost the whole index's size for each.
        """
        values = [str(doc_id) for doc_id in set(ids)]
        docnums: list[int] = []
        for subsearcher, offset in self.searcher.leaf_searchers():
            reader = subsearcher.reader()
            for value in values:
                if ("id", value) in reader:
                    docnums.extend(offset + docnum for docnum in posting_ids(reader.postings("id", value)))
        if not docnums:
            return EMPTY
        return DocSet.from_ids(docnums, self.searcher.doc_count_all()) & self.live_docs()

    def any_term_docs(self, fieldname: str, values: tuple[str, ...]) -> DocSet:
        """Return the documents holding any of the terms (cached per value set)."""
        key = ("any", fieldname, frozenset(values))

        def compute() -> DocSet:
            bits = 0
            for value in set(values):
                bits |= self.term_docs(fieldname, value).bits
            return DocSet(bits)

        return self.generation.cached(key, compute)

    def query_docs_cached(self, key: Hashable, q: Query) -> DocSet:
        """Return the documents matching a filter query, cached under key."""
        return self.generation.cached(key, lambda: self._matching(q))

    def query_docs(self, q: Query, within: DocSet | None = None) -> DocSet:
        """Return the live documents matching q, combining cached term sets where possible.

        With `within`, the answer is q's matches among those documents only: a query that has
        no cached sets (a phrase, a proximity group) is then checked on those candidates alone,
        after the cheaper parts of an AND have narrowed them, instead of on the whole index.
        """
        if isinstance(q, Term):
            text = q.text
            if isinstance(text, bytes):
                text = self.searcher.schema[q.fieldname].from_bytes(text)
            docs = self.term_docs(q.fieldname, text)
            return docs if within is None else docs & within
        if isinstance(q, Or) and not q.minmatch:
            bits = 0
            for child in q.subqueries:
                bits |= self.query_docs(child, within).bits
            return DocSet(bits)
        if isinstance(q, And):
            # Cached sets first, smallest estimate first, so an empty intersection stops the
            # work early; then the rest, each asked only about what is left.
            reader = self.searcher.reader()
            result = within
            for child in sorted(q.subqueries, key=lambda c: (not _from_sets(c), c.estimate_size(reader))):
                docs = self.query_docs(child, result)
                result = docs if result is None else result & docs
                if not result:
                    return EMPTY
            return result if result is not None else EMPTY
        if isinstance(q, Not):
            return (self.live_docs() if within is None else within) - self.query_docs(q.query, within)
        if isinstance(q, AndNot):
            matched = self.query_docs(q.a, within)
            return matched - self.query_docs(q.b, matched) if matched else EMPTY
        if isinstance(q, Every):
            return self.live_docs() if within is None else within
        if isinstance(q, type(NullQuery)):
            return EMPTY
        if within is None:
            return self._matching(q)
        if is_exact_phrase(q):
            return self.phrase_docs(q, within)
        if isinstance(q, Phrase) and q.words:
            # Only documents holding every word can hold the phrase: positions are read there.
            within = self.candidates(q, within)
            return self.matches_among(q, within) if within else EMPTY
        if len(within) * WALK_COST_RATIO <= q.estimate_size(self.searcher.reader()):
            return self.matches_among(q, within)
        return self._matching(q) & within

    def candidates(self, q: Query, within: DocSet) -> DocSet:
        """Return the documents of `within` that may match q, from cached term sets alone.

        Exact where q is made of terms; for a phrase, the documents holding all its words
        (positions are not read); for anything else, `within` itself. A superset of the
        matches, so walking it with q's matcher finds exactly q's matches in `within`.
        """
        if _from_sets(q):
            return self.query_docs(q, within)
        if isinstance(q, And):
            for child in q.subqueries:
                within = self.candidates(child, within)
                if not within:
                    return EMPTY
            return within
        if isinstance(q, Or) and not q.minmatch:
            bits = 0
            for child in q.subqueries:
                bits |= self.candidates(child, within).bits
            return DocSet(bits)
        if isinstance(q, Phrase):
            for word in q.words:
                within = within & self.term_docs(q.fieldname, word)
            return within
        return within

    def phrase_docs(self, q: Phrase, within: DocSet) -> DocSet:
        """Return the documents of `within` holding the phrase's words side by side, in order.

        What Whoosh's phrase matcher matches (SpanNear2, slop 1), read without it: for each
        document holding every word, each word's positions are decoded straight from its
        posting (C pickle) and compared as sets, instead of building span objects at every
        step of a matcher tree. Each segment's answers are kept in the posting cache as two
        sets (documents checked, documents matching), so a phrase searched again, or the next
        page of it, reads positions only for documents not checked before.
        """
        within = self.candidates(q, within)
        if not within:
            return EMPTY
        ids = within.sorted_ids()
        cache = self.generation.posting_cache
        field = self.searcher.schema[q.fieldname]
        words = [field.to_bytes(word) for word in q.words]
        bits = 0
        for subsearcher, offset in self.searcher.leaf_searchers():
            low = bisect_left(ids, offset)
            high = bisect_left(ids, offset + subsearcher.doc_count_all())
            if low == high:
                continue
            local = [docnum - offset for docnum in ids[low:high]]
            segment = segment_key(self.generation.directory, subsearcher) if cache is not None else None
            key = ("phrase", segment, q.fieldname, tuple(words))
            checked, matched = (cache.get(key) if segment is not None else None) or (0, 0)
            wanted = DocSet.from_ids(local, subsearcher.doc_count_all()).bits
            unchecked = wanted & ~checked
            if unchecked:
                found = _phrase_in(self, subsearcher, q.fieldname, words, DocSet(unchecked).sorted_ids())
                checked |= unchecked
                matched |= DocSet.from_ids(found, subsearcher.doc_count_all()).bits
                if segment is not None:
                    cache.put(key, (checked, matched), size=max(1, subsearcher.doc_count_all() // 4 // POSTING_BYTES),
                              replace=True)
            bits |= (matched & wanted) << offset
        return DocSet(bits)

    def seek_postings(self, subsearcher: Searcher, fieldname: str, text: str | bytes) -> Matcher:
        """Return a term's posting matcher in one segment, for skipping to documents far apart.

        A long list's matcher gets the list's block directory (search_index.whoosh_engine.postings), kept in
        the posting cache, so that skip_to reads only the header of the block it lands in.
        Raises TermNotFound for a term the segment lacks.
        """
        matcher = subsearcher.reader().postings(fieldname, text)
        cache = self.generation.posting_cache
        leaf = leaf_postings(matcher)
        if cache is None or leaf is None or subsearcher.doc_frequency(fieldname, text) < DIRECTORY_MIN_POSTINGS:
            return matcher
        segment = segment_key(self.generation.directory, subsearcher)
        if segment is None:
            return matcher
        term = self.searcher.schema[fieldname].from_bytes(text) if isinstance(text, bytes) else text
        key = ("directory", segment, fieldname, term)  # as cached_blocks keeps it
        directory = cache.get(key)
        if directory is None:
            directory = block_directory(subsearcher.reader().postings(fieldname, text))
            _keep_directory(cache, key, directory)
        leaf[0].block_directory = directory
        return matcher

    def matches_among(self, q: Query, candidates: DocSet) -> DocSet:
        """Return the candidates q matches, asking q's matcher to skip to each in turn."""
        return DocSet.from_ids((docnum for _score, docnum in self.walk(q, candidates, scored=False)), self.size)

    def walk(self, q: Query, candidates: DocSet, scored: bool) -> list[tuple[float, int]]:
        """Return (score, docnum) for every candidate the query matches (score 0.0 unless scored)."""
        searcher = self.searcher
        context = searcher.context() if scored else searcher.boolean_context()
        ids = candidates.sorted_ids()
        found: list[tuple[float, int]] = []
        for subsearcher, offset in searcher.leaf_searchers():
            low = bisect_left(ids, offset)
            high = bisect_left(ids, offset + subsearcher.doc_count_all())
            if low == high:
                continue
            matcher = q.matcher(subsearcher, context)
            for docnum in ids[low:high]:
                if not matcher.is_active():
                    break
                local = docnum - offset
                if matcher.id() < local:
                    matcher.skip_to(local)
                    if not matcher.is_active():
                        break
                if matcher.id() == local:
                    found.append((matcher.score() if scored else 0.0, docnum))
        return found

    def length_bytes(self, subsearcher: Searcher, fieldname: str) -> bytes | None:
        """Return one segment's field lengths, a byte per document as Whoosh stores them (cached).

        Whoosh reads one of these bytes from the file per document scored; scoring thousands
        of documents wants them all at once. None when the segment keeps no lengths.
        """
        reader = subsearcher.reader()
        segment = getattr(reader, "segment", None)
        perdoc = getattr(reader, "_perdoc", None)
        if segment is None or perdoc is None:
            return None
        key = (segment().segment_id(), fieldname)
        lengths = self.generation._lengths.get(key, b"")
        if lengths == b"":
            lengths = _read_lengths(perdoc, fieldname, subsearcher.doc_count_all())
            self.generation._lengths[key] = lengths
        return lengths

    def field_values(self, fieldname: str) -> list[str]:
        """Return every indexed value of an untokenized field."""
        field = self.searcher.schema[fieldname]
        return [field.from_bytes(b) for b in self.searcher.reader().lexicon(fieldname)]

    def created_keys(self) -> list[int]:
        """Return the sortable `created` value per document number."""
        return self.generation.created_keys(self.searcher)

    def newest_first(self) -> list[int]:
        """Return all document numbers, newest first."""
        return self.generation.newest_first(self.searcher)

    def fingerprints(self) -> dict[int, str]:
        """Return id -> fingerprint for every live document."""
        reader = self.searcher.reader()
        if not self.size:
            return {}  # a reader without segments has no columns
        ids = reader.column_reader("id")
        prints = reader.column_reader("fingerprint")
        return {int(ids[docnum]): prints[docnum] for docnum in reader.all_doc_ids()}
