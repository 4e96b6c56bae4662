"""The PostgreSQL engine: the index as rows of the application's database, read by every node.

Each document is one row of `search_entries`: the stored fields for hits and filters, its readers
as a text array (GIN), and one tsvector `terms` holding the terms of Docflow's own analysis
(search_index.analysis, through the same field analyzers as the Whoosh engine) with their
positions, each term prefixed by its field ("b:rapat", "t:undang", "n:800/12/2025"), plus pairs
of common words and the reader principals, so one GIN index answers every field and the
permission filter. A second tsvector, `positions`, holds only the positions of the scored fields'
terms (half the size): phrases' word order is checked there (the GIN index of `terms` having
found the rows with the words), and scoring reads each candidate's positions from it. No
PostgreSQL text-search configuration analyses anything: tsvector and tsquery are built here
from Docflow's terms, so both engines match the same words.

Queries are parsed by the shared query language (search_index.query) and translated to one
tsquery; the permission filter, the filters, the totals and the facets are SQL. Ranking is the
Whoosh engine's BM25F (same field boosts, k1, b and idf), computed here from the term positions of
the candidate rows (every match when there are few, a common word's title matches when they
provably hold the top, else the best by ts_rank), then reordered by the closeness of the query's
words as the Whoosh engine does. Document frequencies of common terms on large tables come from
ANALYZE's statistics (pg_stats), the rest are counted. Highlights reuse search_index.highlighting
on the stored title and body.

The tables are created by the engine itself (ensure_ready, CREATE ... IF NOT EXISTS), not by an
Alembic migration: they are derived data, versioned like the Whoosh folder (search_meta holds the
analysis version; a mismatch raises IndexOutdatedError until `reindex`), and SQLite instances
never have them. A rebuild fills a new table and puts it in the old one's place in one transaction.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time as dtime, timedelta, timezone, tzinfo
from itertools import islice
from multiprocessing import get_context
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from whoosh import qparser
from whoosh import query as wq

from search_index import boilerplate
from search_index.analysis import COMPOUNDS, is_pair, pair_term, stem_word
from search_index.engine import SearchEngine
from search_index.errors import IndexOutdatedError, SearchIndexError
from search_index.highlighting import highlight_fragments, highlight_whole
from search_index.models import MAX_PER_PAGE, SORTS, IndexedDocument, SearchHit, SearchRequest, SearchResults
from search_index.query import (
    build_parser,
    can_relax,
    corrected_query,
    is_browse,
    parse_query,
    parse_relaxed,
    TITLE_FIELDS,
    positive_leaves as _positive_leaves,
    proximity_words as _proximity_words,
    without_fields,
)
from search_index.schema import FACET_FIELDS, PAIR_FIELDS, SCHEMA_VERSION, build_schema

logger = logging.getLogger(__name__)

# Bump when the tables or the term encoding change (with search_index.schema.SCHEMA_VERSION).
LAYOUT_VERSION = 4  # 2: pair lexemes; 3: principal lexemes; 4: the positions column
VERSION = f"{SCHEMA_VERSION}.{LAYOUT_VERSION}"

# The prefix of each field's terms in the one tsvector.
FIELD_CODES = {"title": "t", "number": "n", "body": "b", "author": "a", "recipients": "r", "title_ac": "c",
               "spell": "s"}
# Adjacent word pairs of the prose fields (the shared schema's pair fields), stored without positions:
# a two-word phrase is then one lexeme the GIN index answers exactly, and a longer phrase's pairs narrow
# the rows whose positions PostgreSQL must check to the few that hold every pair.
PAIR_CODES = {"title_pairs": "T", "body_pairs": "B"}
# Each reader principal is a lexeme too ("P:unit:8"): a search ANDs the words with the searcher's
# principals in one tsquery, so one GIN scan finds the readable matches and positions (phrases) are
# checked only in those rows, whatever the planner guesses of a phrase's selectivity.
PRINCIPAL_CODE = "P"
# Fields whose token counts are kept for BM25's length normalisation (in this order in `lengths`).
LENGTH_FIELDS = ("title", "number", "body", "author", "recipients")
# Their lexemes are also kept, with their positions, in a second tsvector `positions`, half the size of
# `terms` (no spelling words, pairs, autocomplete words or principals): scoring and the ts_rank preselect
# read each candidate's positions, and reading a row's tsvector out of TOAST is what a search costs per
# candidate (17 us for `terms` at 100,000 letters, 7 us for `positions`).
POSITION_CODES = frozenset(FIELD_CODES[field] for field in LENGTH_FIELDS)
_PAIR_BASE = {pair: base for base, pair in PAIR_FIELDS.items()}
# tsvector keeps positions 1..16383 and at most 256 per term.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 255

K1 = 1.2
B = 0.75
# Up to this many matches every one is scored exactly; past it the best PRESELECT by ts_rank are.
SCORE_ALL_BELOW = 3000
PRESELECT = 600
# Above this many matches, the matches with a title hit (at most MAX_TITLE_TIER, at most half) are
# scored first; when the last of the top outscores anything a match without a title hit could reach,
# that is the exact top and no other row's terms are read.
TITLE_TIER_ABOVE = 400
MAX_TITLE_TIER = 1500
# As in the Whoosh engine (search_index.whoosh_engine.searching).
SUGGEST_BELOW = 3
MAX_EDIT_DISTANCE = 2
MAX_AUTOCOMPLETE = 50
MAX_HIGHLIGHT_TERMS = 200
RERANK_DEPTH = 30
PROXIMITY_BOOST = 0.5
SIMILAR_FIELDS = {"title": 2.0, "body": 1.0}
SIMILAR_TERMS = 12
# Documents analysed and inserted together by a rebuild.
REBUILD_BATCH = 200
# The document count and average field lengths are cached this long per process; document
# frequencies DF_SECONDS (a word's frequency moves slowly, and counting a common one is the cost).
STATS_SECONDS = 30.0
DF_SECONDS = 300.0
# From this many rows on, the statistics come from PostgreSQL's own estimates (kept by ANALYZE, which
# a rebuild runs and autovacuum repeats): the row count from pg_class, the average field lengths from
# a sample of SAMPLE_ROWS, and the document frequency of the common lexemes from the most common
# elements of `terms` in pg_stats (counting a word half the letters hold reads half the table). Rarer
# lexemes, and every lexeme of a smaller table, are counted exactly.
EXACT_STATS_BELOW = 50_000
SAMPLE_ROWS = 5_000
# The statistics target of `terms`: ANALYZE samples 300 times as many rows and keeps up to 10 times
# as many most common lexemes (10,000 from 300,000 rows; PostgreSQL's default of 100 keeps 1,000).
TERMS_STATISTICS = 1000

TABLE = "search_entries"
# A rebuild fills this table, indexes it in bulk and puts it in place of TABLE (see PostgresEngine.rebuild).
REBUILD_TABLE = "search_entries_rebuild"
# Memory for building its indexes (PostgreSQL's default, 64 MB, makes the GIN build spill and merge).
REBUILD_INDEX_MEMORY = "256MB"


def _table_ddl(table: str) -> list[str]:
    """Return the statements creating the entries table `table` (if missing), without its indexes."""
    return [f"""CREATE TABLE IF NOT EXISTS {table} (
        doc_id bigint PRIMARY KEY,
        title text NOT NULL,
        body text NOT NULL,
        number text,
        doc_type text NOT NULL,
        unit text NOT NULL,
        state text NOT NULL,
        security_class text NOT NULL,
        classification text NOT NULL,
        year text NOT NULL,
        created timestamptz NOT NULL,
        updated timestamptz NOT NULL,
        readers text[] NOT NULL,
        fingerprint text NOT NULL,
        lengths integer[] NOT NULL,
        terms tsvector NOT NULL,
        positions tsvector NOT NULL)""",
            # Tables of layout 3 and older gain the column; their rebuild fills it (the version says they need one).
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS positions tsvector"]


def _index_ddl(table: str) -> list[str]:
    """Return the statements creating the indexes of the entries table `table` (if missing), named after it."""
    return [f"CREATE INDEX IF NOT EXISTS {table}_terms ON {table} USING gin (terms)",
            f"CREATE INDEX IF NOT EXISTS {table}_readers ON {table} USING gin (readers)",
            f"CREATE INDEX IF NOT EXISTS {table}_created ON {table} (created, doc_id)"]


_DDL = (
    *_table_ddl(TABLE),
    *_index_ddl(TABLE),
    # Words as written, for "did you mean" (only ever added: a word no readable row holds is never offered).
    "CREATE TABLE IF NOT EXISTS search_words (word text PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS search_meta (key text PRIMARY KEY, value text NOT NULL)",
)


def _quote(lexeme: str) -> str:
    """Return a lexeme quoted for tsvector and tsquery input."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _principal(token: str) -> str:
    """Return a reader principal's quoted lexeme."""
    return _quote(f"{PRINCIPAL_CODE}:{token}")


