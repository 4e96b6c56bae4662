"""The PostgreSQL engine in the application: every node searches the same index, the worker writes it
in the job's transaction, and a node whose index cannot be read is not ready."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import PASSWORD, make_settings
from tests.fixtures import make_pdf
from tests.test_end_to_end import REPO, Instance, _multipart, _search_until

pytestmark = pytest.mark.postgres


def _node(tmp_path: Path, name: str, database_url: str, objects: Path) -> Instance:
    node = Instance(tmp_path / name, database_url)
    (tmp_path / name).mkdir()
    node.env["DOCFLOW_INDEX__BACKEND"] = "postgres"
    node.env["DOCFLOW_STORAGE__PATH"] = str(objects)  # one store for both nodes (S3 in production)
    return node


def _wait_ready(node: Instance, seconds: float = 120) -> None:
    """Wait for the node's /healthz (a loaded machine starts two servers and two workers slowly)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(node.base + "/healthz", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"the server at {node.base} did not come up")


def _readyz(node: Instance) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(node.base + "/readyz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.slow
def test_two_nodes_and_two_workers_share_one_postgresql_index(tmp_path: Path):
    """Is a letter uploaded through one node found through the other, with two workers indexing?"""
    from tests import pg

    with pg.postgres_database() as url:
        first, second = (_node(tmp_path, name, url, tmp_path / "objects") for name in ("a", "b"))
        try:
            init = first.cli("init")
            assert "PostgreSQL index in" in init.stderr
            first.cli("unit", "create", "DISKOMINFO", "Dinas Komunikasi dan Informatika")
            first.cli("user", "create", "ani", "--role", "drafter", "--unit", "DISKOMINFO", stdin=PASSWORD + "\n")
            token = first.cli("token", "create", "ani").stdout.strip()
            for node in (first, second):
                node.start("serve", "--host", "127.0.0.1", "--port", str(node.port))
                node.start("worker")  # two index writers: allowed on PostgreSQL
            for node in (first, second):
                _wait_ready(node)

            for n in range(6):
                pdf = make_pdf(f"Surat Tugas {n}\nKepala Dinas menugaskan staf menghadiri rapat koordinasi kearsipan.")
                body, content_type = _multipart({"title": f"Surat tugas rapat {n}"}, f"st-{n}.pdf", pdf)
                status, _raw = (first if n % 2 else second).request("/api/v1/documents", token, body, content_type)
                assert status == 201
            for node in (first, second):
                found = _search_until(node, token, "penugasan", 6, timeout=60)
                assert found["total"] == 6, found
                assert any("<mark>" in f for r in found["results"] for f in r["fragments"])
                assert _search_until(node, token, '"rapat koordinasi"', 6, timeout=0)["total"] == 6
            assert _readyz(second)[0] == 200
            assert first.cli("check").returncode == 0

            # Reindex through one node while the other keeps answering.
            reindex = subprocess.Popen([sys.executable, "-m", "docflow", "reindex"], cwd=REPO, env=first.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while reindex.poll() is None:
                assert _search_until(second, token, "kearsipan", 6, timeout=0)["total"] == 6
            _, err = reindex.communicate()
            assert reindex.returncode == 0 and "reindexed 6 documents" in err, err

            # An index that cannot be read takes the node out of the pool.
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE search_entries RENAME TO search_entries_away"))
            status, body = _readyz(second)
            assert status == 503 and body["failing"] == ["index"], body
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE search_entries_away RENAME TO search_entries"))
            engine.dispose()
            assert _readyz(second)[0] == 200
        finally:
            first.stop()
            second.stop()


def test_the_worker_writes_index_rows_and_finishes_jobs_in_one_transaction(tmp_path: Path, monkeypatch):
    """If finishing the jobs fails, are the index rows rolled back with them (and the job runs again)?"""
    from docflow.documents.models import Document
    from docflow.migrate import upgrade
    from docflow.outbox.models import JobState, OutboxJob
    from docflow.outbox.operations import INDEX_DOCUMENT, enqueue_job
    from docflow.outbox.worker import Worker
    from docflow.services import Services
    from tests import pg

    with pg.postgres_database() as url:
        settings = make_settings(tmp_path, database={"url": url}, index={"backend": "postgres"})
        services = Services.from_settings(settings)
        try:
            upgrade(services.db.engine)
            services.index.ensure_ready()
            assert services.index.writes_in_database and not services.index.single_node
            with services.db.transaction() as session:
                enqueue_job(session, INDEX_DOCUMENT, document_id=777)  # no such letter: its entry is deleted
            from tests.search_index.factories import make_document

            with services.index.writer() as batch:
                batch.upsert(make_document(777))
            assert services.index.doc_count() == 1
            worker = Worker(services)

            def failing_finish(session, jobs):
                raise RuntimeError("the database went away while finishing")

            monkeypatch.setattr(worker, "_finish", failing_finish)
            worker.run_once()
            assert services.index.doc_count() == 1  # the deletion went with the failed transaction
            monkeypatch.undo()
            with services.db.transaction() as session:
                session.execute(OutboxJob.__table__.update().values(run_after=OutboxJob.created_at))
            Worker(services).run_pending()
            assert services.index.doc_count() == 0
            with services.db.transaction() as session:
                assert set(session.scalars(select(OutboxJob.state))) == {JobState.DONE}
                assert session.get(Document, 777) is None
        finally:
            services.close()
