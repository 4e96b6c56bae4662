"""Fixtures: real databases (SQLite and PostgreSQL), each test rolled back; app, client, factories."""
from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Connection, Engine

from tests import pg
from tests.s3server import moto_server  # noqa: F401  (a session fixture for app tests on S3)

# The application is imported inside fixtures, so that the storage/search/extraction suites run
# on their own even while the app cannot import.

BACKENDS = ["sqlite", "postgresql"]
if os.environ.get("DOCFLOW_TEST_SKIP_POSTGRES") == "1":
    BACKENDS = ["sqlite"]

PASSWORD = "correct horse battery"


@functools.cache
def password_hash() -> str:
    """The scrypt hash of PASSWORD that make_user gives its users, made once for the session.

    Each login checks it with scrypt as in production, at a work factor of 4096 instead of Docflow's 32768
    (werkzeug reads the factor from the hash): 0.02 s a check instead of 0.18 s on this machine, over the
    suite's many logins. Users made through create_user with a password (the admin pages, the command line)
    get Docflow's own hash.
    """
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt:4096:8:1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)
    # Files holding a slow test run first: with `-n 2 --dist loadfile` each file goes whole to one process,
    # so a long file handed out last leaves the other process idle at the end of the run.
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(scope="session")
def _engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Callable[[], Engine]]]:
    """Engines created on first use, schema made by the Alembic migrations."""
    from docflow.db import make_engine
    from docflow.migrate import upgrade

    made: dict[str, Engine] = {}
    contexts: list[Any] = []

    def sqlite() -> Engine:
        if "sqlite" not in made:
            path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
            made["sqlite"] = make_engine(f"sqlite:///{path}")
            upgrade(made["sqlite"])
        return made["sqlite"]

    def postgresql() -> Engine:
        if "postgresql" not in made:
            cm = pg.postgres_database()
            url = cm.__enter__()
            contexts.append(cm)
            made["postgresql"] = make_engine(url, pool_size=5)
            upgrade(made["postgresql"])
        return made["postgresql"]

    yield {"sqlite": sqlite, "postgresql": postgresql}
    for engine in made.values():
        engine.dispose()
    for cm in reversed(contexts):
        cm.__exit__(None, None, None)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: every app test runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture
def engine(_engines: dict[str, Callable[[], Engine]], backend: str) -> Engine:
    return _engines[backend]()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection in an outer transaction that is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        if outer.is_active:
            outer.rollback()
        conn.close()


def make_settings(tmp_path: Path, **sections: dict[str, Any]):
    """Return settings for an instance under tmp_path (the repository's config.toml, no environment)."""
    from docflow.config import load_settings

    # public_url: signing takes the QR code's address from the configuration only.
    overrides: dict[str, dict[str, Any]] = {"server": {"instance_dir": str(tmp_path / "instance"),
                                                       "secret_key": "test-secret-key",
                                                       "public_url": "http://localhost"},
                                            "signing": {"ca_key_secret": "test-ca-key-secret"}}
    for name, values in sections.items():
        overrides.setdefault(name, {}).update(values)
    return load_settings(overrides=overrides, environ={})


@pytest.fixture
def settings(tmp_path: Path):
    return make_settings(tmp_path)


@pytest.fixture
def services(settings, connection: Connection):
    from docflow.services import Services

    svc = Services.from_settings(settings, bind=connection)
    svc.store.ensure_ready()
    svc.index.ensure_ready()
    yield svc
    svc.index.close()


@pytest.fixture
def make_services(tmp_path: Path, connection: Connection):
    """Build extra Services on the test's connection with other settings; closed after the test."""
    from docflow.services import Services

    made = []

    def factory(ready: bool = True, **sections: dict[str, Any]):
        svc = Services.from_settings(make_settings(tmp_path, **sections), bind=connection)
        made.append(svc)
        if ready:
            svc.store.ensure_ready()
            svc.index.ensure_ready()
        return svc

    yield factory
    for svc in made:
        svc.index.close()


@pytest.fixture
def app(services):
    from docflow import create_app

    application = create_app(services)
    # The plain client skips CSRF; `web_client` turns it on to test it as a browser meets it.
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


def _english_client(app):
    # Pages speak Indonesian by default; the suite asserts the English source strings
    # (tests/test_i18n.py checks the Indonesian catalogue itself).
    test_client = app.test_client()
    test_client.set_cookie("lang", "en")
    return test_client


@pytest.fixture
def client(app):
    return _english_client(app)


@pytest.fixture
def web_client(app):
    """A test client with CSRF checks on, as a browser meets them."""
    app.config["WTF_CSRF_ENABLED"] = True
    return _english_client(app)


@pytest.fixture
def db(services) -> Iterator[Any]:
    """A session for arranging and inspecting data (shares the test's transaction)."""
    session = services.db.session()
    yield session
    session.close()


@pytest.fixture
def make_unit(db) -> Callable[..., Any]:
    from docflow.org.operations import create_unit

    counter = iter(range(1, 10_000))

    def factory(code: str | None = None, name: str | None = None, **kwargs: Any):
        n = next(counter)
        unit = create_unit(db, code=code or f"UNIT{n}", name=name or f"Dinas Uji {n}", **kwargs)
        db.commit()
        return unit

    return factory


@pytest.fixture
def make_user(db, make_unit) -> Callable[..., Any]:
    from docflow.auth.models import Role
    from docflow.auth.operations import create_user

    counter = iter(range(1, 10_000))

    def factory(username: str | None = None, *, roles: tuple[str, ...] = (Role.DRAFTER,),
                unit: Any = None, **kwargs: Any):
        user = create_user(db, username=username or f"user{next(counter)}", password=None, roles=roles,
                           unit=unit if unit is not None else make_unit(), **kwargs)
        user.password_hash = password_hash()  # PASSWORD, hashed once for the session
        db.commit()
        return user

    return factory


@pytest.fixture
def token_for(db) -> Callable[[Any], dict[str, str]]:
    from docflow.auth.operations import create_token

    def factory(user: Any) -> dict[str, str]:
        token = create_token(db, user)
        db.commit()
        return {"Authorization": f"Bearer {token}"}

    return factory


@pytest.fixture
def login(client) -> Callable[..., None]:
    def factory(user: Any, test_client: Any = None) -> None:
        c = test_client or client
        response = c.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)

    return factory


@pytest.fixture
def run_worker(services) -> Callable[[], int]:
    from docflow.outbox.worker import Worker

    worker = Worker(services)
    return worker.run_pending


def upload(client, headers: dict[str, str], data: bytes, filename: str = "surat.pdf", **fields: Any):
    """POST a file to the documents API."""
    form = {"title": fields.pop("title", "Surat uji"), **fields, "file": (io.BytesIO(data), filename)}
    return client.post("/api/v1/documents", data=form, headers=headers, content_type="multipart/form-data")
