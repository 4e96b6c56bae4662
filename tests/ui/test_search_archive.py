"""Search page (facets, instant partial, filters) and archive browsing, always within what the user may read."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.fixtures import make_pdf
from tests.ui.helpers import api_letter


def test_search_shows_facets_highlights_and_the_partial(client, make_user, login, token_for, run_worker):
    user = make_user()
    headers = token_for(user)
    api_letter(client, headers, make_pdf("Penugasan pegawai ke kecamatan"), title="Surat tugas pegawai",
               doc_type="surat_tugas")
    api_letter(client, headers, make_pdf("Penugasan rapat anggaran"), title="Nota penugasan")
    api_letter(client, token_for(make_user()), make_pdf("Penugasan rahasia"), title="Rahasia", security_class="rahasia")
    run_worker()
    login(user)
    html = client.get("/search?q=tugas").get_data(as_text=True)
    assert "2 results" in html
    assert "<mark>" in html
    assert 'class="facets"' in html and '<span class="count">1</span>' in html
    assert "type=surat_tugas" in html  # a facet link narrows to its value
    narrowed = client.get("/search?q=tugas&type=surat_tugas").get_data(as_text=True)
    assert "1 results" in narrowed and 'aria-current="true"' in narrowed
    partial = client.get("/search/results?q=tugas&year=%d" % datetime.now(timezone.utc).year)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body and "2 results" in body
    assert "1 results" in client.get("/search/results?q=tugas&security_class=biasa&type=nota_dinas").get_data(
        as_text=True)
    assert "0 results" in client.get("/search/results?q=tugas&year=2001").get_data(as_text=True)


def test_search_refusal_is_a_message_in_the_partial(client, make_user, login):
    login(make_user())
    response = client.get("/search/results?q=x&year=20x6")
    assert response.status_code == 400
    assert "year must be four digits" in response.get_data(as_text=True)


def _finish(db, document_id: int, year: int, state: str = "filed", classification: str | None = None) -> None:
    from docflow.documents.models import Document

    document = db.get(Document, document_id)
    document.state = state
    document.signed_at = datetime(year, 6, 1, tzinfo=timezone.utc)
    document.number = f"{document.classification_code}/{document_id}/{year}"
    if classification:
        document.classification_code = classification
    db.commit()


def test_archive_browses_by_unit_type_classification_and_year(client, db, make_unit, make_user, login, token_for):
    unit = make_unit("DISKOMINFO")
    user = make_user(unit=unit)
    headers = token_for(user)
    a = api_letter(client, headers, make_pdf("a"), title="Arsip A", classification_code="000.8.3.3")
    b = api_letter(client, headers, make_pdf("b"), title="Arsip B", doc_type="surat_tugas", classification_code="800.1")
    c = api_letter(client, headers, make_pdf("c"), title="Draf C")
    other = api_letter(client, token_for(make_user()), make_pdf("d"), title="Lain unit")
    _finish(db, a["id"], 2025)
    _finish(db, b["id"], 2026, state="signed")
    _finish(db, other["id"], 2026)
    login(user)
    html = client.get("/archive").get_data(as_text=True)
    assert "Arsip A" in html and "Arsip B" in html
    assert "Draf C" not in html and "Lain unit" not in html  # drafts are not archived; other units unreadable
    assert "2026 (1)" in html and "2025 (1)" in html
    assert "DISKOMINFO (2)" in html
    by_year = client.get("/archive?year=2025").get_data(as_text=True)
    assert "Arsip A" in by_year and "Arsip B" not in by_year
    by_class = client.get("/archive?classification=000.8").get_data(as_text=True)
    assert "Arsip A" in by_class and "Arsip B" not in by_class
    by_type = client.get("/archive?type=surat_tugas&unit=DISKOMINFO").get_data(as_text=True)
    assert "Arsip B" in by_type and "Arsip A" not in by_type
    assert c["id"] not in (a["id"], b["id"])


def test_archive_refuses_a_malformed_code(client, make_user, login):
    login(make_user())
    response = client.get("/archive?classification=abc")
    assert response.status_code == 400
    assert "dotted classification code" in response.get_data(as_text=True)
