"""Every main page in a real browser, in Indonesian and in English, on a desktop and on a 390 px phone: each
answers 200, speaks the language asked for, fits the phone without sideways scrolling, and is published as
docs/screenshots/<page>-<lang>-<desktop|phone>.png (with DOCFLOW_PUBLISH_SCREENSHOTS=1)."""
from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, VIEWPORT, Dialogs, log_in, publish_screenshot, screenshot
from tests.browser.test_story import _act, _flash
from tests.conftest import PASSWORD
from tests.fixtures import make_pdf

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
PASSPHRASE = "kunci tanda tangan maya"
CLERK = "wulan"
SIGNED_TITLE = "Nota dinas festival kuliner nusantara"
DRAFT_TITLE = "Nota dinas jadwal pameran kerajinan"
SUBJECT = "Undangan rapat koordinasi festival kuliner"
HEAD, SECRETARY = "Kepala Dinas Pariwisata", "Sekretaris Dinas Pariwisata"
# The innermost elements past the right edge of the phone's screen, to name the culprit of an overflow.
OVERFLOWING = """(width) => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.children.length === 0)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + e.className : ""} ${Math.round(e.getBoundingClientRect().right)}px`)"""


def _verification_token(instance, document_id: int) -> str:
    """Read the signed letter's QR token from the instance's SQLite database (the QR code is inside the PDF)."""
    folder = Path(instance.env["DOCFLOW_SERVER__INSTANCE_DIR"])
    [database] = [p for p in folder.rglob("*.sqlite3")]
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT token FROM verification_tokens WHERE document_id = ?",
                                 (document_id,)).fetchone()
    assert row, "the signed letter has no verification token"
    return row[0]


def _register(page) -> str:
    page.goto("/incoming/new")
    page.get_by_label("Sender (institution)").fill("Dinas Pariwisata Provinsi")
    page.get_by_label("Sender's number").fill("005/412/Dispar-Prov/2026")
    page.get_by_label("Letter's date").fill("2026-03-01")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label(HEAD).check()
    page.get_by_label("File").set_input_files(files=[{
        "name": "undangan.pdf", "mimeType": "application/pdf",
        "buffer": make_pdf(f"{SUBJECT}\nDinas Pariwisata Provinsi")}])
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(re.compile(r"/incoming/\d+$"))
    _flash(page, "Registered as agenda")
    return page.url


@pytest.fixture(scope="module")
def scene(office, browser) -> dict[str, str]:
    """DISPAR's letters: a draft, a signed (numbered) letter with its QR link, and an incoming letter the head
    disposed to her secretary; a records clerk, wulan, who registers and dispatches."""
    instance = office.instance
    dialogs = Dialogs()
    instance.cli("user", "create", CLERK, "--role", "records_clerk", "--unit", "DISPAR", "--full-name",
                 "Wulan Sari", stdin=PASSWORD + "\n")
    instance.cli("ca", "issue", office.signer, stdin=PASSPHRASE + "\n")
    context = browser.new_context(base_url=instance.base, viewport=VIEWPORT)
    context.add_cookies([{"name": "lang", "value": "en", "url": instance.base}])
    context.set_default_timeout(15_000)
    try:
        office.upload(context, DRAFT_TITLE, make_pdf("Jadwal pameran kerajinan tangan."))
        signed = office.upload(context, SIGNED_TITLE, make_pdf("Festival kuliner nusantara di alun-alun kota."))
        office.submit(context, signed)
        page = context.new_page()
        page.on("dialog", dialogs)
        url = f"/documents/{signed}"
        log_in(page, office.verifier)
        _act(page, dialogs, url, "Initial (paraf)", "You initialled the letter.")
        context.clear_cookies()
        context.add_cookies([{"name": "lang", "value": "en", "url": instance.base}])
        log_in(page, office.signer)
        _act(page, dialogs, url, "Sign", "The letter is signed.", **{"Your signing passphrase": PASSPHRASE})
        context.clear_cookies()
        context.add_cookies([{"name": "lang", "value": "en", "url": instance.base}])
        log_in(page, CLERK)
        letter = _register(page)
        letter = "/incoming/" + letter.rstrip("/").rsplit("/", 1)[-1]
        context.clear_cookies()
        context.add_cookies([{"name": "lang", "value": "en", "url": instance.base}])
        log_in(page, office.signer)
        page.goto(letter)
        form = page.locator("form").filter(has=page.get_by_role("button", name="Give the disposisi", exact=True))
        form.get_by_label(SECRETARY).check()
        form.get_by_label("Siapkan jawaban").check()
        form.get_by_role("button", name="Give the disposisi").click()
        _flash(page, "The disposisi was given to 1 desks.")
        # The worker indexes the letters in the background: wait until a search finds the signed one.
        deadline = time.monotonic() + 30
        while True:
            page.goto("/search?q=kuliner")
            if page.get_by_role("link", name=SIGNED_TITLE).count() or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        page.close()
    finally:
        context.close()
    assert dialogs.seen == [], f"pages opened JavaScript dialogs: {dialogs.seen}"
    return {"document": url, "letter": letter, "verify": f"/verify/{_verification_token(instance, signed)}"}


