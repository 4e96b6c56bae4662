"""What a large reindex spends on its posting pool's run files: Whoosh's pool against Docflow's.

    .venv/bin/python -m bench.pool_runs [--count 10000] [--limit-mb 128]

A reindex process adds its share of letters to one Whoosh writer, whose pool sorts and spills
the postings to a run file whenever `limit-mb` of them are held, then merges every run into
the segment at commit. At 1,000,000 letters that is some 290 runs per process, and profiles
showed the spilling alone at 22% of the process's time (bench/README.md section 6). This
indexes --count synthetic letters (the analyzer and schema of Docflow, 300-800 words each)
once with Whoosh's own pool and once with `search_index.whoosh_engine.pooling.writer`, at the reindex's pool
limit, and reports per pool: the seconds adding (spills included), the seconds of the commit
(the merge of the runs and the segment's writing), the runs and their bytes, and the segment's
bytes. The stemmer's cache is warmed by one pass first, so neither pool pays for it. The two
segments must be the same, file by file inside the compound segment, or the bench fails.
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.writing import PostingPool

from bench.common import BenchError, format_table, machine_info, make_workdir, setup_logging, write_results
from bench.synthetic import LetterGenerator
from search_index.whoosh_engine import pooling
from search_index.whoosh_engine.building import PART_LIMIT_MB
from search_index.models import IndexedDocument
from search_index.schema import build_schema, document_fields

logger = logging.getLogger(__name__)


def letter_fields(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return the Whoosh field values of `count` synthetic letters, as a reindex would add them."""
    generator = LetterGenerator(seed=seed)
    fields = []
    for ordinal in range(count):
        letter = generator.letter(ordinal)
        doc = IndexedDocument(
            id=ordinal + 1, title=letter.title, body=letter.body, number=letter.number, doc_type=letter.doc_type,
            unit=letter.unit_code, state=letter.state, security_class=letter.security_class,
            classification=letter.classification, author=f"user:{ordinal % 97}", created=letter.created,
            updated=letter.created, readers=(f"unit:{letter.unit_code}", f"user:{ordinal % 97}"),
            fingerprint=f"{ordinal:064x}")
        fields.append(document_fields(doc, UTC))
    return fields


def warm_analyzers(fields: list[dict[str, Any]]) -> None:
    """Run every analyzed field's analyzer over the letters once (which fills the stemmer's cache)."""
    schema = build_schema()
    for values in fields:
        for name, value in values.items():
            analyzer = getattr(schema[name], "analyzer", None)
            if analyzer is not None and isinstance(value, str):
                for _token in analyzer(value):
                    pass


class _Runs:
    """Counts the run files a pool spills and their bytes, whatever the pool."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0

    def watch(self, pool: PostingPool) -> None:
        save = pool.save

        def counted_save() -> None:
            before = set(pool.runs)
            save()
            for path in set(pool.runs) - before:
                self.count += 1
                self.bytes += pool.tempstore.file_length(path)

        pool.save = counted_save  # type: ignore[method-assign]


def build(directory: Path, fields: list[dict[str, Any]], ours: bool, limit_mb: float) -> dict[str, Any]:
    """Index the fields with one writer and one commit; return the timings and sizes."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = pooling.writer(ix, limit_mb) if ours else ix.writer(limitmb=limit_mb)
    runs = _Runs()
    runs.watch(writer.pool)
    started = time.perf_counter()
    for values in fields:
        writer.add_document(**values)
    added = time.perf_counter()
    writer.commit(merge=False)
    committed = time.perf_counter()
    ix.close()
    return {"add_s": round(added - started, 2), "commit_s": round(committed - added, 2),
            "runs": runs.count, "run_bytes": runs.bytes,
            "segment_bytes": sum(p.stat().st_size for p in directory.iterdir() if p.suffix != ".toc")}


def segment_digest(directory: Path) -> dict[str, str]:
    """Return the SHA-256 of each file inside the index's one (compound) segment, by its name less the segment id."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        (segment,) = ix._segments()
        compound = CompoundStorage(ix.storage.open_file(segment.make_filename(".seg")), use_mmap=False)
        try:
            return {name.replace(segment.segment_id(), ""): _sha256(compound, name) for name in compound.list()}
        finally:
            compound.close()
    finally:
        ix.close()


def _sha256(storage: CompoundStorage, name: str) -> str:
    f = storage.open_file(name)
    try:
        return hashlib.sha256(f.read()).hexdigest()
    finally:
        f.close()


def run(count: int, limit_mb: float) -> dict[str, Any]:
    workdir = make_workdir("pool-runs")
    fields = letter_fields(count)
    logger.info("warming the stemmer's cache with %d letters", count)
    warm_analyzers(fields)
    rows = {}
    try:
        for name, ours in (("whoosh", False), ("docflow", True)):
            rows[name] = build(workdir / name, fields, ours, limit_mb)
            logger.info("%s: %s", name, rows[name])
        if segment_digest(workdir / "whoosh") != segment_digest(workdir / "docflow"):
            raise BenchError("the two pools wrote different segments")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"bench": "pool_runs", "count": count, "limit_mb": limit_mb, "pools": rows,
            "machine": machine_info(Path("/tmp"))}


def render(results: dict[str, Any]) -> str:
    rows = [(name, r["add_s"], r["commit_s"], round(r["add_s"] + r["commit_s"], 2), r["runs"],
             f"{r['run_bytes'] / 2**20:.0f} MiB", f"{r['segment_bytes'] / 2**20:.0f} MiB")
            for name, r in results["pools"].items()]
    return (f"{results['count']} letters, pool limit {results['limit_mb']} MB\n"
            + format_table(("pool", "add s", "commit s", "total s", "runs", "run bytes", "segment"), rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--limit-mb", type=float, default=PART_LIMIT_MB)
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    setup_logging()
    results = run(args.count, args.limit_mb)
    print(render(results))
    if not args.no_save:
        print(f"results: {write_results('pool_runs', results)}")


if __name__ == "__main__":
    main()
