"""Move a whole instance: export every table's rows, the stored objects and the settings (no secrets); import them.

An export folder holds

    manifest.json       format, schema revision, when, counts per table, the objects' count and bytes
    tables/<name>.jsonl one JSON object per row, keys sorted, rows in primary-key order
    objects/sha256/..   every object a version claims, under its storage key
    settings.json       the settings of the exporting instance, without secrets or passwords (for the operator)
    checksums.sha256    SHA-256 of every file under tables/ and objects/ (`sha256sum -c` reads it)

Rows and objects are what an instance is, so an export of an instance made by importing another
export holds the same bytes (checksums.sha256 is equal), on SQLite and PostgreSQL, with either store.
Web sessions, login attempts and worker heartbeats are not exported (they belong to the running
machines); the search index is rebuilt on import. The import refuses an instance that holds letters,
people or audit records, writes the objects first (upload, then claim) and every row in one transaction.
No Flask here.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, LargeBinary, Table, func, insert, select, text, update
from sqlalchemy.engine import Connection, make_url

from docflow.db import Base, UTCDateTime
from docflow.services import Services

logger = logging.getLogger(__name__)

FORMAT = "docflow-instance/1"
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.sha256"
SETTINGS = "settings.json"
# Belong to the machines that ran the instance, not to the city's records.
SKIPPED_TABLES = frozenset({"web_sessions", "login_attempts", "worker_heartbeats"})
# An instance with rows here is not empty: an import would mix two cities' records.
_OCCUPIED_TABLES = ("documents", "users", "audit_events", "versions")
_SECRET_SETTINGS = {("server", "secret_key"), ("storage", "access_key"), ("storage", "secret_key"),
                    ("mail", "password"), ("signing", "tsa_password"), ("signing", "ca_key_secret"),
                    ("metrics", "token")}
_BATCH = 1000
_CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class TransferRefused(Exception):
    """The export or the import cannot be made as asked; nothing was written to the instance."""


@dataclass(frozen=True)
class TransferReport:
    """What an export or an import moved."""

    rows: dict[str, int]
    objects: int
    object_bytes: int
    indexed: int = 0
    notes: tuple[str, ...] = ()


def _tables() -> list[Table]:
    import docflow.models  # noqa: F401 - every feature's tables

    return [table for table in Base.metadata.sorted_tables if table.name not in SKIPPED_TABLES]


def _schema_revision(conn: Connection) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _line(row: dict[str, Any]) -> bytes:
    return (json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False,
                       separators=(",", ":")) + "\n").encode()


def _sort_key(table: Table) -> Callable[[dict[str, Any]], tuple]:
    names = [c.name for c in table.primary_key.columns]
    return lambda row: tuple((row[n] is None, row[n]) for n in names)


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    primary = list(table.primary_key.columns)
    if len(primary) == 1 and primary[0].type.python_type is int:
        last = None
        column = primary[0]
        while True:  # keyset paging: the same order on every database
            query = select(table).order_by(column).limit(_BATCH)
            if last is not None:
                query = query.where(column > last)
            batch = [dict(r._mapping) for r in conn.execute(query)]
            if not batch:
                return
            yield from batch
            last = batch[-1][column.name]
    else:  # text keys: sorted here, as database collations differ
        yield from sorted((dict(r._mapping) for r in conn.execute(select(table))), key=_sort_key(table))


def _public_settings(services: Services) -> dict[str, Any]:
    settings = asdict(services.settings)
    settings.pop("base_dir", None)
    for section, name in _SECRET_SETTINGS:
        settings.get(section, {}).pop(name, None)
    settings["database"]["url"] = make_url(settings["database"]["url"]).render_as_string(hide_password=True)
    return settings


def _write_file(path: Path, chunks: Iterator[bytes] | list[bytes], checksums: dict[str, str], root: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    checksums[path.relative_to(root).as_posix()] = digest.hexdigest()
    return size


def export_instance(services: Services, destination: Path, *, progress: Progress = lambda _m: None
                    ) -> TransferReport:
    """Write every table's rows, then the objects they claim, then the settings and checksums, into destination."""
    if destination.exists() and any(destination.iterdir()):
        raise TransferRefused(f"{destination} is not empty; export into a new folder")
    destination.mkdir(parents=True, exist_ok=True)
    checksums: dict[str, str] = {}
    counts: dict[str, int] = {}
    keys: set[str] = set()
    with services.db.session() as session:  # one transaction: a consistent snapshot of every table
        conn = session.connection()
        if conn.dialect.name == "postgresql" and not services.db.single_connection:
            session.rollback()
            conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        revision = _schema_revision(conn)
        for table in _tables():
            rows = 0

            def lines(table: Table = table) -> Iterator[bytes]:
                nonlocal rows
                for row in _rows(conn, table):
                    rows += 1
                    # The objects rows claim: a destroyed file has none, on purpose.
                    if table.name in ("versions", "follow_up_attachments") and row.get("destroyed_at") is None:
                        keys.add(row["storage_key"])
                    elif table.name == "retention_batches" and row.get("package_key"):
                        keys.add(row["package_key"])
                    yield _line(row)

            _write_file(destination / "tables" / f"{table.name}.jsonl", lines(), checksums, destination)
            counts[table.name] = rows
            progress(f"table {table.name}: {rows} row(s)")
        session.rollback()
    object_bytes = 0
    for number, key in enumerate(sorted(keys), 1):
        with services.store.open(key, verify=True) as reader:  # a corrupt object stops the export, named
            object_bytes += _write_file(destination / "objects" / key, iter(lambda: reader.read(_CHUNK), b""),
                                        checksums, destination)
        if number % 500 == 0 or number == len(keys):
            progress(f"objects: {number} of {len(keys)}")
    (destination / SETTINGS).write_text(json.dumps(_public_settings(services), indent=2, sort_keys=True,
                                                   default=str) + "\n")
    (destination / CHECKSUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(checksums.items())))
    manifest = {"format": FORMAT, "schema_revision": revision, "exported_at": datetime.now(UTC).isoformat(),
                "database": services.db.dialect, "storage": services.settings.storage.backend,
                "tables": counts, "objects": len(keys), "object_bytes": object_bytes}
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    logger.info("exported %d rows in %d tables and %d objects (%d bytes) to %s", sum(counts.values()), len(counts),
                len(keys), object_bytes, destination)
    return TransferReport(counts, len(keys), object_bytes)


