"""Building a fresh index with several processes, one segment each.

Whoosh analyses and pools postings in pure Python, so one process builds at most one core's
worth: at 100,000 letters a rebuild takes a quarter of an hour, at 1,000,000 hours. Here the
caller's process reads the documents and hands them out in batches through a queue; each of
`processes` spawned children indexes what it takes into a segment of its own scratch index
(as a merge does, search_index.whoosh_engine.merging), and once all have finished their segments are moved
into the new index and committed together. The index's statistics (document frequencies,
average lengths) are those of the whole collection, so searches rank exactly as on a
one-segment index; a later merge (merging.choose_merge) joins the segments when it is due.
"""
from __future__ import annotations

import queue
import shutil
from collections.abc import Iterable
from datetime import tzinfo
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search_index.whoosh_engine import pooling
from search_index.errors import SearchIndexError
from search_index.whoosh_engine.merging import child_answer, move_segment_files, send_outcome, stop_child
from search_index.models import IndexedDocument
from search_index.schema import build_schema, document_fields

# Documents per hand-out: big enough that queue traffic costs little, small enough to balance.
BATCH_DOCS = 50
# Memory for each child's posting pool.
PART_LIMIT_MB = 128
PART_PREFIX = ".part-"
# How long a put waits for room before checking the children are still alive.
_POLL_SECONDS = 0.5


def build_parts(directory: Path, docs: Iterable[IndexedDocument], local_tz: tzinfo, processes: int,
                *, target: Any = None) -> tuple[int, list[Any]]:
    """Index `docs` with `processes` children; return the count and their segments, moved into `directory`.

    The caller commits the segments to the index in `directory`.
    Raises SearchIndexError when a document comes twice, when a child fails or dies, and
    passes on what reading `docs` raises; the caller removes `directory` then. `target`
    replaces the children's function (for tests).
    """
    context = get_context("spawn")
    jobs = context.Queue(maxsize=2 * processes)
    children = []
    for number in range(processes):
        scratch = directory / f"{PART_PREFIX}{number}"
        scratch.mkdir()
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=target or _child, args=(str(scratch), local_tz, jobs, send),
                                name=f"index-build-{number}", daemon=True)
        child.start()
        send.close()
        children.append((child, receive, scratch))
    try:
        count = _hand_out(docs, jobs, children, local_tz)
        for _ in children:
            _put(jobs, None, children)
        return count, _move_parts(directory, [(segment, scratch) for segment, scratch in _collect(children)
                                              if segment is not None])
    finally:
        for child, receive, _scratch in children:
            stop_child(child, receive)
        jobs.close()
        jobs.cancel_join_thread()


def _hand_out(docs: Iterable[IndexedDocument], jobs: Any, children: list, local_tz: tzinfo) -> int:
    seen: set[int] = set()
    batch: list[IndexedDocument] = []
    for doc in docs:
        if doc.id in seen:
            raise SearchIndexError(f"document {doc.id} appears twice in the rebuild")
        seen.add(doc.id)
        document_fields(doc, local_tz)  # a document that cannot be indexed fails here, named
        batch.append(doc)
        if len(batch) == BATCH_DOCS:
            _put(jobs, batch, children)
            batch = []
    if batch:
        _put(jobs, batch, children)
    return len(seen)


def _put(jobs: Any, item: Any, children: list) -> None:
    """Queue `item`, failing instead of waiting forever when a child has stopped taking work."""
    while True:
        try:
            jobs.put(item, timeout=_POLL_SECONDS)
            return
        except queue.Full:
            for child, receive, _scratch in children:
                if receive.poll(0) or not child.is_alive():
                    _outcome(child, receive)  # only an error is sent before the end


def _collect(children: list) -> list[tuple[Any, Path]]:
    """Wait for every child's segment (None for one that got no document)."""
    return [(_outcome(child, receive), scratch) for child, receive, scratch in children]


def _outcome(child: Any, receive: Any) -> Any:
    return child_answer(child, receive, "an index build process", SearchIndexError, _POLL_SECONDS)


def _move_parts(directory: Path, segments: list[tuple[Any, Path]]) -> list[Any]:
    """Move the children's segments into `directory`; remove every part's scratch index."""
    for segment, scratch in segments:
        move_segment_files(segment, scratch, directory)
    for scratch in directory.glob(f"{PART_PREFIX}*"):
        shutil.rmtree(scratch)
    return [segment for segment, _scratch in segments]


def _child(scratch: str, local_tz: tzinfo, jobs: Any, send: Any) -> None:
    send_outcome(send, index_part, scratch, local_tz, jobs)


def index_part(scratch: str, local_tz: tzinfo, jobs: Any) -> Any:
    """Index the batches taken from `jobs` (until None) into a new index in `scratch`; return its segment.

    Runs in a child process; returns None if no document came.
    """
    ix = whoosh_index.create_in(scratch, build_schema())
    writer = pooling.writer(ix, PART_LIMIT_MB)
    added = False
    try:
        while (batch := jobs.get()) is not None:
            for doc in batch:
                writer.add_document(**document_fields(doc, local_tz))
                added = True
    except BaseException:
        writer.cancel()
        raise
    if not added:
        writer.cancel()
        ix.close()
        return None
    writer.commit(merge=False)
    (segment,) = ix._segments()
    ix.close()
    return segment
