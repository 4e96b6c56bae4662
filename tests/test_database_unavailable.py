"""A database that does not answer: every request gets a clean 503 with a message, never a 500."""
from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.pg import _free_port


@pytest.fixture
def offline_client(tmp_path):
    """A client of an app whose PostgreSQL refuses connections (nothing listens on its port)."""
    from docflow import create_app
    from docflow.services import Services

    url = f"postgresql+psycopg://docflow@127.0.0.1:{_free_port()}/docflow"
    services = Services.from_settings(make_settings(tmp_path, database={"url": url}))
    app = create_app(services)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    yield app.test_client()
    services.close()


def test_the_api_answers_503_with_a_message(offline_client):
    response = offline_client.get("/api/v1/documents", headers={"Authorization": "Bearer dft_whatever"})
    assert response.status_code == 503
    assert response.get_json() == {"errors": [{"field": None,
                                               "reason": "the database is unavailable; please try again shortly"}]}
    assert response.headers["Retry-After"] == "5"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_page_answers_503_in_the_readers_language(offline_client):
    response = offline_client.post("/login", data={"username": "ani", "password": "whatever"})
    assert response.status_code == 503
    assert "basis data sedang tidak tersedia" in response.get_data(as_text=True)
    offline_client.set_cookie("lang", "en")
    page = offline_client.post("/login", data={"username": "ani", "password": "whatever"}).get_data(as_text=True)
    assert "the database is unavailable; please try again shortly" in page


def test_readiness_reports_the_database(offline_client):
    """Is a node whose database is down not ready, with the database named, while it is still alive?"""
    response = offline_client.get("/readyz")
    assert response.status_code == 503
    assert "database" in response.get_json()["failing"]
    assert "OperationalError" in response.get_json()["checks"]["database"]
    assert offline_client.get("/healthz").status_code == 200
