"""Checks against real Indonesian text from the shared third-party corpus (skipped without it)."""
from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from search_index import IndexedDocument, SearchIndex, SearchRequest
from search_index.analysis import OFFICE_ROOT_WORDS, iter_terms, stem_word
from search_index.highlighting import _matches
from tests.corpus import CorpusFile, corpus_files

pytestmark = pytest.mark.slow

_ARTICLE = re.compile(r"^Pasal\s+(\d+)\s*$", re.MULTILINE)


def _indonesian(suffix: str) -> list[CorpusFile]:
    files = [f for f in corpus_files() if f.category == "indonesian-text" and f.path.suffix == suffix]
    if not files:
        pytest.skip(f"no Indonesian {suffix} files in the corpus")
    return files


def _form_lemma_pairs(path: Path) -> Iterator[tuple[str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) < 3 or not columns[0].isdigit():
            continue  # comments, blank lines, multiword and empty-node rows
        form, lemma = columns[1].lower(), columns[2].lower()
        if form.isalpha() and lemma.isalpha():
            yield form, lemma


def test_stemmer_agrees_with_gold_lemmas() -> None:
    """Universal Dependencies treebanks carry hand-checked lemmas; the stemmer should mostly agree,
    and differ from plain Sastrawi only where the office dictionary says so on purpose."""
    plain = StemmerFactory().create_stemmer()
    for corpus_file in _indonesian(".conllu"):
        pairs = list(_form_lemma_pairs(corpus_file.path))
        assert len(pairs) > 1000, corpus_file.path
        agree = sum(stem_word(form) == lemma for form, lemma in pairs)
        assert agree / len(pairs) >= 0.88, (corpus_file.path, agree / len(pairs))
        deliberate = {stem_word(form) for form, lemma in pairs
                      if plain.stem(form) == lemma and stem_word(form) != lemma}
        assert deliberate <= OFFICE_ROOT_WORDS, (corpus_file.path, deliberate - OFFICE_ROOT_WORDS)


def _articles() -> list[IndexedDocument]:
    docs: list[IndexedDocument] = []
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for corpus_file in _indonesian(".md"):
        text = corpus_file.path.read_text(encoding="utf-8")
        law = "/".join(corpus_file.path.with_suffix("").parts[-3:])
        marks = list(_ARTICLE.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            n = len(docs) + 1
            docs.append(IndexedDocument(
                id=n, title=f"{law} Pasal {mark.group(1)}", body=text[mark.end():end].strip(),
                number=f"{law}/pasal/{mark.group(1)}", doc_type="peraturan", unit=law.split("/")[0].upper(),
                state="filed", security_class="biasa", classification="100.1", author="JDIH",
                created=start + timedelta(hours=n), updated=start + timedelta(hours=n),
                readers=("unit:1",) if n % 2 else ("unit:2",), fingerprint=f"{law}-{mark.group(1)}"))
    if len(docs) < 100:
        pytest.skip("too few articles in the corpus laws")
    return docs


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, list[IndexedDocument]]]:
    docs = _articles()
    index = SearchIndex(tmp_path_factory.mktemp("laws"))
    assert index.rebuild(docs) == len(docs)
    yield index, docs
    index.close()


def test_word_families_find_the_same_articles(laws: tuple[SearchIndex, list[IndexedDocument]]) -> None:
    index, docs = laws
    everyone = ("unit:1", "unit:2")
    kearsipan = index.search(SearchRequest(q="kearsipan", principals=everyone, per_page=100))
    arsip = index.search(SearchRequest(q="arsip", principals=everyone, per_page=100))
    assert kearsipan.total == arsip.total > 50
    # Every article with a form of "arsip", except "arsiparis" (archivist), a word of its own.
    expected = sum(1 for d in docs if re.search(r"arsip(?!aris)", d.body + d.title, re.IGNORECASE))
    assert arsip.total == expected


def test_permission_split_on_real_text(laws: tuple[SearchIndex, list[IndexedDocument]]) -> None:
    index, docs = laws
    both = index.search(SearchRequest(q="informasi publik", principals=("unit:1", "unit:2"))).total
    odd = index.search(SearchRequest(q="informasi publik", principals=("unit:1",)))
    even = index.search(SearchRequest(q="informasi publik", principals=("unit:2",)))
    assert odd.total + even.total == both > 0
    assert all(hit.id % 2 for hit in odd.hits) and not any(hit.id % 2 for hit in even.hits)


def test_highlights_on_real_text_are_safe_html(laws: tuple[SearchIndex, list[IndexedDocument]]) -> None:
    index, _docs = laws
    for q in ["penyelenggaraan kearsipan", '"data pribadi"', "transaksi elektronik", "pidana*"]:
        results = index.search(SearchRequest(q=q, principals=("unit:1", "unit:2"), per_page=50))
        assert results.hits, q
        for hit in results.hits:
            for html in [hit.title_html, *hit.fragments]:
                bare = html.replace("<mark>", "").replace("</mark>", "")
                assert "<" not in bare and ">" not in bare
                assert html.count("<mark>") == html.count("</mark>")
            assert any("<mark>" in f for f in hit.fragments) or "<mark>" in hit.title_html, (q, hit.id)


def test_highlight_shortcut_finds_what_a_full_scan_finds(laws: tuple[SearchIndex, list[IndexedDocument]]) -> None:
    """The highlighter analyzes only words near probe hits; on real text it must miss nothing."""
    _index, docs = laws
    rng = random.Random(43)
    for doc in rng.sample(docs, 60):
        terms = [term for term, _s, _e in iter_terms(doc.body)]
        if not terms:
            continue
        wanted = frozenset(rng.sample(terms, min(3, len(terms))))
        full = [span for span in iter_terms(doc.body) if span[0] in wanted]
        found = [(t.text, t.startchar, t.endchar) for t in _matches(doc.body, wanted)]
        assert found == full, (doc.title, wanted)
