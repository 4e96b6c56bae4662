"""Issue #16 in a real browser: a letter from outside is registered, disposed two levels down, read, answered
with a reply letter that is initialled and signed (which reports the follow-up), followed up with a file and
done; the incoming pages in Indonesian on a desktop and on a 390 px phone, without sideways scrolling."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import publish_screenshot, screenshot
from tests.browser.test_story import _act, _flash, _form
from tests.conftest import PASSWORD
from tests.fixtures import make_pdf

pytestmark = pytest.mark.slow

UNIT = "DISHUB"
PASSPHRASE = "kunci tanda tangan kadis"
HEAD, SECRETARY, CHIEF = ("Kepala Dinas Perhubungan", "Sekretaris Dinas Perhubungan",
                          "Kepala Bidang Lalu Lintas")
SUBJECT = "Permohonan data kepadatan lalu lintas"
PHONE = {"width": 390, "height": 844}
ORGANISATION = f"""
[[positions]]
unit = "{UNIT}"
title = "{HEAD}"
eselon = "II.b"

[[positions]]
unit = "{UNIT}"
title = "{SECRETARY}"
eselon = "III.a"
parent_title = "{HEAD}"

[[positions]]
unit = "{UNIT}"
title = "{CHIEF}"
eselon = "III.b"
parent_title = "{SECRETARY}"

[[people]]
username = "rina"
position = "{HEAD}"

[[people]]
username = "agus"
position = "{SECRETARY}"

[[people]]
username = "bayu"
position = "{CHIEF}"
"""
PUBLISHED = {"incoming-book", "incoming-letter", "dispositions", "dashboard-sections", "dispatch",
             "phone-incoming-book", "phone-incoming-letter", "phone-dispositions", "phone-dashboard-sections",
             "phone-clerk-dispatch"}
# The innermost elements past the right edge of a phone screen, to name them when a page is too wide.
OVERFLOWING = """(limit) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1).slice(-3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))"""


@pytest.fixture(scope="module")
def dishub(docflow, tmp_path_factory):
    """The Dinas Perhubungan: head rina (signer), secretary agus, chief bayu, clerk lina; rina's certificate."""
    docflow.cli("unit", "create", UNIT, "Dinas Perhubungan")
    for username, full_name, role in (("rina", "Rina Marlina", "signer"), ("agus", "Agus Salim", "verifier"),
                                      ("bayu", "Bayu Nugroho", "drafter"), ("lina", "Lina Kartika", "records_clerk")):
        docflow.cli("user", "create", username, "--role", role, "--unit", UNIT, "--full-name", full_name,
                    stdin=PASSWORD + "\n")
    organisation = tmp_path_factory.mktemp("org") / "dishub.toml"
    organisation.write_text(ORGANISATION, encoding="utf-8")
    docflow.cli("org", "load", str(organisation))
    docflow.cli("ca", "issue", "rina", stdin=PASSPHRASE + "\n")
    return docflow


def _register(page, number: str = "B/123/III/2026/Satlantas") -> str:
    page.goto("/incoming/new")
    page.get_by_label("Sender (institution)").fill("Kepolisian Resor Kota")
    page.get_by_label("Sender's number").fill(number)
    page.get_by_label("Letter's date").fill("2026-03-01")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label(HEAD).check()
    page.get_by_label("File").set_input_files(files=[{
        "name": "surat-polres.pdf", "mimeType": "application/pdf",
        "buffer": make_pdf(f"{SUBJECT}\nKepolisian Resor Kota\nNomor B/123/III/2026/Satlantas")}])
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(re.compile(r"/incoming/\d+$"))
    _flash(page, "Registered as agenda")
    return page.url


def _dispose(page, form, recipient: str, instruction: str, button: str) -> None:
    form.get_by_label(recipient).check()
    form.get_by_label(instruction).check()
    form.get_by_role("button", name=button).click()


def _node(page, to: str):
    return page.locator("li[id^=node-]").filter(has=page.get_by_text(f"→ {to}")).first


