"""The paperless report in a real browser: Chart.js draws each chart from the table beside it, under the
page's CSP, and axe-core finds nothing to fix in either language."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import _violations, pages  # noqa: F401  (the audited pages' letters)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_head_sees_her_units_charts_and_nothing_to_fix(office, pages, open_page, lang):  # noqa: F811
    """Does the Kepala Dinas see DISPAR's charts drawn (canvas shown), no script error, no WCAG violation?"""
    page = open_page(office.signer, lang=lang, audit=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/reports")
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("canvas[data-chart-for]")).to_have_count(3)
    for canvas in page.locator("canvas[data-chart-for]").all():
        expect(canvas).to_be_visible()  # drawn: the script un-hides a canvas once Chart.js has it
    expect(page.locator("#table-letters_signed tbody th")).to_have_text(["DISPAR"])
    assert errors == []
    assert _violations(page) == []


def test_the_report_on_a_desk_and_on_a_phone_in_indonesian(office, pages, open_page):  # noqa: F811
    """Does the Indonesian report fit a 390 px phone without sideways scrolling; screenshots of both widths."""
    from tests.browser.conftest import publish_screenshot, screenshot
    from tests.browser.test_accessibility import OVERFLOWING, PHONE

    desk = open_page(office.signer, lang="id")
    desk.goto("/reports")
    expect(desk.locator("main h1")).to_have_text("Laporan tanpa kertas")
    expect(desk.locator("main")).to_contain_text("Surat masuk diagendakan")
    expect(desk.locator("main")).to_contain_text("Tren per unit")
    expect(desk.locator("p.freshness")).to_contain_text("Angka per")
    publish_screenshot(screenshot(desk, "reports-desktop-id"), "reports-desktop-id")
    phone = open_page(office.signer, lang="id", viewport=PHONE)
    phone.goto("/reports")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], phone.evaluate(OVERFLOWING, PHONE["width"])
    publish_screenshot(screenshot(phone, "reports-phone-id"), "reports-phone-id")
