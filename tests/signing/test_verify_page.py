"""The verification page as its readers meet it (issue 17): one verdict in their language, and it fits a phone."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle
from sqlalchemy import select

from docflow.auth.operations import set_password
from docflow.documents.models import Document
from docflow.signing.models import VerificationToken
from tests.conftest import PASSWORD
from tests.signing.helpers import PASSPHRASE, act, approved_letter, signed_file

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


def _signed(client, db, office, token_for) -> tuple[Document, VerificationToken]:
    letter = approved_letter(client, office, token_for)
    response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    token = db.scalars(select(VerificationToken).where(VerificationToken.document_id == letter.id)).one()
    return db.get(Document, letter.id), token


def _stamped_after_signing(data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    TextStamp(writer, style=TextStampStyle(stamp_text="DISETUJUI", border_width=0), text_params={"ts": ""}).apply(
        0, 100, 400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _check(client, token: str, data: bytes) -> str:
    response = client.post(f"/verify/{token}", data={"file": (io.BytesIO(data), "salinan.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _verdict(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="verdict">(.*?)</p>', html, re.S).group(1)).strip()


def test_a_modified_copy_gets_one_verdict_in_the_readers_language(client, db, services, office, token_for):
    """Does an Indonesian reader of a changed copy read one Indonesian verdict, without an English sentence
    and without "cryptographically valid" beside "modified copy"?"""
    document, token = _signed(client, db, office, token_for)
    client.set_cookie("lang", "id")
    html = _check(client, token.token, _stamped_after_signing(signed_file(db, services, document.id)))
    verdict = _verdict(html)
    assert verdict == ("<strong>Salinan yang diubah: jangan jadikan berkas ini pegangan. "
                       "Ada isi yang ditambahkan ke berkas setelah ditandatangani.</strong>")
    assert "the file" not in html and "after it was signed" not in html  # no English explanation
    assert "kriptografis" not in html


def test_the_genuine_file_and_a_stranger_get_plain_verdicts(client, db, services, office, token_for):
    document, token = _signed(client, db, office, token_for)
    client.set_cookie("lang", "en")
    html = _check(client, token.token, signed_file(db, services, document.id))
    assert _verdict(html) == ("<strong>Genuine: this is the signed letter, and its electronic signature is "
                              "valid.</strong>")
    assert f'<code class="hash">{token.credential.serial}</code>' in html
    from tests.fixtures import make_pdf

    html = _check(client, token.token, make_pdf("Surat lain"))
    assert _verdict(html) == ("<strong>Unknown: this file is not this signed letter; it carries no electronic "
                              "signature of it.</strong>")


def _served_by(client, page) -> None:
    """Answer the browser's requests with the Flask test client (its cookies, its pages, its stylesheet)."""
    def answer(route) -> None:
        path = route.request.url.removeprefix("http://docflow.test")
        response = client.get(path)
        try:
            route.fulfill(status=response.status_code, body=response.get_data(),
                          headers={"content-type": response.headers.get("Content-Type", "text/html")})
        finally:
            response.close()  # static files are streamed from disk

    page.route("http://docflow.test/**", answer)


@pytest.mark.slow
def test_the_verification_and_document_pages_fit_a_phone(client, db, services, office, token_for):
    """At 390 px, do the verification page (with a check's result) and a signed letter's page fit without
    sideways scrolling, serials and fingerprints wrapping?"""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (scripts/system-deps test)")
    document, token = _signed(client, db, office, token_for)
    result = _check(client, token.token, _stamped_after_signing(signed_file(db, services, document.id)))
    set_password(db, office.head_user, PASSWORD)
    db.commit()
    client.set_cookie("lang", "id")
    assert client.post("/login", data={"username": office.head_user.username,
                                       "password": PASSWORD}).status_code == 302
    widths = {}
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page(viewport=PHONE)
            _served_by(client, page)
            page.goto(f"http://docflow.test/verify/{token.token}")
            widths["verify"] = page.evaluate("document.documentElement.scrollWidth")
            page.set_content(result.replace('href="/static/', 'href="http://docflow.test/static/'))
            page.wait_for_load_state("load")
            page.locator("details.verify-details").evaluate("d => d.open = true")
            widths["verify result"] = page.evaluate("document.documentElement.scrollWidth")
            page.goto(f"http://docflow.test/documents/{document.id}")
            widths["document"] = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert widths == {"verify": 390, "verify result": 390, "document": 390}
