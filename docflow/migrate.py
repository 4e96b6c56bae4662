"""Schema migrations with Alembic, driven from Python (no alembic.ini needed)."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    """Bring the schema up to `revision` (creating it on an empty database)."""
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            command.upgrade(_config(connection), revision)
    else:
        command.upgrade(_config(bind), revision)
    logger.info("database schema is at %s", revision)


def current_revision(connection: Connection) -> str | None:
    """Return the revision the database is at, or None for an empty one."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision the code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def autogenerate(bind: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with bind.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
