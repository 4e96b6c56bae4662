"""The Alembic migrations create exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from docflow.migrate import current_revision, head_revision
from docflow.models import Base


def test_migrated_schema_matches_models(engine):
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


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
