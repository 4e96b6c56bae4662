"""Logging: text or JSON lines, a request id on every line of a request, and an access log.

`configure_logging` is called once per process by the command line. `init_app` adds the request
hooks: the id (X-Request-ID from a trusted proxy, else generated) is echoed in the response, and
each request ends with one docflow.access line (method, path, status, duration, user id) and its
latency in the metrics. Paths are logged as the URL rule when a part of them is a secret (unlock
links, verification tokens), and query strings never.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy
from flask import Flask, Response, g, has_request_context, request

from docflow.config import Settings

access_logger = logging.getLogger("docflow.access")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
# URL parts that are secrets: the access log shows the rule (<token>) instead of the value.
_SECRET_ARGS = frozenset({"token"})
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] [%(request_id)s] %(message)s"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    """Return this request's id, or '-' outside a request."""
    if has_request_context():
        return g.get("request_id", "-")
    return "-"


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, process, request id, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings, stream=None) -> None:
    """Send every log line to stderr in the configured format ([logging] format) and level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.logging.format == "json" else logging.Formatter(_TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.server.log_level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _request_id(trusted: bool) -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if trusted and _REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


def _logged_path() -> str:
    rule = request.url_rule
    if rule is not None and _SECRET_ARGS & set(request.view_args or {}):
        return rule.rule
    return request.path


def init_app(app: Flask) -> None:
    """Add the request id, the access log and the latency figures to every request."""
    from docflow.context import services
    from docflow.health.metrics import observe_request

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        proxies = services().settings.server.trusted_proxies
        peer = request.remote_addr or ""
        # Only a trusted proxy may name the request: a client could otherwise forge ids in our logs.
        g.request_id = _request_id(_peer_trusted(peer, proxies))

    @app.after_request
    def finish_request(response: Response) -> Response:
        started = g.pop("request_started", None)
        if started is None:
            return response
        seconds = time.perf_counter() - started
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
        route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        observe_request(route, request.method, response.status_code, seconds)
        if services().settings.logging.access_log:
            user_id = _user_id()
            access_logger.info("%s %s %s %.1f ms user=%s", request.method, _logged_path(), response.status_code,
                               seconds * 1000, user_id if user_id is not None else "-",
                               extra={"method": request.method, "path": _logged_path(),
                                      "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
                                      "user_id": user_id, "request_id": g.get("request_id", "-")})
        return response


def _peer_trusted(peer: str, proxies: tuple[str, ...]) -> bool:
    import ipaddress

    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in ipaddress.ip_network(p.strip(), strict=False) for p in proxies)


def _user_id() -> int | None:
    # Whoever the request was answered for (an API token's owner or the session's person), as far
    # as the request already knew: the access log never loads a user itself.
    # A database error may have expired the loaded user (a failed flush expires every object), and
    # reading `id` would then go back to the database: the identity key is read without a load.
    user = g.get("api_user") or g.get("_login_user")
    if not getattr(user, "is_authenticated", False):
        return None
    state = sqlalchemy.inspect(user, raiseerr=False)
    if state is None:
        return getattr(user, "id", None)
    return state.identity[0] if state.identity else None
