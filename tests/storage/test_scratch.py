"""Scratch files name their owner; a sweep lists only the old files of processes that are gone."""
from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from storage import find_abandoned, make_scratch_file, remove_abandoned
from storage.scratch import _host

HOUR = timedelta(hours=1)


def _aged(path: Path, hours: float = 2) -> Path:
    past = time.time() - hours * 3600
    os.utime(path, (past, past))
    return path


def test_only_old_files_of_gone_owners_are_abandoned(tmp_path: Path) -> None:
    """Are files kept while young or while their process runs, and listed otherwise, whatever the host's name?"""
    fd, mine = make_scratch_file(tmp_path, "put", ".part")
    os.close(fd)
    assert Path(mine).name.startswith(f"put-{_host()}-{os.getpid()}-") and mine.endswith(".part")
    _aged(Path(mine))
    other_host = tmp_path / "upload-web-2.example-31337-ab_cd123.part"
    other_host.write_bytes(b"x" * 10)
    _aged(other_host)
    legacy = tmp_path / "upload-k2j3h4g5"  # named before owners were recorded
    legacy.touch()
    _aged(legacy)
    young = tmp_path / "extract-elsewhere-7-abcdefgh"
    young.touch()
    (tmp_path / "a-folder").mkdir()

    found = {f.path.name: f for f in find_abandoned(tmp_path, older_than=HOUR)}

    assert set(found) == {other_host.name, legacy.name}
    assert (found[other_host.name].host, found[other_host.name].pid, found[other_host.name].size) == (
        "web-2.example", 31337, 10)
    assert found[other_host.name].owner() == "process 31337 on web-2.example"
    assert found[legacy.name].owner() == "an unknown process"

    removed = remove_abandoned(tmp_path, older_than=HOUR)

    assert {f.path.name for f in removed} == {other_host.name, legacy.name}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a-folder", Path(mine).name, young.name])


def test_a_missing_folder_has_nothing_abandoned(tmp_path: Path) -> None:
    """Is a scratch folder not yet created simply empty?"""
    assert find_abandoned(tmp_path / "absent", older_than=HOUR) == []
