"""The scripted parts of the pages in a real browser: dropping a file with upload progress, the size check
before upload, instant search, the confirmation dialog in place of the checkbox, and the keyboard."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD
from tests.fixtures import make_pdf

pytestmark = pytest.mark.slow

SENTENCE = "Laporan pelaksanaan kegiatan promosi pariwisata daerah tahun anggaran berjalan. "


def _drop(page, name: str, mime: str, size: int) -> None:
    """Drag a file made in the page over the drop zone and drop it, as a user's file manager would."""
    transfer = page.evaluate_handle(
        """([name, mime, size, sentence]) => {
            const text = sentence.repeat(Math.ceil(size / sentence.length)).slice(0, size);
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: mime}));
            return transfer;
        }""", [name, mime, size, SENTENCE])
    zone = page.locator("[data-dropzone]")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(zone).to_have_class(re.compile(r"\bdragging\b"))
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(zone).not_to_have_class(re.compile(r"\bdragging\b"))


def test_a_dropped_file_uploads_with_visible_progress(office, open_page):
    """Does a file dropped on the zone go into the form and upload with a progress bar that moves?"""
    page = open_page(office.drafter)
    page.goto("/documents/new")
    page.get_by_label("Subject").fill("Laporan promosi pariwisata")
    _drop(page, "laporan-promosi.txt", "text/plain", 3 * 1024 * 1024)
    assert page.get_by_label("File").evaluate("input => input.files[0].name") == "laporan-promosi.txt"

    # Slow the upload to 768 KB/s so that a person (and this test) can watch the bar move.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 768 * 1024})
    progress = page.get_by_label("Upload progress")
    expect(progress).to_be_hidden()
    page.get_by_role("button", name="Save as draft").click()
    expect(progress).to_be_visible()
    expect(page.get_by_role("button", name="Save as draft")).to_be_disabled()  # no double submission
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    while "/documents/new" in page.url and time.monotonic() < deadline:
        try:
            seen.add(int(progress.get_attribute("value", timeout=1_000) or 0))
        except Exception:  # the page navigated away between the check and the read
            break
        if 0 < max(seen) < 100:
            screenshot(page, "upload-progress")
        time.sleep(0.1)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    assert any(0 < value < 100 for value in seen), f"the bar never showed a partial upload: {sorted(seen)}"
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan promosi pariwisata")
    expect(page.get_by_role("cell", name="laporan-promosi.txt")).to_have_count(1)


def test_a_file_over_the_limit_is_refused_before_it_is_sent(office, open_page):
    """Is a dropped file larger than the limit refused in the page, with the limit named, and nothing sent?"""
    page = open_page(office.drafter)
    page.goto("/documents/new")
    limit = int(page.get_by_label("File").get_attribute("data-max-bytes"))
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Subject").fill("Lampiran terlalu besar")
    _drop(page, "lampiran.txt", "text/plain", limit + 1)
    message = page.get_by_label("File").evaluate("input => input.validationMessage")
    assert re.fullmatch(r"The file is larger than the limit of \d+ MB\.", message), message
    page.get_by_role("button", name="Save as draft").click()
    expect(page).to_have_url(re.compile(r"/documents/new$"))
    assert sent == []


def test_search_results_follow_the_words_as_they_are_typed(office, open_page):
    """Do results appear without pressing Enter, follow each change of the words, and land in the address?"""
    page = open_page(office.drafter)
    office.upload(page.context, "Undangan festival budaya", make_pdf("Undangan menghadiri festival kebudayaan kota."))
    page.goto("/search")
    box = page.get_by_label("Search words")
    results = page.locator("#search-results")
    deadline = time.monotonic() + 30
    while True:  # the worker indexes the letter within moments; retype until it has
        box.fill("")
        box.press_sequentially("kebudayaan", delay=40)
        try:
            expect(results.get_by_role("link", name="Undangan festival budaya")).to_be_visible(timeout=2_000)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    assert "/search?" in page.url and "q=kebudayaan" in page.url  # the address can be shared or bookmarked
    expect(results.get_by_role("status").filter(has_text="results")).to_have_text("1 results")
    expect(results.locator("mark").first).to_have_text(re.compile("budaya", re.IGNORECASE))  # any form of the word
    screenshot(page, "instant-search")

    box.select_text()
    box.press_sequentially("xyzzyqq", delay=40)  # new words over the old: the older answers must not win
    expect(results.get_by_role("link", name="Undangan festival budaya")).to_have_count(0)
    expect(results.get_by_role("status").filter(has_text="results")).to_have_text("0 results")


