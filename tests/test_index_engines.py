"""The engine seam: `[index] backend` picks the engine, and the Whoosh engine stays on one node with one writer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docflow.config import ConfigError, load_settings
from search_index import IndexLockedError, SearchEngine, SearchIndexError, open_engine

REPO = Path(__file__).resolve().parent.parent


def test_the_default_engine_is_whoosh_behind_the_interface(tmp_path: Path):
    from docflow.services import Services

    settings = load_settings(environ={"DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path)})
    assert settings.index.backend == "whoosh"
    services = Services.from_settings(settings)
    try:
        assert isinstance(services.index, SearchEngine)
        assert services.index.backend == "whoosh" and services.index.single_node
        assert str(tmp_path / "index") in services.index.describe()
    finally:
        services.close()


@pytest.mark.parametrize(("environ", "named"), [
    ({"DOCFLOW_INDEX__BACKEND": "elastic"}, "index.backend: expected 'whoosh' or 'postgres'"),
    ({"DOCFLOW_INDEX__BACKEND": "postgres"}, "index.backend: 'postgres' keeps the index in the database"),
])
def test_an_engine_that_cannot_run_is_refused_at_start(environ, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(environ=environ)


def test_open_engine_refuses_unknown_names_and_missing_places():
    with pytest.raises(SearchIndexError, match="unknown search engine 'solr'"):
        open_engine("solr")
    with pytest.raises(SearchIndexError, match="index folder"):
        open_engine("whoosh")
    with pytest.raises(SearchIndexError, match="postgresql://"):
        open_engine("postgres", database_url="sqlite:///x.db")


_CLAIM = """
import sys, time
from search_index import open_engine
engine = open_engine("whoosh", path=sys.argv[1])
engine.claim_writer()
print("claimed", flush=True)
time.sleep(60)
"""


def test_a_second_writer_on_one_whoosh_folder_is_refused_while_the_first_lives(tmp_path: Path):
    """Does the second worker on a Whoosh index folder stop with a message naming the first and the way out?"""
    first = subprocess.Popen([sys.executable, "-c", _CLAIM, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "claimed"
        second = open_engine("whoosh", path=tmp_path)
        with pytest.raises(IndexLockedError) as refused:
            second.claim_writer()
        message = str(refused.value)
        assert f"worker pid {first.pid} on host" in message
        assert "single-node" in message and 'backend = "postgres"' in message
    finally:
        first.kill()
        first.wait()
        first.stdout.close()
    # The kernel drops a dead process's lock: no stale claim blocks the next worker.
    second.claim_writer()
    assert f"worker pid {os.getpid()}" in (tmp_path / "writer.owner").read_text()
    second.close()


def test_the_worker_command_refuses_to_be_the_second_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from docflow.cli import cli

    monkeypatch.setenv("DOCFLOW_SERVER__INSTANCE_DIR", str(tmp_path))
    holder = open_engine("whoosh", path=tmp_path / "index")
    holder.claim_writer()
    try:
        assert CliRunner().invoke(cli, ["init"]).exit_code == 0
        result = CliRunner().invoke(cli, ["worker", "--once"])
        assert result.exit_code == 1
        assert "is already written by worker pid" in result.output
        # A worker that takes no index jobs writes no index: it may run beside the writer.
        assert CliRunner().invoke(cli, ["worker", "--queues", "mail", "--once"]).exit_code == 0
    finally:
        holder.close()


def test_a_web_node_refuses_a_whoosh_folder_written_on_another_machine(tmp_path: Path):
    (tmp_path / "writer.owner").write_text("worker pid 4242 on host kantor-2\n")
    engine = open_engine("whoosh", path=tmp_path)
    with pytest.raises(IndexLockedError, match="another machine.*single-node"):
        engine.check_node()
    (tmp_path / "writer.owner").write_text(f"worker pid 4242 on host {os.uname().nodename}\n")
    engine.check_node()
