"""The permission filter: unreadable documents leave no trace in hits, totals, facets, suggestions."""
from __future__ import annotations

import pytest

from search_index import SearchIndex
from tests.search_index.conftest import add, ids, search
from tests.search_index.factories import make_document

OUTSIDER = ("unit:2",)


@pytest.fixture
def secret(index: SearchIndex) -> SearchIndex:
    add(index,
        make_document(1, title="Rencana mutasi pejabat", body="Rencana mutasi kepala bidang kepegawaian.",
                      doc_type="keputusan", security_class="rahasia", readers=("unit:1",)),
        make_document(2, title="Jadwal piket", body="Jadwal piket kantor kepegawaian.",
                      doc_type="nota_dinas", unit="SETDA", readers=("unit:2", "unit:1")))
    return index


def test_unreadable_document_is_not_a_hit(secret: SearchIndex) -> None:
    assert ids(search(secret, "mutasi")) == [1]
    results = search(secret, "mutasi", principals=OUTSIDER)
    assert (results.total, results.hits) == (0, [])


def test_unreadable_document_is_not_counted(secret: SearchIndex) -> None:
    assert search(secret, "kepegawaian").total == 2
    assert search(secret, "kepegawaian", principals=OUTSIDER).total == 1
    assert search(secret, "", principals=OUTSIDER).total == 1
    assert search(secret, "BUKAN piket", principals=OUTSIDER).total == 0


def test_unreadable_document_is_not_in_facets(secret: SearchIndex) -> None:
    facets = search(secret, "", principals=OUTSIDER, facets=True).facets
    assert facets["doc_type"] == {"nota_dinas": 1}
    assert facets["security_class"] == {"biasa": 1}
    assert "rahasia" not in str(facets) and "keputusan" not in str(facets)


def test_unreadable_words_are_never_suggested(secret: SearchIndex) -> None:
    """A typo close to a word only a secret letter holds gets no "did you mean"."""
    assert search(secret, "mutsi", autocorrect=False).suggestion == "mutasi"
    assert search(secret, "mutsi", principals=OUTSIDER, autocorrect=False).suggestion is None
    assert search(secret, "pikat", principals=OUTSIDER, autocorrect=False).suggestion == "piket"


def test_autocorrection_runs_only_with_readable_words(secret: SearchIndex) -> None:
    """The correction that is run comes from readable text; an outsider's typo finds nothing."""
    corrected = search(secret, "mutsi")
    assert (corrected.corrected_query, ids(corrected)) == ("mutasi", [1])
    outsider = search(secret, "mutsi", principals=OUTSIDER)
    assert (outsider.total, outsider.hits, outsider.corrected_query) == (0, [], None)


def test_autocomplete_only_offers_readable_titles(secret: SearchIndex) -> None:
    assert secret.suggest("renc", ("unit:1",)) == ["Rencana mutasi pejabat"]
    assert secret.suggest("renc", OUTSIDER) == []
    assert secret.suggest("jadwal pi", OUTSIDER) == ["Jadwal piket"]


def test_filters_cannot_reach_past_permissions(secret: SearchIndex) -> None:
    assert search(secret, "", principals=OUTSIDER, security_classes=("rahasia",)).total == 0
    assert search(secret, "", principals=OUTSIDER, doc_types=("keputusan",)).total == 0


def test_no_principals_reads_nothing(secret: SearchIndex) -> None:
    assert search(secret, "", principals=()).total == 0
    assert search(secret, "mutasi", principals=()).total == 0
    assert secret.suggest("renc", ()) == []


def test_any_principal_grants_reading(secret: SearchIndex) -> None:
    assert set(ids(search(secret, "", principals=("user:9", "unit:1")))) == {1, 2}
    assert search(secret, "", principals=("unit:1:official",)).total == 0


def test_field_syntax_cannot_query_the_readers_field(secret: SearchIndex) -> None:
    """"readers:unit:1" is plain text, not a way to probe who may read what."""
    assert search(secret, "readers:unit:1", principals=OUTSIDER).total == 0


def test_suggestion_needs_every_corrected_word_readable(index: SearchIndex) -> None:
    """In an OR query one branch may match; the corrected word must still come from readable text."""
    add(index,
        make_document(1, title="Anggaran rahasia", body="pembelian alutsista", readers=("unit:1",)),
        make_document(2, title="Piket", body="jadwal piket", readers=("unit:2",)))
    results = search(index, "pikat OR alutsiska", principals=OUTSIDER, autocorrect=False)
    assert results.total == 0
    # "alutsista" would make a query with a readable hit (through "piket"), but it is a word
    # of the unreadable letter, so only "pikat" is corrected.
    assert results.suggestion == "piket OR alutsiska"
    assert search(index, "pikat OR alutsiska", autocorrect=False).suggestion == "pikat OR alutsista"


def test_hidden_documents_leave_no_trace(secret: SearchIndex) -> None:
    """Do letters the caller hides (their entries lag the database) vanish from hits, counts, facets and hints?"""
    hidden = frozenset({1})
    assert ids(search(secret, "kepegawaian", hidden=hidden)) == [2]
    results = search(secret, "", hidden=hidden, facets=True)
    assert results.total == 1 and results.facets["security_class"] == {"biasa": 1}
    assert search(secret, "mutasi", hidden=hidden).total == 0
    assert search(secret, "mutsi", hidden=hidden, autocorrect=False).suggestion is None
    corrected = search(secret, "mutsi", hidden=hidden)
    assert (corrected.total, corrected.corrected_query) == (0, None)
    assert secret.suggest("renc", ("unit:1",), hidden=hidden) == []
    assert [h.id for h in secret.similar(2, ("unit:1",)).hits] == [1]
    assert secret.similar(2, ("unit:1",), hidden=hidden).hits == []
    assert secret.similar(1, ("unit:1",), hidden=hidden).hits == []


def test_hiding_does_not_poison_the_cached_sets(secret: SearchIndex) -> None:
    """Does a search that hides a letter leave the next caller's results whole?"""
    assert search(secret, "kepegawaian", hidden=frozenset({1})).total == 1
    assert search(secret, "kepegawaian").total == 2
    assert search(secret, "", hidden=frozenset({2, 99})).total == 1
