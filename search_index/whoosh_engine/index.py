"""The Whoosh engine: one writer process, many reader threads, atomic rebuilds, on one machine.

Layout under the base directory::

    current -> index-20260301T101500.123456Z   (relative symlink, swapped atomically)
    index-20260301T101500.123456Z/             (a Whoosh index)
    index-20260214T080000.000000Z/             (the previous one, kept for readers still on it)
    write.lock                                 (held by writer() and rebuild())
    writer.owner                               (held by the worker that writes the index: host and pid)
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex, LockError, clean_files
from whoosh.fields import Schema
from whoosh.writing import IndexWriter

from search_index.whoosh_engine import building, merging, pooling
from search_index.errors import IndexDamagedError, IndexLockedError, IndexOutdatedError, SearchIndexError
from search_index.engine import SearchEngine
from search_index.models import IndexedDocument, SearchRequest, SearchResults
from search_index.whoosh_engine.reader import (
    CACHE_MIN_POSTINGS,
    POSTING_BYTES,
    USE_MMAP,
    Generation,
    PostingCache,
    StaleGeneration,
    View,
    warm_postings,
)
from search_index.schema import SCHEMA_VERSION, build_schema, document_fields
from search_index.whoosh_engine.searching import run_search, similar_documents, suggest_titles

logger = logging.getLogger(__name__)

CURRENT_LINK = "current"
INDEX_DIR_PREFIX = "index-"
LOCK_FILE = "write.lock"
# Names the worker that writes this folder (the engine is single-node: one writer, see claim_writer).
OWNER_FILE = "writer.owner"
VERSION_FILE = "docflow-schema-version"
# Whoosh's table of contents of a commit of the index named MAIN (its default name).
TOC_PATTERN = "_MAIN_*.toc"
DEFAULT_LOCK_TIMEOUT = 10.0
# Memory for the writer's posting pool; the single worker process can afford this much.
WRITER_LIMIT_MB = 128
# Decoded postings of common words kept by each reading process (see reader.PostingCache).
DEFAULT_POSTING_CACHE_MB = 64
# The fields whose long posting lists warm_posting_cache decodes ahead of the first searches.
WARM_FIELDS = ("body", "body_pairs", "title", "title_pairs", "author", "recipients")
MERGE_SCRATCH_PREFIX = ".merge-"
SWAP_LOCK_TIMEOUT = 300.0


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_fsync_directory = _fsync_file  # a directory is flushed the same way


def _commit_segments(directory: Path, ix: FileIndex, segments: list) -> None:
    """Write `segments` as the next generation of the index `ix` in `directory`, durably (hold its lock)."""
    generation = ix.latest_generation() + 1
    TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
    _fsync_file(directory / f"_{ix.indexname}_{generation}.toc")
    _fsync_directory(directory)
    clean_files(ix.storage, ix.indexname, generation, segments)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WhooshBatch:
    """Changes collected inside `SearchIndex.writer()`, applied in one commit at its end."""

    def __init__(self, local_tz: tzinfo) -> None:
        self._local_tz = local_tz
        # Last operation per document id wins; None marks a deletion. Whoosh's
        # update_document only replaces committed copies, so a document upserted twice in one
        # batch would otherwise be indexed twice.
        self._ops: dict[int, IndexedDocument | None] = {}

    def upsert(self, doc: IndexedDocument) -> None:
        """Add the document, replacing any indexed document with the same id."""
        document_fields(doc, self._local_tz)  # validate now, where the caller can see which doc
        self._ops[doc.id] = doc

    def delete(self, doc_id: int) -> None:
        """Remove the document with this id, if it is indexed."""
        self._ops[doc_id] = None

    def __len__(self) -> int:
        return len(self._ops)

    def apply(self, writer: IndexWriter) -> None:
        """Write the collected operations to a Whoosh writer (without committing)."""
        for doc_id, doc in self._ops.items():
            if doc is None:
                writer.delete_by_term("id", str(doc_id))
            else:
                writer.update_document(**document_fields(doc, self._local_tz))


class SearchIndex(SearchEngine):
    """Full-text index of documents under one base directory, which it owns entirely (single-node)."""

    backend = "whoosh"
    single_node = True

    def __init__(self, path: str | Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 local_tz: tzinfo = timezone.utc, posting_cache_mb: int = DEFAULT_POSTING_CACHE_MB) -> None:
        """Bind to a base directory; `local_tz` sets the calendar for date filters and year facets.

        `posting_cache_mb` bounds the memory for decoded postings of common words (0: none).
        """
        # Changing local_tz needs a rebuild: the year facet is computed when a document is indexed.
        self._base = Path(path)
        self._lock_timeout = lock_timeout
        self._local_tz = local_tz
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._closed = False
        self._owner_fd: int | None = None
        self._posting_cache = (PostingCache(max_postings=posting_cache_mb * 1_000_000 // POSTING_BYTES,
                                            min_postings=CACHE_MIN_POSTINGS) if posting_cache_mb > 0 else None)

    @property
    def path(self) -> Path:
        """Return the base directory."""
        return self._base

    def describe(self) -> str:
        """Return where the index lives."""
        return f"Whoosh index at {self._base} (single-node)"

    # -- one writer, one node ------------------------------------------------------------

    def claim_writer(self) -> None:
        """Hold the folder's owner lock for the life of this process; refuse if another worker holds it.

        The lock is an flock on OWNER_FILE, released by the kernel when the process dies, so a
        crashed worker never leaves a stale claim; the file names the holder for the message.
        """
        if self._owner_fd is not None:
            return
        self._base.mkdir(parents=True, exist_ok=True)
        path = self._base / OWNER_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise IndexLockedError(
                f"the Whoosh index folder {self._base} is already written by {holder}. The Whoosh engine is "
                "single-node: run one worker per index folder, or use [index] backend = \"postgres\" for "
                "several workers or nodes") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"worker pid {os.getpid()} on host {socket.gethostname()}\n".encode(), 0)
        self._owner_fd = fd

    def check_node(self) -> None:
        """Refuse to serve a folder whose writer runs on another machine (a shared network folder)."""
        try:
            holder = (self._base / OWNER_FILE).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return
        host = holder.rsplit(" on host ", 1)[-1] if " on host " in holder else ""
        if host and host != socket.gethostname():
            raise IndexLockedError(
                f"the Whoosh index folder {self._base} is written by {holder}, another machine. The Whoosh "
                "engine is single-node: use [index] backend = \"postgres\" for several nodes (if that machine "
                f"no longer writes this folder, delete {self._base / OWNER_FILE})")

    # -- layout --------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Create an empty index if there is none; raise IndexOutdatedError if it needs a rebuild."""
        self._base.mkdir(parents=True, exist_ok=True)
        current = self._current_dir()
        if current is None:
            with self._write_lock():
                current = self._current_dir()
                if current is None:
                    current = self._create_empty()
        self._check_version(current)
        self._remove_abandoned_builds()

    def _remove_abandoned_builds(self) -> None:
        """Delete index directories that a killed rebuild left behind (newer than the current one).

        A rebuild holds the write lock from making its directory to swapping it in, so while the
        lock is free every directory newer than the current one belongs to a rebuild that died.
        """
        try:
            with self._write_lock(timeout=0):
                current = self._current_dir()
                if current is None:
                    return
                for directory in self._base.glob(f"{INDEX_DIR_PREFIX}*"):
                    if directory.is_dir() and directory.name > current.name:
                        logger.warning("Removing %s, left by a rebuild that did not finish", directory)
                        shutil.rmtree(directory, ignore_errors=True)
        except IndexLockedError:
            pass  # a rebuild is running: the newer directory is its work in progress

    def _create_empty(self) -> Path:
        link = self._base / CURRENT_LINK
        if link.is_symlink():
            # The index is derived data: start empty, the fingerprint check will refill it.
            logger.error("Search index link %s points to a missing index; starting empty", link)
        new_dir = self._make_index_dir()
        self._create_index(new_dir)
        self._swap_current(new_dir)
        logger.info("Created empty search index %s", new_dir)
        return new_dir

    @staticmethod
    def _create_index(directory: Path) -> FileIndex:
        ix = whoosh_index.create_in(str(directory), build_schema())
        (directory / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n", encoding="ascii")
        return ix

    @staticmethod
    def _check_version(directory: Path) -> None:
        try:
            found = (directory / VERSION_FILE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            found = "none"
        if found != str(SCHEMA_VERSION):
            raise IndexOutdatedError(
                f"search index {directory} has schema version {found}, this code needs "
                f"{SCHEMA_VERSION}: rebuild it (docflow reindex)"
            )

    def _current_dir(self) -> Path | None:
        link = self._base / CURRENT_LINK
        try:
            target = os.readlink(link)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SearchIndexError(f"{link} is not a symlink to an index directory") from exc
        directory = self._base / target
        # A table of contents marks a committed index. Whoosh's exists_in would parse it, and a
        # damaged one would raise whatever its decoder meets; opening it reports that (as
        # IndexDamagedError) where a reader or writer opens it.
        if not any(directory.glob(TOC_PATTERN)):
            return None
        return directory

    def _require_current_dir(self) -> Path:
        directory = self._current_dir()
        if directory is None:
            raise SearchIndexError(f"no search index under {self._base}; call ensure_ready() first")
        return directory

    def _make_index_dir(self) -> Path:
        while True:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
            directory = self._base / f"{INDEX_DIR_PREFIX}{stamp}"
            try:
                directory.mkdir()
                return directory
            except FileExistsError:
                time.sleep(0.001)

    def _swap_current(self, new_dir: Path) -> None:
        link = self._base / CURRENT_LINK
        tmp = self._base / f".{CURRENT_LINK}-{os.getpid()}-{threading.get_ident()}"
        if tmp.is_symlink():
            tmp.unlink()
        # A relative target keeps the base directory movable; rename() makes the swap atomic.
        os.symlink(new_dir.name, tmp)
        os.replace(tmp, link)
        _fsync_directory(self._base)

    def _prune(self, keep: set[str]) -> None:
        for directory in self._base.glob(f"{INDEX_DIR_PREFIX}*"):
            if directory.name in keep or not directory.is_dir():
                continue
            try:
                shutil.rmtree(directory)
                logger.info("Removed old search index %s", directory)
            except OSError:
                logger.exception("Could not remove old search index %s", directory)

    @contextmanager
    def _write_lock(self, timeout: float | None = None) -> Iterator[None]:
        self._base.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._base / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        timeout = self._lock_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(
                            f"search index {self._base} is locked by another writer "
                            f"(waited {timeout:g} s)"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def writer(self, connection: object = None) -> Iterator[WhooshBatch]:
        """Collect upserts and deletes; commit them once at exit, or not at all on an exception (`connection` unused)."""
        batch = WhooshBatch(self._local_tz)
        yield batch
        if not len(batch):
            return
        with self._write_lock():
            directory = self._require_current_dir()
            self._check_version(directory)
            try:
                ix = FileStorage(str(directory), supports_mmap=USE_MMAP).open_index()
            except Exception as exc:
                raise IndexDamagedError(f"cannot open search index {directory} to write: {exc!r}; rebuild it "
                                        "(docflow reindex)") from exc
            try:
                try:
                    writer = pooling.writer(ix, WRITER_LIMIT_MB, timeout=self._lock_timeout)
                except LockError as exc:
                    raise IndexLockedError(f"Whoosh writer lock of {self._base} is held") from exc
                try:
                    batch.apply(writer)
                except BaseException:
                    writer.cancel()
                    raise
                # Small segments only: larger merges run beside the writer (merge_segments).
                writer.commit(mergetype=merging.merge_small)
            except OSError as exc:
                raise SearchIndexError(f"writing to search index {directory} failed: {exc}") from exc
            finally:
                ix.close()
        logger.info("Committed %d search index changes", len(batch))

    @staticmethod
    def _read_segments(directory: Path) -> tuple[list, Schema]:
        """Return the segments and schema of the latest commit in an index directory."""
        ix = FileStorage(str(directory), supports_mmap=USE_MMAP).open_index()
        try:
            return ix._segments(), ix.schema
        finally:
            ix.close()

    def wants_merge(self) -> bool:
        """Tell whether large segments are due for a merge (see merge_segments)."""
        directory = self._current_dir()
        return directory is not None and bool(merging.choose_merge(self._read_segments(directory)[0]))

    def merge_pending(self, cancel: threading.Event | None = None) -> None:
        """Merge level after level until no merge is due, or until `cancel` is set."""
        while not (cancel is not None and cancel.is_set()) and self.merge_segments(cancel=cancel):
            pass

    def merge_segments(self, *, between: Callable[[], None] | None = None,
                       cancel: threading.Event | None = None) -> int:
        """Merge one level of large segments if one is due; return how many documents the merge wrote.

        The write lock is held only to choose the segments and to swap the merged one in; the
        merge runs in a child process meanwhile, so writer() commits go on (search_index.whoosh_engine.merging).
        `between` runs after the merge and before the swap (for tests). A rebuild swapped in
        meanwhile makes the merge moot: it is dropped; so does setting `cancel` (the child is
        terminated and 0 returned).
        """
        with self._write_lock():
            directory = self._require_current_dir()
            self._remove_merge_scratch()
            segments, schema = self._read_segments(directory)
            chosen = merging.choose_merge(segments)
            if not chosen:
                return 0
            scratch = self._base / f"{MERGE_SCRATCH_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
            scratch.mkdir()
        try:
            started = time.monotonic()
            try:
                merged = merging.run_in_child(scratch, directory, schema, chosen, cancel)
            except merging.MergeCancelled:
                logger.info("Cancelled a merge of %d segments", len(chosen))
                return 0
            except Exception:
                if self._segments_gone(directory, chosen):
                    # Another worker merged them first and its commit removed their files.
                    logger.info("Dropped a merge of %s: its segments were merged meanwhile", directory.name)
                    return 0
                raise
            if between is not None:
                between()
            # A merge is minutes of work: wait longer than a writer would before giving it up.
            with self._write_lock(timeout=max(self._lock_timeout, SWAP_LOCK_TIMEOUT)):
                if self._current_dir() != directory:
                    logger.info("Dropped a merge of %s: the index was rebuilt meanwhile", directory.name)
                    return 0
                written = self._swap_in_merged(directory, scratch, chosen, merged)
            if written:
                logger.info("Merged %d segments (%d documents) in %.1f s", len(chosen), written,
                            time.monotonic() - started)
            return written
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _segments_gone(self, directory: Path, chosen: list) -> bool:
        """Tell whether any of the chosen segments has left the index (or the index was rebuilt)."""
        if self._current_dir() != directory:
            return True
        try:
            segments, _schema = self._read_segments(directory)
        except FileNotFoundError:
            return True  # a commit replaced the table of contents as it was read: things moved on
        present = {s.segment_id() for s in segments}
        return any(s.segment_id() not in present for s in chosen)

    def _swap_in_merged(self, directory: Path, scratch: Path, chosen: list, merged) -> int:
        storage = FileStorage(str(directory), supports_mmap=USE_MMAP)
        ix = storage.open_index()
        whoosh_lock = ix.lock("WRITELOCK")
        if not whoosh_lock.acquire(blocking=True):
            raise IndexLockedError(f"Whoosh writer lock of {self._base} is held")
        try:
            segments = ix._segments()
            current = {s.segment_id(): s for s in segments}
            missing = [s.segment_id() for s in chosen if s.segment_id() not in current]
            if missing:
                # Another worker merged them first (several may run on PostgreSQL).
                logger.info("Dropped a merge: segments %s were merged meanwhile", missing)
                return 0
            merging.carry_deletions(merged, chosen, current)
            merging.move_segment_files(merged, scratch, directory)
            chosen_ids = {s.segment_id() for s in chosen}
            _commit_segments(directory, ix, [s for s in segments if s.segment_id() not in chosen_ids] + [merged])
            return merged.doc_count_all()
        finally:
            whoosh_lock.release()
            ix.close()

    def _remove_merge_scratch(self) -> None:
        """Delete scratch folders of merges whose process is gone (call with the write lock held)."""
        for scratch in self._base.glob(f"{MERGE_SCRATCH_PREFIX}*"):
            pid = scratch.name[len(MERGE_SCRATCH_PREFIX):].split("-", 1)[0]
            if not (pid.isdigit() and _process_alive(int(pid))):
                shutil.rmtree(scratch, ignore_errors=True)

    def rebuild(self, docs: Iterable[IndexedDocument], processes: int = 1) -> int:
        """Index `docs` into a fresh directory, then switch readers to it atomically; return the count.

        With `processes` above 1, that many child processes index the documents side by side
        (search_index.whoosh_engine.building), leaving one segment each.
        """
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        with self._write_lock():
            previous = self._current_dir()
            new_dir = self._make_index_dir()
            try:
                count = self._build(new_dir, docs) if processes == 1 else self._build_parts(new_dir, docs, processes)
            except BaseException:
                shutil.rmtree(new_dir, ignore_errors=True)
                raise
            self._swap_current(new_dir)
            keep = {new_dir.name} | ({previous.name} if previous is not None else set())
            self._prune(keep)
        logger.info("Rebuilt search index %s with %d documents", new_dir, count)
        return count

    def _build(self, directory: Path, docs: Iterable[IndexedDocument]) -> int:
        ix = self._create_index(directory)
        try:
            writer = pooling.writer(ix, WRITER_LIMIT_MB)
            seen: set[int] = set()
            try:
                for doc in docs:
                    if doc.id in seen:
                        raise SearchIndexError(f"document {doc.id} appears twice in the rebuild")
                    seen.add(doc.id)
                    writer.add_document(**document_fields(doc, self._local_tz))
            except BaseException:
                writer.cancel()
                raise
            try:
                # One segment: a fresh index searches fastest fully merged.
                writer.commit(optimize=True)
            except OSError as exc:
                raise SearchIndexError(f"writing search index {directory} failed: {exc}") from exc
            return len(seen)
        finally:
            ix.close()

    def _build_parts(self, directory: Path, docs: Iterable[IndexedDocument], processes: int) -> int:
        ix = self._create_index(directory)
        try:
            count, segments = building.build_parts(directory, docs, self._local_tz, processes)
            try:
                _commit_segments(directory, ix, segments)
            except OSError as exc:
                raise SearchIndexError(f"writing search index {directory} failed: {exc}") from exc
            return count
        finally:
            ix.close()

    # -- reading -------------------------------------------------------------------------

    def _current_generation(self) -> Generation:
        """Return the open generation, reopening it if a commit or a rebuild has replaced it."""
        if self._closed:
            raise SearchIndexError("search index is closed")
        generation = self._generation
        if generation is not None and generation.is_current(self._base / CURRENT_LINK):
            return generation
        with self._lock:
            generation = self._generation
            if generation is not None and generation.is_current(self._base / CURRENT_LINK):
                return generation
            fresh = Generation.open(self._require_current_dir(), self._local_tz, self._posting_cache)
            self._generation = fresh
            if generation is not None:
                generation.retire()
            logger.debug("Search index reader moved to %s generation %d", fresh.directory.name, fresh.number)
            return fresh

    @contextmanager
    def _reading(self) -> Iterator[View]:
        """Lend a searcher of the current generation to the caller, retrying if it went stale."""
        for _attempt in range(5):
            generation = self._current_generation()
            stack = ExitStack()
            try:
                view = stack.enter_context(generation.lease())
            except StaleGeneration:
                continue
            with stack:
                try:
                    yield view
                except SearchIndexError:
                    raise
                except Exception as exc:
                    # Whoosh reports damaged files (truncated or missing segments, a garbled table
                    # of contents) with whatever its decoder meets: Exception, struct.error,
                    # EOFError... One error here, so callers answer "unavailable" rather than crash;
                    # the traceback is logged, should it be a defect rather than a damaged file.
                    logger.exception("reading search index %s failed", generation.directory)
                    raise IndexDamagedError(f"reading search index {generation.directory} failed: {exc!r}; "
                                            "rebuild it (docflow reindex)") from exc
            return
        raise SearchIndexError("the search index kept changing while it was being opened")

    def search(self, request: SearchRequest) -> SearchResults:
        """Run a search for a user; only documents readable by `request.principals` count."""
        with self._reading() as view:
            return run_search(view, request)

    def warm_posting_cache(self, fill: float = 0.75) -> tuple[int, int]:
        """Decode the postings of the commonest words into the posting cache; return (lists, postings).

        For a web process just started (`docflow serve` runs it in a thread), so that the first
        searches for common words are as quick as later ones. Does nothing without a cache.
        """
        if self._posting_cache is None:
            return 0, 0
        with self._reading() as view:
            return warm_postings(view, self._posting_cache, WARM_FIELDS, fill)

    def warm(self) -> str | None:
        """Decode the commonest words' postings (see warm_posting_cache); return what was decoded."""
        lists, postings = self.warm_posting_cache()
        return f"decoded {lists} posting lists ({postings} postings) of common words"

    def check_health(self) -> None:
        """Open the reader and walk a word's postings for a principal no document names."""
        self.search(SearchRequest(q="surat", principals=("readiness-probe",), per_page=1, autocorrect=False))

    def similar(self, doc_id: int, principals: tuple[str, ...], limit: int = 5,
                hidden: frozenset[int] = frozenset()) -> SearchResults:
        """Return readable letters like the given one (never the letter itself); none if it is unreadable."""
        with self._reading() as view:
            return similar_documents(view, doc_id, principals, limit, hidden)

    def suggest(self, prefix: str, principals: tuple[str, ...], limit: int = 8,
                hidden: frozenset[int] = frozenset()) -> list[str]:
        """Return titles of readable documents whose words start with what the user has typed."""
        with self._reading() as view:
            return suggest_titles(view, prefix, principals, limit, hidden)

    def fingerprints(self) -> dict[int, str]:
        """Return id -> fingerprint for every indexed document."""
        with self._reading() as view:
            return view.fingerprints()

    def doc_count(self) -> int:
        """Return the number of indexed documents."""
        with self._reading() as view:
            return view.searcher.doc_count()

    def close(self) -> None:
        """Release open readers; searching after close() is an error."""
        with self._lock:
            self._closed = True
            if self._generation is not None:
                self._generation.retire()
                self._generation = None
            if self._owner_fd is not None:
                os.close(self._owner_fd)  # releases the owner lock
                self._owner_fd = None

