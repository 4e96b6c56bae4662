"""The real thing over HTTP: init, user and token from the CLI, serve + worker processes, upload,
search by an inflected Indonesian word, download, check, reindex while searching."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.fixtures import make_pdf

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Instance:
    def __init__(self, tmp_path: Path, database_url: str | None = None) -> None:
        self.env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / "instance"),
                    "DOCFLOW_SERVER__LOG_LEVEL": "WARNING", "DOCFLOW_WORKER__POLL_INTERVAL": "0.1",
                    "PYTHONUNBUFFERED": "1"}
        if database_url:
            self.env["DOCFLOW_DATABASE__URL"] = database_url
            # A server database needs the secrets every node shares (docflow.config).
            self.env["DOCFLOW_SERVER__SECRET_KEY"] = "end-to-end-session-secret"
            self.env["DOCFLOW_SIGNING__CA_KEY_SECRET"] = "end-to-end-ca-key-secret"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env["DOCFLOW_SERVER__PUBLIC_URL"] = self.base  # where signed letters' QR codes point
        self.procs: list[subprocess.Popen] = []
        self.log_dir = tmp_path

    def cli(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=self.env, input=stdin,
                              capture_output=True, text=True, check=check, timeout=120)

    def start(self, *args: str) -> subprocess.Popen:
        with (self.log_dir / f"{args[0]}.log").open("ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "docflow", *args], cwd=REPO, env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=log)
        self.procs.append(proc)
        return proc

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise AssertionError("the server did not come up")

    def request(self, path: str, token: str, data: bytes | None = None, content_type: str | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers={"Authorization": f"Bearer {token}"})
        if content_type:
            req.add_header("Content-Type", content_type)
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _search_until(instance: Instance, token: str, query: str, expected: int, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, body = instance.request("/api/v1/search?q=" + urllib.parse.quote(query), token)
        result = json.loads(body)
        if result["total"] == expected or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upload_search_download_check_reindex(tmp_path: Path, backend: str):
    from tests import pg

    if backend == "postgresql":
        cm = pg.postgres_database()
        database_url = cm.__enter__()
    else:
        cm, database_url = None, None
    instance = Instance(tmp_path, database_url)
    try:
        instance.cli("init")
        instance.cli("unit", "create", "DISKOMINFO", "Dinas Komunikasi dan Informatika")
        instance.cli("unit", "create", "DINKES", "Dinas Kesehatan")
        instance.cli("user", "create", "ani", "--role", "drafter", "--unit", "DISKOMINFO", stdin=PASSWORD + "\n")
        instance.cli("user", "create", "budi", "--role", "drafter", "--unit", "DINKES", stdin=PASSWORD + "\n")
        token = instance.cli("token", "create", "ani").stdout.strip()
        other = instance.cli("token", "create", "budi").stdout.strip()
        assert token.startswith("dft_") and "\n" not in token
        instance.start("serve", "--host", "127.0.0.1", "--port", str(instance.port))
        instance.start("worker")
        instance.wait_ready()

        pdf = make_pdf("Surat Tugas\nKepala Dinas menugaskan staf untuk menghadiri rapat koordinasi kearsipan.")
        body, content_type = _multipart({"title": "Surat tugas rapat koordinasi"}, "surat-tugas.pdf", pdf)
        status, raw = instance.request("/api/v1/documents", token, body, content_type)
        assert status == 201
        doc_id = json.loads(raw)["id"]

        started = time.monotonic()
        found = _search_until(instance, token, "penugasan", 1)
        assert [r["id"] for r in found["results"]] == [doc_id], found
        assert time.monotonic() - started < 20
        assert found["results"][0]["title"] == "Surat tugas rapat koordinasi"
        assert _search_until(instance, other, "penugasan", 0, timeout=0)["total"] == 0

        status, content = instance.request(f"/api/v1/documents/{doc_id}/content", token)
        assert status == 200 and content == pdf

        assert instance.cli("check").returncode == 0
        # The server warmed its posting cache at start, on an empty index, without a fault.
        assert "could not warm" not in (tmp_path / "serve.log").read_text()

        # Reindex while the web server keeps answering searches (in two processes on PostgreSQL,
        # the way a large archive is rebuilt on a server with cores to spare).
        processes = ["--processes", "2"] if backend == "postgresql" else []
        reindex = subprocess.Popen([sys.executable, "-m", "docflow", "reindex", *processes], cwd=REPO, env=instance.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while reindex.poll() is None:
            assert _search_until(instance, token, "kearsipan", 1, timeout=0)["total"] == 1
        _, reindex_err = reindex.communicate()
        assert reindex.returncode == 0, reindex_err
        assert "reindexed 1 documents" in reindex_err
        assert _search_until(instance, token, "kearsipan", 1)["total"] == 1

        # Corrupt the stored object: check names it and exits non-zero.
        objects = tmp_path / "instance" / "objects" / "sha256"
        [stored] = [p for p in objects.rglob("*") if p.is_file()]
        os.chmod(stored, 0o644)
        corrupted = bytearray(stored.read_bytes())
        corrupted[len(corrupted) // 2] ^= 0x01
        stored.write_bytes(bytes(corrupted))
        result = instance.cli("check", check=False)
        assert result.returncode == 1
        assert f"corrupt-object: document {doc_id} version 1" in result.stdout
    finally:
        instance.stop()
        if cm is not None:
            cm.__exit__(None, None, None)
