"""Every main page, audited in a real browser: axe-core (pinned in package-lock.json) finds no WCAG 2.1 A/AA
violation in either language, and at phone width nothing runs off the side of the screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, publish_screenshot, screenshot
from tests.fixtures import make_pdf
from tests.test_end_to_end import REPO

pytestmark = pytest.mark.slow

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}

# The pages of each kind of user, with the path of each (filled in by the `pages` fixture).
DRAFTER_PAGES = ["/", "/inbox", "/documents", "/documents/new", "{draft}", "{search}", "/archive", "/profile"]
VERIFIER_PAGES = ["/", "{submitted}"]
# Phone pictures shown in the README.
PUBLISHED = {("drafter", "/"): "phone-dashboard", ("verifier", "{submitted}"): "phone-document"}
ADMIN_PAGES = ["/admin", "/admin/units", "/admin/users", "/admin/positions", "/admin/delegations",
               "/admin/document-types", "/admin/number-registers", "/admin/certificates", "/admin/users/1"]


@pytest.fixture(scope="module")
def pages(office, browser) -> dict[str, str]:
    """Make the letters the audited pages show: a draft of the drafter's, one waiting for the verifier."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it with npm ci (package-lock.json)")
    context = browser.new_context(base_url=office.instance.base)
    try:
        draft = office.upload(context, "Nota dinas promosi desa wisata", make_pdf("Promosi desa wisata unggulan."))
        submitted = office.upload(context, "Nota dinas kalender acara", make_pdf("Kalender acara pariwisata."))
        office.submit(context, submitted)
    finally:
        context.close()
    return {"draft": f"/documents/{draft}", "submitted": f"/documents/{submitted}",
            "search": "/search?q=wisata"}


# The innermost elements that reach past the right edge of the screen, to name the culprit.
OVERFLOWING = """(width) => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.children.length === 0)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} ${Math.round(e.getBoundingClientRect().right)}px`)"""


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, iframes: false})""",
                           WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]]


def _who_sees(kind: str, office) -> tuple[str, list[str]]:
    return {"drafter": (office.drafter, DRAFTER_PAGES), "verifier": (office.verifier, VERIFIER_PAGES),
            "admin": (ADMIN, ADMIN_PAGES)}[kind]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("kind", ["drafter", "verifier", "admin"])
def test_pages_have_no_wcag_violations(office, pages, open_page, kind, lang):
    """Does axe-core find nothing to fix on any page a drafter, a verifier or an administrator uses?"""
    username, paths = _who_sees(kind, office)
    page = open_page(username, lang=lang, audit=True)
    found = {}
    for path in paths:
        page.goto(path.format(**pages))
        expect(page.locator("main h1")).to_have_count(1)  # one main heading on every page
        if problems := _violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_login_page_has_no_wcag_violations(open_page, lang):
    """Is the first page anyone meets free of WCAG violations too?"""
    page = open_page(lang=lang, audit=True)
    page.goto("/login")
    assert _violations(page) == []


@pytest.mark.parametrize("kind", ["drafter", "verifier", "admin"])
def test_pages_fit_a_phone_screen(office, pages, open_page, kind):
    """At 390 px wide, does every page fit without sideways scrolling, its actions still on the page?"""
    username, paths = _who_sees(kind, office)
    page = open_page(username, lang="id", viewport=PHONE)
    too_wide = {}
    for path in paths:
        page.goto(path.format(**pages))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = (width, page.evaluate(OVERFLOWING, PHONE["width"]))
        shot = screenshot(page, "phone-" + kind + "-" + (path.strip("/{}").split("?")[0].replace("/", "-") or "dashboard"))
        if (kind, path) in PUBLISHED:
            publish_screenshot(shot, PUBLISHED[kind, path])
    assert too_wide == {}, f"pages wider than {PHONE['width']} px (width, the innermost elements past the edge): {too_wide}"


def test_the_action_fits_and_works_on_a_phone(office, pages, open_page, dialogs):
    """Can the verifier initial the letter on a phone: the button visible, on screen, and working?"""
    page = open_page(office.verifier, viewport=PHONE)
    page.goto(pages["submitted"])
    button = page.get_by_role("region", name="Your action").get_by_role("button", name="Initial (paraf)")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 24, "a touch target should be at least 24 px high (WCAG 2.2 target size)"
    dialogs.click(button)
    expect(page.get_by_role("status").filter(has_text="You initialled the letter.")).to_be_visible()


def test_axe_is_the_pinned_version():
    """Is the audit made with the axe-core that package-lock.json pins (not whatever was lying around)?"""
    import json

    lock = json.loads(Path(REPO, "package-lock.json").read_text(encoding="utf-8"))
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == lock["packages"]["node_modules/axe-core"]["version"]


def test_the_audit_finds_a_planted_fault(open_page):
    """Can the audit fail at all? An image without a text alternative and an unlabelled field must be named."""
    page = open_page(audit=True)
    page.goto("/login")
    page.evaluate("""() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<img src="/static/none.png"><input name="unlabelled">');
    }""")
    found = " ".join(_violations(page))
    assert "image-alt" in found and "label" in found
