"""The command line: init, serve, worker, run, user, unit, token, reindex, check, sweep."""
from __future__ import annotations

import getpass
import logging
import os
import secrets
import signal
import subprocess
import sys
from datetime import UTC, datetime

import click
from sqlalchemy import func, select

from docflow.config import ConfigError, Settings, load_settings
from docflow.services import Services

logger = logging.getLogger("docflow.cli")

ADMIN_PASSWORD_ENV = "DOCFLOW_ADMIN_PASSWORD"


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.server.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


class _Context:
    """Builds settings and services lazily, once per command."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def services(self) -> Services:
        if self._services is None:
            try:
                settings = load_settings()
            except ConfigError as exc:
                raise click.ClickException(f"configuration error: {exc}") from None
            _setup_logging(settings)
            self._services = Services.from_settings(settings)
        return self._services


pass_ctx = click.make_pass_decorator(_Context, ensure=True)


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Docflow: paperless official-document workflow."""
    ctx.obj = _Context()


def _init(services: Services) -> None:
    from docflow.migrate import upgrade

    upgrade(services.db.engine)
    services.store.ensure_ready()
    services.index.ensure_ready()
    services.spool_dir.mkdir(parents=True, exist_ok=True)


@cli.command()
@pass_ctx
def init(ctx: _Context) -> None:
    """Create or upgrade the schema, the object store and the search index."""
    _init(ctx.services)
    click.echo(f"Docflow is ready: database {ctx.services.db.engine.url.render_as_string(hide_password=True)}, "
               f"{ctx.settings.storage.backend} store, index at {ctx.settings.index_path}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=None, type=int, help="Worker threads (default: server.threads).")
@pass_ctx
def serve(ctx: _Context, host: str, port: int, threads: int | None) -> None:
    """Serve the web application with a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from docflow import create_app

    app = create_app(ctx.services)
    logger.info("serving Docflow on http://%s:%d", host, port)
    waitress_serve(app, host=host, port=port, threads=threads or ctx.settings.server.threads,
                   ident="Docflow", max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                   clear_untrusted_proxy_headers=True)


@cli.command()
@click.option("--once", is_flag=True, help="Run every due job, then exit.")
@pass_ctx
def worker(ctx: _Context, once: bool) -> None:
    """Carry out outbox jobs: text extraction, indexing, sweeping (the only index writer)."""
    from docflow.outbox.worker import Worker

    w = Worker(ctx.services)
    if once:
        ctx.services.index.ensure_ready()
        click.echo(f"{w.run_pending()} jobs done", err=True)
    else:
        w.run_forever()


def _ensure_admin(services: Services) -> tuple[str, str | None]:
    """Create the first administrator (and a first unit) on an empty instance."""
    from docflow.auth.models import Role, User, UserRole
    from docflow.auth.operations import create_user
    from docflow.org.models import Unit
    from docflow.org.operations import create_unit

    with services.db.transaction() as session:
        if session.scalar(select(func.count(UserRole.id)).where(UserRole.role == Role.ADMIN)):
            return "", None
        unit = session.scalar(select(Unit).order_by(Unit.id).limit(1)) or create_unit(
            session, code="SETDA", name="Sekretariat Daerah", kind="bagian")
        password = os.environ.get(ADMIN_PASSWORD_ENV) or secrets.token_urlsafe(12)
        username = "admin"
        if session.scalar(select(User.id).where(User.username == username)):
            username = f"admin-{secrets.token_hex(2)}"
        create_user(session, username=username, password=password, roles=[Role.ADMIN, Role.DRAFTER],
                    full_name="Administrator", unit=unit)
        return username, (None if os.environ.get(ADMIN_PASSWORD_ENV) else password)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def run(ctx: _Context, host: str, port: int) -> None:
    """Initialise if needed, then serve the web with a worker process beside it."""
    services = ctx.services
    _init(services)
    username, password = _ensure_admin(services)
    if username:
        click.echo("=" * 70)
        click.echo(f"Administrator account created: {username}")
        if password:
            click.echo(f"Password (shown once, change it after logging in): {password}")
        else:
            click.echo(f"Password: the value of {ADMIN_PASSWORD_ENV}")
        click.echo("=" * 70)
    click.echo(f"Docflow at http://{host}:{port}  (Ctrl-C stops the web server and the worker)")
    worker_proc = subprocess.Popen([sys.executable, "-m", "docflow", "worker"])

    def _terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        click.get_current_context().invoke(serve, host=host, port=port, threads=None)
    finally:
        worker_proc.send_signal(signal.SIGTERM)
        try:
            worker_proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker_proc.kill()


def _read_password(confirm: bool) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != first:
        raise click.ClickException("the passwords differ")
    return first


@cli.group()
def user() -> None:
    """Manage people."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              help="drafter, verifier, signer, records_clerk, archivist or admin (repeatable).")
@click.option("--unit", "unit_code", default=None, help="Code of the person's unit (default: the first unit).")
@click.option("--full-name", default="", help="Name shown to people.")
@click.option("--nip", default=None, help="Civil servant number (NIP).")
@pass_ctx
def user_create(ctx: _Context, username: str, roles: tuple[str, ...], unit_code: str | None, full_name: str,
                nip: str | None) -> None:
    """Create a person; the password is read from standard input (or asked for on a terminal)."""
    from docflow.auth.operations import create_user
    from docflow.errors import DocflowError
    from docflow.org.models import Unit
    from docflow.org.operations import create_unit, get_unit

    password = _read_password(confirm=True)
    try:
        with ctx.services.db.transaction() as session:
            if unit_code:
                unit = get_unit(session, unit_code)
            else:
                unit = session.scalar(select(Unit).order_by(Unit.id).limit(1)) or create_unit(
                    session, code="SETDA", name="Sekretariat Daerah", kind="bagian")
            created = create_user(session, username=username, password=password, roles=roles,
                                  full_name=full_name, unit=unit, nip=nip)
            name = created.username
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"created user {name}", err=True)