def test_incoming_letter_from_registration_to_done(dishub, open_page, dialogs):
    """Register -> disposisi two levels down -> read -> reply signed (follow-up recorded) -> follow-up -> done."""
    clerk = open_page("lina")
    letter_url = _register(clerk)

    head = open_page("rina")
    section = head.locator("#section-incoming_unread")
    expect(section).to_contain_text(SUBJECT)
    section.get_by_role("link", name=re.compile(SUBJECT)).click()
    head.wait_for_url(letter_url)
    form = _form(head, "Give the disposisi")
    _dispose(head, form, SECRETARY, "Siapkan jawaban", "Give the disposisi")
    _flash(head, "The disposisi was given to 1 desks.")
    head.goto("/")
    expect(head.locator("#section-incoming_unread")).not_to_contain_text(SUBJECT)

    secretary = open_page("agus")
    expect(secretary.locator("#section-dispositions_unread")).to_contain_text(SUBJECT)
    secretary.goto(letter_url)
    node = _node(secretary, SECRETARY)
    node.get_by_text("Pass it further down").click()
    _dispose(secretary, _form(node, "Give the disposisi"), CHIEF, "Siapkan jawaban", "Give the disposisi")
    _flash(secretary, "The disposisi was passed further down.")

    chief = open_page("bayu")
    chief.goto(letter_url)
    _node(chief, CHIEF).get_by_role("button", name="Mark as read").click()
    _flash(chief, "The disposisi is marked as read.")
    _node(chief, CHIEF).get_by_role("link", name="Write a reply").click()
    expect(chief.get_by_label("Subject")).to_have_value(re.compile("^Balasan surat B/123/III/2026/Satlantas"))
    expect(chief.locator("main")).to_contain_text("Kepolisian Resor Kota")
    chief.get_by_label("The reply (draft file)").set_input_files(files=[{
        "name": "balasan.pdf", "mimeType": "application/pdf",
        "buffer": make_pdf("Balasan\nBersama ini kami sampaikan data kepadatan lalu lintas.")}])
    chief.get_by_role("button", name="Start the reply").click()
    chief.wait_for_url(re.compile(r"/documents/\d+$"))
    reply_url = chief.url
    _act(chief, dialogs, reply_url, "Submit for verification", "submitted for verification")
    _act(secretary, dialogs, reply_url, "Initial (paraf)", "You initialled the letter.")
    _act(head, dialogs, reply_url, "Sign", "The letter is signed.", **{"Your signing passphrase": PASSPHRASE})

    # Signing the reply reported the chief's follow-up; the tree says so, in the city's time.
    chief.goto(letter_url)
    expect(_node(chief, CHIEF)).to_contain_text("Followed up")
    expect(_node(chief, CHIEF)).to_contain_text("Dijawab dengan surat nomor")
    expect(chief.locator("#h-replies")).to_be_visible()
    _node(chief, CHIEF).get_by_role("button", name="Mark as done").click()
    _flash(chief, "The disposisi is done.")

    secretary.goto(letter_url)
    node = _node(secretary, SECRETARY)
    node.get_by_label("What was done").fill("Data sudah dikirim melalui surat balasan")
    node.get_by_label("Attach a file (optional)").set_input_files(files=[{
        "name": "rekap.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Rekap data lalu lintas")}])
    node.get_by_role("button", name="Report the follow-up").click()
    _flash(secretary, "The follow-up was recorded.")
    expect(_node(secretary, SECRETARY).get_by_role("link", name="rekap.pdf")).to_be_visible()

    head.goto(letter_url)
    _node(head, SECRETARY).get_by_role("button", name="Mark as done").first.click()
    _flash(head, "The disposisi is done.")
    expect(head.locator("dl.facts")).to_contain_text("Done")

    # The incoming pages in Indonesian, on a desktop and on a phone: nothing scrolls sideways.
    pages = {"incoming-book": "/incoming", "incoming-letter": letter_url.replace(dishub.base, "") + "#disposisi",
             "dispositions": "/dispositions", "dashboard-sections": "/#section-incoming_unread"}
    # The clerk's dispatch page holds the signed reply, waiting to be sent.
    clerk_pages = {**pages, "dispatch": "/dispatch"}
    for who, viewport, prefix in (("lina", None, ""), ("agus", PHONE, "phone-"), ("lina", PHONE, "phone-clerk-")):
        page = open_page(who, lang="id", **({"viewport": viewport} if viewport else {}))
        for name, path in (clerk_pages if who == "lina" else pages).items():
            page.goto(path)
            shot = screenshot(page, f"{prefix}{name}")
            if f"{prefix}{name}" in PUBLISHED:
                publish_screenshot(shot, f"{prefix}{name}")
            if viewport:
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], (path, width, page.evaluate(OVERFLOWING, PHONE["width"]))
    assert dialogs.seen == []


def test_the_letter_page_fits_a_phone_while_acting(dishub, open_page):
    """On a 390 px phone, are the disposisi form and its button on the screen for the head?"""
    clerk = open_page("lina")
    letter_url = _register(clerk, "B/124/III/2026/Satlantas")
    head = open_page("rina", viewport=PHONE)
    head.goto(letter_url)
    button = _form(head, "Give the disposisi").get_by_role("button", name="Give the disposisi")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert head.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
