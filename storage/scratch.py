"""Temporary files named after the process that owns them, so that a sweep can tell abandoned ones.

A process killed while it receives an upload or copies an object leaves its temporary file behind
(nothing else ever removes it). Each file is named ``<prefix>-<host>-<pid>-<random><suffix>``: a
sweep on the same host removes it once that process is gone and the file is older than a grace
period; a file of another host (a shared folder), or of an older naming, only by its age.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

logger = logging.getLogger(__name__)

# mkstemp's random part is 8 characters of [a-z0-9_]; the host may hold dashes, the pid never.
_NAME = re.compile(r"(?P<prefix>[a-z]+)-(?P<host>[A-Za-z0-9._-]+)-(?P<pid>\d+)-[a-z0-9_]{8}(?:\.[a-z]+)?")


def _host() -> str:
    """Return this machine's name as it appears in scratch file names."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "localhost"


@dataclass(frozen=True)
class ScratchFile:
    """A temporary file found in a scratch folder, and what its name says of its owner."""

    path: Path
    size: int
    modified: datetime  # tz-aware UTC
    host: str | None
    pid: int | None

    def owner(self) -> str:
        """Describe the owning process for a report."""
        if self.pid is None:
            return "an unknown process"
        return f"process {self.pid} on {self.host}"


def make_scratch_file(directory: str | Path, prefix: str, suffix: str = "") -> tuple[int, str]:
    """Create a temporary file named after this process in directory; return (fd, path) like mkstemp."""
    return tempfile.mkstemp(prefix=f"{prefix}-{_host()}-{os.getpid()}-", suffix=suffix, dir=directory)


def _running(pid: int) -> bool:
    """Tell whether a process with this id runs on this host (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The state follows the parenthesised command name, which may itself hold parentheses.
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def find_abandoned(directory: str | Path, *, older_than: timedelta, now: datetime | None = None) -> list[ScratchFile]:
    """List the files in directory older than the grace period whose owning process is gone."""
    cutoff = (now or datetime.now(UTC)) - older_than
    found: list[ScratchFile] = []
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    host = _host()
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # finished (and removed) while we looked
        modified = datetime.fromtimestamp(st.st_mtime, tz=UTC)
        if modified >= cutoff:
            continue
        match = _NAME.fullmatch(entry.name)
        owner_host, pid = (match["host"], int(match["pid"])) if match else (None, None)
        if owner_host == host and pid is not None and _running(pid):
            continue
        found.append(ScratchFile(Path(entry.path), st.st_size, modified, owner_host, pid))
    return found


def remove_abandoned(directory: str | Path, *, older_than: timedelta) -> list[ScratchFile]:
    """Remove the files find_abandoned lists; return those removed."""
    removed = []
    for scratch in find_abandoned(directory, older_than=older_than):
        try:
            scratch.path.unlink()
        except FileNotFoundError:
            continue
        logger.info("removed abandoned temporary file %s (%d bytes, left by %s)", scratch.path, scratch.size,
                    scratch.owner())
        removed.append(scratch)
    return removed
