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
    head = ScriptDirectory.from_config(_config_only()).get_current_head()
    assert head is not None
    return head


def schema_problem(engine: Engine) -> str | None:
    """Say why the database cannot be used by this code as it stands (empty or older schema), or None."""
    with engine.connect() as connection:
        current = current_revision(connection)
    head = head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no Docflow schema yet: run `python -m docflow init` first"
    known = {script.revision for script in ScriptDirectory.from_config(_config_only()).walk_revisions()}
    if current not in known:
        return (f"the database is at schema revision {current}, which this Docflow does not know "
                f"(it knows up to {head}): run the Docflow version that wrote it, or restore a backup")
    return (f"the database schema is at revision {current} and this Docflow needs {head}: "
            "run `python -m docflow init` to upgrade it (back the database up first)")


def _config_only() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def autogenerate(bind: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with bind.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
