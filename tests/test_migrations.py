"""The Alembic migrations create exactly the schema the models describe."""
from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import SAWarning

from docflow.migrate import current_revision, head_revision
from docflow.models import Base


# Indexes on an expression, which reflection skips (with a warning): checked by name and definition instead.
EXPRESSION_INDEXES = {"ix_dispositions_inbox": "CASE"}


def test_migrated_schema_matches_models(engine):
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                    category=SAWarning)
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index",
                                    category=UserWarning)
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        if engine.dialect.name == "postgresql":
            found = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(:n)"),
                                      {"n": list(EXPRESSION_INDEXES)}).all())
        else:
            found = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all())
    # PostgreSQL reflects them, in its own spelling ('unread'::text ...): a textual difference, not a schema one.
    diff = [d for d in diff if not (d[0] in ("add_index", "remove_index") and d[1].name in EXPRESSION_INDEXES)]
    assert diff == []
    for name, expected in EXPRESSION_INDEXES.items():
        assert expected in (found.get(name) or ""), name


def _docflow(instance, *args: str):
    import os
    import subprocess
    import sys

    from tests.test_end_to_end import REPO

    env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(instance), "DOCFLOW_SERVER__LOG_LEVEL": "WARNING",
           "DOCFLOW_SERVER__SECRET_KEY": "test"}
    return subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_commands_refuse_a_database_behind_the_code_and_init_upgrades_it(tmp_path):
    """Does a command on an empty or older schema say what to run (no traceback), and init bring it up?"""
    from docflow.db import make_engine
    from docflow.migrate import upgrade

    empty = _docflow(tmp_path, "reindex")
    assert empty.returncode == 1
    assert "no Docflow schema yet: run `python -m docflow init` first" in empty.stderr
    assert "Traceback" not in empty.stderr

    engine = make_engine(f"sqlite:///{tmp_path / 'docflow.sqlite3'}")
    try:
        upgrade(engine, "0006")
    finally:
        engine.dispose()
    for command in (["reindex"], ["check"], ["unit", "create", "DISPAR", "Dinas Pariwisata"]):
        older = _docflow(tmp_path, *command)
        assert older.returncode == 1, command
        assert f"at revision 0006 and this Docflow needs {head_revision()}" in older.stderr, older.stderr
        assert "Traceback" not in older.stderr
    assert _docflow(tmp_path, "init").returncode == 0
    assert _docflow(tmp_path, "unit", "create", "DISPAR", "Dinas Pariwisata").returncode == 0
