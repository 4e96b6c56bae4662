"""The least any Flask upload endpoint does: the floor the upload benchmark compares Docflow with.

    .venv/bin/python -m bench.upload_floor DIR PORT [--database] [--threads 8]

Serves `POST /api/v1/documents` with the same WSGI server and thread count as `docflow serve`:
it checks the bearer token (`FLOOR_TOKEN` in the environment), lets werkzeug parse the
multipart body, and writes the file through the real `storage.FilesystemStore` (temporary
file, fsync, link, folder fsync). With `--database` it also records one row per upload in
SQLite the way Docflow's embedded default commits (WAL, synchronous=FULL, BEGIN IMMEDIATE).
No accounts, no validation, no outbox, no response document: whatever Docflow adds on top of
this is its own cost, and this endpoint's rate is a ceiling for any Flask service on the
machine. `GET /healthz` answers when it is ready.
"""
from __future__ import annotations

import argparse
import hmac
import os
import sqlite3
import threading
from pathlib import Path

from flask import Flask, abort, request
from waitress import serve

from storage import FilesystemStore


def create_floor_app(root: Path, token: str, with_database: bool) -> Flask:
    """Return the minimal upload application storing under `root`."""
    store = FilesystemStore(root / "objects")
    store.ensure_ready()
    app = Flask(__name__)
    local = threading.local()

    def database() -> sqlite3.Connection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(root / "floor.sqlite", isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("CREATE TABLE IF NOT EXISTS uploads (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
                         "storage_key TEXT NOT NULL, size INTEGER NOT NULL)")
        return conn

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/api/v1/documents")
    def upload():
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
            abort(401)
        file = request.files.get("file")
        if file is None:
            abort(400)
        info = store.put(file.stream)
        new_id = 0
        if with_database:
            conn = database()
            conn.execute("BEGIN IMMEDIATE")
            try:
                new_id = conn.execute("INSERT INTO uploads (title, storage_key, size) VALUES (?, ?, ?)",
                                      (request.form.get("title", ""), info.key, info.size)).lastrowid or 0
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return {"id": new_id}, 201

    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the floor application until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("--database", action="store_true", help="also commit one SQLite row per upload")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    app = create_floor_app(args.root, os.environ["FLOOR_TOKEN"], args.database)
    serve(app, host="127.0.0.1", port=args.port, threads=args.threads, ident="floor",
          max_request_body_size=1 << 30)


if __name__ == "__main__":
    main()
