"""Build the Flask application: settings, services, extensions, blueprints, one commit per request."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import Babel, get_locale
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from docflow.config import Settings, ensure_secret_key, load_settings
from docflow.errors import DocflowError, Message, N_, ServiceUnavailable
from docflow import labels, logs, urls
from docflow.i18n import translate
from docflow.services import Services

logger = logging.getLogger(__name__)

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

LANGUAGES = ("id", "en")

# The database is down, restarting or out of connections: the request is refused with a 503, and
# the pool's pre-ping reconnects once it is back.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
# Seconds a client is asked to wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 5

# Pages are our own templates and static files; uploaded content is never inlined as HTML. Frames from
# 'self' show the PDF/image preview, which carries its own sandboxing CSP.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)


def _services_from(config: Any) -> Services:
    if isinstance(config, Services):
        return config
    if isinstance(config, Settings):
        return Services.from_settings(config)
    if config is None or isinstance(config, Mapping):
        return Services.from_settings(load_settings(overrides=config))
    raise TypeError(f"create_app takes settings overrides, Settings or Services, not {type(config).__name__}")


def _select_locale() -> str:
    # Bahasa Indonesia unless the person chose English on the profile page (a `lang` cookie).
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "id"


def build_app(config: Any = None) -> Flask:
    """Create the application from settings overrides, a Settings or ready Services."""
    services = _services_from(config)
    settings = services.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=ensure_secret_key(settings),
        # The multipart envelope adds a little to the file itself.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.server.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.server.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="id",
        JSON_SORT_KEYS=False,
    )
    app.extensions["docflow"] = services

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    app.context_processor(lambda: {"current_locale": str(get_locale() or "id")})
    app.add_template_filter(translate, "translate")
    labels.init_app(app)
    urls.init_app(app)

    _register_request_hooks(app)
    logs.init_app(app)  # request id, access log, request latency
    _register_error_handlers(app)
    _register_blueprints(app)
    _register_dashboard(app)
    return app


def _register_dashboard(app: Flask) -> None:
    """Fill the start page's sections from the features, and connect the features' hooks."""
    from docflow.dashboard import Dashboard
    from docflow.incoming.dashboard import init_dashboard as incoming_sections
    from docflow.incoming.dashboard import init_hooks as incoming_hooks
    from docflow.workflow.dashboard import init_dashboard as workflow_sections

    dashboard = Dashboard()
    incoming_sections(dashboard)
    workflow_sections(dashboard)
    app.extensions["dashboard"] = dashboard
    incoming_hooks()


def _register_blueprints(app: Flask) -> None:
    from docflow.admin.api import bp as admin_api_bp
    from docflow.archive.api import bp as archive_api_bp
    from docflow.archive.views import bp as archive_bp
    from docflow.admin.views import bp as admin_bp
    from docflow.api.openapi import bp as openapi_bp
    from docflow.auth.api import bp as auth_api_bp
    from docflow.auth.views import bp as auth_bp
    from docflow.documents.api import bp as documents_api_bp
    from docflow.documents.views import bp as documents_bp
    from docflow.search.api import bp as search_api_bp
    from docflow.export.api import bp as export_api_bp
    from docflow.search.views import bp as search_bp
    from docflow.workflow.api import bp as workflow_api_bp

    for api_bp in (documents_api_bp, search_api_bp, workflow_api_bp, admin_api_bp, auth_api_bp, openapi_bp,
                   export_api_bp):
        csrf.exempt(api_bp)  # bearer tokens, never cookies: no cross-site request can carry them
        app.register_blueprint(api_bp)
    from docflow.workflow.views import bp as workflow_bp

    from docflow.export.views import bp as export_bp

    for bp in (auth_bp, documents_bp, search_bp, workflow_bp, admin_bp, export_bp):
        app.register_blueprint(bp)
    from docflow.signing.api import bp as signing_api_bp
    from docflow.signing.views import bp as signing_bp
    from docflow.verify.views import bp as verify_bp

    csrf.exempt(signing_api_bp)  # bearer tokens, like the other API blueprints
    for bp in (signing_api_bp, signing_bp, verify_bp):
        app.register_blueprint(bp)
    csrf.exempt(archive_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(archive_api_bp)
    app.register_blueprint(archive_bp)
    from docflow.reports.api import bp as reports_api_bp
    from docflow.reports.views import bp as reports_bp

    csrf.exempt(reports_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(reports_api_bp)
    app.register_blueprint(reports_bp)

    from docflow.incoming.api import bp as incoming_api_bp
    from docflow.incoming.views import bp as incoming_bp

    csrf.exempt(incoming_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(incoming_api_bp)
    app.register_blueprint(incoming_bp)

    from docflow.retention.api import bp as retention_api_bp
    from docflow.retention.views import bp as retention_bp

    csrf.exempt(retention_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(retention_api_bp)
    app.register_blueprint(retention_bp)

    from docflow.incoming.pending_api import bp as pending_api_bp
    from docflow.incoming.pending_views import bp as pending_bp

    csrf.exempt(pending_api_bp)
    app.register_blueprint(pending_api_bp)
    app.register_blueprint(pending_bp)

    from docflow.incoming.instruction_views import bp as instructions_admin_bp

    app.register_blueprint(instructions_admin_bp)

    from docflow.drafting.api import bp as drafting_api_bp
    from docflow.drafting.views import bp as drafting_bp

    csrf.exempt(drafting_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(drafting_api_bp)
    app.register_blueprint(drafting_bp)

    from docflow.dispatch.api import bp as dispatch_api_bp
    from docflow.dispatch.views import bp as dispatch_bp

    csrf.exempt(dispatch_api_bp)  # bearer tokens, like the other API blueprints
    app.register_blueprint(dispatch_api_bp)
    app.register_blueprint(dispatch_bp)

    from docflow.health.views import bp as health_bp

    app.register_blueprint(health_bp)


def _register_request_hooks(app: Flask) -> None:
    from docflow.api.body import refuse_nul_characters

    app.before_request(refuse_nul_characters)

    # Hooks run last-registered first: the headers go on whatever the commit leaves (a 503 too).
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        # Pages, JSON and files may be a person's letters: kept by no cache, shared or the browser's disk.
        # Static files and what a view marks public (the CRL) keep their own caching.
        cache = response.headers.get("Cache-Control", "")
        if request.endpoint != "static" and "public" not in cache and "no-store" not in cache:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def commit_request(response: Response) -> Response:
        """The one commit point of a request: commit if the view succeeded, else roll back."""
        session = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            except DATABASE_UNAVAILABLE as exc:
                return _database_unavailable(exc)
            finally:
                session.close()
        return response

    @app.teardown_request
    def close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, errors: list[dict[str, Any]], title: str) -> tuple[Any, int]:
    if _wants_json():
        return jsonify(errors=errors), status  # API clients are programs: the English text stays stable
    errors = [{**error, "reason": translate(error["reason"])} for error in errors]
    try:
        return render_template("error.html", status=status, title=translate(title), errors=errors), status
    except DATABASE_UNAVAILABLE as exc:  # the page header loads the signed-in user from the database
        return _database_unavailable(exc)


def _database_unavailable(exc: Exception) -> Response:
    """Answer 503 for a request the database could not serve (down, restarting, no free connection)."""
    logger.warning("%s %s: the database is unavailable: %s", request.method, request.path,
                   str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    # The page is rendered as for an anonymous visitor: the user could not be loaded, or her loaded
    # attributes were expired by the failed transaction and would go back to the database.
    g._login_user = login_manager.anonymous_user()
    error = ServiceUnavailable(N_("the database is unavailable; please try again shortly"))
    body, status = _error_response(error.status, error.as_errors(), error.reason)
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _register_error_handlers(app: Flask) -> None:
    for database_error in DATABASE_UNAVAILABLE:
        app.register_error_handler(database_error, _database_unavailable)

    @app.errorhandler(DocflowError)
    def handle_domain_error(exc: DocflowError):
        logger.info("%s %s refused: %s (%s)", request.method, request.path, exc.reason, exc.code)
        return _error_response(exc.status, exc.as_errors(), exc.reason)

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        reason = Message(N_("The form expired; reload the page and try again."))
        return _error_response(400, [{"field": "csrf_token", "reason": reason}], reason)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        reason = exc.description or exc.name
        if exc.code == 413:
            limit = app.extensions["docflow"].settings.uploads.max_size_mb
            reason = Message(N_("the upload is larger than the limit of %(limit)s MB"), limit=f"{limit:g}")
            return _error_response(413, [{"field": "file", "reason": reason}], reason)
        body, status = _error_response(exc.code or 500, [{"field": None, "reason": reason}], exc.name)
        # Keep the exception's own headers, such as the Allow of a 405 (RFC 9110 requires it).
        return body, status, [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _error_response(500, [{"field": None, "reason": Message(N_("internal error; it has been logged"))}],
                               Message(N_("Internal error")))
