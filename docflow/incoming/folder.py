"""Read a scanner's folder: each settled file becomes a pending registration for the unit's clerk.

A file is moved into `taken/` only after the row recording it is committed (a crash in between
reads it again and finds the row by its name and SHA-256); a file that cannot be taken in is
stored, recorded as failed with the reason, and moved into `failed/`: nothing is deleted.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from docflow.errors import DocflowError
from docflow.incoming.intake import (
    Arrival,
    already_taken,
    receive_file,
    record_pending,
    record_source_health,
    store_upload,
    unit_by_code,
)
from docflow.incoming.sources import FolderSource
from docflow.db import utcnow

logger = logging.getLogger(__name__)

TAKEN_DIR = "taken"
FAILED_DIR = "failed"


@dataclass
class FolderRound:
    """What one reading of a folder did."""

    taken: int = 0
    failed: int = 0
    error: str | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _move(path: Path, into: Path) -> None:
    into.mkdir(exist_ok=True)
    target = into / path.name
    n = 1
    while target.exists():
        target = into / f"{path.stem}.{n}{path.suffix}"
        n += 1
    os.replace(path, target)


def _settled(folder: Path, settle_seconds: float) -> list[Path]:
    now = time.time()
    files = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        if now - entry.stat().st_mtime < settle_seconds:
            continue  # the scanner may still be writing it
        files.append(Path(entry.path))
    return files


def poll_folder(services, source: FolderSource) -> FolderRound:
    """Take in every settled file of the folder; record the folder's health (never raises for it)."""
    result = FolderRound()
    with services.db.transaction() as session:
        unit = unit_by_code(session, source.unit)
        unit_id = unit.id if unit is not None else None
    if unit_id is None:
        result.error = f"unit {source.unit} (folder {source.name}) does not exist"
        logger.error("intake folder %s: %s", source.name, result.error)
        return result
    try:
        for path in _settled(source.path, services.settings.intake.settle_seconds):
            _take_file(services, source, unit_id, path, result)
    except OSError as exc:
        result.error = f"{source.path}: {exc.strerror or exc}"
        logger.error("intake folder %s cannot be read, retrying at the next round: %s", source.name, result.error)
    with services.db.transaction() as session:
        record_source_health(session, name=source.key, unit_id=unit_id, now=services.now(), error=result.error)
    return result


def _take_file(services, source: FolderSource, unit_id: int, path: Path, result: FolderRound) -> None:
    settings = services.settings
    arrival = Arrival("folder", f"folder:{source.name}:{path.name}:{_sha256(path)}", received_at=utcnow(),
                      filename=path.name)
    with services.db.transaction() as session:
        earlier = already_taken(session, unit_id, arrival)
    if earlier is not None:  # recorded before a crash: only the move was missing
        _move(path, source.path / (FAILED_DIR if earlier.file_key is None else TAKEN_DIR))
        return
    upload = reason = None
    try:
        with path.open("rb") as stream:
            upload = receive_file(stream, path.name, max_bytes=settings.max_upload_bytes,
                                  allowed_types=settings.uploads.allowed_types, spool_dir=services.spool_dir)
    except DocflowError as exc:
        reason = exc.reason
    try:
        file_key = store_upload(services.store, upload) if upload is not None else None
        original_key = None
        if upload is None and path.stat().st_size <= settings.max_upload_bytes:
            with path.open("rb") as stream:
                original_key = services.store.put(stream).key  # kept for the clerk to look at
        with services.db.transaction() as session:
            record_pending(session, unit_id=unit_id, arrival=arrival, upload=upload, file_key=file_key,
                           original_key=original_key, reason=reason)
    finally:
        if upload is not None:
            upload.close()
    if upload is None:
        result.failed += 1
        _move(path, source.path / FAILED_DIR)
    else:
        result.taken += 1
        _move(path, source.path / TAKEN_DIR)
