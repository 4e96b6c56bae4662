"""A damaged index folder: search answers 503 (or what it can still read), never 500; reindex restores it."""
from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

import pytest

from docflow.search.indexing import rebuild_index
from tests.conftest import upload
from tests.fixtures import make_pdf

TITLES = ["Penugasan pelatihan kearsipan", "Undangan rapat kearsipan", "Laporan kearsipan tahunan"]


def _current(index) -> Path:
    return index.path / os.readlink(index.path / "current")


def _segment_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".seg", ".trm", ".pst", ".fdt",
                                                                                  ".fmt", ".vps", ".per", ".col"))


def _truncate(directory: Path) -> None:
    for path in _segment_files(directory):
        with path.open("r+b") as fh:
            fh.truncate(path.stat().st_size // 2)


def _remove_segments(directory: Path) -> None:
    for path in _segment_files(directory):
        path.unlink()


def _remove_toc(directory: Path) -> None:
    for path in directory.glob("*.toc"):
        path.unlink()


def _garble_toc(directory: Path) -> None:
    for path in directory.glob("*.toc"):
        path.write_bytes(b"\0" * 64)


def _empty(directory: Path) -> None:
    for path in directory.iterdir():
        if path.is_file():
            path.unlink()


DAMAGES = {"truncated": _truncate, "segments removed": _remove_segments, "toc removed": _remove_toc,
           "toc garbled": _garble_toc, "emptied": _empty}


@pytest.fixture(autouse=True)
def _whoosh_leaks_files_it_fails_to_read():
    """Whoosh leaves a damaged file open when its decoder raises; collect them here, quietly, not in a later test."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_index_answers_503_never_500_and_reindex_restores_it(client, services, make_services, make_user,
                                                                       token_for, run_worker, damage):
    """Files of the index folder damaged as a kill mid-commit or a bad disk leaves them: does search fail cleanly?"""
    headers = token_for(make_user())
    ids = sorted(upload(client, headers, make_pdf(f"{title}\nDengan hormat"), title=title).get_json()["id"]
                 for title in TITLES)
    run_worker()
    assert client.get("/api/v1/search?q=arsip", headers=headers).get_json()["total"] == 3
    DAMAGES[damage](_current(services.index))

    # The running web process (readers open on the old files) and one started after the damage.
    from docflow import create_app

    restarted = create_app(make_services(ready=False)).test_client()
    for web in (client, restarted):
        for query in ("arsip", "rapat", ""):
            response = web.get(f"/api/v1/search?q={query}&facets=1&type=nota_dinas", headers=headers)
            assert response.status_code in (200, 503), (damage, query, response.get_data(as_text=True)[:300])
            if response.status_code == 503:
                assert "search is unavailable" in response.get_json()["errors"][0]["reason"]
            else:
                assert {hit["id"] for hit in response.get_json()["results"]} <= set(ids)
        page = web.get(f"/documents/{ids[0]}", headers=headers)
        assert page.status_code != 500

    rebuild_index(services.db, services.index)  # what `python -m docflow reindex` runs
    for web in (client, restarted):
        found = web.get("/api/v1/search?q=arsip", headers=headers).get_json()
        assert sorted(hit["id"] for hit in found["results"]) == ids


# A writer that commits one large batch to the index at argv[1]; the test kills it with SIGKILL mid-commit.
_WRITER = """
import sys
from dataclasses import replace
from search_index import SearchIndex
from tests.search_index.factories import synthetic_corpus

index = SearchIndex(sys.argv[1], lock_timeout=30)
with index.writer() as batch:
    for doc in synthetic_corpus(int(sys.argv[2]), words=(100, 300)):
        batch.upsert(replace(doc, id=900_000 + doc.id, readers=("role:nobody",)))
print("committed", flush=True)
"""


@pytest.fixture
def committed_instance(tmp_path):
    """An instance whose data is committed (SQLite file), for processes of its own: the worker, `reindex`."""
    from docflow import create_app
    from docflow.auth.operations import create_token, create_user
    from docflow.migrate import upgrade
    from docflow.org.operations import create_unit
    from docflow.services import Services
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "committed")
    services = Services.from_settings(settings)
    upgrade(services.db.engine)
    services.store.ensure_ready()
    services.index.ensure_ready()
    with services.db.transaction() as session:
        user = create_user(session, username="pengarsip", password=None, unit=create_unit(session, code="ARSIP",
                                                                                          name="Dinas Arsip"))
        headers = {"Authorization": f"Bearer {create_token(session, user)}"}
    app = create_app(services)
    app.config.update(TESTING=True)
    yield services, app.test_client(), headers, tmp_path / "committed" / "instance"
    services.close()


def _kill_a_writer_mid_commit(index_path: Path, directory: Path) -> None:
    """Start a process committing a large batch to the index and SIGKILL it once its segment files appear."""
    import signal
    import subprocess
    import sys
    import time

    before = {p.name for p in directory.iterdir()}
    repo = Path(__file__).resolve().parent.parent
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(index_path), "3000"], cwd=repo,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not ({p.name for p in directory.iterdir()} - before) and writer.poll() is None:
            assert time.monotonic() < deadline, "the writer never started its commit"
            time.sleep(0.002)
        writer.send_signal(signal.SIGKILL)
        _, stderr = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    assert {p.name for p in directory.iterdir()} - before, "killed before it wrote anything: no fault injected"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_writer_killed_mid_commit_leaves_search_answering_and_reindex_restores(committed_instance):
    """SIGKILL to a process committing a large batch, then damaged files: never a 500, and `reindex` restores all."""
    import subprocess
    import sys

    from docflow import create_app
    from docflow.outbox.worker import Worker
    from docflow.services import Services

    services, client, headers, instance = committed_instance
    ids = sorted(upload(client, headers, make_pdf(f"{title}\nDengan hormat"), title=title).get_json()["id"]
                 for title in TITLES)
    Worker(services).run_pending()
    directory = _current(services.index)
    _kill_a_writer_mid_commit(services.index.path, directory)

    second = Services.from_settings(services.settings)  # a web process started after the kill
    restarted = create_app(second).test_client()
    for web in (client, restarted):
        for query in ("arsip", "uji", ""):
            response = web.get(f"/api/v1/search?q={query}&facets=1", headers=headers)
            assert response.status_code in (200, 503), response.get_data(as_text=True)[:300]
            if response.status_code == 200:
                assert {hit["id"] for hit in response.get_json()["results"]} <= set(ids)
    # The locks died with the process: the worker still writes.
    late = upload(client, headers, make_pdf("Nota arsip susulan"), title="Arsip susulan").get_json()["id"]
    Worker(services).run_pending()
    assert client.get("/api/v1/search?q=susulan", headers=headers).get_json()["total"] == 1
    _truncate(_current(services.index))  # and then the disk damages what is left
    for web in (client, restarted):
        assert web.get("/api/v1/search?q=arsip", headers=headers).status_code in (200, 503)

    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DOCFLOW_CONFIG": str(repo / "config.toml"), "DOCFLOW_SERVER__INSTANCE_DIR": str(instance),
           "DOCFLOW_SERVER__SECRET_KEY": "test-secret-key"}
    done = subprocess.run([sys.executable, "-m", "docflow", "reindex"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reindexed 4 documents" in done.stderr
    for web in (client, restarted):
        found = web.get("/api/v1/search?q=arsip&per_page=50", headers=headers).get_json()
        assert sorted(hit["id"] for hit in found["results"]) == sorted(ids + [late])
    second.close()
