"""Tests for the evaluation collection, its judgements, the metrics and the scoring script."""
from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from eval import make_collection, run
from eval.metrics import ndcg_at, recall_at
from eval.query_specs import GROUPS


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the collection afresh into a temporary folder."""
    out = tmp_path_factory.mktemp("generated")
    make_collection.main(["--out-dir", str(out)])
    return out


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_committed_files_match_the_generator(generated: Path) -> None:
    """Are the committed collection and queries exactly what the seeded generator writes?"""
    for name in ("collection.jsonl", "queries.jsonl"):
        assert (generated / name).read_bytes() == (make_collection.EVAL_DIR / name).read_bytes(), name


def test_collection_has_the_promised_shape(generated: Path) -> None:
    """Does the collection hold 300+ letters of many types, each 150-600 words with number and metadata?"""
    docs = _records(generated / "collection.jsonl")
    assert len(docs) >= 300
    types = Counter(d["doc_type"] for d in docs)
    for doc_type in ("nota_dinas", "surat_dinas", "surat_undangan", "surat_tugas", "surat_edaran", "keputusan",
                     "berita_acara", "laporan", "notula", "telaahan_staf"):
        assert types[doc_type] >= 3, doc_type
    assert len({d["topic"] for d in docs}) >= 10
    assert len({d["id"] for d in docs}) == len(docs)
    # Numbers are unique per register (unit, type, year); as in Docflow, two types of one unit can
    # share a number string when their classification is the same.
    assert len({(d["number"], d["doc_type"]) for d in docs}) == len(docs)
    for d in docs:
        assert 150 <= len(d["body"].split()) <= 600, d["id"]
        assert d["title"] and d["unit"] and d["classification"] and d["date"] and d["author"]
        if d["doc_type"] == "keputusan":
            assert d["number"].startswith("NOMOR ") and " TAHUN " in d["number"]
        else:
            assert d["number"].startswith(d["classification"] + "/") and f"/{d['unit']}/" in d["number"]
        closing = {"keputusan": "mulai berlaku pada tanggal ditetapkan", "notula": "Rapat ditutup",
                   "berita_acara": "Demikian berita acara ini dibuat"}
        assert closing.get(d["doc_type"], "diucapkan terima kasih") in d["body"], d["id"]
        if d["doc_type"] in ("nota_dinas", "surat_dinas", "surat_undangan", "memo", "surat_pengantar"):
            assert "Dengan hormat," in d["body"], d["id"]


def test_letters_use_several_forms_of_one_word(generated: Path) -> None:
    """Do the letters carry the inflected forms a searcher meets (tugas, ditugaskan, penugasan ...)?"""
    text = " ".join(d["body"].lower() for d in _records(generated / "collection.jsonl"))
    for forms in (("tugas", "ditugaskan", "penugasan"), ("arsip", "kearsipan", "mengarsipkan", "diarsipkan"),
                  ("pelaksanaan", "dilaksanakan", "melaksanakan")):
        for form in forms:
            assert f" {form} " in text, form


def test_queries_cover_every_group_with_judged_documents(generated: Path) -> None:
    """Are there 60+ queries, 8+ per group, each judging existing letters with grades 1 or 2?"""
    ids = {d["id"] for d in _records(generated / "collection.jsonl")}
    queries = _records(generated / "queries.jsonl")
    assert len(queries) >= 60
    per_group = Counter(q["group"] for q in queries)
    assert set(per_group) == set(GROUPS)
    assert min(per_group.values()) >= 8
    for q in queries:
        grades = {int(k): v for k, v in q["judgements"].items()}
        assert grades and set(grades) <= ids, q["id"]
        assert set(grades.values()) <= {1, 2} and 2 in grades.values(), q["id"]


def test_misspelling_queries_contain_a_word_no_letter_uses(generated: Path) -> None:
    """Is every misspelling query really misspelt, i.e. has a word that appears in no letter?"""
    words = set(" ".join(d["body"] + " " + d["title"] for d in _records(generated / "collection.jsonl"))
                .lower().split())
    for q in _records(generated / "queries.jsonl"):
        if q["group"] == "misspelling":
            assert any(w not in words for w in q["q"].lower().split()), q["q"]


@pytest.mark.parametrize(("typed", "number", "expected"), [
    ("15/DISKOMINFO", "000.8.3.3/15/DISKOMINFO/2026", True),
    ("000.8.3.3/15", "000.8.3.3/15/DISKOMINFO/2026", True),
    ("5/DISKOMINFO", "000.8.3.3/15/DISKOMINFO/2026", False),
    ("15/diskominfo/2026", "000.8.3.3/15/DISKOMINFO/2026", True),
    ("nomor 12 tahun 2026", "NOMOR 12 TAHUN 2026", True),
    ("12 tahun 2026", "NOMOR 12 TAHUN 2026", True),
    ("nomor 12 tahun 2026", "NOMOR 112 TAHUN 2026", False),
    ("12/2026", "NOMOR 12 TAHUN 2026", False),
])
def test_typed_number_matching(typed: str, number: str, expected: bool) -> None:
    """Does a typed partial number denote exactly the letters whose number contains it part by part?"""
    assert make_collection.number_matches(typed, number) is expected


def test_inline_keeps_names_and_acronyms() -> None:
    """Is a title lower-cased for use in a sentence, keeping place names and acronyms?"""
    assert make_collection.inline("Penanganan Banjir di Kelurahan Sukajadi") == "penanganan banjir di Kelurahan Sukajadi"
    assert make_collection.inline("Implementasi Aplikasi SRIKANDI") == "implementasi aplikasi SRIKANDI"
    assert make_collection.inline("Pemutakhiran Data Mandiri ASN Tahun 2025") == "pemutakhiran data mandiri ASN tahun 2025"


def test_terbilang_writes_dates_in_words() -> None:
    """Are day numbers and years written out as berita acara write them?"""
    assert make_collection.terbilang(11) == "sebelas"
    assert make_collection.terbilang(28) == "dua puluh delapan"
    assert make_collection.terbilang(2026) == "dua ribu dua puluh enam"


def test_ndcg_rewards_the_ideal_order() -> None:
    """Is nDCG 1 for the ideal order, lower when the best letter comes second, 0 with no relevant hit?"""
    judgements = {1: 2, 2: 1}
    assert ndcg_at([1, 2, 3], judgements) == pytest.approx(1.0)
    swapped = (1 / 1 + 3 / math.log2(3)) / (3 / 1 + 1 / math.log2(3))
    assert ndcg_at([2, 1, 3], judgements) == pytest.approx(swapped)
    assert ndcg_at([3, 4], judgements) == 0.0
    assert ndcg_at([], judgements) == 0.0


def test_recall_counts_relevant_letters_in_the_top_k() -> None:
    """Is recall the share of relevant letters in the top k, capped at k relevant letters?"""
    assert recall_at([1, 9], {1: 2, 2: 1}) == 0.5
    many = {i: 1 for i in range(20)}
    assert recall_at(list(range(10)), many) == 1.0
    assert recall_at(list(range(10)), many, k=5) == 1.0
    assert recall_at([1], {}) == 0.0


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """Run the whole evaluation once, writing into a temporary folder; return results.json and the README."""
    out = tmp_path_factory.mktemp("run")
    readme = out / "README.md"
    shutil.copy(run.README_FILE, readme)
    results = out / "results.json"
    assert run.main(["--results", str(results), "--readme", str(readme)]) == 0
    return json.loads(results.read_text(encoding="utf-8")), readme


def test_run_scores_both_engines_and_writes_results(full_run: tuple[dict, Path]) -> None:
    """Does a full run score every query on both engines and write results.json and the README section?"""
    payload, readme = full_run
    queries = _records(run.QUERIES_FILE)
    assert len(payload["queries"]) == len(queries)
    assert set(payload["summary"]) == set(GROUPS) | {"overall"}
    for row in payload["queries"]:
        for engine in ("docflow", "docflow_typed", "baseline"):
            assert 0.0 <= row[engine]["ndcg"] <= 1.0
            assert len(row[engine]["ranked"]) <= 10
        if row["docflow"]["corrected_query"]:
            # The correction runs only for a query that, as typed, finds no letter with every word.
            assert row["docflow_typed"]["total"] == 0 and row["docflow"]["total"] > 0
    section = readme.read_text(encoding="utf-8")
    assert run.RESULTS_BEGIN in section and f"{len(payload['queries'])} queries" in section


def test_relevance_aim(full_run: tuple[dict, Path]) -> None:
    """Is Docflow at 0.85 nDCG@10 or more, and above plain Whoosh, on every group?

    Phrases are above only because the signature footer is kept out of the indexed body: with it,
    `"tanda tangan elektronik"` matched every signed letter and the group tied (see eval/README.md).
    """
    summary = full_run[0]["summary"]
    for group, row in summary.items():
        assert row["docflow_ndcg"] >= run.TARGET, group
        assert row["docflow_ndcg"] > row["baseline_ndcg"], group
    assert full_run[0]["aim_met"] == {group: True for group in summary}
    signature = next(q for q in full_run[0]["queries"] if q["q"] == '"tanda tangan elektronik"')
    assert signature["docflow"]["ndcg"] > signature["baseline"]["ndcg"]
    # As typed (no correction run), misspelt queries still find letters with their other words.
    assert summary["misspelling"]["docflow_typed_ndcg"] > summary["misspelling"]["baseline_ndcg"]


def test_an_exact_title_query_finds_its_letter(tmp_path: Path) -> None:
    """Does the Docflow engine of the script find a letter by its own distinctive title?"""
    records = _records(run.COLLECTION_FILE)
    target = next(r for r in records if r["title"] == "Serah Terima Ambulans kepada Puskesmas")
    index = run.build_docflow(records, tmp_path / "docflow")
    try:
        outcome = run.search_docflow(index, '"serah terima ambulans"')
    finally:
        index.close()
    assert outcome.ranked[0] == target["id"]


def test_readme_without_markers_is_refused(tmp_path: Path) -> None:
    """Does the script refuse to rewrite a README that has no results section?"""
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(run.EvaluationError):
        run.update_readme(readme, "figures")


@pytest.mark.slow
@pytest.mark.postgres
def test_the_postgres_engine_ranks_within_two_hundredths_of_whoosh(tmp_path: Path) -> None:
    """Is the PostgreSQL engine's nDCG@10 within 0.02 of the Whoosh engine's, overall and in every group?"""
    from eval import engines
    from tests import pg

    records, queries = run.load_jsonl(run.COLLECTION_FILE), run.load_jsonl(run.QUERIES_FILE)
    with pg.postgres_database() as url:
        result = engines.compare(records, queries, url, tmp_path)
    summary = result["summary"]
    assert set(summary) == {*GROUPS, "overall"}
    for group, row in summary.items():
        assert row["postgres_ndcg"] >= row["whoosh_ndcg"] - engines.TOLERANCE, (group, row)
    assert summary["overall"]["whoosh_ndcg"] > 0.9  # both engines really ranked
