"""GET /healthz (the process answers), /readyz (it can do its work), /metrics (Prometheus)."""
from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from docflow.context import db_session, services
from docflow.db import utcnow
from docflow.health.checks import check_readiness
from docflow.health.metrics import REGISTRY, DatabaseCollector

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Tell a supervisor that the process answers (liveness: nothing else is checked)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Tell a load balancer whether this node can serve: database, store, index, worker, queue."""
    svc = services()
    outcome = check_readiness(db_session(), svc.store, svc.index, svc.settings.health, utcnow())
    failing = sorted(name for name, result in outcome.checks.items() if result != "ok")
    body = jsonify(status="ok" if outcome.ready else "not ready", failing=failing, checks=outcome.checks)
    body.headers["Cache-Control"] = "no-store"
    return body, 200 if outcome.ready else 503


def _allowed() -> bool:
    token = services().settings.metrics.token
    if token:
        offered = request.headers.get("Authorization", "")
        scheme, _, value = offered.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
    # No token: only a scraper on this host, talking to us directly (a proxy's requests are refused,
    # even from loopback, because they carry someone else's request).
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    peer = getattr(peer, "ipv4_mapped", None) or peer
    return peer.is_loopback and "X-Forwarded-For" not in request.headers


@bp.get("/metrics")
def metrics() -> Response:
    """Serve the Prometheus figures to a scraper holding [metrics] token (or on loopback without one)."""
    if not _allowed():
        response = jsonify(errors=[{"field": None, "reason": "a valid metrics token is required"}])
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    svc = services()
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(DatabaseCollector(svc.db.session, svc.index.doc_count, utcnow))
    body = generate_latest(REGISTRY) + generate_latest(scraped)
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
