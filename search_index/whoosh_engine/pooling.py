"""Whoosh writers whose posting pool writes its run files in batches and merges them in one pass.

A Whoosh writer pools the postings of what it is given; past `limitmb` of them it sorts the
pool and spills it to a run file, and its commit merges the runs into the new segment. Whoosh
opens at most 128 runs at once: with more, it first merges them 128 at a time into new run
files, so before the final pass it reads, unpickles and rewrites nearly all of them once more.
A reindex of 1,000,000 letters in two processes spills about 290 runs of ~84 MB in each (see
bench/README.md section 6), so that extra pass would rewrite some 21 GB of each process's
24 GB. These writers open every run at once instead (one file descriptor and one read buffer
each), as many as the process's open-file limit leaves room for.

Whoosh also pickles each posting on its own, with protocol 2: a pickler made, a frame written
and, in the merge, an unpickler made for every posting, some 300 million of them per process in
that reindex. Profiled in a reindex process, writing runs so was 22% of its time. These pools
pickle runs in batches of RUN_BATCH postings with the newest protocol. Measured by
bench/pool_runs.py (10,000 letters in one writer, six runs): 241 s with Whoosh's pool, 163 s
with this one, run files 454 MiB against 157 MiB, and the same segment to the byte.
"""
from __future__ import annotations

import pickle
import resource
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

from whoosh.writing import PostingPool

# Whoosh's own bound, kept as the least.
WHOOSH_MAX_FILES = 128
# Open files left for everything else the process has open (the index's segment files, sockets).
SPARE_FILES = 64
# Beyond this many runs a merge's heap gains nothing over a second pass worth the descriptors.
MOST_FILES = 4096
# Postings per pickle in a run file: past a few hundred the per-call cost is gone, and a merge
# holds one batch of every open run in memory.
RUN_BATCH = 1024


def max_open_runs() -> int:
    """How many run files one merge may open, by the process's soft open-file limit."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MOST_FILES
    return max(WHOOSH_MAX_FILES, min(MOST_FILES, soft - SPARE_FILES))


class OnePassPool(PostingPool):
    """Whoosh's posting pool, with runs pickled in batches, merging up to `max_open_runs()` runs in one pass."""

    def iter_postings(self) -> Any:
        return self.items(maxfiles=max_open_runs())

    def _write_run(self, f: BinaryIO, items: Iterable[Any]) -> None:
        postings = iter(items)
        try:
            while batch := list(islice(postings, RUN_BATCH)):
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


def writer(ix: Any, limitmb: float, **kwargs: Any) -> Any:
    """`ix.writer(limitmb=..., **kwargs)` with a `OnePassPool` in place of Whoosh's pool.

    The writer has not taken a posting yet, so its own (empty) pool is simply replaced.
    """
    whoosh_writer = ix.writer(limitmb=limitmb, **kwargs)
    whoosh_writer.pool = OnePassPool(whoosh_writer._tempstorage, whoosh_writer.newsegment, limitmb=limitmb)
    return whoosh_writer