def _submitted_letter(office, open_page, dialogs, title: str) -> str:
    drafter = open_page(office.drafter)
    document_id = office.upload(drafter.context, title, make_pdf(f"{title}. Mohon persetujuan."))
    url = f"{office.instance.base}/documents/{document_id}"
    drafter.goto(url)
    actions = drafter.get_by_role("region", name="Your action")
    dialogs.click(actions.get_by_role("button", name="Submit for verification", exact=True))
    expect(drafter.get_by_role("status").filter(has_text="submitted for verification")).to_be_visible()
    return url


def test_a_verifier_clears_a_letter_in_three_clicks(office, open_page, dialogs):
    """From the dashboard: the letter, "Initial", the confirmation; nothing else to tick or fill."""
    title = "Nota dinas jadwal pameran"
    url = _submitted_letter(office, open_page, dialogs, title)
    verifier = open_page(office.verifier)
    clicks = 0

    verifier.get_by_role("link", name=title).click()  # 1: from "what waits for me"
    clicks += 1
    # A click returns once the next page has begun; its deferred script (the dialog) runs by "load". A hand
    # on the button earlier meets the no-script checkbox instead, which the browser asks to tick.
    verifier.wait_for_load_state()
    assert verifier.url == url
    initial = verifier.get_by_role("region", name="Your action").get_by_role("button", name="Initial (paraf)")
    dialogs.click(initial)  # 2: the button, 3: "Initial (paraf)" in the confirmation it asks
    clicks += 2
    expect(verifier.get_by_role("status").filter(has_text="You initialled the letter.")).to_be_visible()
    assert clicks == 3
    expect(verifier.locator(".timeline")).to_contain_text("Initialled (paraf)")
    expect(verifier.get_by_role("region", name="Your action")).to_have_count(0)  # nothing left for him


def test_cancelling_the_confirmation_does_nothing(office, open_page, dialogs):
    """Do "Cancel" and Escape in the confirmation leave the letter as it was, with the focus back on the button?"""
    title = "Nota dinas rapat evaluasi"
    url = _submitted_letter(office, open_page, dialogs, title)
    verifier = open_page(office.verifier)
    verifier.goto(url)
    button = verifier.get_by_role("region", name="Your action").get_by_role("button", name="Initial (paraf)")

    dialog = dialogs.ask(button)
    expect(dialog).to_have_attribute("aria-modal", "true")
    dialog.get_by_role("button", name="Cancel", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    dialogs.ask(button)
    verifier.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    verifier.reload()
    assert verifier.url == url
    expect(verifier.get_by_role("region", name="Your action").get_by_role("button", name="Initial (paraf)")).to_be_visible()
    expect(verifier.locator(".timeline")).not_to_contain_text("Initialled (paraf)")


def test_a_missing_reason_is_asked_for_before_the_confirmation(office, open_page, dialogs):
    """Returning a letter without a reason: the browser points at the empty field, and only a ready form asks."""
    title = "Nota dinas perbaikan jalan"
    url = _submitted_letter(office, open_page, dialogs, title)
    verifier = open_page(office.verifier)
    verifier.goto(url)
    actions = verifier.get_by_role("region", name="Your action")
    button = actions.get_by_role("button", name="Return for revision", exact=True)
    button.click()
    expect(verifier.get_by_role("alertdialog")).to_be_hidden()
    form = actions.locator("form").filter(has=verifier.get_by_role("button", name="Return for revision", exact=True))
    reason = form.get_by_label("Reason for returning it (required)")
    expect(reason).to_be_focused()
    assert verifier.url == url

    reason.fill("Mohon lengkapi dasar hukum.")
    dialog = dialogs.ask(button)
    dialog.get_by_role("button", name="Cancel", exact=True).click()
    expect(dialog).to_be_hidden()


def test_the_confirmation_speaks_indonesian(office, open_page, dialogs):
    """On an Indonesian page the dialog asks in Indonesian, with "Batal" and the action's own name."""
    title = "Nota dinas rapat kerja"
    url = _submitted_letter(office, open_page, dialogs, title)
    verifier = open_page(office.verifier, lang="id")
    verifier.goto(url)
    button = verifier.locator("button[data-confirm]", has_text="Paraf")
    dialog = dialogs.ask(button)
    expect(dialog).to_have_accessible_name("Paraf naskah ini?")
    expect(dialog.get_by_role("button")).to_have_text(["Batal", "Paraf"])
    screenshot(verifier, "confirmation-id")
    dialog.get_by_role("button", name="Batal", exact=True).click()
    expect(dialog).to_be_hidden()


def test_the_keyboard_alone_logs_in_and_initials_a_letter(office, open_page, dialogs):
    """Can a verifier who uses no mouse log in, reach the action with Tab, see where focus is, and act?"""
    title = "Nota dinas kunjungan wisatawan"
    url = _submitted_letter(office, open_page, dialogs, title)
    page = open_page()
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.get_by_label("Username").focus()
    page.keyboard.type(office.verifier)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    page.goto(url)

    button = page.get_by_role("region", name="Your action").get_by_role("button", name="Initial (paraf)")
    for _ in range(80):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Initial button")
    outline = button.evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert not outline.startswith("none") and not outline.endswith(" 0px"), f"focus is invisible: {outline}"
    page.keyboard.press("Enter")  # the button asks; the focus moves to the dialog's "go ahead"
    dialog = page.get_by_role("alertdialog", name="Initial this letter?")
    expect(dialog.get_by_role("button", name="Initial (paraf)")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="You initialled the letter.")).to_be_visible(timeout=15_000)


