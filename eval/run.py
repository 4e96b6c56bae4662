"""Score Docflow's search against plain Whoosh on the evaluation collection.

Run from the repository root: ``.venv/bin/python -m eval.run``. It indexes eval/collection.jsonl
twice in a temporary directory:

* Docflow: the real ``search_index.SearchIndex`` (Indonesian analyzer, number analyzer, query
  language, closeness ranking, letters with some of the words after the full matches, spelling
  correction run when a query finds nothing), every letter readable by one principal, with the
  request built from query parameters by ``docflow.search.params.parse_search``, the validator the
  search page and the API use, so the figures are those of what a user sees;
* baseline: raw Whoosh with ``whoosh.analysis.StandardAnalyzer`` on the same query fields with the
  same field boosts, BM25F scoring, and Whoosh's default ``MultifieldParser`` with AND grouping,
  which is also the grouping SearchIndex uses.

Every query of eval/queries.jsonl runs on both; the script prints nDCG@10 and recall@10 per group and
overall, lists the queries where Docflow scores below 0.85 or below the baseline, and writes
eval/results.json and the results section of eval/README.md.

Docflow is also run "as typed" (``autocorrect=0``, the page's "search instead for" link), to show
what the spelling correction contributes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser

import search_index
from docflow.search.params import parse_search
from eval.metrics import K, ndcg_at, recall_at
from eval.query_specs import GROUPS
from search_index import IndexedDocument, SearchIndex, SearchIndexError
from search_index.schema import FIELD_BOOSTS, QUERY_FIELDS

logger = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parent
COLLECTION_FILE = EVAL_DIR / "collection.jsonl"
QUERIES_FILE = EVAL_DIR / "queries.jsonl"
RESULTS_FILE = EVAL_DIR / "results.json"
README_FILE = EVAL_DIR / "README.md"
PRINCIPAL = "user:eval"
TARGET = 0.85
RESULTS_BEGIN = "<!-- results:begin (written by eval/run.py) -->"
RESULTS_END = "<!-- results:end -->"


class EvaluationError(Exception):
    """The collection or the query file cannot be evaluated."""


@dataclass
class Outcome:
    """What one engine returned for one query."""

    q: str
    ranked: list[int]
    total: int
    ndcg: float = 0.0
    recall: float = 0.0
    suggestion: str | None = None
    corrected_query: str | None = None
    error: str | None = None


@dataclass
class QueryResult:
    """One query's judgements and the outcome of each engine."""

    id: str
    group: str
    q: str
    judgements: dict[int, int]
    docflow: Outcome
    docflow_typed: Outcome
    baseline: Outcome


# -- loading -----------------------------------------------------------------------------------


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the JSON objects of a file with one object per line."""
    if not path.is_file():
        raise EvaluationError(f"{path} is missing; run `python -m eval.make_collection` first")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_indexed(record: dict[str, Any]) -> IndexedDocument:
    """Return the index entry the application would make for a collection record."""
    created = datetime.combine(date.fromisoformat(record["date"]), datetime.min.time(), tzinfo=timezone.utc)
    return IndexedDocument(
        id=record["id"],
        title=record["title"],
        body=record["body"],
        number=record["number"] or None,
        doc_type=record["doc_type"],
        unit=record["unit"],
        state="filed",
        security_class=record["security_class"],
        classification=record["classification"],
        author=record["author"],
        created=created,
        updated=created,
        readers=(PRINCIPAL,),
        fingerprint=f"eval-{record['id']}",
    )


def source_digest() -> str:
    """Return a short SHA-256 of the search_index sources, naming the code a run measured."""
    digest = hashlib.sha256()
    package_dir = Path(search_index.__file__).resolve().parent
    for path in sorted(package_dir.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# -- the two engines ---------------------------------------------------------------------------


def build_docflow(records: Sequence[dict[str, Any]], directory: Path) -> SearchIndex:
    """Index the collection with Docflow's SearchIndex and return it."""
    index = SearchIndex(directory)
    index.rebuild(to_indexed(r) for r in records)
    return index


def search_docflow(index: SearchIndex, q: str, *, autocorrect: bool = True) -> Outcome:
    """Return the top ten of a Docflow search for q, as the search page and the API show them."""
    args = {"q": q, "per_page": str(K), **({} if autocorrect else {"autocorrect": "0"})}
    try:
        results = index.search(parse_search(args, (PRINCIPAL,)))
    except SearchIndexError as exc:
        return Outcome(q=q, ranked=[], total=0, error=str(exc))
    return Outcome(q=q, ranked=[hit.id for hit in results.hits], total=results.total,
                   suggestion=results.suggestion, corrected_query=results.corrected_query)


