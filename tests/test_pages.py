"""The minimal pages: log in, upload with CSRF, document page, download, search."""
from __future__ import annotations

import io
import re

from tests.conftest import PASSWORD
from tests.fixtures import make_pdf


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_login_upload_show_download_search(web_client, make_user, run_worker):
    make_user("sri", full_name="Sri Wahyuni")
    page = web_client.get("/login")
    assert page.status_code == 200
    response = web_client.post("/login", data={"username": "sri", "password": "wrong password!",
                                                "csrf_token": _csrf(page.get_data(as_text=True))})
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    page = web_client.get("/login")
    response = web_client.post("/login", data={"username": "sri", "password": PASSWORD,
                                                "csrf_token": _csrf(page.get_data(as_text=True))})
    assert response.status_code == 302
    form = web_client.get("/documents/new").get_data(as_text=True)
    pdf = make_pdf("Undangan rapat penyusunan anggaran")
    response = web_client.post("/documents/new", data={
        "csrf_token": _csrf(form), "title": "Undangan <script>alert(1)</script>", "doc_type": "surat_undangan",
        "classification_code": "000.1.2", "security_class": "biasa", "urgency": "segera",
        "file": (io.BytesIO(pdf), "undangan.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    show = web_client.get(response.headers["Location"])
    html = show.get_data(as_text=True)
    assert "Undangan &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "default-src 'self'" in show.headers["Content-Security-Policy"]
    doc_path = response.headers["Location"]
    assert web_client.get(doc_path + "/download").data == pdf
    run_worker()
    results = web_client.get("/search?q=penyusunan").get_data(as_text=True)
    assert "1 results" in results or "1 hasil" in results
    assert "&lt;script&gt;" in results and "<script>alert" not in results


def test_upload_without_csrf_token_is_refused(web_client, make_user, db):
    from sqlalchemy import func, select

    from docflow.documents.models import Document

    user = make_user()
    page = web_client.get("/login")
    web_client.post("/login", data={"username": user.username, "password": PASSWORD,
                                    "csrf_token": _csrf(page.get_data(as_text=True))})
    response = web_client.post("/documents/new", data={"title": "x", "file": (io.BytesIO(make_pdf("a")), "a.pdf")},
                               content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.scalar(select(func.count(Document.id))) == 0


def test_refused_type_shows_a_message_on_the_form(client, make_user, login):
    login(make_user())
    response = client.post("/documents/new", data={"title": "Skrip", "file": (io.BytesIO(b"<?php system($_GET[c]); ?>"),
                                                                              "foto.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 415
    assert "not accepted" in response.get_data(as_text=True)


def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_open_redirect_after_login_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login?next=https://evil.example/", data={"username": user.username,
                                                                      "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_verifier_initials_from_the_document_page(client, db, make_unit, make_user, login, token_for):
    from tests.workflow_factories import make_office

    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    doc = client.post("/api/v1/documents", data={"title": "Nota rapat", "file": (io.BytesIO(make_pdf("x")), "x.pdf")},
                      headers=headers).get_json()
    body = client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]},
                       headers=headers).get_json()
    login(office.subhead_user)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Nota rapat" in inbox
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert f'action="/documents/{doc["id"]}/actions/initial"' in page
    assert "/actions/sign" not in page
    response = client.post(f"/documents/{doc['id']}/actions/initial", data={"revision": body["revision"]})
    assert response.status_code == 303  # not confirmed: nothing happens
    assert "tick “I confirm”" in client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    response = client.post(f"/documents/{doc['id']}/actions/initial", data={"revision": body["revision"], "confirm": "1"})
    assert response.status_code == 302
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "You initialled the letter." in page
    assert "initial" in page and "History" in page
    # The same form again: the revision is stale now, and the page says so instead of acting twice.
    response = client.post(f"/documents/{doc['id']}/actions/initial", data={"revision": body["revision"], "confirm": "1"})
    assert response.status_code == 303
    assert "someone acted on this letter first" in client.get(f"/documents/{doc['id']}").get_data(as_text=True)


def test_dashboard_counts_what_waits_and_shows_signed_letters(client, db, make_unit, make_user, login, token_for):
    from tests.workflow_factories import make_office

    office = make_office(db, make_unit, make_user)
    headers = token_for(office.drafter)
    for title in ("Surat A", "Surat B"):
        doc = client.post("/api/v1/documents", data={"title": title, "file": (io.BytesIO(make_pdf(title)), "a.pdf")},
                          headers=headers).get_json()
        client.post(f"/api/v1/documents/{doc['id']}/actions/submit", json={"revision": doc["revision"]},
                    headers=headers)
    login(office.subhead_user)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'To initial <span class="count">2</span>', html)
    assert "Surat A" in html and "Surat B" in html
    assert re.search(r'To sign <span class="count">0</span>', html)


def test_logout_ends_the_session_on_the_server(client, make_user, login):
    """Is a copied session cookie worthless after logout?"""
    user = make_user()
    login(user)
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
