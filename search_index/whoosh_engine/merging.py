"""Segment merging that never keeps the writer waiting for more than a small merge.

Whoosh merges segments inside a writer's commit, while the index is locked: at 100,000 letters
one commit merged 70,000 of them for five minutes, and nothing could be indexed meanwhile. Here
a commit merges only small segments (`merge_small`: fewer than SMALL_SEGMENT_DOCS documents each,
once SMALL_SEGMENT_COUNT of them have gathered), which takes well under a second. Larger
segments are merged by `SearchIndex.merge_segments()` in levels, MERGE_FACTOR segments of about
the same size at a time (so each document is merged a logarithmic number of times), and the
lock is held only to choose them and to swap the merged segment in: the merge itself runs in a
child process (`merge_into`) while commits go on. Commits never touch large segments, so the
files being merged stay in place; documents deleted or replaced in them meanwhile are deleted
from the merged segment when it is swapped in (`carry_deletions`).
"""
from __future__ import annotations

import bisect
import math
import os
import threading
from collections.abc import Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from search_index.whoosh_engine import pooling

SMALL_SEGMENT_DOCS = 100
SMALL_SEGMENT_COUNT = 6
MERGE_FACTOR = 8
# Memory for the merging writer's posting pool (the child process's own).
MERGE_LIMIT_MB = 128


def merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh merge policy for commits: merge the small segments once enough have gathered."""
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < SMALL_SEGMENT_COUNT:
        return segments
    _add_segments(writer, writer.storage, small)
    merged = {s.segment_id() for s in small}
    return [s for s in segments if s.segment_id() not in merged]


def _add_segments(writer: Any, storage: Any, segments: Sequence[Any]) -> None:
    """Copy the live documents of `segments` (stored in `storage`) into the writer's new segment."""
    for segment in segments:
        reader = SegmentReader(storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()


def level(segment: Any) -> int:
    """Return the size level of a large segment: 0 below MERGE_FACTOR x SMALL_SEGMENT_DOCS, and so on."""
    return max(0, int(math.log(max(segment.doc_count_all(), 1) / SMALL_SEGMENT_DOCS, MERGE_FACTOR)))


def choose_merge(segments: Sequence[Any]) -> list[Any]:
    """Return the large segments to merge next (the smallest full level), or [] if none is due."""
    by_level: dict[int, list[Any]] = {}
    for segment in segments:
        if segment.doc_count_all() >= SMALL_SEGMENT_DOCS:
            by_level.setdefault(level(segment), []).append(segment)
    for _, group in sorted(by_level.items()):
        if len(group) >= MERGE_FACTOR:
            return sorted(group, key=lambda s: s.doc_count_all())[:MERGE_FACTOR]
    return []


class MergeCancelled(Exception):
    """The merge was cancelled before it finished; nothing was changed."""


def run_in_child(scratch: Path, source: Path, schema: Any, segments: list[Any],
                 cancel: threading.Event | None, target: Any = None) -> Any:
    """Run merge_into in a spawned child process and return the merged segment.

    Raises MergeCancelled (the child terminated) when `cancel` is set meanwhile, and
    RuntimeError when the child fails or dies (killed for memory, say) without an answer.
    `target` replaces the child's function (for tests).
    """
    context = get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=target or _child, args=(send, str(scratch), str(source), schema, segments),
                            name="index-merge", daemon=True)
    child.start()
    send.close()
    try:
        return child_answer(child, receive, "the merge process", RuntimeError, 0.2, cancel)
    finally:
        stop_child(child, receive)


def child_answer(child: Any, receive: Any, name: str, error: type[Exception], poll: float,
                 cancel: threading.Event | None = None) -> Any:
    """Wait for what a child process sends back through `receive` (see send_outcome) and return it.

    Raises `error` ("<name> failed: ..." or "<name> died (exit code N)") when the child reports
    a failure or ends without an answer, checking every `poll` seconds; MergeCancelled when
    `cancel` is set meanwhile.
    """
    while True:
        if cancel is not None and cancel.is_set():
            raise MergeCancelled()
        if receive.poll(poll):
            break
        if not child.is_alive() and not receive.poll(0):
            raise _died(child, name, error)
    try:
        outcome, value = receive.recv()
    except EOFError:
        raise _died(child, name, error) from None
    if outcome != "ok":
        raise error(f"{name} failed: {value}")
    return value


def _died(child: Any, name: str, error: type[Exception]) -> Exception:
    child.join(30)
    return error(f"{name} died (exit code {child.exitcode})")


def stop_child(child: Any, receive: Any) -> None:
    """Close the pipe from a child process and end the child if it still runs."""
    receive.close()
    if child.is_alive():
        child.terminate()
    child.join(30)


def send_outcome(send: Any, work: Any, *args: Any) -> None:
    """In a child process: send ("ok", work(*args)), or ("error", what it raised), to the parent."""
    try:
        send.send(("ok", work(*args)))
    except BaseException as exc:  # the parent reports it
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _child(send: Any, scratch: str, source: str, schema: Any, segments: list[Any]) -> None:
    send_outcome(send, merge_into, scratch, source, schema, segments)


def merge_into(scratch: str, source: str, schema: Any, segments: list[Any]) -> Any:
    """Merge `segments` of the index in `source` into one new segment of a new index in `scratch`.

    Runs in a child process; returns the new segment (its files are in `scratch`). Deleted
    documents are left out, in order, as Whoosh's own merge does.
    """
    storage = FileStorage(source, supports_mmap=False)  # mmap would copy each whole segment in
    ix = whoosh_index.create_in(scratch, schema)
    writer = pooling.writer(ix, MERGE_LIMIT_MB)
    try:
        _add_segments(writer, storage, segments)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    (merged,) = ix._segments()
    ix.close()
    return merged


def carry_deletions(merged: Any, before: Sequence[Any], now: dict[str, Any]) -> None:
    """Delete from `merged` the documents deleted in its sources since they were chosen.

    `before` are the source segments as merged (in order), `now` the same segments by id as
    the index has them at swap time; the merge numbered the sources' surviving documents in order.
    """
    offset = 0
    for source in before:
        gone_before = sorted(source.deleted_docs()) if source.has_deletions() else []
        current = now[source.segment_id()]
        if current.has_deletions():
            for docnum in sorted(set(current.deleted_docs()) - set(gone_before)):
                merged.delete_document(offset + docnum - bisect.bisect_left(gone_before, docnum))
        offset += source.doc_count_all() - len(gone_before)
    if offset != merged.doc_count_all():
        raise RuntimeError(f"merged segment holds {merged.doc_count_all()} documents, its sources {offset}")


def move_segment_files(merged: Any, scratch: Path, directory: Path) -> None:
    """Move the merged segment's files from the scratch index into the index directory."""
    prefix = merged.segment_id() + "."
    names = [name for name in os.listdir(scratch) if name.startswith(prefix)]
    if not names:
        raise RuntimeError(f"no files of segment {merged.segment_id()} in {scratch}")
    for name in names:
        fd = os.open(scratch / name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(scratch / name, directory / name)
