"""Do the benchmark scripts still run end to end, on tiny sizes? (`.venv/bin/pytest bench`)"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench import (
    export_import,
    index_delay,
    indexing_rate,
    pool_runs,
    reindex_search,
    search_latency,
    upload_throughput,
    worker_memory,
)
from bench.common import format_table, latency_ms, percentile
from bench.synthetic import LetterGenerator, tail_names

NUMBER = re.compile(r"^\d{3}(\.\d+)*/\d+/[A-Z-]+/20\d\d$")


def test_letters_are_reproducible_and_letter_sized():
    """Is letter i the same on every call, 300-800 words, with inflected office words and valid numbers?"""
    first, again = LetterGenerator(seed=3), LetterGenerator(seed=3)
    letters = [first.letter(i) for i in range(1, 81)]
    assert letters == [again.letter(i) for i in range(1, 81)]
    assert LetterGenerator(seed=4).letter(1) != letters[0]
    assert all(280 <= len(letter.body.split()) <= 850 for letter in letters)
    text = " ".join(letter.body for letter in letters)
    for form in ("ditugaskan", "penugasan", "kearsipan", "anggaran", "rapat koordinasi"):
        assert form in text
    numbers = [letter.number for letter in letters if letter.number]
    assert numbers and all(NUMBER.match(n) for n in numbers)
    assert len(set(tail_names(500))) == 500


def test_pdfs_are_distinct_readable_and_near_the_target_size():
    """Are the upload PDFs distinct, about 100 KB, several pages, and real PDFs with the letter text?"""
    pdfs = upload_throughput.make_pdfs(3, 100_000)
    assert len({p.data for p in pdfs}) == 3
    assert all(90_000 <= len(p.data) <= 125_000 for p in pdfs)
    reader = PdfReader(io.BytesIO(pdfs[0].data))
    assert len(reader.pages) >= 4
    assert pdfs[0].title.split()[0].upper() in reader.pages[0].extract_text()


def test_percentiles_and_tables():
    """Do the statistics interpolate like numpy's default, and the table pad its columns?"""
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([3.0], 99) == 3.0
    summary = latency_ms([0.010, 0.020, 0.030])
    assert summary["p50_ms"] == 20.0 and summary["max_ms"] == 30.0
    table = format_table(["a", "long header"], [["x", 1.5], ["yy", 1234.0]])
    assert table.splitlines()[0] == "| a  | long header |"
    assert "1,234.0" in table


def test_upload_benchmark_runs_against_a_real_server():
    """Does a tiny upload run reach a real server, store every file, and compare with raw writes?"""
    results = upload_throughput.run(count=4, clients=[1, 2], size_kb=20, repeat=1)
    assert [(f["kind"], f["clients"]) for f in results["floors"]] == [
        ("floor", 1), ("floor_db", 1), ("floor", 2), ("floor_db", 2)]
    assert all(f["docs_per_s"] > 0 for f in results["floors"])
    assert all(set(r["ratio_to_floor"]) == {"floor", "floor_db"} for r in results["uploads"])
    assert [r["clients"] for r in results["uploads"]] == [1, 2]
    assert all(r["docs_per_s"] > 0 and r["ratio_to_raw"] > 0 for r in results["uploads"])
    assert results["raw"]["mb_per_s"] > 0
    table = upload_throughput.render(results)
    assert "HTTP upload (serve)" in table and "floor + one SQLite row" in table


def test_export_import_benchmark_moves_every_letter():
    """Does a tiny run upload, export, package, verify and import every letter, with ratios to the upload rate?"""
    results = export_import.run(count=3, size_kb=20, uploads=2)
    assert results["upload"]["docs_per_s"] > 0 and len(results["results"]) == 5
    assert all(r["docs_per_s"] > 0 and r["ratio_to_upload"] > 0 for r in results["results"].values())
    assert "legacy import, OCR off" in export_import.render(results)


def test_indexing_benchmark_drains_every_job():
    """Does the worker index every queued document, and raw Whoosh the same number?"""
    results = indexing_rate.run(count=60, repeat=1)
    assert set(results["docs_per_s"]) == {"worker", "worker_indexing", "raw_add", "raw_update"}
    assert all(rate > 0 for rate in results["docs_per_s"].values())
    # The merges are counted on top of the indexing, never instead of it.
    assert results["median_seconds"]["worker"] >= results["median_seconds"]["worker_indexing"]
    assert results["index_mb"] > 0
    assert "worker / raw add" in indexing_rate.render(results)


def test_pool_benchmark_spills_runs_with_both_pools_and_compares_their_segments(monkeypatch):
    """With a pool small enough to spill, do both pools write runs, ours fewer bytes, and the same segment?"""
    results = pool_runs.run(count=40, limit_mb=0.5)
    whoosh, ours = results["pools"]["whoosh"], results["pools"]["docflow"]
    assert whoosh["runs"] == ours["runs"] > 1
    assert 0 < ours["run_bytes"] < whoosh["run_bytes"]
    assert whoosh["segment_bytes"] > 0
    assert "docflow" in pool_runs.render(results)
    # A different segment fails the bench (here: one letter fewer for Docflow's pool).
    real_build = pool_runs.build
    monkeypatch.setattr(pool_runs, "build", lambda directory, fields, ours, limit_mb:
                        real_build(directory, fields[:-1] if ours else fields, ours, limit_mb))
    with pytest.raises(pool_runs.BenchError, match="different segments"):
        pool_runs.run(count=40, limit_mb=0.5)


