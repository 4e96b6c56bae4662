"""A real Docflow (serve + worker on loopback, SQLite) and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.test_end_to_end import REPO, Instance

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
ADMIN = "admin"


# Package scope: the browser and its instance end with this folder's tests. Playwright's sync API
# keeps an asyncio loop running in the main thread while it lives, which would break later tests
# that call asyncio.run() (pyHanko's signer does).
@pytest.fixture(scope="package")
def docflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """Start one instance for the session: schema, the first administrator and the CA come from the CLI."""
    instance = Instance(tmp_path_factory.mktemp("docflow"))
    try:
        instance.cli("init")
        instance.cli("unit", "create", "SETDA", "Sekretariat Daerah")
        instance.cli("user", "create", ADMIN, "--role", "admin", "--unit", "SETDA", "--full-name", "Administrator",
                     stdin=PASSWORD + "\n")
        instance.cli("ca", "init", "--org", "Pemerintah Kota Contoh")
        instance.start("serve", "--host", "127.0.0.1", "--port", str(instance.port))
        instance.start("worker")
        instance.wait_ready()
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Launch headless Chromium once; each launch gets a fresh temporary user-data-dir from Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (scripts/system-deps test)")
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Dialogs:
    """Answers the confirmation our own buttons ask for; records any other dialog, which a correct page never opens."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._expected: str | None = None

    def __call__(self, dialog) -> None:
        if dialog.type == "confirm" and self._expected is not None and dialog.message == self._expected:
            self._expected = None  # one confirmation per click
            dialog.accept()
            return
        self.seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def click(self, button) -> None:
        """Click a button, accepting the confirmation named by its data-confirm attribute (if it has one)."""
        # The dialog event can arrive after click() returns: the expectation stays armed until the
        # dialog it names is answered (or the next click replaces it).
        self._expected = button.get_attribute("data-confirm")
        button.click()


@pytest.fixture
def dialogs() -> Dialogs:
    """Return the collector every page of the test reports its dialogs to."""
    return Dialogs()


@pytest.fixture
def open_page(browser, docflow: Instance, dialogs: Dialogs) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies), English or Indonesian, logged in or not."""
    contexts = []

    def _open(username: str | None = None, password: str = PASSWORD, lang: str = "en"):
        context = browser.new_context(viewport=VIEWPORT, locale="id-ID" if lang == "id" else "en-US",
                                      base_url=docflow.base)
        context.add_cookies([{"name": "lang", "value": lang, "url": docflow.base}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", dialogs)
        if username is not None:
            log_in(page, username, password)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert dialogs.seen == [], f"pages opened JavaScript dialogs: {dialogs.seen}"


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form, by its labels, and wait for the dashboard."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name: str) -> Path:
    """Save a full-window screenshot under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def publish_screenshot(source: Path, name: str) -> None:
    """Copy a screenshot into docs/screenshots/ for the README when DOCFLOW_PUBLISH_SCREENSHOTS=1."""
    if os.environ.get("DOCFLOW_PUBLISH_SCREENSHOTS") != "1":
        return  # an ordinary test run leaves the committed pictures alone
    target = REPO / "docs" / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
