"""A real Docflow (serve + worker on loopback, SQLite) and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def started_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """Start an instance: schema, the first administrator and the CA come from the CLI."""
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


# Package scope: the browser and its instance end with this folder's tests. Playwright's sync API
# keeps an asyncio loop running in the main thread while it lives, which would break later tests
# that call asyncio.run() (pyHanko's signer does).
@pytest.fixture(scope="package")
def docflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """One instance shared by this folder's tests (each adds people under names of its own)."""
    with started_instance(tmp_path_factory) as instance:
        yield instance


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
    """Answers the confirmations our buttons ask in the page's own dialog; records any JavaScript dialog
    (alert, confirm, prompt), which a correct page never opens."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, dialog) -> None:
        self.seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    @staticmethod
    def ask(button):
        """Click a button that asks for confirmation; return the page's dialog, checked to ask the button's
        question with the focus on the button that goes ahead, which bears the action's name."""
        question = button.get_attribute("data-confirm")
        assert question, "the button asks no confirmation"
        action = button.inner_text().strip()
        button.click()
        dialog = button.page.get_by_role("alertdialog", name=question, exact=True)
        playwright_sync.expect(dialog).to_be_visible()
        playwright_sync.expect(dialog.get_by_role("button", name=action, exact=True)).to_be_focused()
        return dialog

    def click(self, button) -> None:
        """Click a button and, if it asks for confirmation, go ahead in the dialog it opens."""
        if button.get_attribute("data-confirm") is None:
            button.click()
            return
        action = button.inner_text().strip()
        dialog = self.ask(button)
        dialog.get_by_role("button", name=action, exact=True).click()


@pytest.fixture
def dialogs() -> Dialogs:
    """Return the collector every page of the test reports its dialogs to."""
    return Dialogs()


@pytest.fixture
def open_page(browser, docflow: Instance, dialogs: Dialogs) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies), English or Indonesian, logged in or not."""
    contexts = []

    def _open(username: str | None = None, password: str = PASSWORD, lang: str = "en",
              viewport: dict[str, int] = VIEWPORT, audit: bool = False):
        # An audited page lets the test inject axe-core, which the site's own CSP would refuse.
        context = browser.new_context(viewport=viewport, locale="id-ID" if lang == "id" else "en-US",
                                      base_url=docflow.base, bypass_csp=audit)
        context.add_cookies([{"name": "lang", "value": lang, "url": docflow.base}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", dialogs)
        if username is not None:
            log_in(page, username, password, lang)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert dialogs.seen == [], f"pages opened JavaScript dialogs: {dialogs.seen}"


LOGIN_LABELS = {"en": ("Username", "Password", "Log in"), "id": ("Nama pengguna", "Kata sandi", "Masuk")}


def log_in(page, username: str, password: str = PASSWORD, lang: str = "en") -> None:
    """Log in through the form, by its labels in the page's language, and wait for the dashboard."""
    user_label, password_label, button = LOGIN_LABELS[lang]
    page.goto("/login")
    page.get_by_label(user_label, exact=True).fill(username)
    page.get_by_label(password_label, exact=True).fill(password)
    page.get_by_role("button", name=button, exact=True).click()
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


OFFICE_UNIT = "DISPAR"
OFFICE_ORGANISATION = """
[[units]]
code = "DISPAR"
name = "Dinas Pariwisata"

[[positions]]
unit = "DISPAR"
title = "Kepala Dinas Pariwisata"
eselon = "II.b"

[[positions]]
unit = "DISPAR"
title = "Sekretaris Dinas Pariwisata"
eselon = "III.a"
parent_title = "Kepala Dinas Pariwisata"

[[positions]]
unit = "DISPAR"
title = "Pengelola Persuratan"
parent_title = "Sekretaris Dinas Pariwisata"

[[people]]
username = "maya"
position = "Kepala Dinas Pariwisata"

[[people]]
username = "teguh"
position = "Sekretaris Dinas Pariwisata"

[[people]]
username = "sari"
position = "Pengelola Persuratan"
"""


class Office:
    """A small unit loaded through the CLI: drafter sari, verifier teguh, signer maya, and sari's API token."""

    drafter, verifier, signer = "sari", "teguh", "maya"

    def __init__(self, instance: Instance, token: str) -> None:
        self.instance = instance
        self.token = token

    def upload(self, context, title: str, data: bytes, filename: str = "surat.pdf",
               mime: str = "application/pdf") -> int:
        """Upload a letter as the drafter through the API and return its id."""
        response = context.request.post(
            "/api/v1/documents", headers={"Authorization": f"Bearer {self.token}"},
            multipart={"title": title, "doc_type": "nota_dinas",
                       "file": {"name": filename, "mimeType": mime, "buffer": data}})
        assert response.status == 201, response.text()
        return response.json()["id"]

    def submit(self, context, document_id: int) -> None:
        """Submit the drafter's letter for verification along its proposed route, through the API."""
        headers = {"Authorization": f"Bearer {self.token}"}
        revision = context.request.get(f"/api/v1/documents/{document_id}", headers=headers).json()["revision"]
        response = context.request.post(f"/api/v1/documents/{document_id}/actions/submit", headers=headers,
                                        data={"revision": revision})
        assert response.ok, response.text()


@pytest.fixture(scope="package")
def office(docflow: Instance, tmp_path_factory: pytest.TempPathFactory) -> Office:
    """Create the unit's people with passwords, then load their desks with `org load`."""
    docflow.cli("unit", "create", OFFICE_UNIT, "Dinas Pariwisata")
    for username, full_name, role in (("sari", "Sari Rahayu", "drafter"), ("teguh", "Teguh Prasetyo", "verifier"),
                                      ("maya", "Maya Kusuma", "signer")):
        docflow.cli("user", "create", username, "--role", role, "--unit", OFFICE_UNIT, "--full-name", full_name,
                    stdin=PASSWORD + "\n")
    organisation = tmp_path_factory.mktemp("org") / "organisasi.toml"
    organisation.write_text(OFFICE_ORGANISATION, encoding="utf-8")
    docflow.cli("org", "load", str(organisation))
    token = docflow.cli("token", "create", "sari", "--name", "browser tests").stdout.strip()
    return Office(docflow, token)
