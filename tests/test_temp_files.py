"""Temporary files of killed processes (an upload being received, an object being stored) are reported by
`check` and removed by the worker's sweep and `python -m docflow sweep`, never while their owner runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import make_scratch_file
from tests.test_end_to_end import REPO, Instance

MiB = 1024 * 1024

# Each child starts receiving (or storing) a stream from its stdin and blocks for the rest of it.
_RECEIVE = """
import sys
from pathlib import Path
from docflow.documents.intake import receive_upload
receive_upload(sys.stdin.buffer, "surat.pdf", max_bytes=10**9, allowed_types=["application/pdf"],
               spool_dir=Path(sys.argv[1]))
"""
_STORE = """
import sys
from storage import FilesystemStore
FilesystemStore(sys.argv[1]).put(sys.stdin.buffer)
"""


def _killed_while_writing(script: str, folder: Path) -> tuple[int, Path]:
    """Run script on a stream it never sees the end of, SIGKILL it once its temporary file holds 1 MiB."""
    before = set(folder.iterdir()) if folder.exists() else set()
    child = subprocess.Popen([sys.executable, "-c", script, str(folder.parent if script is _STORE else folder)],
                             cwd=REPO, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdin is not None
    child.stdin.write(b"%PDF-1.7\n" + b"\0" * (MiB + 100))
    child.stdin.flush()
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            new = [p for p in (set(folder.iterdir()) if folder.exists() else set()) - before
                   if p.stat().st_size >= MiB]
            if new:
                break
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            time.sleep(0.05)
        else:
            raise AssertionError("the child never wrote its temporary file")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdin.close()
        child.stderr.close()
    [left] = new
    return child.pid, left


def _age(path: Path, hours: float = 2) -> None:
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


def test_files_of_killed_processes_are_reported_then_swept_by_the_worker(services):
    """Does check name what a killed upload left (only past the grace period), and the worker remove it?"""
    from docflow.fixity import check_all
    from docflow.outbox.worker import Worker

    spool, store_tmp = services.spool_dir, services.store.root / "tmp"
    receiver_pid, received = _killed_while_writing(_RECEIVE, spool)
    storer_pid, stored = _killed_while_writing(_STORE, store_tmp)
    fd, mine = make_scratch_file(spool, "upload")  # this test's own process is alive: never swept
    os.close(fd)
    _age(Path(mine))

    def reported() -> dict[str, str]:
        return {p.subject: p.detail for p in check_all(services).problems if p.kind == "abandoned-temp-file"}

    assert reported() == {}  # within the grace period: perhaps a slow upload
    _age(received)
    _age(stored)
    found = reported()
    assert set(found) == {str(received), str(stored)}
    assert found[str(received)].startswith(f"{received.stat().st_size} bytes left by process {receiver_pid} on ")
    assert f"process {storer_pid} on " in found[str(stored)]

    Worker(services)._maybe_sweep()  # noqa: SLF001 - the loop's hourly housekeeping, run once

    assert not received.exists() and not stored.exists()
    assert Path(mine).exists()
    assert reported() == {}


@pytest.mark.slow
def test_check_and_sweep_commands_report_and_remove_a_killed_upload(tmp_path):
    """On a real instance, does `check` fail naming the leftover, `sweep` remove it, and `check` pass again?"""
    instance = Instance(tmp_path)
    instance.cli("init")
    spool = tmp_path / "instance" / "tmp"
    _pid, left = _killed_while_writing(_RECEIVE, spool)
    _age(left)

    check = instance.cli("check", check=False)
    assert check.returncode == 1
    assert f"abandoned-temp-file: {left}: " in check.stdout

    sweep = instance.cli("sweep")
    assert sweep.stdout.splitlines() == [str(left)]
    assert "removed 0 orphan object(s) and 1 abandoned temporary file(s)" in sweep.stderr
    assert not left.exists()
    assert instance.cli("check").returncode == 0


def test_a_worker_on_a_freshly_booted_machine_sweeps_in_its_first_round(services, monkeypatch):
    """Is the first housekeeping round due at once, even when the machine's monotonic clock is young?"""
    from docflow.outbox.worker import Worker

    services.spool_dir.mkdir(parents=True, exist_ok=True)
    # A leftover of another host sharing the folder: its process cannot be asked, its age decides.
    left = services.spool_dir / "upload-other-host-4242-abcd1234"
    left.write_bytes(b"%PDF-1.7 half an upload")
    _age(left)
    monkeypatch.setattr("docflow.outbox.worker.time.monotonic", lambda: 120.0)  # booted two minutes ago

    Worker(services)._maybe_sweep()  # noqa: SLF001 - the loop's first round of housekeeping

    assert not left.exists()
