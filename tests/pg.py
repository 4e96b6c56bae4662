"""A PostgreSQL for the tests: DOCFLOW_TEST_DATABASE_URL, or a throwaway cluster made with initdb/pg_ctl."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV = "DOCFLOW_TEST_DATABASE_URL"


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_cluster_owner(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


class Cluster:
    """A private PostgreSQL cluster: its admin URL, and stop/start for fault tests."""

    def __init__(self, base: Path, url: str, pg_ctl: str, opts: str) -> None:
        self.base, self.url, self._pg_ctl, self._opts = base, url, pg_ctl, opts

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        subprocess.run(_as_cluster_owner([self._pg_ctl, "-D", str(self.base / "data"), "-o", self._opts,
                                          "-l", str(self.base / "log"), "-w", "start"]),
                       check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: 'fast' ends every session; 'immediate' is a crash."""
        subprocess.run(_as_cluster_owner([self._pg_ctl, "-D", str(self.base / "data"), "-m", mode, "-w", "stop"]),
                       capture_output=True)


@contextmanager
def restartable_cluster() -> Iterator[Cluster]:
    """Start a private PostgreSQL on a free loopback port; yield it; remove it after."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError(
            f"PostgreSQL tests need {ENV} or Debian's postgresql package (initdb, pg_ctl); neither was found"
        )
    base = Path(tempfile.mkdtemp(prefix="docflow-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run(_as_cluster_owner([initdb, "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8",
                                      "--no-sync"]), check=True, capture_output=True)
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off -c max_connections=200"
    cluster = Cluster(base, f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres", pg_ctl, opts)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a private PostgreSQL on a free loopback port; yield its admin URL; remove it after."""
    with restartable_cluster() as cluster:
        yield cluster.url


@contextmanager
def postgres_database() -> Iterator[str]:
    """Yield the URL of a fresh, uniquely named database, dropped afterwards."""
    with postgres_databases(1) as (url,):
        yield url


@contextmanager
def postgres_databases(count: int) -> Iterator[list[str]]:
    """Yield the URLs of `count` fresh databases on one server (a backup's source and its restore), dropped after."""
    with _server() as admin_url:
        url = make_url(admin_url)
        names = [f"docflow_test_{uuid.uuid4().hex[:12]}" for _ in range(count)]
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            yield [url.set(database=name).render_as_string(hide_password=False) for name in names]
        finally:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def libpq_url(url: str) -> str:
    """Return a SQLAlchemy URL as the plain postgresql:// URL that psql, pg_dump and pg_restore take."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    """Return the path of a PostgreSQL client program (pg_dump, pg_restore), or raise naming what is missing."""
    found = _pg_bin(name)
    if found is None:
        raise RuntimeError(f"{name} not found: install Debian's postgresql-client (make test does)")
    return found


@contextmanager
def _server() -> Iterator[str]:
    configured = os.environ.get(ENV)
    if configured:
        yield configured
    else:
        with throwaway_cluster() as url:
            yield url
