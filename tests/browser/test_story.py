"""Issue #4 in a real browser: an administrator sets up a unit, a nota dinas goes through its route,
is returned, corrected, initialled, signed and numbered, then found by an inflected word by the unit
and not by another unit; a title holding a script tag stays text."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, publish_screenshot, screenshot, started_instance
from tests.conftest import PASSWORD
from tests.fixtures import make_pdf

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docflow(tmp_path_factory):
    """An instance of the story's own: it starts from an empty organisation, whichever tests ran before."""
    with started_instance(tmp_path_factory) as instance:
        yield instance

UNIT = "DISKOMINFO"
OTHER_UNIT = "DINKES"
PASSPHRASE = "kunci tanda tangan rahasia"
TITLE = "Nota dinas rapat koordinasi kearsipan"
BODY = "Nota Dinas\nKepala Dinas menugaskan staf untuk menghadiri rapat koordinasi pengelolaan arsip."
SCRIPT_TITLE = "Undangan <script>alert('xss')</script> rapat"

# username, full name, roles ticked besides the default drafter box, keep drafter, NIP
PEOPLE = [
    ("wati", "Wati Lestari", [], True, ""),
    ("bambang", "Bambang Sutrisno", ["Verifier (paraf)"], False, ""),
    ("sekar", "Sekar Ayu", ["Verifier (paraf)"], False, ""),
    ("ratna", "Ratna Dewi", ["Signer"], False, "197805122003122004"),
    ("joko", "Joko Santoso", [], True, ""),
]
# title, eselon, superior title, holder
POSITIONS = [
    ("Kepala Dinas Komunikasi dan Informatika", "II.b", None, "ratna"),
    ("Sekretaris Dinas Komunikasi dan Informatika", "III.a", "Kepala Dinas Komunikasi dan Informatika", "sekar"),
    ("Kepala Sub Bagian Umum", "IV.a", "Sekretaris Dinas Komunikasi dan Informatika", "bambang"),
    ("Pengadministrasi Umum", "", "Kepala Sub Bagian Umum", "wati"),
]
ESELON_OF = {title: eselon for title, eselon, _superior, _holder in POSITIONS}


def _form(scope, button: str):
    """Return the form (in a page or a part of it) holding a button, so that labels repeated elsewhere stay
    unambiguous."""
    page = getattr(scope, "page", scope)  # a filter's inner locator is written from the page
    return scope.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def _flash(page, text: str) -> None:
    # Signing stamps and signs the PDF before the page comes back: allow it more than the default 5 s.
    expect(page.get_by_role("status").filter(has_text=text).first).to_be_visible(timeout=60_000)


def _add_unit(page, code: str, name: str) -> None:
    page.goto("/admin/units")
    form = _form(page, "Add unit")
    form.get_by_label("Code").fill(code)
    form.get_by_label("Name").fill(name)
    form.get_by_role("button", name="Add unit").click()
    _flash(page, f"Unit {code} was added.")


def _add_person(page, unit: str, username: str, full_name: str, roles: list[str], drafter: bool,
                nip: str) -> None:
    page.goto("/admin/users")
    form = _form(page, "Add person")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Full name").fill(full_name)
    if nip:
        form.get_by_label("NIP").fill(nip)
    form.get_by_label("Unit").select_option(unit)
    form.get_by_label("Drafter").set_checked(drafter)
    for role in roles:
        form.get_by_label(role).check()
    form.get_by_role("button", name="Add person").click()
    _flash(page, f"{full_name} was added")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    _flash(page, f"The password of {full_name} was set.")


def _add_position(page, unit: str, title: str, eselon: str, superior: str | None, holder: str) -> None:
    page.goto("/admin/positions")
    form = _form(page, "Add position")
    form.get_by_label("Unit").select_option(unit)
    form.get_by_label("Name of the position").fill(title)
    form.get_by_label("Eselon", exact=True).select_option(eselon)
    if superior:
        form.get_by_label("Superior position").select_option(label=f"{superior} ({ESELON_OF[superior]})")
    form.get_by_role("button", name="Add position").click()
    _flash(page, f"Position {title} was added.")
    assign = _form(page, "Assign")
    assign.get_by_label("Person").fill(holder)  # the picker takes a bare username too
    assign.get_by_role("button", name="Assign").click()
    _flash(page, "The assignment was recorded.")
    expect(page.get_by_role("cell").filter(has_text=f"({holder})")).to_have_count(1)


def _set_up_organisation(page) -> None:
    page.goto("/admin")
    screenshot(page, "admin")
    _add_unit(page, UNIT, "Dinas Komunikasi dan Informatika")
    _add_unit(page, OTHER_UNIT, "Dinas Kesehatan")
    for username, full_name, roles, drafter, nip in PEOPLE:
        _add_person(page, UNIT, username, full_name, roles, drafter, nip)
    _add_person(page, OTHER_UNIT, "putri", "Putri Handayani", [], True, "")
    for title, eselon, superior, holder in POSITIONS:
        _add_position(page, UNIT, title, eselon, superior, holder)
    page.goto("/admin/positions?unit=" + UNIT)
    publish_screenshot(screenshot(page, "admin-positions"), "admin-positions")


def _issue_certificate(page, username: str) -> None:
    page.goto("/admin/certificates")
    page.get_by_label("Username of the signer").fill(username)
    # The signer types her own passphrase at the administrator's desk.
    page.get_by_label("Passphrase (at least 8 characters)").fill(PASSPHRASE)
    page.get_by_label("Passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Issue").click()
    _flash(page, f"was issued to {username}")