def baseline_schema() -> Schema:
    """Return the plain schema: StandardAnalyzer on each of Docflow's query fields."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StandardAnalyzer()),
        number=TEXT(analyzer=StandardAnalyzer()),
        body=TEXT(analyzer=StandardAnalyzer()),
        author=TEXT(analyzer=StandardAnalyzer()),
    )


class PlainIndex:
    """The baseline: the collection in a raw Whoosh index with StandardAnalyzer and the default parser."""

    def __init__(self, records: Sequence[dict[str, Any]], directory: Path) -> None:
        """Index the records under directory."""
        directory.mkdir(parents=True, exist_ok=True)
        self._ix = whoosh_index.create_in(str(directory), baseline_schema())
        with self._ix.writer() as writer:
            for r in records:
                writer.add_document(id=str(r["id"]), title=r["title"], number=r["number"] or "",
                                    body=r["body"], author=r["author"])
        # Same fields, same boosts and the same AND grouping as Docflow's parser; everything else
        # is Whoosh's default query syntax.
        fields = [name for name in QUERY_FIELDS if name in self._ix.schema]
        self._parser = MultifieldParser(fields, self._ix.schema, fieldboosts=FIELD_BOOSTS, group=AndGroup)
        self._searcher = self._ix.searcher()

    def search(self, q: str) -> Outcome:
        """Return the top ten for q."""
        results = self._searcher.search(self._parser.parse(q), limit=K)
        return Outcome(q=q, ranked=[int(hit["id"]) for hit in results], total=len(results))

    def close(self) -> None:
        """Release the searcher and the index."""
        self._searcher.close()
        self._ix.close()


# -- evaluation --------------------------------------------------------------------------------


def _score(outcome: Outcome, judgements: dict[int, int]) -> Outcome:
    outcome.ndcg = ndcg_at(outcome.ranked, judgements)
    outcome.recall = recall_at(outcome.ranked, judgements)
    return outcome


def evaluate(records: Sequence[dict[str, Any]], queries: Sequence[dict[str, Any]],
             workdir: Path) -> tuple[list[QueryResult], dict[str, float]]:
    """Run every query on both engines; return per-query results and timings in seconds."""
    known = {r["id"] for r in records}
    started = time.perf_counter()
    docflow = build_docflow(records, workdir / "docflow")
    docflow_built = time.perf_counter()
    baseline = PlainIndex(records, workdir / "baseline")
    baseline_built = time.perf_counter()
    results = []
    try:
        for query in queries:
            judgements = {int(k): v for k, v in query["judgements"].items()}
            unknown = set(judgements) - known
            if unknown:
                raise EvaluationError(f"query {query['id']} judges unknown documents {sorted(unknown)}")
            result = QueryResult(id=query["id"], group=query["group"], q=query["q"], judgements=judgements,
                                 docflow=_score(search_docflow(docflow, query["q"]), judgements),
                                 docflow_typed=_score(search_docflow(docflow, query["q"], autocorrect=False),
                                                      judgements),
                                 baseline=_score(baseline.search(query["q"]), judgements))
            results.append(result)
    finally:
        docflow.close()
        baseline.close()
    timings = {"docflow_index_s": docflow_built - started, "baseline_index_s": baseline_built - docflow_built,
               "queries_s": time.perf_counter() - baseline_built}
    logger.info("Indexed %d documents twice and ran %d queries in %.1f s", len(records), len(queries),
                time.perf_counter() - started)
    return results, timings


def summarize(results: Sequence[QueryResult]) -> dict[str, dict[str, float]]:
    """Return mean metrics per group and overall for each engine."""
    groups = [g for g in GROUPS if any(r.group == g for r in results)]
    groups += sorted({r.group for r in results} - set(groups))
    summary: dict[str, dict[str, float]] = {}
    for name in [*groups, "overall"]:
        rows = [r for r in results if name in ("overall", r.group)]
        summary[name] = {
            "queries": len(rows),
            "docflow_ndcg": statistics.fmean(r.docflow.ndcg for r in rows),
            "docflow_recall": statistics.fmean(r.docflow.recall for r in rows),
            "docflow_typed_ndcg": statistics.fmean(r.docflow_typed.ndcg for r in rows),
            "docflow_typed_recall": statistics.fmean(r.docflow_typed.recall for r in rows),
            "baseline_ndcg": statistics.fmean(r.baseline.ndcg for r in rows),
            "baseline_recall": statistics.fmean(r.baseline.recall for r in rows),
        }
    return summary


def shortfalls(results: Sequence[QueryResult]) -> list[QueryResult]:
    """Return the queries where Docflow is below the target or below the baseline."""
    return [r for r in results if r.docflow.ndcg < TARGET or r.docflow.ndcg < r.baseline.ndcg]


def aim_met(summary: dict[str, dict[str, float]]) -> dict[str, bool]:
    """Tell, per group and overall, whether Docflow is at or above the target and above the baseline."""
    return {name: row["docflow_ndcg"] >= TARGET and row["docflow_ndcg"] > row["baseline_ndcg"]
            for name, row in summary.items()}


def format_summary(summary: dict[str, dict[str, float]]) -> str:
    """Return the per-group table as Markdown."""
    met = aim_met(summary)
    lines = [
        "| group | queries | Docflow nDCG@10 | Docflow R@10 | Docflow as typed nDCG@10 | "
        "Docflow as typed R@10 | Whoosh plain nDCG@10 | Whoosh plain R@10 | aim met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in summary.items():
        label = f"**{name}**" if name == "overall" else name
        lines.append(
            f"| {label} | {row['queries']:.0f} | {row['docflow_ndcg']:.3f} | {row['docflow_recall']:.3f} | "
            f"{row['docflow_typed_ndcg']:.3f} | {row['docflow_typed_recall']:.3f} | "
            f"{row['baseline_ndcg']:.3f} | {row['baseline_recall']:.3f} | {'yes' if met[name] else 'no'} |")
    return "\n".join(lines)


def format_shortfalls(rows: Sequence[QueryResult]) -> str:
    """Return the list of queries below target or below baseline as Markdown."""
    if not rows:
        return "No query is below 0.85 or below the baseline."
    lines = ["| id | group | query | Docflow nDCG | as typed | Whoosh plain nDCG | Docflow hits | corrected to |",
             "|---|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        corrected = f"`{r.docflow.corrected_query}`" if r.docflow.corrected_query else ""
        q = r.q.replace("|", "\\|")
        lines.append(f"| {r.id} | {r.group} | `{q}` | {r.docflow.ndcg:.3f} | {r.docflow_typed.ndcg:.3f} | "
                     f"{r.baseline.ndcg:.3f} | {r.docflow.total} | {corrected} |")
    return "\n".join(lines)


def results_markdown(summary: dict[str, dict[str, float]], rows: Sequence[QueryResult], n_docs: int,
                     n_queries: int, today: date, digest: str) -> str:
    """Return the results section that eval/README.md carries between its markers."""
    return "\n\n".join([
        f"Run of {today.isoformat()}: {n_docs} documents, {n_queries} queries, top {K} results per query; "
        f"search_index sources digest `{digest}`.",
        format_summary(summary),
        "The aim: nDCG@10 at least 0.85 and above the plain baseline on every group. Queries where "
        "Docflow is below 0.85 nDCG@10 or below the plain baseline:",
        format_shortfalls(rows),
    ])


def update_readme(path: Path, section: str) -> None:
    """Replace the text between the result markers of the README with section."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(RESULTS_BEGIN) + r".*?" + re.escape(RESULTS_END), re.DOTALL)
    if not pattern.search(text):
        raise EvaluationError(f"{path} has no results markers")
    path.write_text(pattern.sub(lambda _m: f"{RESULTS_BEGIN}\n{section}\n{RESULTS_END}", text), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print the table, and write results.json and the README's results section."""
    parser = argparse.ArgumentParser(description="Score Docflow's search against plain Whoosh.")
    parser.add_argument("--collection", type=Path, default=COLLECTION_FILE)
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument("--results", type=Path, default=RESULTS_FILE)
    parser.add_argument("--readme", type=Path, default=README_FILE,
                        help="README whose results section to rewrite")
    parser.add_argument("--no-write", action="store_true", help="print only; write no file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    records = load_jsonl(args.collection)
    queries = load_jsonl(args.queries)
    with tempfile.TemporaryDirectory(prefix="docflow-eval-") as tmp:
        results, timings = evaluate(records, queries, Path(tmp))
    summary = summarize(results)
    below = shortfalls(results)
    today = date.today()
    digest = source_digest()
    print(f"{len(records)} documents, {len(queries)} queries; indexing took "
          f"{timings['docflow_index_s']:.1f} s (Docflow) and {timings['baseline_index_s']:.1f} s (plain), "
          f"queries {timings['queries_s']:.1f} s\n")
    print(format_summary(summary))
    print()
    print(format_shortfalls(below))
    if not args.no_write:
        payload = {
            "date": today.isoformat(),
            "search_index_digest": digest,
            "documents": len(records),
            "k": K,
            "target": TARGET,
            "timings": timings,
            "summary": summary,
            "aim_met": aim_met(summary),
            "shortfalls": [r.id for r in below],
            "queries": [asdict(r) for r in results],
        }
        args.results.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        update_readme(args.readme, results_markdown(summary, below, len(records), len(queries), today, digest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
