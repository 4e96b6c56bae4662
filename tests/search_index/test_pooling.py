"""Writers whose posting pool pickles its runs in batches and merges them all in one pass (search_index.whoosh_engine.pooling)."""
from __future__ import annotations

import pickle
import resource
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.externalsort import SortingPool
from whoosh.fields import ID, TEXT, Schema

from search_index.whoosh_engine import pooling

SCHEMA = Schema(id=ID(stored=True, unique=True), body=TEXT(phrase=True))
# A pool this small spills a run file every few documents.
TINY_LIMIT_MB = 0.004
DOCS = 300


def _body(number: int) -> str:
    return " ".join(f"kata{(number * 7 + k * 13) % 997} surat{number % 11}" for k in range(12))


def _build(directory: Path, make_writer, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Index DOCS documents with a tiny pool; return (runs spilled, runs rewritten by a second pass)."""
    spilled, rewritten = [], []
    real_save, real_reduce = SortingPool.save, SortingPool.reduce_to

    def save(self):
        if self.current:  # items() calls save() once more, with nothing left to write
            spilled.append(len(self.current))
        real_save(self)

    def reduce_to(self, target, k):
        rewritten.append(len(self.runs) - target)
        real_reduce(self, target, k)

    monkeypatch.setattr(SortingPool, "save", save)
    monkeypatch.setattr(SortingPool, "reduce_to", reduce_to)
    ix = whoosh_index.create_in(str(directory), SCHEMA)
    writer = make_writer(ix)
    for number in range(DOCS):
        writer.add_document(id=str(number), body=_body(number))
    writer.commit()
    ix.close()
    monkeypatch.undo()
    return len(spilled), sum(rewritten)


def _postings(directory: Path) -> list[tuple[str, str, list[int]]]:
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            stored = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
            return [(term.decode(), stored[docnum], list(reader.postings("body", term).value_as("positions")))
                    for term in reader.lexicon("body")
                    for docnum in reader.postings("body", term).all_ids()]
    finally:
        ix.close()


def test_one_pass_writer_merges_every_run_at_once_into_the_same_index(tmp_path: Path, monkeypatch):
    whoosh_dir, one_pass_dir = tmp_path / "whoosh", tmp_path / "one-pass"
    whoosh_dir.mkdir()
    one_pass_dir.mkdir()

    whoosh_runs, whoosh_rewritten = _build(whoosh_dir, lambda ix: ix.writer(limitmb=TINY_LIMIT_MB), monkeypatch)
    runs, rewritten = _build(one_pass_dir, lambda ix: pooling.writer(ix, TINY_LIMIT_MB), monkeypatch)

    assert runs == whoosh_runs > pooling.WHOOSH_MAX_FILES  # the case at hand: more runs than Whoosh opens
    assert whoosh_rewritten > 0  # Whoosh's own pool merges in two passes here
    assert rewritten == 0
    assert _postings(one_pass_dir) == _postings(whoosh_dir)
    assert not list(one_pass_dir.glob("*.run")) and not list(one_pass_dir.glob("*.tmp/*"))


def test_max_open_runs_follows_the_open_file_limit(monkeypatch):
    limits = {"soft": 1024}
    monkeypatch.setattr(resource, "getrlimit", lambda _which: (limits["soft"], resource.RLIM_INFINITY))
    assert pooling.max_open_runs() == 1024 - pooling.SPARE_FILES
    limits["soft"] = 150
    assert pooling.max_open_runs() == pooling.WHOOSH_MAX_FILES
    limits["soft"] = 1_048_576
    assert pooling.max_open_runs() == pooling.MOST_FILES
    limits["soft"] = resource.RLIM_INFINITY
    assert pooling.max_open_runs() == pooling.MOST_FILES


def test_runs_are_pickled_in_batches_and_come_back_in_order(tmp_path: Path):
    """A run file holds one pickle per RUN_BATCH postings; the merge yields every posting, sorted."""
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    writer = pooling.writer(ix, TINY_LIMIT_MB)
    pool = writer.pool
    pool.limit = 10**9  # spill only when told to, so each run's size is known
    postings = [("body", f"kata{(n * 7919) % 1000:04d}".encode(), n, 1.0, b"\x01\x02") for n in range(5000)]
    sizes = []
    for first in range(0, len(postings), 2600):  # 2,600 and 2,400: batches of 1,024 and a remainder
        for posting in postings[first:first + 2600]:
            pool.add(posting)
        sizes.append(len(pool.current))
        pool.save()

    pickles_per_run = []
    for path in pool.runs:
        with pool._open_run(path) as f:
            batches = []
            while True:
                try:
                    batches.append(len(pickle.load(f)))
                except EOFError:
                    break
        pickles_per_run.append(batches)
    assert [sum(batches) for batches in pickles_per_run] == sizes
    assert all(max(batches) == pooling.RUN_BATCH and len(batches) == -(-size // pooling.RUN_BATCH)
               for batches, size in zip(pickles_per_run, sizes, strict=True))

    assert list(pool.iter_postings()) == sorted(postings)
    assert not list(tmp_path.rglob("*.run"))  # each run is removed once read
    writer.cancel()
    ix.close()
