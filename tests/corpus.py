"""Access to the shared third-party corpus (../shared/corpus), which a user's clone will not have."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("DOCFLOW_TEST_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    source_repo: str
    category: str
    expectation: str
    expected_text_available: str
    notes: str
    sha256: str
    size: int


def corpus_missing() -> str | None:
    """Return why the corpus tests cannot run (the corpus is absent), or None when they can."""
    if (CORPUS_DIR / "MANIFEST.tsv").is_file():
        return None
    return (f"third-party corpus not found at {CORPUS_DIR} "
            "(set DOCFLOW_TEST_CORPUS to its folder to run these tests)")


def corpus_files() -> list[CorpusFile]:
    """Return every row of MANIFEST.tsv whose file is present, or skip when the corpus is absent."""
    manifest = CORPUS_DIR / "MANIFEST.tsv"
    missing = corpus_missing()
    if missing:
        pytest.skip(missing)
    rows = []
    with manifest.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            path = CORPUS_DIR / row["local_path"]
            if path.is_file():
                rows.append(CorpusFile(
                    path=path,
                    source_repo=row["source_repo"],
                    category=row["category"],
                    expectation=row["expectation"] or "",
                    expected_text_available=row["expected_text_available"] or "",
                    notes=row["notes"] or "",
                    sha256=row["sha256"],
                    size=int(row["size"] or 0),
                ))
    return rows
