"""Retention in a real browser: the archives unit proposes a transfer and a destruction from its lists, the
unit head, the panitia penilai and the authorised official decide on their pages, and the berita acara is
produced as a letter; once it is signed the batch is carried out (the letter's files destroyed)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Office
from tests.conftest import PASSWORD
from tests.test_end_to_end import REPO, Instance

pytestmark = pytest.mark.slow

ARCHIVES = """
[[positions]]
unit = "ARSIP"
title = "Kepala Bidang Kearsipan"
eselon = "III.a"

[[positions]]
unit = "ARSIP"
title = "Arsiparis Pertama"
parent_title = "Kepala Bidang Kearsipan"

[[positions]]
unit = "ARSIP"
title = "Arsiparis Penilai"
parent_title = "Kepala Bidang Kearsipan"

[[people]]
username = "hendra"
position = "Kepala Bidang Kearsipan"

[[people]]
username = "ratna"
position = "Arsiparis Pertama"

[[people]]
username = "budi"
position = "Arsiparis Penilai"
"""


def _arrange(instance: Instance, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "tests.browser.retention_arrange", *args], cwd=REPO,
                          env=instance.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.fixture(scope="module")
def archives(office: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The archives unit (ratna proposes, budi is the panitia penilai, hendra signs) and DISPAR's old letters."""
    instance = office.instance
    instance.cli("unit", "create", "ARSIP", "Bidang Kearsipan")
    for username, full_name, role in (("hendra", "Hendra Gunawan", "signer"), ("ratna", "Ratna Sari", "archivist"),
                                      ("budi", "Budi Santoso", "archivist")):
        instance.cli("user", "create", username, "--role", role, "--unit", "ARSIP", "--full-name", full_name,
                     stdin=PASSWORD + "\n")
    organisation = tmp_path_factory.mktemp("arsip") / "arsip.toml"
    organisation.write_text(ARCHIVES, encoding="utf-8")
    instance.cli("org", "load", str(organisation))
    return {"transfer": _arrange(instance, "letters", office.drafter, "1", "3", "000.1.2"),
            "destruction": _arrange(instance, "letters", office.drafter, "2", "6", "000.1.2")}


def _decide(page, batch_url: str, button: str) -> None:
    page.goto(batch_url)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Your decision was recorded.").first).to_be_visible()


def _batch_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_a_transfer_from_proposal_to_berita_acara(office, archives, open_page):
    """Does ratna propose from the list, maya approve, a berita acara appear, and the letter move when signed?"""
    [letter] = archives["transfer"]
    ratna = open_page("ratna")
    ratna.goto("/retention?list=transfer")
    ratna.locator(f'input[name="document_id"][value="{letter}"]').check()
    ratna.get_by_role("button", name="Propose a transfer of the chosen letters (one unit)").click()
    expect(ratna.locator("#batch-state")).to_have_text("Proposed")
    batch_url = ratna.url

    maya = open_page(office.signer)
    maya.goto("/retention")
    expect(maya.locator("#awaiting")).to_contain_text(f"#{_batch_id(batch_url)}")
    _decide(maya, batch_url, "Approve")
    expect(maya.locator("#batch-state")).to_have_text("Approved: berita acara awaiting signature")
    berita_acara = maya.locator("#berita-acara a")
    expect(berita_acara).to_contain_text("Berita Acara Pemindahan Arsip Inaktif")

    number = _arrange(office.instance, "sign", _batch_id(batch_url))[0]
    ratna.goto(batch_url)
    expect(ratna.locator("#batch-state")).to_have_text("Carried out")
    expect(ratna.locator("#berita-acara")).to_contain_text(number)
    ratna.goto(f"/documents/{letter}")
    expect(ratna.locator("#retention-status")).to_have_text("Inactive (records centre)")


def test_a_destruction_from_proposal_to_berita_acara(office, archives, open_page):
    """Does budi take a letter off the list, maya approve, and only the signed berita acara destroy the other?"""
    kept, destroyed = archives["destruction"][1], archives["destruction"][0]
    ratna = open_page("ratna", lang="id")
    ratna.goto("/retention?list=decision")
    for letter in archives["destruction"]:
        ratna.locator(f'input[name="document_id"][value="{letter}"]').check()
    ratna.get_by_role("button", name="Usulkan pemusnahan surat yang dipilih").click()
    expect(ratna.locator("#batch-state")).to_have_text("Diusulkan")
    batch_url = ratna.url

    budi = open_page("budi")
    budi.goto(batch_url)
    budi.locator(f"#remove-{kept}").check()
    budi.locator(f'input[name="reason_{kept}"]').fill("Masih dirujuk pemeriksaan")
    budi.get_by_role("button", name="Confirm the review", exact=True).click()
    expect(budi.locator("#batch-state")).to_have_text("Reviewed by the panitia penilai")
    expect(budi.locator("main")).to_contain_text("Masih dirujuk pemeriksaan")

    maya = open_page(office.signer)
    _decide(maya, batch_url, "Approve")
    expect(maya.locator("#berita-acara a")).to_contain_text("Berita Acara Pemusnahan Arsip")
    maya.goto(f"/documents/{destroyed}")
    expect(maya.locator("#destroyed-notice")).to_have_count(0)  # nothing destroyed before the signature

    _arrange(office.instance, "sign", _batch_id(batch_url))
    ratna.goto(batch_url)
    expect(ratna.locator("#batch-state")).to_have_text("Dilaksanakan")
    ratna.goto(f"/documents/{destroyed}")
    expect(ratna.locator("#destroyed-notice")).to_be_visible()
    expect(ratna.locator("#retention-status")).to_have_text("Dimusnahkan")
    ratna.goto(f"/documents/{kept}")
    expect(ratna.locator("#destroyed-notice")).to_have_count(0)
