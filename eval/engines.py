"""Run the relevance evaluation on both search engines: the PostgreSQL engine within 0.02 nDCG@10 of Whoosh.

Run from the repository root: ``.venv/bin/python -m eval.engines [--database-url URL]``. It indexes
eval/collection.jsonl with the Whoosh engine (in a temporary folder) and with the PostgreSQL engine
(in a database made for the run on the server of `--database-url`, default
$DOCFLOW_EVAL_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1:5432/postgres, and dropped
after), runs every query of eval/queries.jsonl on both as eval/run.py does, prints nDCG@10 per group
and overall for each engine and the difference, and writes eval/engines.json. Exits 1 when the
PostgreSQL engine is more than TOLERANCE below Whoosh overall or in any group.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from eval.metrics import ndcg_at
from eval.query_specs import GROUPS
from eval.run import COLLECTION_FILE, QUERIES_FILE, load_jsonl, search_docflow, to_indexed
from search_index import SearchEngine, open_engine

EVAL_DIR = Path(__file__).resolve().parent
RESULTS_FILE = EVAL_DIR / "engines.json"
TOLERANCE = 0.02
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """Create a database for the run on the server of `server_url`; drop it afterwards."""
    url = make_url(server_url)
    name = f"docflow_eval_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_engine(engine: SearchEngine, records: Sequence[dict], queries: Sequence[dict]) -> tuple[dict[str, float], float]:
    """Index the records, run the queries; return query id -> nDCG@10 and the seconds the queries took."""
    engine.ensure_ready()
    engine.rebuild(to_indexed(r) for r in records)
    started = time.perf_counter()
    scores = {}
    for query in queries:
        judgements = {int(k): v for k, v in query["judgements"].items()}
        outcome = search_docflow(engine, query["q"])
        if outcome.error:
            raise SystemExit(f"query {query['id']} failed on {engine.backend}: {outcome.error}")
        scores[query["id"]] = ndcg_at(outcome.ranked, judgements)
    return scores, time.perf_counter() - started


def compare(records: Sequence[dict], queries: Sequence[dict], database_url: str, workdir: Path) -> dict:
    """Return per-group nDCG@10 of both engines and their differences."""
    whoosh = open_engine("whoosh", path=workdir / "whoosh")
    postgres = open_engine("postgres", database_url=database_url)
    try:
        whoosh_scores, whoosh_s = run_engine(whoosh, records, queries)
        postgres_scores, postgres_s = run_engine(postgres, records, queries)
    finally:
        whoosh.close()
        postgres.close()
    groups = [g for g in GROUPS if any(q["group"] == g for q in queries)]
    groups += sorted({q["group"] for q in queries} - set(groups))
    summary = {}
    for name in [*groups, "overall"]:
        ids = [q["id"] for q in queries if name in ("overall", q["group"])]
        w = statistics.fmean(whoosh_scores[i] for i in ids)
        p = statistics.fmean(postgres_scores[i] for i in ids)
        summary[name] = {"queries": len(ids), "whoosh_ndcg": w, "postgres_ndcg": p, "difference": p - w,
                         "within": p >= w - TOLERANCE}
    differing = {i: {"whoosh": whoosh_scores[i], "postgres": postgres_scores[i]}
                 for i in whoosh_scores if abs(whoosh_scores[i] - postgres_scores[i]) > 1e-9}
    return {"summary": summary, "differing_queries": differing,
            "query_seconds": {"whoosh": whoosh_s, "postgres": postgres_s}}


def format_table(summary: dict) -> str:
    """Return the per-group comparison as Markdown."""
    lines = ["| group | queries | Whoosh nDCG@10 | PostgreSQL nDCG@10 | difference | within 0.02 |",
             "|---|---:|---:|---:|---:|---|"]
    for name, row in summary.items():
        label = f"**{name}**" if name == "overall" else name
        lines.append(f"| {label} | {row['queries']} | {row['whoosh_ndcg']:.3f} | {row['postgres_ndcg']:.3f} | "
                     f"{row['difference']:+.3f} | {'yes' if row['within'] else 'no'} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Compare the engines, print the table, write eval/engines.json."""
    parser = argparse.ArgumentParser(description="Score the PostgreSQL engine against the Whoosh engine.")
    parser.add_argument("--database-url", default=os.environ.get("DOCFLOW_EVAL_DATABASE_URL", DEFAULT_SERVER),
                        help="a PostgreSQL server where a scratch database may be created")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    records, queries = load_jsonl(COLLECTION_FILE), load_jsonl(QUERIES_FILE)
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory(prefix="docflow-engines-") as tmp:
        result = compare(records, queries, url, Path(tmp))
    print(format_table(result["summary"]))
    print(f"\nqueries took {result['query_seconds']['whoosh']:.1f} s (Whoosh), "
          f"{result['query_seconds']['postgres']:.1f} s (PostgreSQL); "
          f"{len(result['differing_queries'])} queries scored differently")
    if not args.no_write:
        payload = {"date": date.today().isoformat(), "documents": len(records), "tolerance": TOLERANCE, **result}
        RESULTS_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0 if all(row["within"] for row in result["summary"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