def readable_tsquery(principals: Sequence[str]) -> str:
    """Return the tsquery part matching rows that any of these principals may read."""
    return "(" + " | ".join(_principal(p) for p in principals) + ")"


def lexeme(field: str, term: str) -> str:
    """Return the tsvector lexeme of a field's term."""
    return f"{FIELD_CODES[field]}:{term}"


def pair_lexeme(field: str, first: str, second: str) -> str:
    """Return the lexeme of two adjacent terms of a prose field (title or body)."""
    return f"{PAIR_CODES[PAIR_FIELDS[field]]}:{pair_term(first, second)}"


# -- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    values: dict[str, Any]
    words: set[str]


class _Analysis:
    """The field analyzers of the shared schema, turning a document into its row."""

    def __init__(self, local_tz: tzinfo) -> None:
        self.schema = build_schema()
        self.local_tz = local_tz

    def row(self, doc: IndexedDocument) -> _Row:
        for token in doc.readers:
            if not token or any(ch.isspace() for ch in token):
                raise SearchIndexError(f"reader token {token!r} of document {doc.id} is empty or has spaces")
        if doc.created.tzinfo is None or doc.updated.tzinfo is None:
            raise SearchIndexError("datetimes given to the index must be timezone-aware")
        body = boilerplate.strip(doc.body)
        sources = {"title": doc.title, "number": doc.number or "", "body": body, "author": doc.author,
                   "recipients": doc.recipients, "title_ac": doc.title, "spell": f"{doc.title}\n{body}"}
        positions: dict[str, list[int]] = defaultdict(list)
        lengths = dict.fromkeys(LENGTH_FIELDS, 0)
        words: set[str] = set()
        for field, value in sources.items():
            if not value:
                continue
            for token in self.schema[field].analyzer(value, positions=True, mode="index"):
                if field in lengths:
                    lengths[field] += 1
                if field == "spell":
                    words.add(token.text)
                slots = positions[lexeme(field, token.text)]
                if len(slots) < MAX_POSITIONS_PER_TERM:
                    slots.append(min(token.pos + 1, MAX_POSITION))
        pairs: set[str] = set()
        for field, pair_field in PAIR_FIELDS.items():
            value = sources[field]
            if value:
                code = PAIR_CODES[pair_field]
                pairs.update(f"{code}:{token.text}" for token in self.schema[pair_field].analyzer(value, mode="index"))
        entries = [f"{_quote(lex)}:{','.join(map(str, sorted(set(p))))}" for lex, p in positions.items()]
        terms = " ".join(entries + [_quote(lex) for lex in sorted(pairs)] + [_principal(r) for r in sorted(set(doc.readers))])
        kept = " ".join(entry for entry, lex in zip(entries, positions) if lex.partition(":")[0] in POSITION_CODES)
        values = {
            "doc_id": doc.id, "title": doc.title, "body": body, "number": doc.number, "doc_type": doc.doc_type,
            "unit": doc.unit, "state": doc.state, "security_class": doc.security_class,
            "classification": doc.classification, "year": str(doc.created.astimezone(self.local_tz).year),
            "created": doc.created, "updated": doc.updated, "readers": list(doc.readers),
            "fingerprint": doc.fingerprint, "lengths": [lengths[f] for f in LENGTH_FIELDS], "terms": terms,
            "positions": kept,
        }
        return _Row(values, words)


_COLUMNS = ("doc_id", "title", "body", "number", "doc_type", "unit", "state", "security_class", "classification",
            "year", "created", "updated", "readers", "fingerprint", "lengths", "terms", "positions")
# Into a table named later (the live one, or a rebuild's).
_INSERT = "INSERT INTO {table} (%s) VALUES (%s) " % (
    ", ".join(_COLUMNS), ", ".join(f"CAST(:{c} AS tsvector)" if c in ("terms", "positions") else f":{c}" for c in _COLUMNS))
