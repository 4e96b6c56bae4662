"""Downloading an export package in a real browser: the page shows its progress, then saves a sound bag."""
from __future__ import annotations

import io
import time

import pytest
from playwright.sync_api import expect

from docflow.audit.operations import record_hash
from docflow.export.bag import verify_bag
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.slow

SENTENCE = "Laporan pelaksanaan kegiatan kearsipan daerah tahun anggaran berjalan. "


def test_a_package_downloads_with_visible_progress(office, open_page, tmp_path):
    """Does the letter page's package link show a moving bar, then save a ZIP that verify-package accepts?"""
    page = open_page(office.drafter)
    text = (SENTENCE * (3 * 1024 * 1024 // len(SENTENCE))).encode()
    document_id = office.upload(page.context, "Laporan kearsipan tahunan", text, filename="laporan.txt",
                                mime="text/plain")
    page.goto(f"/documents/{document_id}")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": 768 * 1024,
                                                  "uploadThroughput": -1})
    progress = page.get_by_label("Package download progress")
    expect(progress).to_be_hidden()
    seen: set[int] = set()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Export package").click()
        expect(progress).to_be_visible()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            value = int(progress.get_attribute("value") or 0)
            seen.add(value)
            if 0 < value < 100:
                screenshot(page, "package-progress")
            if value >= 100:
                break
            time.sleep(0.1)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    assert any(0 < value < 100 for value in seen), f"the bar never showed a partial download: {sorted(seen)}"
    download = download_info.value
    assert download.suggested_filename == f"naskah-{document_id}.zip"
    saved = tmp_path / "paket.zip"
    download.save_as(saved)
    report = verify_bag(io.BytesIO(saved.read_bytes()), record_hash=record_hash)
    assert report.ok and report.octets >= len(text), report.problems
    expect(page.get_by_role("status").filter(has_text="The package is ready")).to_be_visible()