# --- import ---------------------------------------------------------------------------------------

def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise TransferRefused(f"{source / MANIFEST} cannot be read: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise TransferRefused(f"{source} is not a Docflow instance export ({FORMAT})")
    return manifest


def verify_export(source: Path, *, progress: Progress = lambda _m: None) -> list[str]:
    """Check every file of an export against checksums.sha256; return the problems (none: intact)."""
    problems = []
    try:
        listed = dict(reversed(line.split("  ", 1)) for line in (source / CHECKSUMS).read_text().splitlines() if line)
    except (OSError, ValueError) as exc:
        return [f"{CHECKSUMS} cannot be read: {exc}"]
    present = {p.relative_to(source).as_posix() for folder in ("tables", "objects") if (source / folder).is_dir()
               for p in (source / folder).rglob("*") if p.is_file()}
    problems += [f"{name}: not in {CHECKSUMS}" for name in sorted(present - listed.keys())]
    problems += [f"{name}: missing" for name in sorted(listed.keys() - present)]
    for number, name in enumerate(sorted(listed.keys() & present), 1):
        digest = hashlib.sha256()
        with (source / name).open("rb") as reader:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != listed[name]:
            problems.append(f"{name}: its SHA-256 differs from {CHECKSUMS}")
        if number % 1000 == 0:
            progress(f"checked {number} of {len(listed)} file(s)")
    return problems


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    converters: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            converters[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            converters[column.name] = date.fromisoformat
        elif isinstance(column.type, LargeBinary):
            converters[column.name] = bytes.fromhex
    names = {c.name for c in table.columns}

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        unknown = row.keys() - names
        if unknown:
            raise TransferRefused(f"table {table.name}: unknown column(s) {', '.join(sorted(unknown))}")
        return {k: (converters[k](v) if v is not None and k in converters else v) for k, v in row.items()}
    return decode


def _occupied(conn: Connection) -> list[str]:
    tables = {t.name: t for t in _tables()}
    return [name for name in _OCCUPIED_TABLES
            if conn.execute(select(func.count()).select_from(tables[name])).scalar_one()]


def _insert_table(conn: Connection, table: Table, path: Path) -> int:
    decode = _decoder(table)
    primary = [c.name for c in table.primary_key.columns]
    # A row may point at a later row of its own table (a parent added after its child): set those links after.
    self_refs = [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
    seen: set[tuple] = set()
    later: list[tuple[dict[str, Any], dict[str, Any]]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    with path.open("rb") as lines:
        for raw in lines:
            row = decode(json.loads(raw))
            for name in self_refs:
                target = next(fk.column.name for fk in table.c[name].foreign_keys)
                if row[name] is not None and (row[name],) not in seen and target in primary:
                    later.append(({k: row[k] for k in primary}, {name: row[name]}))
                    row[name] = None
            seen.add(tuple(row[k] for k in primary))
            batch.append(row)
            count += 1
            if len(batch) >= _BATCH:
                conn.execute(insert(table), batch)
                batch = []
    if batch:
        conn.execute(insert(table), batch)
    for key, values in later:
        conn.execute(update(table).where(*(table.c[k] == v for k, v in key.items())).values(**values))
    return count


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite takes the next id after the largest
    for table in tables:
        primary = list(table.primary_key.columns)
        if len(primary) != 1 or primary[0].type.python_type is not int:
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": table.name, "c": primary[0].name}).scalar()
        if sequence:
            conn.execute(text(f"SELECT setval('{sequence}', COALESCE((SELECT MAX({primary[0].name}) "
                              f'FROM "{table.name}"), 0) + 1, false)'))


def import_instance(services: Services, source: Path, *, progress: Progress = lambda _m: None) -> TransferReport:
    """Load an export into this empty instance: check it, store its objects, insert its rows, rebuild the index."""
    from docflow.search.indexing import rebuild_index

    manifest = _read_manifest(source)
    progress("checking the export's checksums")
    if problems := verify_export(source, progress=progress):
        raise TransferRefused("the export is damaged: " + "; ".join(problems[:20])
                              + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""))
    tables = _tables()
    with services.db.transaction() as session:
        conn = session.connection()
        revision = _schema_revision(conn)
        if revision != manifest["schema_revision"]:
            raise TransferRefused(f"the export has schema revision {manifest['schema_revision']}, this instance "
                                  f"{revision}: import with the Docflow version that made the export")
        if occupied := _occupied(conn):
            raise TransferRefused(f"this instance is not empty (it has {', '.join(occupied)}); import into a "
                                  "new instance")
        unknown = set(manifest["tables"]) - {t.name for t in tables}
        if unknown:
            raise TransferRefused(f"the export holds tables this instance does not know: {', '.join(sorted(unknown))}")
    object_bytes = 0
    object_files = sorted(p for p in (source / "objects").rglob("*") if p.is_file()) if (source / "objects").is_dir() else []
    for number, path in enumerate(object_files, 1):
        key = path.relative_to(source / "objects").as_posix()
        with path.open("rb") as reader:
            info = services.store.put(reader, expected_sha256=key.rsplit("/", 1)[-1])
        if info.key != key:
            raise TransferRefused(f"object {key} is stored under {info.key}")
        object_bytes += info.size
        if number % 500 == 0 or number == len(object_files):
            progress(f"objects: {number} of {len(object_files)}")
    counts: dict[str, int] = {}
    with services.db.transaction() as session:
        conn = session.connection()
        if _occupied(conn):  # someone wrote meanwhile
            raise TransferRefused("this instance received letters or people while importing; nothing was imported")
        for table in reversed(tables):  # the rows the migrations seeded give way to the exported ones
            conn.execute(table.delete())
        for table in tables:
            path = source / "tables" / f"{table.name}.jsonl"
            counts[table.name] = _insert_table(conn, table, path) if path.is_file() else 0
            progress(f"table {table.name}: {counts[table.name]} row(s)")
        _reset_sequences(conn, tables)
    progress("rebuilding the search index")
    indexed, _queued = rebuild_index(services.db, services.index,
                                     max_text_chars=services.settings.index.max_text_chars)
    notes = _notes(services, manifest)
    logger.info("imported %d rows and %d objects (%d bytes) from %s; %d documents indexed",
                sum(counts.values()), len(object_files), object_bytes, source, indexed)
    return TransferReport(counts, len(object_files), object_bytes, indexed, notes)


def _notes(services: Services, manifest: dict[str, Any]) -> tuple[str, ...]:
    """Tell the operator what the export cannot carry: a CA key this instance's secret does not open."""
    from docflow.config import ca_key_secret
    from docflow.signing import pki
    from docflow.signing.models import CertificateAuthority

    notes = []
    with services.db.session() as session:
        for authority in session.scalars(select(CertificateAuthority)):
            if not pki.opens_with(authority.encrypted_key_pem, ca_key_secret(services.settings)):
                notes.append(f"the key of certificate authority {authority.id} does not open with this instance's "
                             "signing.ca_key_secret: configure the secret of the exporting instance (it is not "
                             "exported) before signing")
    return tuple(notes)
