"""Back up the embedded default (SQLite and the filesystem store) into a folder, while it runs.

The database is copied first with SQLite's online backup (a consistent snapshot, WAL included),
then the objects: they are content-addressed and never overwritten, so every object the
snapshot refers to is already stored when the copy starts (the order README's Backup section
asks of PostgreSQL and MinIO too). Objects already in the folder are not copied again, so a
backup into the same folder each night copies only the new ones. The index is not backed up:
`reindex` rebuilds it from the database. No Flask here.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from docflow.config import Settings

logger = logging.getLogger(__name__)

DATABASE_FILE = "docflow.sqlite3"
OBJECTS_DIR = "objects"
SECRET_FILE = "secret_key"


class BackupRefused(Exception):
    """This instance is not backed up by this command (a server database or an S3 store)."""


@dataclass(frozen=True)
class BackupReport:
    """What one backup wrote."""

    database_bytes: int
    objects_copied: int
    objects_present: int
    secret_key_copied: bool


def _sqlite_path(settings: Settings) -> Path:
    url = settings.database_url
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        raise BackupRefused("`backup` copies the embedded SQLite database; back up PostgreSQL with pg_dump "
                            "(README: Backup)")
    return Path(url[len(prefix):])


def back_up_instance(settings: Settings, destination: Path) -> BackupReport:
    """Copy the database (online), then every stored object, then a generated secret key, into destination."""
    source = _sqlite_path(settings)
    if settings.storage.backend != "filesystem":
        raise BackupRefused("`backup` copies the filesystem store; mirror a MinIO bucket with `mc mirror` "
                            "(README: Backup)")
    destination.mkdir(parents=True, exist_ok=True)
    database = destination / DATABASE_FILE
    partial = destination / (DATABASE_FILE + ".partial")
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    os.replace(partial, database)  # a backup cut short never replaces the last good one
    copied = present = 0
    root = settings.instance_file(settings.storage.path)
    objects = root / "sha256"
    for folder, _dirs, files in os.walk(objects):
        for name in files:
            stored = Path(folder) / name
            target = destination / OBJECTS_DIR / stored.relative_to(root)
            if target.exists() and target.stat().st_size == stored.stat().st_size:
                present += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stored, target.with_name(name + ".partial"))
            os.replace(target.with_name(name + ".partial"), target)
            copied += 1
    secret = settings.instance_path / SECRET_FILE
    secret_copied = not settings.server.secret_key and secret.is_file()
    if secret_copied:
        target = destination / SECRET_FILE
        target.touch(mode=0o600)
        target.write_text(secret.read_text())
    logger.info("backed up %s (%d bytes) and %d new objects (%d already there) to %s", source,
                database.stat().st_size, copied, present, destination)
    return BackupReport(database.stat().st_size, copied, present, secret_copied)
