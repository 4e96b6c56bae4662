"""Fault: PostgreSQL restarts under load. Requests meanwhile get a clean 503 with a message (never a
500 or a hanging request), and everything works again once it is back, the worker included."""
from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.test_end_to_end import Instance, _multipart

UNAVAILABLE = "the database is unavailable; please try again shortly"
UNAVAILABLE_ID = "basis data sedang tidak tersedia"
# Longer than any request may take, database down or not.
REQUEST_LIMIT = 10.0


class Client:
    """HTTP against the real server, recording every answer (status, seconds, body)."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.answers: list[tuple[str, int, float, bytes]] = []
        self.lock = threading.Lock()

    def call(self, path: str, data: bytes | None = None, content_type: str | None = None, *,
             api: bool = True) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"} if api else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        opener = urllib.request.build_opener() if api else self.browser
        started = time.monotonic()
        try:
            with opener.open(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            status, body = 0, repr(exc).encode()
        with self.lock:
            self.answers.append((path, status, time.monotonic() - started, body))
        return status, body

    def upload(self, title: str, text: str) -> tuple[int, bytes]:
        body, content_type = _multipart({"title": title}, "nota.txt", text.encode())
        return self.call("/api/v1/documents", body, content_type)

    def login(self, username: str) -> None:
        page = self.browser.open(self.base + "/login", timeout=30).read().decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
        assert csrf, page
        form = urllib.parse.urlencode({"csrf_token": csrf.group(1), "username": username,
                                       "password": PASSWORD}).encode()
        with self.browser.open(self.base + "/login", data=form, timeout=30) as response:
            assert response.status == 200 and "/login" not in response.url, response.url

    def found(self, query: str) -> list[int]:
        status, body = self.call("/api/v1/search?q=" + urllib.parse.quote(query))
        return [r["id"] for r in json.loads(body)["results"]] if status == 200 else []


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.postgres
def test_requests_during_a_database_restart_fail_cleanly_and_recover(tmp_path: Path):
    from tests import pg

    with pg.restartable_cluster() as cluster:
        instance = Instance(tmp_path, cluster.url)
        try:
            instance.cli("init")
            instance.cli("unit", "create", "DISKOMINFO", "Dinas Komunikasi dan Informatika")
            instance.cli("user", "create", "ani", "--role", "drafter", "--unit", "DISKOMINFO", stdin=PASSWORD + "\n")
            token = instance.cli("token", "create", "ani").stdout.strip()
            instance.start("serve", "--host", "127.0.0.1", "--port", str(instance.port))
            instance.start("worker")
            instance.wait_ready()
            client = Client(instance.base, token)
            client.login("ani")
            status, _ = client.upload("Nota sebelum gangguan", "Pemeliharaan jaringan kantor kelurahan.")
            assert status == 201
            _until(lambda: client.found("pemeliharaan"), 30, "the first letter to be searchable")

            # Load from two threads for the whole run: listing and uploading.
            stop = threading.Event()

            def load(kind: str) -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    if kind == "list":
                        client.call("/api/v1/documents")
                    else:
                        client.upload(f"Nota beban {n}", f"Laporan beban nomor {n}.")
                    time.sleep(0.05)

            threads = [threading.Thread(target=load, args=(k,), daemon=True) for k in ("list", "upload")]
            for t in threads:
                t.start()
            time.sleep(1)
            cluster.stop("fast")
            down_since = len(client.answers)
            try:
                time.sleep(2)
                # While it is down: the API, a logged-in page and an anonymous login each get a 503.
                status, body = client.call("/api/v1/documents")
                assert status == 503 and json.loads(body)["errors"][0]["reason"] == UNAVAILABLE
                status, body = client.upload("Nota saat gangguan", "Tidak tersimpan.")
                assert status == 503 and json.loads(body)["errors"][0]["reason"] == UNAVAILABLE
                status, body = client.call("/", api=False)
                assert status == 503 and UNAVAILABLE_ID in body.decode(), body[:2000]
                status, body = client.call("/login", urllib.parse.urlencode(
                    {"username": "ani", "password": PASSWORD}).encode(), api=False)
                assert status in (400, 503), body[:2000]  # the CSRF check may refuse it first
                time.sleep(1)
            finally:
                cluster.start()
            restarted = time.monotonic()
            _until(lambda: client.call("/api/v1/documents")[0] == 200, 15, "the API to answer again")
            recovered_after = time.monotonic() - restarted
            stop.set()
            for t in threads:
                t.join(timeout=60)

            statuses = [status for _, status, _, _ in client.answers]
            assert 503 in statuses[down_since:]
            # Never a 500 or a dropped connection, and no request waited long, before, during or after.
            bad = [(path, status, body[:300]) for path, status, _, body in client.answers if status not in (200, 201, 503)]
            assert not bad, bad
            slowest = max(seconds for _, _, seconds, _ in client.answers)
            assert slowest < REQUEST_LIMIT, slowest
            for path, status, _, body in client.answers:
                if status == 503 and path.startswith("/api/"):
                    assert json.loads(body)["errors"][0]["reason"] == UNAVAILABLE
            assert recovered_after < 15

            # Back to normal: a new letter is stored, and the worker extracts and indexes it.
            status, body = client.upload("Nota sesudah gangguan", "Perbaikan saluran drainase kecamatan.")
            assert status == 201
            doc_id = json.loads(body)["id"]
            assert _until(lambda: client.found("drainase"), 60, "the worker to index again") == [doc_id]
            assert client.call("/", api=False)[0] == 200  # the browser session survived the restart
        finally:
            instance.stop()
