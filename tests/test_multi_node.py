"""Several nodes: README's production topology run on this machine (tests/multinode.py builds it).

nginx with TLS in front of two `serve` processes with separate instance folders, two workers,
PostgreSQL, the S3 backend (moto's server), the PostgreSQL search engine: uploads through one node
are found through the other and through the proxy; killing one web node or one worker loses nothing
and the rest go on; `check` passes.
"""
from __future__ import annotations

import shutil
import uuid

import pytest

from tests import pg
from tests.conftest import PASSWORD
from tests.multinode import Topology

pytestmark = pytest.mark.slow


def _postgres_engine_missing() -> str | None:
    from docflow.config import ConfigError, load_settings

    try:
        load_settings(overrides={"index": {"backend": "postgres"},
                                 "database": {"url": "postgresql+psycopg://docflow@127.0.0.1/docflow"},
                                 "server": {"secret_key": "a"}, "signing": {"ca_key_secret": "b"}}, environ={})
    except ConfigError as exc:
        return f"this build has no PostgreSQL search engine ([index] backend = \"postgres\"): {exc}"
    return None


def _letter(n: int) -> str:
    return (f"Nota dinas nomor {n} tentang pemeliharaan jaringan multisimpul kantor kecamatan. "
            f"Kepala dinas menugaskan petugas pemeliharaan ke kelurahan nomor urut {n}.")


def test_two_nodes_behind_nginx_lose_nothing(tmp_path, moto_server):
    missing = _postgres_engine_missing()
    if missing:
        pytest.skip(missing)
    assert shutil.which("nginx"), "nginx is missing: scripts/system-deps test installs it"
    with pg.postgres_database() as database_url:
        topology = Topology(tmp_path, database_url, moto_server.endpoint, moto_server.access_key,
                            moto_server.secret_key, bucket=f"docflow-multi-{uuid.uuid4().hex[:12]}",
                            index={"backend": "postgres"})
        try:
            _run(topology)
        finally:
            topology.stop()


def _run(topology: Topology) -> None:
    # README, Running in production: the configuration file on every node, `init`, then the processes.
    for node in ("a", "b"):
        topology.cli(node, "init")
    topology.cli("a", "unit", "create", "DISKOMINFO", "Dinas Komunikasi dan Informatika")
    topology.cli("a", "user", "create", "ani", "--role", "drafter", "--unit", "DISKOMINFO", stdin=PASSWORD + "\n")
    token = topology.cli("b", "token", "create", "ani").stdout.strip()
    topology.start_web("web-a", "a")
    topology.start_web("web-b", "b")
    topology.start_worker("worker-a", "a")
    topology.start_worker("worker-b", "b")
    topology.start_nginx()
    for via in ("web-a", "web-b", "proxy"):
        topology.wait_until_up(via)
    topology.wait_until_up("proxy", "/readyz")  # database, store, index, a worker's heartbeat

    # Uploads through one node are found through the other, and through the proxy.
    ids = {topology.upload("web-a", token, f"Nota dinas {n}", _letter(n)) for n in range(6)}
    ids |= {topology.upload("proxy", token, f"Nota dinas {n}", _letter(n)) for n in range(6, 12)}
    assert len(ids) == 12
    assert topology.wait_found("web-b", token, "multisimpul", ids) == ids, topology.logs()
    assert topology.search_ids("web-a", token, "multisimpul") == ids
    assert topology.search_ids("proxy", token, "pemeliharaan multisimpul") == ids
    check = topology.cli("b", "check", check=False)
    assert check.returncode == 0 and check.stderr.startswith("0 problem(s)"), check.stdout + check.stderr

    # A worker dies holding jobs (worker-b paused meanwhile, so that worker-a claims them): worker-b takes
    # them over when the lease runs out.
    topology.pause("worker-b")
    more = {topology.upload("proxy", token, f"Nota dinas {n}", _letter(n)) for n in range(12, 18)}
    assert topology.wait_for_leased_jobs(), topology.logs()
    topology.kill("worker-a")
    topology.resume("worker-b")
    ids |= more
    assert topology.wait_found("web-a", token, "multisimpul", ids) == ids, topology.logs()

    # A web node dies: the proxy sends everything to the other; nothing is lost.
    topology.kill("web-a")
    after = {topology.upload("proxy", token, f"Nota dinas {n}", _letter(n)) for n in range(18, 24)}
    ids |= after
    assert topology.wait_found("proxy", token, "multisimpul", ids) == ids, topology.logs()
    status, _ = topology.request("proxy", "/readyz")
    assert status == 200
    status, metrics = topology.request("proxy", "/metrics", token=topology.metrics_token)
    assert status == 200 and b"docflow_outbox_jobs" in metrics

    # The node comes back and serves what the other one wrote meanwhile.
    topology.start_web("web-a", "a")
    topology.wait_until_up("web-a")
    assert topology.search_ids("web-a", token, "multisimpul") == ids
    check = topology.cli("a", "check", check=False)
    assert check.returncode == 0 and check.stderr.startswith("0 problem(s)"), check.stdout + check.stderr