def test_search_benchmark_measures_every_query_class(tmp_path: Path):
    """Does a small instance answer every query class over HTTP, with the letter number found once?"""
    results = search_latency.run([1000], tmp_path / "search", reuse=False, requests=5, warmup=1, budget_min=5)
    (entry,) = results["sizes"]
    assert entry["documents"] == 1000 and entry["build"]["reached_wanted_size"]
    classes = {c["class"]: c for c in entry["classes"]}
    assert len(classes) == 6
    assert classes["letter number"]["hits_min"] == 1 and classes["letter number"]["hits_max"] == 1
    assert all(c["hits_max"] >= 1 and c["p95_ms"] > 0 for c in classes.values())
    assert entry["serve_memory"]["rss_mib"] > 0 and entry["index_mb"] > 0
    again = search_latency.run([1000], tmp_path / "search", reuse=True, requests=2, warmup=1, budget_min=5)
    build = again["sizes"][0]["build"]
    assert build["reused"] is True and build["documents"] == 1000 and build["index_seconds"] > 0


def test_search_benchmark_builds_with_a_parallel_reindex(tmp_path: Path):
    """The way to reach 1,000,000: rows first, then `reindex --processes 2`."""
    results = search_latency.run([600], tmp_path / "search", reuse=False, requests=2, warmup=1, budget_min=5,
                                 index_by="reindex", reindex_processes=2)
    (entry,) = results["sizes"]
    assert entry["documents"] == 600 and entry["build"]["reindex_processes"] == 2
    assert all(c["hits_max"] >= 1 for c in entry["classes"])


def test_index_delay_benchmark_finds_each_upload():
    """Does each upload through a real server become searchable through the real worker, and is it timed?"""
    results = index_delay.run(uploads=2, instance=None, poll_interval=None, gap=0.2, probe_ms=50)
    assert [row["upload"] for row in results["uploads"]] == [0, 1]
    assert all(0 < row["seconds"] < 60 and row["probes"] >= 1 for row in results["uploads"])
    assert results["delay"]["max_ms"] >= results["delay"]["p50_ms"] > 0
    assert results["memory"]["worker_rss_mib"] > 0
    assert "upload to searchable" in index_delay.render(results)


def test_reindex_benchmark_searches_throughout(tmp_path: Path):
    """Does search answer before, during and after a real reindex, with the same totals?"""
    instance = tmp_path / "n300"
    search_latency.build(instance, 300, deadline=float("inf"), seed=7)
    results = reindex_search.run(instance, before=1.0, after=1.0)
    assert results["reindex_seconds"] > 0
    assert all(results["phases"][phase]["requests"] >= 1 for phase in ("before", "during", "after"))
    assert all(phase["failed"] == 0 for phase in results["phases"].values())
    assert results["totals_that_changed"] == {}
    assert "during" in reindex_search.render(results)


def test_worker_memory_benchmark_measures_capped_commits():
    """Does the worker benchmark find every file, see each text cut and read each commit from the log?"""
    case = worker_memory.run_case("tiny", files=2, size=40_000, extra_env={"DOCFLOW_INDEX__MAX_TEXT_CHARS": "10000"})
    assert case["truncated_texts"] == 2
    assert sum(c["documents"] for c in case["commits"]) >= 2
    assert max(c["characters"] for c in case["commits"]) <= 2 * 10_000
    assert case["worker_peak_rss_mib"] > 0 and case["longest_commit_s"] > 0
    assert "tiny" in worker_memory.render({"cases": [case]})


def test_report_benchmark_counts_what_it_built(tmp_path: Path):
    """Does the report benchmark serve figures that match the letters it inserted (and go on from a build)?"""
    from bench import report

    instance = tmp_path / "report"
    services = report.open_services(instance)
    report.build(services, 400, 40)
    report.build(services, 600, 40)  # goes on from the 400 already there
    from docflow.audit.operations import verify_chain

    with services.db.transaction() as session:
        assert verify_chain(session) == []  # the audit records are chained as record_event chains them
    services.close()
    results = report.measure(instance, requests=5)
    total = results["baseline"]["year_total"]
    assert total["letters_created"] == 600
    assert total["letters_signed"] + total["overdue_now"] <= 600 and total["letters_signed"] >= 500
    assert total["signers"] == 80 and total["submit_to_sign_hours"]["median"] > 0
    assert results["baseline"]["mixed"]["n"] == 5 and results["baseline"]["first"]["year"]["n"] == 1
    # The snapshots the worker counted give the same figures as the web counted (and say when).
    assert results["snapshots"]["year_total"] == total and results["worker_refresh"]["periods"] >= 17
