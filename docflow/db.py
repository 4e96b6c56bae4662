"""Database engine, declarative base and the one-commit-per-request session handling."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned tz-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    """Return the current time, tz-aware UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web and the worker read while the other writes; busy_timeout waits for locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: each commit fsyncs the WAL, so a 201 means the rows survive a power cut, as on
    # PostgreSQL (synchronous_commit=on). NORMAL would survive a crash of the process but could lose
    # the last commits on power loss, leaving their stored files unclaimed (and swept).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that
        # SELECT ... then UPDATE in one transaction is really one transaction.
        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # IMMEDIATE takes the write lock up front: two read-then-write transactions
            # (web and worker) would otherwise deadlock into SQLITE_BUSY.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No JIT: short queries whose cost estimate passes jit_above_cost (a desk-grant OR over a unit's
    # 20,000 letters) spent ~40 ms compiling to save a few (EXPLAIN ANALYZE, bench/incoming.py).
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                         connect_args={"options": "-c jit=off"})


class Database:
    """An engine and the session factory bound to it (or to a test's outer transaction)."""

    def __init__(self, engine: Engine, *, bind: Engine | Connection | None = None) -> None:
        self.engine = engine
        # Bound to one connection (a test's outer transaction): sessions in two threads would share it.
        self.single_connection = isinstance(bind, Connection)
        bind = bind if bind is not None else engine
        options: dict[str, Any] = {"expire_on_commit": False}
        if isinstance(bind, Connection):
            options["join_transaction_mode"] = "create_savepoint"
        self.session_factory = sessionmaker(bind=bind, **options)

    @property
    def dialect(self) -> str:
        """Return the backend name: 'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def session(self) -> Session:
        """Open a new session."""
        return self.session_factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session whose work is committed at the end, or rolled back on error."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def apply_changes(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the attributes whose values differ; return their names, in the order given."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed
