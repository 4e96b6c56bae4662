"""The restore drill: back up a running instance, restore it into a fresh folder, check passes, search answers."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def _env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    # No configured secrets: the embedded default generates its secret key, which the backup must carry.
    return {**env, "DOCFLOW_SERVER__INSTANCE_DIR": str(instance), "DOCFLOW_SERVER__LOG_LEVEL": "WARNING",
            "DOCFLOW_SERVER__SECRET_KEY": "", "DOCFLOW_SIGNING__CA_KEY_SECRET": ""}


def _cli(instance: Path, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=_env(instance), input=stdin,
                            capture_output=True, text=True, timeout=180)
    if check:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def _client(instance: Path):
    from docflow import create_app
    from docflow.config import load_settings

    app = create_app(load_settings(overrides={"server": {"instance_dir": str(instance)}}, environ={}))
    app.config.update(TESTING=True)
    return app, app.test_client()


@pytest.mark.slow
def test_back_up_restore_into_a_fresh_instance_check_and_search(tmp_path):
    original, backup, restored = tmp_path / "original", tmp_path / "backup", tmp_path / "restored"
    _cli(original, "init")
    _cli(original, "unit", "create", "DISARPUS", "Dinas Kearsipan")
    _cli(original, "user", "create", "arsiparis", "--role", "drafter", "--unit", "DISARPUS", stdin=PASSWORD + "\n")
    token = _cli(original, "token", "create", "arsiparis").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    app, client = _client(original)
    letter = client.post("/api/v1/documents", headers=headers, content_type="multipart/form-data", data={
        "title": "Undangan rapat penataan kearsipan", "doc_type": "nota_dinas",
        "file": (io.BytesIO("Rapat koordinasi penataan kearsipan dinas.".encode()), "undangan.txt")})
    assert letter.status_code == 201, letter.get_json()
    app.extensions["docflow"].close()
    _cli(original, "worker", "--once")
    _cli(original, "ca", "init", "--org", "Pemerintah Kota Uji")

    first = _cli(original, "backup", str(backup))
    assert "1 object(s) copied" in first.stderr and "secret_key copied" in first.stderr
    again = _cli(original, "backup", str(backup))  # the nightly run copies only what is new
    assert "0 object(s) copied, 1 already there" in again.stderr

    # Restore, as README's Operating section says: the database, the objects and the secret key
    # into a fresh instance folder; then init, reindex, check.
    restored.mkdir()
    shutil.copy2(backup / "docflow.sqlite3", restored / "docflow.sqlite3")
    shutil.copytree(backup / "objects", restored / "objects")
    shutil.copy2(backup / "secret_key", restored / "secret_key")
    _cli(restored, "init")
    _cli(restored, "reindex")
    check = _cli(restored, "check", check=False)
    assert check.returncode == 0 and check.stderr.startswith("0 problem(s)"), check.stdout + check.stderr
    assert _cli(restored, "ca", "crl").stdout.startswith("-----BEGIN X509 CRL-----")  # the CA key opens

    app, client = _client(restored)
    try:
        found = client.get("/api/v1/search?q=arsip", headers=headers).get_json()
        assert found["total"] == 1 and found["results"][0]["id"] == letter.get_json()["id"]
        download = client.get(f"/api/v1/documents/{letter.get_json()['id']}/content", headers=headers)
        assert download.status_code == 200 and b"penataan kearsipan" in download.data
    finally:
        app.extensions["docflow"].close()


@pytest.mark.slow
def test_a_restore_without_its_objects_fails_the_check(tmp_path):
    """Would the drill notice a backup that lost its objects (so that its passing means something)?"""
    original, backup, restored = tmp_path / "original", tmp_path / "backup", tmp_path / "restored"
    _cli(original, "init")
    _cli(original, "user", "create", "penulis", "--role", "drafter", stdin=PASSWORD + "\n")
    token = _cli(original, "token", "create", "penulis").stdout.strip()
    app, client = _client(original)
    assert client.post("/api/v1/documents", headers={"Authorization": f"Bearer {token}"},
                       content_type="multipart/form-data",
                       data={"title": "Surat", "file": (io.BytesIO(b"isi surat"), "surat.txt")}).status_code == 201
    app.extensions["docflow"].close()
    _cli(original, "backup", str(backup))
    restored.mkdir()
    shutil.copy2(backup / "docflow.sqlite3", restored / "docflow.sqlite3")
    _cli(restored, "init")
    _cli(restored, "reindex")
    check = _cli(restored, "check", check=False)
    assert check.returncode == 1 and "missing" in check.stdout, check.stdout


def test_backup_refuses_a_server_database(tmp_path):
    from docflow.backup import BackupRefused, back_up_instance
    from docflow.config import load_settings

    settings = load_settings(environ={"DOCFLOW_DATABASE__URL": "postgresql+psycopg://docflow@db.example/docflow",
                                      "DOCFLOW_SERVER__SECRET_KEY": "a", "DOCFLOW_SIGNING__CA_KEY_SECRET": "b",
                                      "DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(BackupRefused, match="pg_dump"):
        back_up_instance(settings, tmp_path / "backup")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["whoosh", "postgres"])
def test_postgresql_back_up_restore_into_a_fresh_database_and_instance(tmp_path, engine):
    """README's drill on the production path: pg_dump and the objects, pg_restore into a fresh database and a
    fresh instance folder with the same configuration; check passes, the CA key opens, search answers
    (with the index in a folder, or in the database itself)."""
    from tests import pg

    original, backup, restored = tmp_path / "original", tmp_path / "backup", tmp_path / "restored"
    with pg.postgres_databases(2) as (source_url, restore_url):
        secrets = {"DOCFLOW_SERVER__SECRET_KEY": "drill-secret-key", "DOCFLOW_SIGNING__CA_KEY_SECRET": "drill-ca-secret",
                   "DOCFLOW_INDEX__BACKEND": engine}

        def cli(instance: Path, url: str, *args: str, stdin: str | None = None, check: bool = True):
            env = {**_env(instance), **secrets, "DOCFLOW_DATABASE__URL": url}
            result = subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, input=stdin,
                                    capture_output=True, text=True, timeout=180)
            if check:
                assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
            return result

        def client_of(instance: Path, url: str):
            from docflow import create_app
            from docflow.config import load_settings

            app = create_app(load_settings(environ={**_env(instance), **secrets, "DOCFLOW_DATABASE__URL": url}))
            app.config.update(TESTING=True)
            return app, app.test_client()

        cli(original, source_url, "init")
        cli(original, source_url, "unit", "create", "DISARPUS", "Dinas Kearsipan")
        cli(original, source_url, "user", "create", "arsiparis", "--role", "drafter", "--unit", "DISARPUS",
            stdin=PASSWORD + "\n")
        token = cli(original, source_url, "token", "create", "arsiparis").stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        app, client = client_of(original, source_url)
        try:
            letter = client.post("/api/v1/documents", headers=headers, content_type="multipart/form-data", data={
                "title": "Undangan rapat penataan kearsipan", "doc_type": "nota_dinas",
                "file": (io.BytesIO("Rapat koordinasi penataan kearsipan dinas.".encode()), "undangan.txt")})
            assert letter.status_code == 201, letter.get_json()
        finally:
            app.extensions["docflow"].close()
        letter_id = letter.get_json()["id"]
        cli(original, source_url, "worker", "--once")
        cli(original, source_url, "ca", "init", "--org", "Pemerintah Kota Uji")

        # Back up as README's Operating section says: the database with pg_dump, then the objects.
        backup.mkdir()
        subprocess.run([pg.pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={backup / 'docflow.dump'}",
                        pg.libpq_url(source_url)], check=True, capture_output=True, timeout=120)
        shutil.copytree(original / "objects", backup / "objects")

        # Restore into a fresh database and a fresh instance folder; the configuration (secrets) is kept.
        subprocess.run([pg.pg_tool("pg_restore"), "--no-owner", "--exit-on-error",
                        f"--dbname={pg.libpq_url(restore_url)}", str(backup / "docflow.dump")],
                       check=True, capture_output=True, timeout=120)
        restored.mkdir()
        shutil.copytree(backup / "objects", restored / "objects")
        cli(restored, restore_url, "init")
        cli(restored, restore_url, "reindex")
        check = cli(restored, restore_url, "check", check=False)
        assert check.returncode == 0 and check.stderr.startswith("0 problem(s)"), check.stdout + check.stderr
        assert cli(restored, restore_url, "ca", "crl").stdout.startswith("-----BEGIN X509 CRL-----")

        app, client = client_of(restored, restore_url)
        try:
            found = client.get("/api/v1/search?q=arsip", headers=headers).get_json()
            assert found["total"] == 1 and found["results"][0]["id"] == letter_id
            download = client.get(f"/api/v1/documents/{letter_id}/content", headers=headers)
            assert download.status_code == 200 and b"penataan kearsipan" in download.data
        finally:
            app.extensions["docflow"].close()