def _upload(page, dialogs, title: str, body: str, name: str = "nota-dinas.pdf", shot: str | None = None) -> str:
    page.goto("/")
    page.get_by_role("link", name="New letter").click()
    page.get_by_label("Subject").fill(title)
    page.get_by_label("Document type").select_option(label="Nota Dinas")
    page.get_by_label("Security class").select_option("biasa")
    page.get_by_label("File").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": make_pdf(body)}])
    if shot:
        publish_screenshot(screenshot(page, shot), shot)
    dialogs.click(page.get_by_role("button", name="Save as draft"))
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def _act(page, dialogs, url: str, button: str, done: str, **fields: str) -> None:
    """Take an action from the letter's "Your action" box: fill its fields, confirm, check the message."""
    page.goto(url)
    form = _form(page.get_by_role("region", name="Your action"), button)
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    # With script on, the confirmation dialog replaces the "I confirm" checkbox of the no-script page.
    expect(form.get_by_label("I confirm", exact=True)).to_be_hidden()
    dialogs.click(form.get_by_role("button", name=button, exact=True))
    _flash(page, done)


def _search(page, word: str, expected: int, timeout: float = 30) -> None:
    """Search through the form, then again until the worker has indexed what is expected."""
    page.goto("/search")
    page.get_by_label("Search words").fill(word)
    page.get_by_label("Search words").press("Enter")
    deadline = time.monotonic() + timeout
    while True:
        status = page.get_by_role("status").filter(has_text="results").inner_text()
        if status == f"{expected} results" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
        page.reload()
    assert status == f"{expected} results"


def test_a_nota_dinas_from_setup_to_search(open_page, dialogs):
    """Does a letter go from an empty unit to signed, numbered and found only by its own unit?"""
    visitor = open_page()
    visitor.goto("/login")
    publish_screenshot(screenshot(visitor, "login"), "login")
    admin = open_page(ADMIN)
    _set_up_organisation(admin)
    _issue_certificate(admin, "ratna")

    drafter = open_page("wati")
    screenshot(drafter, "dashboard")
    url = _upload(drafter, dialogs, TITLE, BODY, shot="new-letter")
    _act(drafter, dialogs, url, "Submit for verification", "submitted for verification")

    first = open_page("bambang")
    first.get_by_role("link", name=TITLE).click()  # from the dashboard's "To initial"
    _act(first, dialogs, url, "Return for revision", "returned to its drafter",
         **{"Reason for returning it (required)": "Mohon lengkapi dasar hukum penugasan."})

    drafter.goto(url)
    # The reason stands at the top of the drafter's page, with what to do next (and again in the history).
    expect(drafter.locator("#returned-notice")).to_contain_text("Mohon lengkapi dasar hukum penugasan.")
    expect(drafter.locator("#returned-notice")).to_contain_text("upload a corrected version")
    drafter.get_by_label("File").set_input_files(files=[{
        "name": "nota-dinas-perbaikan.pdf", "mimeType": "application/pdf",
        "buffer": make_pdf(BODY + "\nDasar: Peraturan Wali Kota tentang tata naskah dinas.")}])
    drafter.get_by_label("What changed").fill("Dasar hukum ditambahkan")
    dialogs.click(drafter.get_by_role("button", name="Upload version"))
    expect(drafter.get_by_role("cell", name="nota-dinas-perbaikan.pdf")).to_have_count(1)
    _act(drafter, dialogs, url, "Submit for verification", "submitted for verification")

    _act(first, dialogs, url, "Initial (paraf)", "You initialled the letter.")
    second = open_page("sekar")
    _act(second, dialogs, url, "Initial (paraf)", "You initialled the letter.")

    signer = open_page("ratna")
    _act(signer, dialogs, url, "Sign", "The letter is signed.", **{"Your signing passphrase": PASSPHRASE})
    number = signer.locator("dt", has_text="Number").locator("xpath=following-sibling::dd[1]").inner_text()
    assert re.fullmatch(r"\d{3}(\.\d+)*/\d+(/\S+)*", number.replace(" ", "")), number
    _flash(signer, f"Number: {number}")
    publish_screenshot(screenshot(signer, "document"), "document")

    colleague = open_page("joko")
    _search(colleague, "penugasan", 1)
    screenshot(colleague, "search-results")
    colleague.get_by_role("link", name=TITLE).click()
    assert colleague.get_by_role("heading", level=1).inner_text() == TITLE
    assert colleague.locator("dt", has_text="Number").locator("xpath=following-sibling::dd[1]").inner_text() == number

    outsider = open_page("putri")
    _search(outsider, "penugasan", 0, timeout=0)
    assert outsider.get_by_role("link", name=TITLE).count() == 0
    assert dialogs.seen == []


def test_a_script_in_a_title_stays_text(docflow, open_page, dialogs):
    """Is a title holding a script tag shown as text on every page, opening no dialog?"""
    docflow.cli("user", "create", "dedi", "--role", "drafter", "--unit", "SETDA", stdin=PASSWORD + "\n")
    drafter = open_page("dedi")
    url = _upload(drafter, dialogs, SCRIPT_TITLE, "Undangan rapat sosialisasi persuratan elektronik.", name="undangan.pdf")
    assert drafter.title() == f"{SCRIPT_TITLE} · Docflow"  # the tab shows the title, and only the title
    drafter.goto("/")
    assert drafter.get_by_role("link", name=SCRIPT_TITLE).count() == 1
    drafter.goto("/documents")
    assert drafter.get_by_role("link", name=SCRIPT_TITLE).count() >= 1
    _search(drafter, "sosialisasi", 1)
    assert drafter.get_by_role("link", name=re.compile("Undangan")).inner_text() == SCRIPT_TITLE
    drafter.goto(url)
    assert drafter.locator("script:not([src])").count() == 0  # only our own script file, nothing inline
    assert dialogs.seen == []