def test_recipients_are_picked_from_the_desks_and_written_out(office, open_page):
    """Does the drafter address a desk from the list, add a row with the button, write an external line and a
    copy, and see them all on the letter in order?"""
    page = open_page(office.drafter)
    page.goto("/documents/new")
    page.get_by_label("Subject").fill("Undangan rapat persiapan festival")
    page.get_by_label("File").set_input_files(files=[{"name": "undangan.pdf", "mimeType": "application/pdf",
                                                      "buffer": make_pdf("Undangan rapat persiapan festival.")}])
    addressed = page.get_by_role("group", name="Addressed to (Yth.)")
    first = addressed.get_by_label("Internal recipient 1", exact=True)
    first.press_sequentially("Kepala Dinas Pari", delay=20)
    # The browser's suggestion list holds every desk; choosing one writes its full label in the box.
    choice = page.locator("#position-list option").evaluate_all(
        "options => options.map(o => o.value).filter(v => v.startsWith('Kepala Dinas Pariwisata'))")
    assert len(choice) == 1, choice
    first.fill(choice[0])
    rows_before = addressed.get_by_label(re.compile(r"^Internal recipient \d+$")).count()
    addressed.get_by_role("button", name="Add another internal recipient").click()
    added = addressed.get_by_label(f"Internal recipient {rows_before + 1}", exact=True)
    expect(added).to_be_focused()  # the new row is where the typing goes
    added.fill(next(v for v in page.locator("#position-list option").evaluate_all("os => os.map(o => o.value)")
                    if v.startswith("Sekretaris Dinas Pariwisata")))
    addressed.get_by_label("External recipients, one a line").fill("Ketua Asosiasi Perhotelan Kota")
    page.get_by_role("group", name="Copies (tembusan)").get_by_label("External recipients, one a line").fill(
        "Wali Kota (sebagai laporan)")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"/documents/\d+$"))

    section = page.get_by_role("region", name="Recipients")
    to = section.locator("dt", has_text="Addressed to (Yth.)").locator("xpath=following-sibling::dd[1]//li")
    expect(to).to_have_text(["Kepala Dinas Pariwisata — Dinas Pariwisata", "Sekretaris Dinas Pariwisata — Dinas Pariwisata",
                             re.compile(r"^Ketua Asosiasi Perhotelan Kota\s*\(external\)$")])
    cc = section.locator("dt", has_text="Copies (tembusan)").locator("xpath=following-sibling::dd[1]//li")
    expect(cc).to_have_text([re.compile(r"^Wali Kota \(sebagai laporan\)\s*\(external\)$")])