# name, who looks (None: nobody logged in), path, headings (or terms) of the page in Indonesian, in English;
# grouped by who looks, so that each language and width logs in once per person.
PAGES = [
    ("login", None, "/login", ["Masuk", "Nama pengguna"], ["Log in", "Username"]),
    ("verify", None, "{verify}", ["Verifikasi naskah bertanda tangan elektronik", "Perihal"],
     ["Verification of an electronically signed letter", "Subject"]),
    ("dashboard", "drafter", "/", ["Menunggu tindakan saya", "Konsep saya"], ["Waiting for me", "My drafts"]),
    ("new-letter", "drafter", "/documents/new", ["Naskah baru"], ["New letter"]),
    ("from-template", "drafter", "/documents/from-template", ["Tulis surat dari templat"],
     ["Write a letter from a template"]),
    ("document", "drafter", "{document}", [SIGNED_TITLE, "Alur", "Riwayat"], [SIGNED_TITLE, "Route", "History"]),
    ("search", "drafter", "/search?q=kuliner", ["Cari"], ["Search"]),
    ("archive", "drafter", "/archive", ["Arsip"], ["Archive"]),
    ("inbox", "verifier", "/inbox", ["Menunggu tindakan saya", "Disposisi belum dibaca"],
     ["Waiting for me", "Disposisi unread"]),
    ("dispositions", "verifier", "/dispositions", ["Disposisi untuk saya"], ["Disposisi for me"]),
    ("incoming-letter", "signer", "{letter}", [SUBJECT, "Pengirim", "Disposisi"], [SUBJECT, "Sender", "Disposisi"]),
    ("retention", "signer", "/retention", ["Retensi (JRA)"], ["Retention (JRA)"]),
    ("reports", "signer", "/reports", ["Laporan tanpa kertas"], ["Paperless report"]),
    ("incoming-book", CLERK, "/incoming", ["Buku agenda surat masuk"], ["Incoming book (buku agenda)"]),
    ("to-register", CLERK, "/incoming/pending", ["Untuk diregistrasi: surat yang masuk lewat surel atau dari pemindai"],
     ["To register: letters that arrived by e-mail or from the scanner"]),
    ("dispatch", CLERK, "/dispatch", ["Ekspedisi surat keluar"], ["Dispatch (ekspedisi)"]),
    ("admin-users", ADMIN, "/admin/users", ["Pegawai"], ["People"]),
    ("admin-positions", ADMIN, "/admin/positions", ["Jabatan"], ["Positions"]),
    ("admin-templates", ADMIN, "/admin/templates", ["Templat naskah"], ["Letter templates"]),
    ("admin-certificates", ADMIN, "/admin/certificates", ["Sertifikat tanda tangan"], ["Signing certificates"]),
    ("admin-instructions", ADMIN, "/admin/disposition-instructions", ["Instruksi disposisi"],
     ["Disposisi instructions"]),
]
# The page's own words to look for: its main heading, section headings, labels of its facts and fields.
TERMS = r"""() => [...document.querySelectorAll("main h1, main h2, main dt, main label, main button")]
    .flatMap(e => [e.innerText.trim(), e.innerText.replace(/\s*\d+\s*$/, "").trim()])"""  # less a count


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_main_page_in_each_language_and_width(office, scene, browser, lang, width):
    """Does every main page answer, speak the language, fit the width, and give its picture for the docs?"""
    viewport = PHONE if width == "phone" else VIEWPORT
    context = browser.new_context(viewport=viewport, locale="id-ID" if lang == "id" else "en-US",
                                  base_url=office.instance.base)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    seated = "unset"
    too_wide, wrong = {}, {}
    try:
        for name, who, path, id_terms, en_terms in PAGES:
            username = {"drafter": office.drafter, "verifier": office.verifier,
                        "signer": office.signer}.get(who, who)
            if username != seated:  # one context: change who is logged in by changing its cookies
                context.clear_cookies()
                context.add_cookies([{"name": "lang", "value": lang, "url": office.instance.base}])
                if username is not None:
                    log_in(page, username, PASSWORD, lang)
                seated = username
            response = page.goto(path.format(**scene))
            assert response is not None and response.status == 200, (name, response and response.status)
            assert "/login" not in page.url or name == "login", (name, page.url)
            assert page.locator("html").get_attribute("lang") == lang, name
            expect(page.locator("main h1")).to_have_count(1)
            terms = set(page.evaluate(TERMS))
            if missing := [t for t in (id_terms if lang == "id" else en_terms) if t not in terms]:
                wrong[name] = missing
            if width == "phone":
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > PHONE["width"] + 1:
                    too_wide[name] = (scroll, page.evaluate(OVERFLOWING, PHONE["width"]))
            shot = f"{name}-{lang}-{width}"
            publish_screenshot(screenshot(page, shot), shot)
    finally:
        context.close()
    assert wrong == {}, f"pages not showing the expected {lang} text: {wrong}"
    assert too_wide == {}, f"pages wider than {PHONE['width']} px (width, elements past the edge): {too_wide}"
    assert errors == []
