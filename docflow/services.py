"""The long-lived parts one Docflow process needs: settings, database, object store, search index."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from docflow.config import Settings
from docflow.db import Database, make_engine
from search_index import SearchEngine, open_engine
from storage import ObjectStore, open_store

logger = logging.getLogger(__name__)


def open_index(settings: Settings) -> SearchEngine:
    """Return the search engine `[index] backend` names (date filters and the year facet follow the city's calendar)."""
    local_tz = ZoneInfo(settings.workflow.timezone)
    if settings.index.backend == "postgres":
        return open_engine("postgres", database_url=settings.database_url, local_tz=local_tz)
    return open_engine("whoosh", path=settings.index_path, local_tz=local_tz,
                       posting_cache_mb=settings.index.posting_cache_mb)


@dataclass
class Services:
    """What create_app, the worker and the command line share, built from one Settings."""

    settings: Settings
    db: Database
    store: ObjectStore
    index: SearchEngine

    @classmethod
    def from_settings(cls, settings: Settings, *, bind: Connection | None = None) -> Services:
        """Build every service from settings (tests may bind the database to an open connection)."""
        engine = bind.engine if bind is not None else make_engine(settings.database_url,
                                                                  pool_size=settings.database.pool_size)
        if settings.database_url.startswith("sqlite:///"):
            settings.instance_path.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            db=Database(engine, bind=bind),
            store=open_store(settings.storage_options),
            # Date filters and the year facet follow the city's calendar.
            index=open_index(settings),
        )

    @property
    def spool_dir(self):
        """Return the folder for uploads being received (inside the instance)."""
        return self.settings.instance_path / "tmp"

    @property
    def timezone(self) -> ZoneInfo:
        """Return the city's time zone."""
        return ZoneInfo(self.settings.workflow.timezone)

    def now(self) -> datetime:
        """Return the current time in the city's time zone."""
        return datetime.now(self.timezone)

    def today(self) -> date:
        """Return today's date in the city."""
        return self.now().date()

    def close(self) -> None:
        """Release the index and database connections."""
        self.index.close()
        self.db.engine.dispose()
