"""What the third-party corpus lets us expect of a file: page counts and known text.

The expectations come from MANIFEST.tsv and from files that upstream projects keep next to
their samples (PDFBox's `<file>.pdf.txt`, pdfminer's and mammoth's test modules, the UD
treebanks' raw sentences, the strings pytesseract's tests expect, OCRmyPDF's `linn.txt`).
Upstream tools lay text out differently from pypdf and python-docx, and OCR makes its own
mistakes, so text is compared as word recall: the share of the expected words our text contains.
"""
from __future__ import annotations

import ast
import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from tests.corpus import CORPUS_DIR, CorpusFile

_PAGES = re.compile(r"\bpages=(\d+)|\bpage count = (\d+)")
_WORD = re.compile(r"\w{2,}")
_TAG = re.compile(r"<[^>]+>")
_REGULATION = re.compile(r"mblonyox__data-peraturan/(?:uu|pp)/(\d{4})/(\d+)\.md$")
# MANIFEST's OCR expectations: "OCR contains 'The quick brown dog' (eng)", "OCR == '...'",
# "OCR (fra) contains '...'", and "OCR text ~ tests/resources/linn.txt (...)".
_OCR_STRING = re.compile(r"^OCR\b[^']*?(?:contains|==) '([^']+)'")
_OCR_TEXT_FILE = re.compile(r"^OCR text ~ (\S+)")
OCR_CATEGORIES = frozenset({"image-ocr", "pdf"})
# MANIFEST expects 'The quick brown dog' of this 79x47 crop; pytesseract's own test reads "This".
_PYTESSERACT_SMALL = "madmaze__pytesseract/tests/data/test-small.jpg"

PDFMINER_TESTS = "pdfminer__pdfminer.six/tests/test_highlevel_extracttext.py"
PDFMINER_SAMPLES = "pdfminer__pdfminer.six/samples"
MAMMOTH_TESTS = "mwilliamson__python-mammoth/tests/mammoth_tests.py"
MAMMOTH_DATA = "mwilliamson__python-mammoth/tests/test-data"
GEOTOPO_PDF = "py-pdf__sample-files/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"
GEOTOPO_TRUTH = "py-pdf__benchmarks/read/extraction-ground-truth/GeoTopo-book.txt"
TRIVIAL_WRITER_PDF = "py-pdf__sample-files/002-trivial-libre-office-writer/002-trivial-libre-office-writer.pdf"
TRIVIAL_WRITER_ODT = "py-pdf__sample-files/002-trivial-libre-office-writer/source.odt"


@dataclass(frozen=True)
class ExpectedText:
    """Words a file's text should contain, where they come from, and how many must be found."""

    source: str
    text: str
    min_recall: float


def expected_page_count(row: CorpusFile) -> int | None:
    """Return the page count MANIFEST states for this file, if any."""
    match = _PAGES.search(row.expectation)
    return int(match.group(1) or match.group(2)) if match else None


def word_recall(expected: str, actual: str) -> float:
    """Return the share of the words of `expected` (2+ letters, case-folded) found in `actual`."""
    expected_words = _words(expected)
    if not expected_words:
        return 1.0
    found = set(_words(actual))
    return sum(word in found for word in expected_words) / len(expected_words)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def expected_text(row: CorpusFile) -> ExpectedText | None:
    """Return the known text of this corpus file, if some upstream source records it."""
    local = row.path.relative_to(CORPUS_DIR).as_posix()
    sibling = row.path.with_name(row.path.name + ".txt")
    if row.source_repo == "apache/pdfbox" and row.path.suffix == ".pdf" and sibling.is_file():
        return ExpectedText("PDFBox TestTextStripper output", sibling.read_text(encoding="utf-8"), 0.75)
    if local in _pdfminer_strings():
        return ExpectedText("pdfminer test_highlevel_extracttext", _pdfminer_strings()[local], 0.75)
    if local in _mammoth_strings():
        return ExpectedText("mammoth_tests.py", _mammoth_strings()[local], 0.9)
    if local == GEOTOPO_PDF:
        return ExpectedText("py-pdf benchmark ground truth", _read(GEOTOPO_TRUTH), 0.9)
    if local == TRIVIAL_WRITER_PDF:
        return None  # compared with its ODT source in the test itself
    derived = CORPUS_DIR / "_derived" / local.split("/", 1)[0] / (row.path.stem + ".txt")
    if row.category == "indonesian-text" and row.path.suffix == ".conllu" and derived.is_file():
        return ExpectedText("UD raw sentences (_derived)", derived.read_text(encoding="utf-8"), 0.99)
    regulation = _REGULATION.search(local)
    if regulation:
        year, number = regulation.groups()
        return ExpectedText("regulation number in the file path", f"NOMOR {number} TAHUN {year}", 1.0)
    if row.category in OCR_CATEGORIES:
        return _ocr_expectation(row, local)
    return None


def _ocr_expectation(row: CorpusFile, local: str) -> ExpectedText | None:
    if local == _PYTESSERACT_SMALL:
        return ExpectedText("pytesseract test_image_to_data_common_output", "This", 1.0)
    string = _OCR_STRING.match(row.expectation)
    if string:
        return ExpectedText("MANIFEST OCR string", string.group(1), 1.0)
    text_file = _OCR_TEXT_FILE.match(row.expectation)
    if text_file:
        # The file lies in the same upstream repository as the scan.
        return ExpectedText(f"OCR ~ {text_file.group(1)}", _read(f"{local.split('/', 1)[0]}/{text_file.group(1)}"),
                            0.8)
    return None


def _read(local: str) -> str:
    return (CORPUS_DIR / local).read_text(encoding="utf-8")


@functools.cache
def _pdfminer_strings() -> dict[str, str]:
    """Map sample paths to the text pdfminer's own tests expect from them."""
    source = CORPUS_DIR / PDFMINER_TESTS
    if not source.is_file():
        return {}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "test_strings" for t in node.targets):
            strings = ast.literal_eval(node.value)
            return {f"{PDFMINER_SAMPLES}/{name}": text for name, text in strings.items() if name.endswith(".pdf")}
    return {}


@functools.cache
def _mammoth_strings() -> dict[str, str]:
    """Map mammoth's test documents to the words of the output its tests expect (tags removed)."""
    source = CORPUS_DIR / MAMMOTH_TESTS
    if not source.is_file():
        return {}
    expected: dict[str, list[str]] = {}
    for function in ast.parse(source.read_text(encoding="utf-8")).body:
        if not isinstance(function, ast.FunctionDef):
            continue
        names = [node.args[0].value for node in ast.walk(function)
                 if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "generate_test_path"
                 and node.args and isinstance(node.args[0], ast.Constant)]
        outputs = [_literal_text(node.args[0]) for node in ast.walk(function)
                   if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "assert_equal"
                   and len(node.args) == 2 and getattr(node.args[1], "attr", None) == "value"]
        outputs += [_literal_text(node.value) for node in ast.walk(function)
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "expected_html"]
        texts = [text for text in outputs if text]
        if len(set(names)) == 1 and texts:
            expected.setdefault(f"{MAMMOTH_DATA}/{names[0]}", []).extend(texts)
    return {name: "\n".join(texts) for name, texts in expected.items()}


def _literal_text(node: ast.AST) -> str | None:
    """Return the text of a string literal (or a concatenation of them), tags and entities removed."""
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if not isinstance(value, str):
        return None
    return html.unescape(_TAG.sub(" ", value))