@cli.group()
def unit() -> None:
    """Manage units of the organisation."""


@unit.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--kind", default="dinas", show_default=True)
@click.option("--parent", default=None, help="Code of the parent unit.")
@pass_ctx
def unit_create(ctx: _Context, code: str, name: str, kind: str, parent: str | None) -> None:
    """Create a unit (dinas, badan, bagian, kecamatan, kelurahan)."""
    from docflow.errors import DocflowError
    from docflow.org.operations import create_unit, get_unit

    try:
        with ctx.services.db.transaction() as session:
            created = create_unit(session, code=code, name=name, kind=kind,
                                  parent=get_unit(session, parent) if parent else None)
            code = created.code
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"created unit {code}", err=True)


@cli.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
@pass_ctx
def token_create(ctx: _Context, username: str, name: str) -> None:
    """Issue an API token for a user and print only the token."""
    from docflow.auth.operations import create_token, get_user
    from docflow.errors import DocflowError

    try:
        with ctx.services.db.transaction() as session:
            issued = create_token(session, get_user(session, username), name=name)
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(issued)


@cli.command()
@pass_ctx
def reindex(ctx: _Context) -> None:
    """Rebuild the search index from the database into a fresh directory and swap it in."""
    from docflow.outbox.operations import enqueue_index
    from docflow.search.indexing import index_differences, iter_all_indexed

    services = ctx.services
    started = datetime.now(UTC)
    with services.db.transaction() as session:
        count = services.index.rebuild(iter_all_indexed(session))
    # Documents that changed while the copy was built went to the old index: queue them again.
    with services.db.transaction() as session:
        missing, stale, extra = index_differences(session, services.index)
        for document_id in sorted(missing | stale | extra):
            enqueue_index(session, document_id)
    took = (datetime.now(UTC) - started).total_seconds()
    click.echo(f"reindexed {count} documents in {took:.1f} s; {len(missing | stale | extra)} queued again", err=True)


@cli.command()
@click.option("--no-hashes", is_flag=True, help="Check that objects exist without re-reading them.")
@pass_ctx
def check(ctx: _Context, no_hashes: bool) -> None:
    """Verify fixity: objects exist and match their SHA-256, nothing unclaimed, index in step."""
    from docflow.fixity import check_all

    report = check_all(ctx.services, verify_hashes=not no_hashes)
    for problem in report.problems:
        click.echo(str(problem))
    summary = f"{len(report.problems)} problem(s); {report.pending_jobs} job(s) waiting for the worker"
    if report.young_orphans:
        summary += (f"; {report.young_orphans} unclaimed object(s) still within the "
                    f"{ctx.settings.storage.orphan_grace_hours:g} h grace period")
    click.echo(summary, err=True)
    if report.problems:
        sys.exit(1)


@cli.command()
@pass_ctx
def sweep(ctx: _Context) -> None:
    """Remove stored objects that no document version has claimed within the grace period."""
    from docflow.fixity import sweep_orphans

    removed = sweep_orphans(ctx.services)
    for key in removed:
        click.echo(key)
    click.echo(f"removed {len(removed)} orphan object(s)", err=True)


def main() -> None:
    """Run the command line."""
    cli(prog_name="python -m docflow")