# A slower worker must not overwrite a newer entry written meanwhile by another (several workers may run).
_UPSERT = _INSERT.format(table=TABLE) + (
    "ON CONFLICT (doc_id) DO UPDATE SET {sets} WHERE search_entries.updated <= EXCLUDED.updated").format(
    sets=", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "doc_id"))


class PostgresBatch:
    """Changes collected inside `PostgresEngine.writer()`, written in one transaction at its end."""

    def __init__(self, analysis: _Analysis) -> None:
        self._analysis = analysis
        self._ops: dict[int, _Row | None] = {}

    def upsert(self, doc: IndexedDocument) -> None:
        """Add the document, replacing any indexed document with the same id."""
        self._ops[doc.id] = self._analysis.row(doc)  # analysed now: errors name the document

    def delete(self, doc_id: int) -> None:
        """Remove the document with this id, if it is indexed."""
        self._ops[doc_id] = None

    def __len__(self) -> int:
        return len(self._ops)

    def apply(self, conn: Connection) -> None:
        """Write the collected changes on an open transaction."""
        # Shared: writers go side by side; a rebuild takes it exclusively and they wait for its commit.
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(hashtext('docflow search_entries'))"))
        gone = [doc_id for doc_id, row in self._ops.items() if row is None]
        rows = [row for row in self._ops.values() if row is not None]
        if gone:
            conn.execute(text("DELETE FROM search_entries WHERE doc_id = ANY(:ids)"), {"ids": gone})
        if rows:
            conn.execute(text(_UPSERT), [row.values for row in rows])
            _add_words(conn, set().union(*(row.words for row in rows)))


# A rebuild's children: each analyses batches of documents with its own schema (see PostgresEngine.rebuild).
_child_analysis: _Analysis | None = None


def _start_analysis(local_tz: tzinfo) -> None:
    global _child_analysis
    _child_analysis = _Analysis(local_tz)


def _analyse(docs: list[IndexedDocument]) -> list[_Row]:
    assert _child_analysis is not None, "the pool's initializer did not run"
    return [_child_analysis.row(doc) for doc in docs]


def _batches(docs: Iterable[IndexedDocument], size: int) -> Iterator[list[IndexedDocument]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


def _add_words(conn: Connection, words: set[str]) -> None:
    if words:
        # Sorted: two workers adding overlapping words take the row locks in one order (no deadlock).
        conn.execute(text("INSERT INTO search_words (word) SELECT unnest(CAST(:words AS text[])) "
                          "ON CONFLICT DO NOTHING"), {"words": sorted(words)})


# -- query translation -----------------------------------------------------------------------


def _leaf_words(q: wq.Query) -> tuple[str, list[str]]:
    """Return (field, words) of a term or phrase, a pair-field term read as the phrase it stands for."""
    if isinstance(q, wq.Phrase):
        return q.fieldname, list(q.words)
    if q.fieldname in _PAIR_BASE:
        return _PAIR_BASE[q.fieldname], q.text.split(" ")
    return q.fieldname, [q.text]


def _pair_lexemes(field: str, words: Sequence[str]) -> list[str]:
    """Return the quoted lexemes of the indexed pairs among a prose field's adjacent words."""
    return [_quote(pair_lexeme(field, a, b)) for a, b in zip(words, words[1:]) if is_pair(a, b)]


def to_tsquery(q: wq.Query, with_pairs: bool = True) -> str | None:
    """Return the tsquery text of a parsed query, or None if it can match nothing.

    Without `with_pairs`, word pairs are asked for as phrases (for the `positions` column, which has no pairs).
    """
    if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
        return None
    if isinstance(q, wq.Prefix):
        return f"{_quote(lexeme(q.fieldname, q.text))}:*"
    if isinstance(q, (wq.Term, wq.Phrase)):
        field, words = _leaf_words(q)
        if field not in FIELD_CODES or not words:
            return None
        lexemes = [_quote(lexeme(field, w)) for w in words]
        slop = getattr(q, "slop", 1)
        if len(lexemes) == 1:
            return lexemes[0]
        if slop <= 1 and field in PAIR_FIELDS and with_pairs:
            # Pairs of common words are indexed (the pair analyzer's rule): only rows holding every
            # such pair of the phrase have their positions checked.
            pairs = _pair_lexemes(field, words)
            if len(pairs) == 1 and len(words) == 2:
                return pairs[0]  # exact: the pair is indexed wherever the two stand side by side
            if pairs:
                return "(" + " & ".join(pairs) + " & (" + " <-> ".join(lexemes) + "))"
        if slop <= 1:
            return "(" + " <-> ".join(lexemes) + ")"
        # Near (unordered, within `slop`): each neighbouring pair within the distance, either order.
        pairs = []
        for a, b in zip(lexemes, lexemes[1:]):
            pairs.append("(" + " | ".join(f"{x} <{k}> {y}" for k in range(1, slop + 1) for x, y in ((a, b), (b, a)))
                         + ")")
        return "(" + " & ".join(pairs) + ")"
    if isinstance(q, wq.Not):
        inner = to_tsquery(q.query, with_pairs)
        return None if inner is None else f"!{inner}"
    if isinstance(q, (wq.And, wq.Or)):
        parts = [to_tsquery(child, with_pairs) for child in q.subqueries]
        if isinstance(q, wq.And):
            if any(p is None for p in parts):
                return None
            return "(" + " & ".join(parts) + ")" if parts else None
        kept = [p for p in parts if p is not None]
        return "(" + " | ".join(kept) + ")" if kept else None
    raise SearchIndexError(f"the postgres engine cannot translate {type(q).__name__}")


def _split_positions(q: wq.Query) -> tuple[str, str | None] | None:
    """Return (words, order): q matches a row iff `terms` matches `words` and `positions` matches `order`.

    `words` asks for a phrase's words (and indexed pairs) without their order, which the GIN index
    answers without reading rows; `order` (None: nothing to check) asks for what needs positions, on
    the `positions` column, which holds the lexemes of LENGTH_FIELDS only. None when q cannot be so
    split (a NOT, or an OR of a phrase with terms `positions` lacks): q is then checked on `terms` whole.
    """
    if isinstance(q, wq.Not):
        return None
    if isinstance(q, wq.Phrase) and len(q.words) > 1:
        whole = to_tsquery(q)
        if whole is None:
            return None
        field, words = _leaf_words(q)
        if field not in PAIR_FIELDS:
            # Names and numbers: rows holding all the words are few, and a row matched through an
            # exact alternative (an indexed pair) is not checked at all, so the phrase stays in `terms`.
            return whole, None
        lexemes = [_quote(lexeme(field, w)) for w in words]
        slop = getattr(q, "slop", 1)
        pairs = _pair_lexemes(field, words) if slop <= 1 else []
        if len(words) == 2 and pairs:
            return whole, None  # the pair alone is exact
        return "(" + " & ".join(pairs + lexemes) + ")", to_tsquery(q, with_pairs=False)
    if q.is_leaf():
        whole = to_tsquery(q)
        return None if whole is None else (whole, None)
    if not isinstance(q, (wq.And, wq.Or)):
        return None
    parts = [_split_positions(child) for child in q.subqueries]
    if any(part is None for part in parts):
        return None
    words = [part[0] for part in parts if part is not None]
    orders = [part[1] for part in parts if part is not None and part[1] is not None]
    if isinstance(q, wq.And):
        return "(" + " & ".join(words) + ")", ("(" + " & ".join(orders) + ")" if orders else None)
    if not orders:
        return "(" + " | ".join(words) + ")", None
    # An OR with a phrase: every alternative is checked whole on `positions`, so each must be made of its lexemes.
    if any(_code(leaf) not in POSITION_CODES for leaf in _positive_leaves(q)):
        return None
    whole = [to_tsquery(child, with_pairs=False) for child in q.subqueries]
    return "(" + " | ".join(words) + ")", "(" + " | ".join(w for w in whole if w is not None) + ")"


def _code(leaf: wq.Query) -> str | None:
    """Return the field code of a leaf's lexemes (a pair-field term: its words' field)."""
    field = _leaf_words(leaf)[0] if isinstance(leaf, (wq.Term, wq.Phrase)) else getattr(leaf, "fieldname", None)
    return FIELD_CODES.get(field) if field else None


def _count_facets(rows: Iterable[Sequence[Any]]) -> dict[str, dict[str, int]]:
    """Count each facet's values over rows of FACET_FIELDS values, most frequent first (empty values left out)."""
    columns = list(zip(*rows)) or [() for _ in FACET_FIELDS]
    # Counted a column at a time (Counter counts in C; a loop over every row's values was 5 ms at 4,000 rows).
    return _ordered_facets({field: Counter(filter(None, column)) for field, column in zip(FACET_FIELDS, columns)})


def _ordered_facets(facets: dict[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Return each facet's counts most frequent first, then by value."""
    return {field: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) for field, counts in facets.items()}


# -- scoring -------------------------------------------------------------------------------


@dataclass
class _Doc:
    """What scoring needs of one candidate row: its field lengths and the query's terms' positions."""

    lengths: dict[str, int]
    positions: dict[str, list[int]]  # lexeme -> positions


class _Stats:
    """Collection statistics for BM25, cached per process (STATS_SECONDS, DF_SECONDS)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expires = 0.0
        self.count = 0
        self.avg: dict[str, float] = {}
        # Quoted lexeme -> share of the rows holding it, from pg_stats (large tables only).
        self.common: dict[str, float] = {}
        self.df: dict[str, int] = {}
        self.df_expires = 0.0

    def forget(self) -> None:
        """Drop everything: the next search reads the statistics afresh."""
        with self.lock:
            self.expires = self.df_expires = 0.0
            self.df = {}


def _bm25(idf: float, tf: float, fl: float, avgfl: float) -> float:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


_TSVECTOR_ENTRY = re.compile(r"'((?:[^']|'')*)':([0-9A-D,]+)")
_TSVECTOR_ESCAPE = re.compile(r"''|\\\\")


def _weighted_positions(found: str | None) -> dict[str, list[int]]:
    """Return lexeme -> positions of a tsvector's text whose every position has a weight ("'b:rapat':3A,17A")."""
    if not found:
        return {}
    return {_TSVECTOR_ESCAPE.sub(lambda m: m.group(0)[0], lex): [int(p[:-1]) for p in positions.split(",")]
            for lex, positions in _TSVECTOR_ENTRY.findall(found)}


def _phrase_matches(lists: list[list[int]], slop: int) -> int:
    """Return how many times the words occur in order, side by side (slop 1), or within `slop` in any order."""
    if any(not p for p in lists):
        return 0
    if slop <= 1:
        following = [set(p) for p in lists[1:]]
        return sum(1 for start in lists[0] if all(start + i + 1 in s for i, s in enumerate(following)))
    count = 0
    for start in lists[0]:
        if all(any(abs(p - start) <= slop for p in other) for other in lists[1:]):
            count += 1
    return count


# -- the engine ------------------------------------------------------------------------------


class PostgresEngine(SearchEngine):
    """Full-text index in PostgreSQL tables of the application's database (any number of nodes)."""

    backend = "postgres"
    single_node = False
    writes_in_database = True

    def __init__(self, database_url: str, *, local_tz: tzinfo = timezone.utc, pool_size: int = 5,
                 engine: Engine | None = None) -> None:
        """Connect to the database at `database_url`; `local_tz` sets the calendar of date filters and years."""
        self._engine = engine if engine is not None else create_engine(
            database_url, pool_size=pool_size, pool_pre_ping=True)
        self._owns_engine = engine is None
        self._local_tz = local_tz
        self._analysis = _Analysis(local_tz)
        self._parser = build_parser(self._analysis.schema)
        self._relaxed_parser = build_parser(self._analysis.schema, group=qparser.OrGroup)
        self._stats = _Stats()
        self._closed = False

    def describe(self) -> str:
        """Return where the index lives."""
        return f"PostgreSQL index in {self._engine.url.render_as_string(hide_password=True)}"

    # -- layout --------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        if self._closed:
            raise SearchIndexError("search index is closed")
        try:
            with (self._engine.begin() if write else self._engine.connect()) as conn:
                if not write:
                    # The planner prices `terms @@ query` on a sequential scan without the cost of
                    # reading each row's tsvector out of TOAST (52 ms at 3,000 letters for a word the
                    # GIN index answers in 1 ms): searches always go through the indexes.
                    conn.execute(text("SET LOCAL enable_seqscan = off"))
                yield conn
        except SQLAlchemyError as exc:
            raise SearchIndexError(f"the PostgreSQL search index cannot be used: {exc}".splitlines()[0]) from exc

    def ensure_ready(self) -> None:
        """Create the tables if there are none; raise IndexOutdatedError if they need a rebuild."""
        with self._connect(write=True) as conn:
            # One creator at a time: two nodes starting together must not race on CREATE.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('docflow search_entries'))"))
            for statement in _DDL:
                conn.execute(text(statement))
            if conn.scalar(text("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'search_entries'::regclass "
                                "AND attname = 'terms'")) != TERMS_STATISTICS:
                conn.execute(text(f"ALTER TABLE search_entries ALTER COLUMN terms SET STATISTICS {TERMS_STATISTICS}"))
            found = conn.scalar(text("SELECT value FROM search_meta WHERE key = 'version'"))
            if found is None:
                if conn.scalar(text("SELECT count(*) FROM search_entries")):
                    found = "none"
                else:
                    conn.execute(text("INSERT INTO search_meta (key, value) VALUES ('version', :v)"), {"v": VERSION})
                    found = VERSION
        if found != VERSION:
            raise IndexOutdatedError(f"the PostgreSQL search index has version {found}, this code needs {VERSION}: "
                                     "rebuild it (docflow reindex)")

    def _check_version(self, conn: Connection) -> None:
        found = conn.scalar(text("SELECT value FROM search_meta WHERE key = 'version'"))
        if found != VERSION:
            raise IndexOutdatedError(f"the PostgreSQL search index has version {found}, this code needs {VERSION}: "
                                     "rebuild it (docflow reindex)")

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def writer(self, connection: Connection | None = None) -> Iterator[PostgresBatch]:
        """Collect upserts and deletes; write them at exit in one transaction, or not at all on an exception.

        With `connection` (an open transaction of the application's database, the worker's) the
        rows are written on it and commit with it: together with the jobs they finish, or not at all.
        """
        batch = PostgresBatch(self._analysis)
        yield batch
        if not len(batch):
            return
        if connection is not None:
            self._check_version(connection)
            batch.apply(connection)
            logger.info("Wrote %d search index changes in the caller's transaction", len(batch))
            return
        with self._connect(write=True) as conn:
            self._check_version(conn)
            batch.apply(conn)
        logger.info("Committed %d search index changes", len(batch))

    def rebuild(self, docs: Iterable[IndexedDocument], processes: int = 1) -> int:
        """Replace every row in one transaction: readers see the old index until it commits (MVCC).

        With `processes` above 1, that many spawned children analyse the documents (the cost of a
        rebuild: PostgreSQL itself is idle most of the time) while this process reads and writes.
        """
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        self.ensure_ready_for_rebuild()
        seen: set[int] = set()

        def unique() -> Iterator[IndexedDocument]:
            for doc in docs:
                if doc.id in seen:
                    raise SearchIndexError(f"document {doc.id} appears twice in the rebuild")
                seen.add(doc.id)
                yield doc

        with self._connect(write=True) as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('docflow search_entries'))"))
            # A new table, filled and then indexed in bulk, takes the old one's place at the end: the GIN
            # index built at once is compact (inserted row by row into a live index it grew by half and
            # slowed every search), the build is faster, and the old rows go at once instead of doubling
            # the table until autovacuum. Readers use the old table until the commit; writers wait for it.
            conn.execute(text(f"DROP TABLE IF EXISTS {REBUILD_TABLE}"))
            for statement in _table_ddl(REBUILD_TABLE):
                conn.execute(text(statement))
            if processes == 1:
                for batch in _batches(unique(), REBUILD_BATCH):
                    self._insert(conn, REBUILD_TABLE, [self._analysis.row(doc) for doc in batch])
            else:
                # Futures, not Pool.imap: the documents are read in this thread, and a child that dies
                # fails the rebuild (BrokenProcessPool) instead of leaving it waiting for ever.
                try:
                    with ProcessPoolExecutor(processes, mp_context=get_context("spawn"), initializer=_start_analysis,
                                             initargs=(self._local_tz,)) as pool:
                        pending: deque[Future[list[_Row]]] = deque()
                        for batch in _batches(unique(), REBUILD_BATCH):
                            pending.append(pool.submit(_analyse, batch))
                            if len(pending) > 2 * processes:
                                self._insert(conn, REBUILD_TABLE, pending.popleft().result())
                        while pending:
                            self._insert(conn, REBUILD_TABLE, pending.popleft().result())
                except BrokenProcessPool as exc:
                    raise SearchIndexError(f"an analysis process of the rebuild died ({exc}); "
                                           "the index is unchanged") from exc
            conn.execute(text(f"SET LOCAL maintenance_work_mem = '{REBUILD_INDEX_MEMORY}'"))
            for statement in _index_ddl(REBUILD_TABLE):
                conn.execute(text(statement))
            conn.execute(text(f"DROP TABLE {TABLE}"))
            conn.execute(text(f"ALTER TABLE {REBUILD_TABLE} RENAME TO {TABLE}"))
            for suffix in ("pkey", "terms", "readers", "created"):
                conn.execute(text(f"ALTER INDEX {REBUILD_TABLE}_{suffix} RENAME TO {TABLE}_{suffix}"))
            conn.execute(text(f"ALTER TABLE {TABLE} ALTER COLUMN terms SET STATISTICS {TERMS_STATISTICS}"))
            conn.execute(text("INSERT INTO search_meta (key, value) VALUES ('version', :v) "
                              "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"), {"v": VERSION})
        # The estimates of large tables (and the planner's) start from the new rows, not from autovacuum's
        # next turn; the visibility map lets counts skip the rows' pages.
        try:
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE) search_entries"))
        except SQLAlchemyError as exc:
            raise SearchIndexError(f"the rebuilt PostgreSQL search index could not be vacuumed: {exc}"
                                   .splitlines()[0]) from exc
        self._stats.forget()
        logger.info("Rebuilt the PostgreSQL search index with %d documents", len(seen))
        return len(seen)

    def ensure_ready_for_rebuild(self) -> None:
        """Create the tables if missing, whatever version the rows were written under."""
        try:
            self.ensure_ready()
        except IndexOutdatedError:
            pass

    @staticmethod
    def _insert(conn: Connection, table: str, rows: list[_Row]) -> None:
        conn.execute(text(_INSERT.format(table=table)), [row.values for row in rows])
        _add_words(conn, set().union(*(row.words for row in rows)))

    # -- statistics ----------------------------------------------------------------------

    def _collection(self, conn: Connection) -> _Stats:
        stats = self._stats
        with stats.lock:
            now = time.monotonic()
            if now >= stats.df_expires:
                stats.df = {}
                stats.df_expires = now + DF_SECONDS
            if now >= stats.expires:
                averages = ", ".join(f"coalesce(avg(lengths[{i + 1}]), 0)" for i in range(len(LENGTH_FIELDS)))
                estimate = conn.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'search_entries'::regclass"))
                if estimate is not None and estimate >= EXACT_STATS_BELOW:
                    row = conn.execute(text(f"SELECT {averages} FROM search_entries TABLESAMPLE SYSTEM (:percent)"),
                                       {"percent": min(100.0, 100.0 * SAMPLE_ROWS / estimate)}).one()
                    stats.count = int(estimate)
                    stats.common = self._common_lexemes(conn)
                else:
                    counted = conn.execute(text(f"SELECT count(*), {averages} FROM search_entries")).one()
                    stats.count, row = int(counted[0]), counted[1:]
                    stats.common = {}
                stats.avg = {field: float(row[i]) or 1.0 for i, field in enumerate(LENGTH_FIELDS)}
                stats.expires = now + STATS_SECONDS
        return stats

    @staticmethod
    def _common_lexemes(conn: Connection) -> dict[str, float]:
        """Return the most common lexemes of `terms` (quoted) with the share of rows holding each, from ANALYZE."""
        row = conn.execute(text(
            "SELECT CAST(CAST(most_common_elems AS text) AS text[]), most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'search_entries' AND attname = 'terms'")).first()
        if row is None or row[0] is None:
            return {}
        # The frequencies list ends with extra figures (least, greatest): zip stops at the last lexeme.
        return {_quote(lex): float(freq) for lex, freq in zip(row[0], row[1])}

    def _doc_frequency(self, conn: Connection, tsquery: str) -> int:
        return self._frequencies(conn, [tsquery])[tsquery]

    def _frequencies(self, conn: Connection, tsqueries: Iterable[str]) -> dict[str, int]:
        """Return each tsquery's document count: cached, a common lexeme's from pg_stats, the rest counted."""
        wanted = set(tsqueries)
        stats = self._collection(conn)
        cached = stats.df
        found = {q: cached[q] for q in wanted if q in cached}
        found.update({q: round(stats.common[q] * stats.count) for q in wanted
                      if q not in found and q in stats.common})
        counted = sorted(wanted - found.keys())
        if counted:
            # One statement for all of them: each is a GIN lookup of a rare lexeme (or a small table).
            selects = ", ".join(f"(SELECT count(*) FROM search_entries WHERE terms @@ CAST(:q{i} AS tsquery))"
                                for i in range(len(counted)))
            counts = conn.execute(text(f"SELECT {selects}"), {f"q{i}": q for i, q in enumerate(counted)}).one()
            found.update(zip(counted, map(int, counts)))
        with stats.lock:
            if len(stats.df) > 50_000:
                stats.df = {}
            stats.df.update(found)
        return found

    def _idf(self, conn: Connection, tsquery: str) -> float:
        count = self._collection(conn).count
        return math.log(max(count, 1) / (self._doc_frequency(conn, tsquery) + 1)) + 1

    # -- reading -------------------------------------------------------------------------

    def _where(self, request_principals: tuple[str, ...], hidden: frozenset[int], params: dict[str, Any],
               request: SearchRequest | None = None) -> list[str]:
        """Return the SQL conditions of the permission filter and the request's filters (params filled in)."""
        where = ["readers && CAST(:principals AS text[])"]
        params["principals"] = list(request_principals)
        if hidden:
            where.append("NOT (doc_id = ANY(:hidden))")
            params["hidden"] = sorted(hidden)
        if request is None:
            return where
        for column, values in (("doc_type", request.doc_types), ("unit", request.units),
                               ("state", request.states), ("security_class", request.security_classes)):
            if values:
                where.append(f"{column} = ANY(:{column}s)")
                params[f"{column}s"] = list(values)
        classification = (request.classification or "").strip().rstrip(".")
        if classification:
            # "000.8" covers itself and its descendants ("000.8.3.3"), not a sibling like "000.81".
            where.append("(classification = :classification OR starts_with(classification, :classification_dot))")
            params["classification"] = classification
            params["classification_dot"] = classification + "."
        if request.date_from is not None:
            where.append("created >= :date_from")
            params["date_from"] = self._local_midnight(request.date_from)
        if request.date_to is not None:
            where.append("created < :date_to")
            params["date_to"] = self._local_midnight(request.date_to + timedelta(days=1))
        return where

    def _local_midnight(self, day: date) -> datetime:
        return datetime.combine(day, dtime.min, tzinfo=self._local_tz)

    def search(self, request: SearchRequest) -> SearchResults:
        """Run a search for a user; only documents readable by `request.principals` count (facets too)."""
        if request.sort not in SORTS:
            raise SearchIndexError(f"unknown sort {request.sort!r}; use one of {', '.join(SORTS)}")
        with self._connect() as conn:
            results = self._run_query(conn, request, request.q)
            if request.autocorrect and results.total == 0 and results.suggestion is not None:
                corrected = self._run_query(conn, request, results.suggestion)
                if corrected.total:
                    return replace(corrected, suggestion=None, corrected_query=results.suggestion)
            return results

    def _run_query(self, conn: Connection, request: SearchRequest, q: str) -> SearchResults:
        page = max(1, request.page)
        per_page = min(max(1, request.per_page), MAX_PER_PAGE)
        start = (page - 1) * per_page
        wanted = start + per_page
        if not request.principals:
            return SearchResults(total=0, page=page, per_page=per_page, hits=[], suggestion=None,
                                 facets={f: {} for f in FACET_FIELDS} if request.facets else {})
        params: dict[str, Any] = {}
        where = self._where(request.principals, request.hidden, params, request)
        parsed: wq.Query | None = None
        tsquery: str | None = None
        relaxed: wq.Query | None = None
        partial: list[tuple[float, int]] = []
        partial_total = 0
        match: str | None = None
        if not is_browse(q):
            parsed = parse_query(self._parser, q)
            tsquery = to_tsquery(parsed)
            if tsquery is None:
                where.append("false")
            else:
                # The permission filter goes into the words' tsquery (see PRINCIPAL_CODE).
                split = _split_positions(parsed)
                if split is None or split[1] is None:
                    match = "terms @@ CAST(:tsquery AS tsquery)"
                    params["tsquery"] = f"({tsquery}) & {readable_tsquery(request.principals)}"
                else:
                    # Phrases: the GIN index finds the readable rows holding the words, and their order is
                    # checked in the half-size `positions` rather than in `terms` (see _split_positions).
                    match = "terms @@ CAST(:tsquery AS tsquery) AND positions @@ CAST(:positional AS tsquery)"
                    params["tsquery"] = f"({split[0]}) & {readable_tsquery(request.principals)}"
                    params["positional"] = split[1]
                where[0] = match
        condition = " AND ".join(where)
        candidates: list[int] | None = None
        facets: dict[str, dict[str, int]] | None = None
        if parsed is not None and request.sort == "relevance":
            # One pass over the matches gives the candidates, the total and (from the same rows) the
            # facets: the words are checked once per row, not once per statement.
            columns = ", ".join(("doc_id", *FACET_FIELDS)) if request.facets else "doc_id"
            rows = conn.execute(text(f"SELECT {columns} FROM search_entries WHERE {condition}"), params).all()
            candidates = [row[0] for row in rows]
            total = len(candidates)
            if request.facets:
                facets = _count_facets(row[1:] for row in rows)
        else:
            total = int(conn.scalar(text(f"SELECT count(*) FROM search_entries WHERE {condition}"), params))
        ranked: list[tuple[float, int]] = []
        if parsed is None or request.sort != "relevance":
            order = "created ASC, doc_id ASC" if request.sort == "oldest" else "created DESC, doc_id ASC"
            page_ids = list(conn.scalars(text(f"SELECT doc_id FROM search_entries WHERE {condition} "
                                              f"ORDER BY {order} LIMIT :limit OFFSET :offset"),
                                         {**params, "limit": per_page, "offset": start}))
            page_docs = [(d, 0.0, False) for d in page_ids]
        else:
            if total:
                ranked = self._rank(conn, parsed, tsquery, condition, params, total, wanted, candidates,
                                    readable_tsquery(request.principals))
            if len(ranked) < wanted and total < wanted and can_relax(q):
                relaxed = parse_relaxed(self._relaxed_parser, q)
                relaxed_tsquery = to_tsquery(relaxed)
                if relaxed_tsquery is not None:
                    rparams = dict(params, relaxed=f"({relaxed_tsquery}) & {readable_tsquery(request.principals)}")
                    rcondition = " AND ".join(
                        [w for w in where if w not in (match, "false")]
                        + ["terms @@ CAST(:relaxed AS tsquery)"]
                        + ([f"NOT ({match})"] if match is not None else []))
                    partial_total = int(conn.scalar(text(f"SELECT count(*) FROM search_entries WHERE {rcondition}"),
                                                    rparams))
                    if partial_total:
                        partial = self._rank(conn, relaxed, relaxed_tsquery, rcondition, rparams, partial_total,
                                             wanted - len(ranked))
            page_docs = [(d, s, False) for s, d in ranked] + [(d, s, True) for s, d in partial]
            page_docs = page_docs[start:]
        terms = self._highlight_terms(conn, parsed, [d for d, _s, p in page_docs if not p]) if parsed else {}
        partial_terms = self._highlight_terms(conn, relaxed, [d for d, _s, p in page_docs if p]) if partial else {}
        hits = self._hits(conn, [(d, s, partial_terms if p else terms, p) for d, s, p in page_docs])
        suggestion = None
        if parsed is not None and total < SUGGEST_BELOW:
            suggestion = self._did_you_mean(conn, q, parsed, total, request)
        if facets is None:
            facets = self._facets(conn, condition, params) if request.facets else {}
        return SearchResults(total=total, page=page, per_page=per_page, hits=hits, suggestion=suggestion,
                             facets=facets, partial_total=partial_total)

    # -- ranking -------------------------------------------------------------------------

    def _rank(self, conn: Connection, q: wq.Query, tsquery: str, condition: str, params: dict[str, Any],
              total: int, wanted: int, candidates: list[int] | None = None,
              readable: str | None = None) -> list[tuple[float, int]]:
        """Return the best `wanted` matches as (score, doc_id), best first, by BM25F and word closeness.

        `candidates`, when given, are every match's id (`total` of them), and `readable` the tsquery
        of the searcher's principals.
        """
        words = _proximity_words(q)
        depth = max(wanted, RERANK_DEPTH) if len(words) >= 2 else wanted
        tier = (self._rank_title_tier(conn, q, readable, candidates, depth)
                if candidates and readable and total > TITLE_TIER_ABOVE else None)
        if tier is not None:
            scored, docs = tier
            return self._rerank_near_first(words, scored, docs, wanted)
        if candidates is None and total <= SCORE_ALL_BELOW:
            candidates = list(conn.scalars(text(f"SELECT doc_id FROM search_entries WHERE {condition}"), params))
        elif total > SCORE_ALL_BELOW:
            # ts_rank picks the rows worth scoring exactly (among the matches already found, if given).
            among = "doc_id = ANY(:candidates)" if candidates is not None else condition
            candidates = list(conn.scalars(text(
                f"SELECT doc_id FROM search_entries WHERE {among} "
                "ORDER BY ts_rank(positions, CAST(:tsquery_rank AS tsquery)) DESC, doc_id LIMIT :preselect"),
                {**params, "candidates": candidates, "tsquery_rank": to_tsquery(q, with_pairs=False) or tsquery,
                 "preselect": max(PRESELECT, wanted)}))
        docs = self._load_docs(conn, q, candidates)
        self._fetch_frequencies(conn, q)
        score = self._compile(conn, q)
        scored = [(score(docs[d])[1], d) for d in candidates if d in docs]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return self._rerank_near_first(words, scored, docs, wanted)

    def _rerank_near_first(self, words: list[str], scored: list[tuple[float, int]], docs: dict[int, _Doc],
                           wanted: int) -> list[tuple[float, int]]:
        """Reorder the best RERANK_DEPTH by the closeness of the query's words; return the best `wanted`."""
        if len(words) < 2:
            return scored[:wanted]
        head, tail = scored[:RERANK_DEPTH], scored[RERANK_DEPTH:]
        head = [(score * (1.0 + PROXIMITY_BOOST * self._closeness(words, docs[d])), d) for score, d in head]
        head.sort(key=lambda item: (-item[0], item[1]))
        return (head + tail)[:wanted]

    def _rank_title_tier(self, conn: Connection, q: wq.Query, readable: str,
                         candidates: list[int], wanted: int) -> tuple[list[tuple[float, int]], dict[int, _Doc]] | None:
        """Score only the matches with a title hit, if that provably gives the best `wanted` (as Whoosh's engine).

        Common words match most letters, and each match's terms are read out of its row to score
        it; but when the `wanted`-th best title match outscores the most any match without a title
        hit could reach, no other match can enter the top. Returns None when that does not hold.
        """
        parts = [part for leaf in _positive_leaves(q) if leaf.field() in TITLE_FIELDS
                 for part in (to_tsquery(leaf),) if part is not None]
        if not parts:
            return None
        # The readable rows with a title hit, kept if they are matches: the GIN index answers it alone,
        # where checking the candidates' rows one by one (or the matches' phrases again) would read each
        # row's terms out of TOAST.
        among = set(candidates)
        tier = [doc_id for doc_id in conn.scalars(text("SELECT doc_id FROM search_entries "
                                                       "WHERE terms @@ CAST(:titles AS tsquery)"),
                                                  {"titles": f"({' | '.join(parts)}) & {readable}"})
                if doc_id in among]
        if not wanted <= len(tier) <= min(MAX_TITLE_TIER, len(candidates) // 2):
            return None
        docs = self._load_docs(conn, q, tier)
        self._fetch_frequencies(conn, q)
        score = self._compile(conn, q)
        scored = sorted(((score(docs[d])[1], d) for d in tier if d in docs), key=lambda item: (-item[0], item[1]))
        if len(scored) < wanted or scored[wanted - 1][0] <= self._max_score(conn, without_fields(q, TITLE_FIELDS)):
            return None
        return scored, docs

    def _max_score(self, conn: Connection, q: wq.Query) -> float:
        """Return an upper bound of q's score over all rows (BM25's term weight stays below idf * (k1 + 1))."""
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__) or isinstance(q, wq.Not):
            return 0.0
        if isinstance(q, wq.Prefix):
            return q.boost
        if isinstance(q, (wq.Term, wq.Phrase)):
            field, words = _leaf_words(q)
            if field not in FIELD_CODES:
                return 0.0
            if isinstance(q, wq.Term) and len(words) > 1:  # a pair, scored as one term
                counted = [to_tsquery(q)]
            else:
                counted = [_quote(lexeme(field, w)) for w in words]
            if any(self._doc_frequency(conn, c) == 0 for c in counted):
                return 0.0  # nothing holds it
            return sum(self._idf(conn, c) * (K1 + 1) for c in counted) * q.boost
        if isinstance(q, (wq.And, wq.Or)):
            factor = q.boost if len(q.subqueries) > 1 and q.boost != 1.0 else 1.0
            return sum(self._max_score(conn, child) for child in q.subqueries) * factor
        return math.inf  # unknown: never claim the title tier settles it

    def _load_docs(self, conn: Connection, q: wq.Query, ids: list[int]) -> dict[int, _Doc]:
        """Read the field lengths and the positions of q's terms (and of its prefixes' terms) in these rows."""
        if not ids:
            return {}
        lexemes: set[str] = set()
        prefixes: set[str] = set()
        for leaf in _positive_leaves(q) + self._negative_leaves(q):
            if isinstance(leaf, wq.Prefix):
                prefixes.add(lexeme(leaf.fieldname, leaf.text).replace("\\", "\\\\").replace("%", "\\%")
                             .replace("_", "\\_") + "%")
            elif isinstance(leaf, (wq.Term, wq.Phrase)):
                field, words = _leaf_words(leaf)
                if field in FIELD_CODES:
                    lexemes.update(lexeme(field, w) for w in words)
        for word in _proximity_words(q):
            lexemes.add(lexeme("body", word))
        if prefixes:
            picked = ("(SELECT jsonb_object_agg(u.lexeme, u.positions) FROM unnest(e.terms) u "
                      "WHERE u.lexeme = ANY(:lexemes) OR u.lexeme LIKE ANY(:prefixes))")
        else:
            # Marking the wanted lexemes (binary search in the sorted tsvector) and keeping only them
            # beats unnesting every lexeme of every row and comparing each; the few left are read as
            # tsvector text (half the time of building a jsonb object of them in each row).
            picked = "CAST(ts_filter(setweight(e.positions, 'A', CAST(:lexemes AS text[])), '{a}') AS text)"
        rows = conn.execute(text(f"SELECT e.doc_id, e.lengths, {picked} FROM search_entries e "
                                 "WHERE e.doc_id = ANY(:ids)"),
                            {"ids": ids, "lexemes": sorted(lexemes), "prefixes": sorted(prefixes)})
        read = _weighted_positions if not prefixes else (lambda found: found or {})
        return {doc_id: _Doc(dict(zip(LENGTH_FIELDS, lengths)), read(found)) for doc_id, lengths, found in rows}

    def _fetch_frequencies(self, conn: Connection, q: wq.Query) -> None:
        """Count, in one statement, the documents of each of q's terms and phrases not counted lately."""
        wanted = set()
        for leaf in _positive_leaves(q):
            if isinstance(leaf, (wq.Term, wq.Phrase)):
                field, words = _leaf_words(leaf)
                if field not in FIELD_CODES:
                    continue
                wanted.update(_quote(lexeme(field, w)) for w in words)
                if isinstance(leaf, wq.Term) and len(words) > 1:
                    wanted.add(to_tsquery(leaf))
        self._frequencies(conn, wanted)

    @staticmethod
    def _negative_leaves(q: wq.Query) -> list[wq.Query]:
        if isinstance(q, wq.Not):
            return _positive_leaves(q.query)
        if q.is_leaf():
            return []
        found: list[wq.Query] = []
        for child in q.children():
            found.extend(PostgresEngine._negative_leaves(child))
        return found

    def _compile(self, conn: Connection, q: wq.Query) -> Callable[[_Doc], tuple[bool, float]]:
        """Return a scorer of one row: (whether q matches it, its score), adding as Whoosh's matchers add.

        The statistics (idf, average field length) are looked up once here, not once per row.
        """
        if isinstance(q, wq.Prefix):
            start, boost = lexeme(q.fieldname, q.text), q.boost

            def prefix(doc: _Doc) -> tuple[bool, float]:
                matched = any(lex.startswith(start) for lex in doc.positions)
                return matched, (boost if matched else 0.0)
            return prefix
        if isinstance(q, (wq.Term, wq.Phrase)):
            field, words = _leaf_words(q)
            if field not in FIELD_CODES:
                return lambda doc: (False, 0.0)
            keys = [lexeme(field, w) for w in words]
            avg = self._collection(conn).avg.get(field, 1.0)
            boost = q.boost
            if len(words) == 1:
                key, idf = keys[0], self._idf(conn, _quote(keys[0]))

                def term(doc: _Doc) -> tuple[bool, float]:
                    positions = doc.positions.get(key)
                    if not positions:
                        return False, 0.0
                    return True, _bm25(idf, len(positions), doc.lengths.get(field, 0) or 1, avg) * boost
                return term
            slop = getattr(q, "slop", 1)
            if isinstance(q, wq.Term):  # a pair-field term: scored as the pair, as one term
                pair_idf = self._idf(conn, to_tsquery(q))

                def pair(doc: _Doc) -> tuple[bool, float]:
                    occurrences = _phrase_matches([doc.positions.get(k, []) for k in keys], slop)
                    if not occurrences:
                        return False, 0.0
                    return True, _bm25(pair_idf, occurrences, max(doc.lengths.get(field, 1) - 1, 1),
                                       max(avg - 1, 1.0)) * boost
                return pair
            idfs = [self._idf(conn, _quote(k)) for k in keys]

            def phrase(doc: _Doc) -> tuple[bool, float]:
                lists = [doc.positions.get(k, []) for k in keys]
                if not _phrase_matches(lists, slop):
                    return False, 0.0
                length = doc.lengths.get(field, 0) or 1
                return True, sum(_bm25(idf, len(p), length, avg) for idf, p in zip(idfs, lists)) * boost
            return phrase
        if isinstance(q, wq.Not):
            inner = self._compile(conn, q.query)

            def negation(doc: _Doc) -> tuple[bool, float]:
                return not inner(doc)[0], 0.0
            return negation
        if isinstance(q, (wq.And, wq.Or)):
            children = [self._compile(conn, child) for child in q.subqueries]
            every = isinstance(q, wq.And)
            factor = q.boost if len(q.subqueries) > 1 and q.boost != 1.0 else 1.0

            def compound(doc: _Doc) -> tuple[bool, float]:
                score = 0.0
                matched_any = False
                for child in children:
                    matched, child_score = child(doc)
                    if matched:
                        matched_any = True
                        score += child_score
                    elif every:
                        return False, 0.0
                if not matched_any:
                    return False, 0.0
                return True, score * factor
            return compound
        return lambda doc: (False, 0.0)

    @staticmethod
    def _closeness(words: list[str], doc: _Doc) -> float:
        pairs = list(zip(words, words[1:]))
        total = 0.0
        for a, b in pairs:
            first = sorted(doc.positions.get(lexeme("body", a), []))
            second = sorted(doc.positions.get(lexeme("body", b), []))
            if not first or not second:
                continue
            least = min(abs(x - y) for x in first for y in second)
            total += 1.0 / max(least, 1)
        return total / len(pairs)

    # -- hits, highlights, facets --------------------------------------------------------

    def _highlight_terms(self, conn: Connection, q: wq.Query, ids: list[int]) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        prefixes: list[tuple[str, str]] = []
        for leaf in _positive_leaves(q):
            if isinstance(leaf, wq.Prefix):
                prefixes.append((leaf.fieldname, leaf.text))
            elif isinstance(leaf, (wq.Term, wq.Phrase)):
                field, words = _leaf_words(leaf)
                found[field].update(words)
        if prefixes and ids:
            patterns = [lexeme(f, t).replace("%", "\\%").replace("_", "\\_") + "%" for f, t in prefixes]
            codes = {code: field for field, code in FIELD_CODES.items()}
            for (lex,) in conn.execute(text(
                    "SELECT DISTINCT u.lexeme FROM search_entries e CROSS JOIN LATERAL unnest(e.terms) u "
                    "WHERE e.doc_id = ANY(:ids) AND u.lexeme LIKE ANY(:patterns) LIMIT :limit"),
                    {"ids": ids, "patterns": patterns, "limit": MAX_HIGHLIGHT_TERMS}):
                code, _, term = lex.partition(":")
                found[codes.get(code, "")].add(term)
        found["title"].update(stem_word(word) for word in found.pop("title_ac", ()))
        return {field: frozenset(list(texts)[:MAX_HIGHLIGHT_TERMS]) for field, texts in found.items()}

    def _hits(self, conn: Connection, page: list[tuple[int, float, dict[str, frozenset[str]], bool]]) -> list[SearchHit]:
        if not page:
            return []
        rows = {row.doc_id: row for row in conn.execute(text(
            "SELECT doc_id, title, body, number, doc_type, unit, state, created FROM search_entries "
            "WHERE doc_id = ANY(:ids)"), {"ids": [d for d, *_ in page]})}
        hits = []
        for doc_id, score, terms, partial in page:
            row = rows.get(doc_id)
            if row is None:
                continue  # removed between the two statements
            hits.append(SearchHit(
                id=row.doc_id, title=row.title, number=row.number, doc_type=row.doc_type, unit=row.unit,
                state=row.state, created=row.created.astimezone(timezone.utc), score=score,
                title_html=highlight_whole(row.title, terms.get("title", frozenset())),
                fragments=highlight_fragments(row.body, terms.get("body", frozenset())), partial=partial))
        return hits

    @staticmethod
    def _facets(conn: Connection, condition: str, params: dict[str, Any]) -> dict[str, dict[str, int]]:
        """Count the facet values of the rows matching the condition (one grouped statement)."""
        facets: dict[str, dict[str, int]] = {field: {} for field in FACET_FIELDS}
        sets = ", ".join(f"({field})" for field in FACET_FIELDS)
        rows = conn.execute(text(f"SELECT {', '.join(FACET_FIELDS)}, count(*), "
                                 f"{', '.join(f'GROUPING({f})' for f in FACET_FIELDS)} FROM search_entries "
                                 f"WHERE {condition} GROUP BY GROUPING SETS ({sets})"), params)
        n = len(FACET_FIELDS)
        for row in rows:
            for i, field in enumerate(FACET_FIELDS):
                if row[n + 1 + i] == 0 and row[i]:
                    facets[field][row[i]] = int(row[n])
        return _ordered_facets(facets)

    # -- did you mean --------------------------------------------------------------------

    def _did_you_mean(self, conn: Connection, q: str, parsed: wq.Query, total: int,
                      request: SearchRequest) -> str | None:
        """Propose a corrected query, only from words of readable documents and only if it finds more."""
        params: dict[str, Any] = {}
        readable = " AND ".join(self._where(request.principals, request.hidden, params))

        def readable_has(tsquery: str) -> bool:
            return bool(conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM search_entries WHERE {readable} "
                                         "AND terms @@ CAST(:probe AS tsquery))"), {**params, "probe": tsquery}))

        def known(field_terms: Sequence[tuple[str, str]]) -> bool:
            tsqueries = [k for k in (to_tsquery(wq.Term(f, t)) for f, t in field_terms) if k]
            return bool(tsqueries) and readable_has(" | ".join(tsqueries))

        found = corrected_query(
            self._parser, q, parsed, known=known,
            written=lambda typed: readable_has(_quote(lexeme("spell", typed))),
            closest=lambda typed, previous: self._closest_word(conn, typed, previous, readable, params))
        if found is None:
            return None
        corrected, parsed_correction = found
        corrected_tsquery = to_tsquery(parsed_correction)
        if corrected_tsquery is None:
            return None
        params2: dict[str, Any] = {}
        condition = " AND ".join(self._where(request.principals, request.hidden, params2, request))
        finds = conn.scalar(text(f"SELECT count(*) FROM search_entries WHERE {condition} "
                                 "AND terms @@ CAST(:corrected AS tsquery)"), {**params2, "corrected": corrected_tsquery})
        return corrected if finds > total else None

    def _closest_word(self, conn: Connection, typed: str, previous: str | None, readable: str,
                      params: dict[str, Any]) -> str | None:
        """Return the nearest word written in readable documents (fewest edits, then a compound, then commonest)."""
        near = [word for word in conn.scalars(text(
            "SELECT word FROM search_words WHERE starts_with(word, :first) AND length(word) BETWEEN :low AND :high"),
            {"first": typed[:1], "low": len(typed) - MAX_EDIT_DISTANCE, "high": len(typed) + MAX_EDIT_DISTANCE})
            if word != typed and _distance(typed, word) <= MAX_EDIT_DISTANCE]
        ranked = []
        for candidate in near:
            count = conn.scalar(text(f"SELECT count(*) FROM search_entries WHERE {readable} "
                                     "AND terms @@ CAST(:probe AS tsquery)"),
                                {**params, "probe": _quote(lexeme("spell", candidate))})
            if count:
                compound = 0 if (previous, candidate) in COMPOUNDS else 1
                ranked.append((_distance(typed, candidate), compound, -count, candidate))
        return min(ranked)[3] if ranked else None

    # -- more like this, autocomplete ------------------------------------------------------

    def similar(self, doc_id: int, principals: tuple[str, ...], limit: int = 5,
                hidden: frozenset[int] = frozenset()) -> SearchResults:
        """Return readable letters sharing the most distinctive title and body words of one readable letter."""
        limit = min(max(1, limit), MAX_PER_PAGE)
        empty = SearchResults(total=0, page=1, per_page=limit, hits=[], suggestion=None, facets={})
        if not principals:
            return empty
        with self._connect() as conn:
            params: dict[str, Any] = {}
            readable = " AND ".join(self._where(principals, hidden, params))
            rows = conn.execute(text(
                f"SELECT u.lexeme, cardinality(u.positions) FROM search_entries e CROSS JOIN LATERAL unnest(e.positions) u "
                f"WHERE e.doc_id = :source AND {readable} AND (starts_with(u.lexeme, 't:') OR starts_with(u.lexeme, 'b:'))"),
                {**params, "source": doc_id}).all()
            if not rows:
                return empty
            stats = self._collection(conn)
            frequencies = self._frequencies(conn, {_quote(lex) for lex, _tf in rows})  # one statement, not one a term
            weights: dict[str, float] = defaultdict(float)
            field_of = {"t": "title", "b": "body"}
            for lex, tf in rows:
                code, _, term = lex.partition(":")
                # Bo1 (as Whoosh's key_terms), with the document frequency for the collection frequency.
                f = max(frequencies[_quote(lex)], 1) / max(stats.count, 1)
                weights[term] += (tf * math.log2((1.0 + f) / f) + math.log2(1.0 + f)) * SIMILAR_FIELDS[field_of[code]]
            best = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
            q = wq.Or([wq.Term(field, term, boost=weight * boost) for term, weight in best
                       for field, boost in (("title", 3.0), ("body", 1.0))])
            tsquery = to_tsquery(q)
            condition = f"{readable} AND doc_id <> :source AND terms @@ CAST(:tsquery AS tsquery)"
            params.update(source=doc_id, tsquery=tsquery)
            total = int(conn.scalar(text(f"SELECT count(*) FROM search_entries WHERE {condition}"), params))
            ranked = self._rank(conn, q, tsquery, condition, params, total, limit) if total else []
            terms = {field: frozenset(term for term, _w in best) for field in SIMILAR_FIELDS}
            hits = self._hits(conn, [(d, s, terms, False) for s, d in ranked])
            return SearchResults(total=total, page=1, per_page=limit, hits=hits, suggestion=None, facets={})

    def suggest(self, prefix: str, principals: tuple[str, ...], limit: int = 8,
                hidden: frozenset[int] = frozenset()) -> list[str]:
        """Return up to `limit` distinct titles of readable documents matching the typed words, newest first."""
        limit = min(max(0, limit), MAX_AUTOCOMPLETE)
        analyzer = self._analysis.schema["title_ac"].analyzer
        words = [t.text for t in analyzer(prefix, mode="query")]
        if not words or not limit or not principals:
            return []
        complete_last = prefix[-1:].isspace()
        parts = [_quote(lexeme("title_ac", w)) for w in words]
        if not complete_last:
            parts[-1] += ":*"
        with self._connect() as conn:
            params: dict[str, Any] = {}
            readable = " AND ".join(self._where(principals, hidden, params))
            rows = conn.scalars(text(f"SELECT title FROM search_entries WHERE {readable} "
                                     "AND terms @@ CAST(:q AS tsquery) ORDER BY created DESC, doc_id LIMIT :n"),
                                {**params, "q": " & ".join(parts), "n": limit * 4})
            titles: list[str] = []
            seen: set[str] = set()
            for title in rows:
                folded = " ".join(title.split()).casefold()
                if title and folded not in seen:
                    seen.add(folded)
                    titles.append(title)
                    if len(titles) == limit:
                        break
            return titles

    # -- bookkeeping ---------------------------------------------------------------------

    def fingerprints(self) -> dict[int, str]:
        """Return id -> fingerprint for every indexed document."""
        with self._connect() as conn:
            return {int(d): f for d, f in conn.execute(text("SELECT doc_id, fingerprint FROM search_entries"))}

    def doc_count(self) -> int:
        """Return the number of indexed documents."""
        with self._connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM search_entries")))

    def check_health(self) -> None:
        """Check the version and run a search for a principal no document names."""
        with self._connect() as conn:
            try:
                self._check_version(conn)
            except SearchIndexError:
                raise
        self.search(SearchRequest(q="surat", principals=("readiness-probe",), per_page=1, autocorrect=False))

    def close(self) -> None:
        """Release the connections; searching after close() is an error."""
        self._closed = True
        if self._owns_engine:
            self._engine.dispose()


def _distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between two words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
