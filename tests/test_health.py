"""Liveness, readiness, metrics, request ids and the access log, on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import json
import logging
import shutil
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD


def _beat(db, seconds_ago: float = 0) -> None:
    from docflow.db import utcnow
    from docflow.outbox.heartbeat import record_heartbeat

    now = utcnow() - timedelta(seconds=seconds_ago)
    record_heartbeat(db, "worker-host:1", now, now)
    db.commit()


def _app_client(make_services, **sections):
    from docflow import create_app

    app = create_app(make_services(**sections))
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    test_client = app.test_client()
    test_client.set_cookie("lang", "en")
    return test_client


def test_healthz_answers_while_the_store_is_gone(client, services):
    """Is /healthz liveness only: the process answers even when a dependency does not?"""
    shutil.rmtree(services.store.root)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "storage" in ready.get_json()["failing"]


def test_readyz_with_a_live_worker_and_a_short_queue_is_ready(client, db):
    _beat(db)
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "storage", "index", "worker", "queue"}


def test_readyz_without_any_worker_heartbeat_is_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["worker"]
    assert "no worker has ever" in response.get_json()["checks"]["worker"]


def test_readyz_names_a_silent_worker(client, db):
    _beat(db, seconds_ago=600)
    body = client.get("/readyz").get_json()
    assert body["failing"] == ["worker"]
    assert "no worker heartbeat for 600 s" in body["checks"]["worker"]


def test_readyz_names_a_queue_that_waited_too_long(client, db):
    from docflow.db import utcnow
    from docflow.outbox.models import OutboxJob

    _beat(db)
    db.add(OutboxJob(kind="index_document", payload={"document_id": 1}, run_after=utcnow() - timedelta(hours=1)))
    # A job due only later does not count as waiting.
    db.add(OutboxJob(kind="notify", payload={}, run_after=utcnow() + timedelta(hours=5)))
    db.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["queue"]


def test_a_node_that_cannot_search_is_not_ready(client, db, services):
    """Is a node whose search index cannot be read taken out of the pool?"""
    _beat(db)
    shutil.rmtree(services.settings.index_path)
    services.index.close()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["index"]


def test_the_worker_loop_records_its_heartbeat(services, db):
    """Does a running worker leave a heartbeat that readiness sees, without writing on every poll?"""
    import signal
    import threading

    from docflow.outbox.heartbeat import Heartbeat, last_heartbeat
    from docflow.outbox.worker import Worker

    worker = Worker(services)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    stopper = threading.Timer(0.5, worker.stop)
    stopper.start()
    try:
        worker.run_forever()  # in this thread: the test's connection stays with one thread
    finally:
        stopper.cancel()
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    db.rollback()
    assert last_heartbeat(db) is not None
    beats = Heartbeat(services.db, every=60)
    beats.beat()
    db.rollback()
    first = last_heartbeat(db)
    beats.beat()  # within the minute: nothing written
    db.rollback()
    assert last_heartbeat(db) == first


def test_metrics_need_the_token(make_services, make_user, db):
    client = _app_client(make_services, metrics={"token": "scrape-secret"})
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")


def test_metrics_without_a_token_answer_only_direct_loopback(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 401
    # Through a proxy on the same host, the request is someone else's.
    assert client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"}).status_code == 401


def _value(text: str, name: str, **labels: str) -> float | None:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_metrics_report_queue_index_extraction_logins_and_latency(client, db, make_user):
    from docflow.db import utcnow
    from docflow.outbox.models import OutboxJob

    user = make_user()
    db.add(OutboxJob(kind="index_document", payload={"document_id": 1}, run_after=utcnow() - timedelta(seconds=90)))
    db.add(OutboxJob(kind="extract_version", payload={"version_id": 1}))
    db.commit()
    before = _value(client.get("/metrics").get_data(as_text=True), "docflow_login_failures_total") or 0
    client.post("/login", data={"username": user.username, "password": "wrong password"})
    client.get("/readyz")
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "docflow_database_up") == 1
    assert _value(text, "docflow_outbox_jobs", kind="index_document", state="pending") == 1
    assert _value(text, "docflow_outbox_jobs", kind="extract_version", state="pending") == 1
    assert 90 <= _value(text, "docflow_outbox_oldest_due_seconds", kind="index_document") < 200
    assert 90 <= _value(text, "docflow_index_lag_seconds") < 200
    assert _value(text, "docflow_index_documents") == 0
    assert _value(text, "docflow_login_failures_total") == before + 1
    assert _value(text, "docflow_request_duration_seconds_count", route="/readyz", method="GET") >= 1
    assert _value(text, "docflow_request_duration_seconds_count", route="/login", method="POST") >= 1


def _total(text: str, name: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples if sample.name == name)


def test_metrics_count_extraction_outcomes_and_signing_failures(client, make_user, token_for):
    """Does a stored version show under its extraction outcome, and a refused signature as a failure?"""
    from tests.conftest import upload

    user = make_user()
    headers = token_for(user)
    response = upload(client, headers, b"isi surat", filename="surat.txt")
    assert response.status_code == 201, response.get_json()
    before = _total(client.get("/metrics").get_data(as_text=True), "docflow_signing_failures_total")
    refused = client.post(f"/api/v1/documents/{response.get_json()['id']}/actions/sign", headers=headers,
                          json={"revision": 1, "passphrase": "not a signer"})
    assert refused.status_code >= 400
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "docflow_extraction_versions", outcome="pending") == 1
    assert _total(text, "docflow_signing_failures_total") == before + 1


def test_every_response_carries_a_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="docflow.access")
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second
    # A client cannot name its request in our logs ...
    assert client.get("/healthz", headers={"X-Request-ID": "forged-id"}).headers["X-Request-ID"] != "forged-id"


def test_a_trusted_proxy_names_the_request(make_services):
    client = _app_client(make_services, server={"trusted_proxies": ["127.0.0.1"]})
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert response.headers["X-Request-ID"] == "nginx-4f2a9c"
    # ... and even a proxy's id is refused when it could break a log line.
    bad = client.get("/healthz", headers={"X-Request-ID": "two words\" level=ERROR"})
    assert bad.headers["X-Request-ID"] != "two words\" level=ERROR" and len(bad.headers["X-Request-ID"]) == 32


def test_the_access_log_names_the_request_and_never_a_secret(client, make_user, caplog):
    user = make_user()
    caplog.set_level(logging.INFO, logger="docflow.access")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    client.get("/login/unlock/very-secret-unlock-token?x=1")
    lines = [r for r in caplog.records if r.name == "docflow.access"]
    login_line = next(r for r in lines if r.path == "/login")
    assert login_line.method == "POST" and login_line.status == 302 and login_line.user_id == user.id
    assert login_line.request_id == response.headers["X-Request-ID"]
    assert login_line.duration_ms >= 0
    unlock_line = next(r for r in lines if "unlock/" in r.path)
    assert unlock_line.path == "/login/unlock/<token>"
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in everything and "very-secret-unlock-token" not in everything


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_log_lines_in_the_configured_format(fmt, tmp_path, make_services):
    from docflow.logs import configure_logging
    from tests.conftest import make_settings

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging(make_settings(tmp_path, logging={"format": fmt}), stream=stream)
        client = _app_client(make_services)
        request_id = client.get("/healthz").headers["X-Request-ID"]
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    lines = [line for line in stream.getvalue().splitlines() if "/healthz" in line]
    assert lines, stream.getvalue()
    if fmt == "json":
        entry = json.loads(lines[-1])
        assert entry["logger"] == "docflow.access" and entry["request_id"] == request_id
        assert entry["status"] == 200 and entry["path"] == "/healthz" and entry["method"] == "GET"
    else:
        assert f"[{request_id}]" in lines[-1] and "GET /healthz 200" in lines[-1]


def test_logging_settings_are_checked():
    from docflow.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="logging.format"):
        load_settings(environ={"DOCFLOW_LOGGING__FORMAT": "xml"})
    with pytest.raises(ConfigError, match="health.queue_age_seconds"):
        load_settings(environ={"DOCFLOW_HEALTH__QUEUE_AGE_SECONDS": "0"})


def test_a_node_without_its_database_is_alive_but_not_ready(tmp_path):
    """Does a database that cannot be reached fail readiness (naming it) while liveness still answers?"""
    from docflow import create_app
    from docflow.services import Services
    from tests.conftest import make_settings

    services = Services.from_settings(make_settings(tmp_path, database={
        "url": f"sqlite:///{tmp_path}/no-such-folder/docflow.sqlite3"}))
    services.store.ensure_ready()
    try:
        app = create_app(services)
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.get_json()
        assert {"database", "worker", "queue"} <= set(body["failing"])
        assert body["checks"]["worker"] == "not checked: the database does not answer"
        assert _value(client.get("/metrics").get_data(as_text=True), "docflow_database_up") == 0
    finally:
        services.close()
