"""The command line: init, serve, worker, jobs, prune, run, report, user, unit, token, reindex, check, sweep, ca,
secret, backup, export, import, import-legacy, verify-package."""
from __future__ import annotations

import getpass
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import click
from sqlalchemy import func, select

from docflow.config import ConfigError, Settings, load_settings
from docflow.services import Services
from search_index import IndexLockedError, SearchIndexError

logger = logging.getLogger("docflow.cli")

ADMIN_PASSWORD_ENV = "DOCFLOW_ADMIN_PASSWORD"


def _setup_logging(settings: Settings) -> None:
    from docflow.logs import configure_logging

    configure_logging(settings)


class _Context:
    """Builds settings and services lazily, once per command."""

    def __init__(self) -> None:
        self._services: Services | None = None
        # Every command but init and run (which upgrade it) needs the schema this code was written for.
        self.needs_current_schema = True

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
            services = Services.from_settings(settings)
            if self.needs_current_schema:
                from docflow.migrate import schema_problem

                if problem := schema_problem(services.db.engine):
                    raise click.ClickException(problem)
            self._services = services
        return self._services


pass_ctx = click.make_pass_decorator(_Context, ensure=True)


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Docflow: paperless official-document workflow."""
    ctx.obj = _Context()


def _init(services: Services) -> None:
    from docflow.migrate import upgrade
    from docflow.search.indexing import ensure_index

    upgrade(services.db.engine)
    services.store.ensure_ready()
    ensure_index(services.db, services.index, max_text_chars=services.settings.index.max_text_chars)  # an upgrade that changed the index's fields rebuilds it
    services.spool_dir.mkdir(parents=True, exist_ok=True)


@cli.command()
@pass_ctx
def init(ctx: _Context) -> None:
    """Create or upgrade the schema, the object store and the search index."""
    ctx.needs_current_schema = False
    _init(ctx.services)
    click.echo(f"Docflow is ready: database {ctx.services.db.engine.url.render_as_string(hide_password=True)}, "
               f"{ctx.settings.storage.backend} store, {ctx.services.index.describe()}", err=True)


def _warm_index(index) -> None:
    """Prepare the engine's first searches while the first requests arrive (see SearchEngine.warm)."""
    started = time.monotonic()
    try:
        done = index.warm()
    except Exception:  # an empty or rebuilding index: searches warm as they go
        logger.exception("could not warm the search index")
        return
    if done:
        logger.info("%s in %.1f s", done, time.monotonic() - started)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=None, type=int, help="Worker threads (default: server.threads).")
@pass_ctx
def serve(ctx: _Context, host: str, port: int, threads: int | None) -> None:
    """Serve the web application with a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from docflow import create_app

    try:
        ctx.services.index.check_node()  # a single-node index written on another machine: refuse
    except SearchIndexError as exc:
        raise click.ClickException(str(exc)) from None
    app = create_app(ctx.services)
    threading.Thread(target=_warm_index, args=(ctx.services.index,), name="warm-index",
                     daemon=True).start()
    logger.info("serving Docflow on http://%s:%d", host, port)
    waitress_serve(app, host=host, port=port, threads=threads or ctx.settings.server.threads,
                   ident="Docflow", max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                   # Waitress would strip X-Forwarded-For from every request; with trusted proxies
                   # configured the app reads it itself, from those proxies only (client_address).
                   clear_untrusted_proxy_headers=not ctx.settings.server.trusted_proxies)


@cli.command()
@click.option("--once", is_flag=True, help="Run every due job, then exit.")
@click.option("--queues", default=None, metavar="NAMES",
              help="Take only these queues' jobs, comma-separated: extract, ocr, index, mail, reports "
                   "(default: all).")
@pass_ctx
def worker(ctx: _Context, once: bool, queues: str | None) -> None:
    """Carry out outbox jobs: text extraction, indexing, sweeping (the only index writer)."""
    from docflow.outbox.worker import Worker, kinds_of_queues

    kinds = None
    if queues is not None:
        try:
            kinds = kinds_of_queues([name.strip() for name in queues.split(",") if name.strip()])
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--queues") from None
        if not kinds:
            raise click.BadParameter("name at least one queue", param_hint="--queues")
    w = Worker(ctx.services, kinds=kinds)
    try:
        if once:
            ctx.services.index.ensure_ready()
            if w.takes_index_jobs:
                ctx.services.index.claim_writer()
            click.echo(f"{w.run_pending()} jobs done", err=True)
        else:
            w.run_forever()
    except IndexLockedError as exc:
        raise click.ClickException(str(exc)) from None


@cli.group()
def jobs() -> None:
    """Look at the worker's jobs and retry dead ones."""


@jobs.command("list")
@click.option("--dead", is_flag=True, help="Only jobs that failed for good (the ones `check` reports).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1, max=10_000))
@pass_ctx
def jobs_list(ctx: _Context, dead: bool, limit: int) -> None:
    """List jobs, newest first: id, kind, state, attempts, last change (city time), what they work on, last error."""
    from docflow.outbox.models import JobState
    from docflow.outbox.operations import list_jobs

    tz = ctx.services.timezone
    with ctx.services.db.transaction() as session:
        rows = [(job.id, job.kind, job.state, job.attempts, job.finished_at or job.run_after, job.payload,
                 (job.last_error or "").splitlines()[0][:200] if job.last_error else "")
                for job in list_jobs(session, state=JobState.DEAD if dead else None, limit=limit)]
    for job_id, kind, state, attempts, when, payload, error in rows:
        stamp = when.astimezone(tz).strftime("%Y-%m-%d %H:%M") if when else "-"
        details = " ".join(f"{key}={value}" for key, value in sorted(payload.items()))
        click.echo("\t".join([str(job_id), kind, state, str(attempts), stamp, details, error]))
    click.echo(f"{len(rows)} job(s)" + (" dead" if dead else ""), err=True)


@jobs.command("retry")
@click.argument("job_ids", nargs=-1, type=click.IntRange(min=1, max=2_147_483_647))
@click.option("--all-dead", is_flag=True, help="Retry every dead job.")
@pass_ctx
def jobs_retry(ctx: _Context, job_ids: tuple[int, ...], all_dead: bool) -> None:
    """Queue dead jobs again with fresh attempts (recorded in the audit trail): by id, or --all-dead."""
    from docflow.db import utcnow
    from docflow.errors import DocflowError
    from docflow.outbox.operations import retry_dead_jobs

    if bool(job_ids) == all_dead:
        raise click.UsageError("name the dead jobs' ids, or give --all-dead")
    by = f"the command line ({getpass.getuser()})"
    try:
        with ctx.services.db.transaction() as session:
            retried = [(job.id, job.kind) for job in retry_dead_jobs(
                session, None if all_dead else job_ids, by=by, now=utcnow())]
    except DocflowError as exc:
        raise click.ClickException(f"{exc.reason}; nothing was retried") from None
    for job_id, kind in retried:
        click.echo(f"queued job {job_id} ({kind}) again")
    click.echo(f"{len(retried)} dead job(s) queued again", err=True)


@cli.command()
@pass_ctx
def prune(ctx: _Context) -> None:
    """Delete finished jobs, login attempts and ended browser sessions past their retention (the worker does it hourly)."""
    from docflow.outbox.worker import prune_history

    pruned = prune_history(ctx.services)
    click.echo(f"deleted {pruned.jobs} finished job(s), {pruned.login_attempts} login attempt(s) and "
               f"{pruned.web_sessions} ended browser session(s)", err=True)


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


def _local_public_url(host: str, port: int) -> str:
    """Return the address `run` serves at, or "" when it listens on every interface (no one address)."""
    if host in {"", "0.0.0.0", "::", "[::]"}:
        return ""
    return f"http://[{host}]:{port}" if ":" in host and not host.startswith("[") else f"http://{host}:{port}"


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def run(ctx: _Context, host: str, port: int) -> None:
    """Initialise if needed, then serve the web with a worker process beside it."""
    ctx.needs_current_schema = False
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
    worker_env = dict(os.environ)
    if not services.settings.server.public_url:
        public_url = _local_public_url(host, port)
        if public_url:
            # The embedded default signs letters whose QR code points here; a server sets its own address.
            services.settings = replace(services.settings, server=replace(services.settings.server,
                                                                          public_url=public_url))
            worker_env["DOCFLOW_SERVER__PUBLIC_URL"] = public_url
            click.echo(f"server.public_url is empty: signed letters' QR codes point to {public_url}")
        else:
            click.echo("note: server.public_url is empty, so letters cannot be signed; set it to the address "
                       "people reach Docflow at")
    worker_proc = subprocess.Popen([sys.executable, "-m", "docflow", "worker"], env=worker_env)

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
def report() -> None:
    """The paperless report."""


@report.command("refresh")
@pass_ctx
def report_refresh(ctx: _Context) -> None:
    """Count this year's report periods ahead now (what the worker does every few minutes)."""
    from docflow.outbox.worker import Worker

    click.echo(f"{Worker(ctx.services).refresh_reports()} periods counted", err=True)


@cli.group()
def user() -> None:
    """Manage people."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              help="drafter, verifier, signer, records_clerk, archivist, admin or leadership (repeatable).")
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


@user.command("unlock")
@click.argument("username")
@pass_ctx
def user_unlock(ctx: _Context, username: str) -> None:
    """Forget a person's failed logins, so that she may log in again at once."""
    from docflow.auth.operations import get_user, unlock_logins
    from docflow.errors import DocflowError

    try:
        with ctx.services.db.transaction() as session:
            unlock_logins(session, get_user(session, username), ctx.services.now(), by="the command line")
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"unlocked the logins of {username}", err=True)


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
@click.option("--expires", "expires_days", type=click.IntRange(min=1), default=None,
              help="Days until the token expires (default: never).")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), default="admin", show_default=True,
              help="read: GET only; write: all but /api/v1/admin; admin: everything (within the user's roles).")
@pass_ctx
def token_create(ctx: _Context, username: str, name: str, expires_days: int | None, scope: str) -> None:
    """Issue an API token for a user and print only the token."""
    from docflow.auth.operations import create_token, get_user
    from docflow.errors import DocflowError

    try:
        with ctx.services.db.transaction() as session:
            issued = create_token(session, get_user(session, username), name=name, scope=scope,
                                  expires_in_days=expires_days)
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(issued)


@token.command("list")
@click.argument("username")
@pass_ctx
def token_list(ctx: _Context, username: str) -> None:
    """List a user's API tokens, newest first (times in the city's time zone)."""
    from docflow.auth.operations import get_user, list_tokens
    from docflow.errors import DocflowError

    tz = ctx.services.timezone
    now = ctx.services.now()

    def when(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else "-"

    try:
        with ctx.services.db.transaction() as session:
            rows = list_tokens(session, get_user(session, username))
            lines = [(str(t.id), t.scope, "revoked" if t.revoked_at else "active" if t.is_valid(now) else "expired",
                      when(t.created_at), when(t.last_used_at), when(t.expires_at), t.name) for t in rows]
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    header = ("ID", "SCOPE", "STATE", f"CREATED ({tz.key})", "LAST USED", "EXPIRES", "NAME")
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header) - 1)]
    for row in [header, *lines]:
        click.echo("  ".join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip())


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def token_revoke(ctx: _Context, token_id: int) -> None:
    """Revoke an API token (by the ID `token list` shows); it is refused at once."""
    from docflow.auth.operations import get_token, revoke_token
    from docflow.errors import DocflowError

    try:
        with ctx.services.db.transaction() as session:
            row = get_token(session, token_id)
            username = row.user.username
            changed = revoke_token(session, row)
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"revoked token {token_id} of {username}" if changed else
               f"token {token_id} of {username} was already revoked", err=True)


@cli.command()
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Index in this many processes side by side (each takes a core; searches go on meanwhile).")
@pass_ctx
def reindex(ctx: _Context, processes: int) -> None:
    """Rebuild the search index from the database into a fresh directory and swap it in."""
    from docflow.search.indexing import rebuild_index

    started = datetime.now(UTC)
    count, queued = rebuild_index(ctx.services.db, ctx.services.index, processes=processes,
                                  max_text_chars=ctx.settings.index.max_text_chars)
    took = (datetime.now(UTC) - started).total_seconds()
    click.echo(f"reindexed {count} documents in {took:.1f} s; {queued} queued again", err=True)


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
    if report.destroyed_versions:
        summary += (f"; {report.destroyed_versions} version(s) destroyed by a signed berita acara pemusnahan "
                    "(deleted on purpose, not missing)")
    if report.destroyed_files:
        summary += (f"; {report.destroyed_files} follow-up file(s) and intake record(s) whose files were destroyed "
                    "with their incoming letter (deleted on purpose, not missing)")
    click.echo(summary, err=True)
    if report.problems:
        sys.exit(1)


@cli.command()
@pass_ctx
def sweep(ctx: _Context) -> None:
    """Remove unclaimed stored objects and temporary files of processes that died, past their grace periods."""
    from docflow.fixity import sweep_orphans, sweep_temp_files

    removed = sweep_orphans(ctx.services)
    for key in removed:
        click.echo(key)
    temp_files = sweep_temp_files(ctx.services)
    for scratch in temp_files:
        click.echo(scratch.path)
    click.echo(f"removed {len(removed)} orphan object(s) and {len(temp_files)} abandoned temporary file(s) "
               f"({sum(f.size for f in temp_files)} bytes)", err=True)


def main() -> None:
    """Run the command line."""
    cli(prog_name="python -m docflow")


@cli.group()
def org() -> None:
    """Load the organisation (units, positions, people) from a file."""


@org.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; save nothing.")
@pass_ctx
def org_load(ctx: _Context, file: str, dry_run: bool) -> None:
    """Create or update units, positions and people from a TOML or CSV file, all or nothing.

    The format is described in docflow/admin/loader.py and shown in docs/organisation.example.toml.
    """
    from pathlib import Path

    from docflow.admin.loader import OrganisationFileError, load_organisation, read_organisation

    path = Path(file)
    session = ctx.services.db.session()
    try:
        report = load_organisation(session, read_organisation(path), source=path.name, today=ctx.services.today())
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except OrganisationFileError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.reason}; nothing was saved") from None
    finally:
        session.close()
    click.echo(("dry run, nothing saved: " if dry_run else "") + report.summary(), err=True)


@cli.group()
def ca() -> None:
    """Manage the organisation's certificate authority and signers' certificates."""


def _read_secret(prompt: str, *, confirm: bool) -> str:
    """Read one secret: a line of standard input when it is not a terminal, else asked for unseen."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException(f"no {prompt.lower()} on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} again: ") != first:
        raise click.ClickException("the two entries differ")
    return first


@ca.command("init")
@click.option("--name", default="", help="Common name of a new CA (default: '<organisation> Certificate Authority').")
@click.option("--org", "organisation", default="Pemerintah Kota", show_default=True,
              help="Organisation named in the CA and in every signer's certificate.")
@click.option("--import-cert", type=click.Path(exists=True, dir_okay=False), help="Existing CA certificate (PEM).")
@click.option("--import-key", type=click.Path(exists=True, dir_okay=False), help="Its private key (PEM).")
@click.option("--key-password", is_flag=True, help="The imported key is encrypted: read its password from stdin.")
@pass_ctx
def ca_init(ctx: _Context, name: str, organisation: str, import_cert: str | None, import_key: str | None,
            key_password: bool) -> None:
    """Create the CA (or import an existing one); its key is kept encrypted with the instance secret."""
    from pathlib import Path

    from docflow.config import ca_key_secret
    from docflow.errors import DocflowError
    from docflow.signing.operations import init_ca

    if bool(import_cert) != bool(import_key):
        raise click.ClickException("--import-cert and --import-key go together")
    password = _read_secret("Key password", confirm=False) if key_password else None
    services = ctx.services
    try:
        with services.db.transaction() as session:
            authority = init_ca(
                session, secret_key=ca_key_secret(ctx.settings), now=services.now(),
                common=name or f"{organisation} Certificate Authority", org=organisation,
                certificate_pem=Path(import_cert).read_bytes() if import_cert else None,
                key_pem=Path(import_key).read_bytes() if import_key else None, key_password=password)
            subject, serial = authority.subject, authority.serial
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"certificate authority ready: {subject} (serial {serial})", err=True)
    if not ctx.settings.server.public_url:
        click.echo("note: server.public_url is empty, so certificates issued from the command line name no CRL "
                   "address; set it before issuing", err=True)


@ca.command("issue")
@click.argument("username")
@pass_ctx
def ca_issue(ctx: _Context, username: str) -> None:
    """Issue a signer's certificate; the signer's new passphrase is read from stdin (or asked for)."""
    from docflow.auth.operations import get_user
    from docflow.config import ca_key_secret
    from docflow.errors import DocflowError
    from docflow.signing.operations import issue_credential

    passphrase = _read_secret("Passphrase", confirm=True)
    services = ctx.services
    try:
        with services.db.transaction() as session:
            credential = issue_credential(session, secret_key=ca_key_secret(ctx.settings),
                                          user=get_user(session, username), passphrase=passphrase,
                                          now=services.now(), base_url=ctx.settings.server.public_url)
            serial, not_after = credential.serial, credential.not_after
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"issued certificate {serial} to {username}, valid until {not_after:%Y-%m-%d}", err=True)


@ca.command("import")
@click.argument("username")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_ctx
def ca_import(ctx: _Context, username: str, file: str) -> None:
    """Import a signer's key and certificate from PKCS#12: its password, then a new passphrase, on stdin."""
    from pathlib import Path

    from docflow.auth.operations import get_user
    from docflow.errors import DocflowError
    from docflow.signing.operations import import_credential

    p12_password = _read_secret("PKCS#12 password", confirm=False)
    passphrase = _read_secret("New passphrase", confirm=True)
    services = ctx.services
    try:
        with services.db.transaction() as session:
            credential = import_credential(session, user=get_user(session, username), p12=Path(file).read_bytes(),
                                           p12_password=p12_password, passphrase=passphrase, now=services.now())
            serial = credential.serial
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(f"imported certificate {serial} for {username}", err=True)


@ca.command("revoke")
@click.argument("who")
@click.option("--reason", default="unspecified", show_default=True,
              type=click.Choice(["unspecified", "key_compromise", "affiliation_changed", "superseded",
                                 "cessation_of_operation"]))
@pass_ctx
def ca_revoke(ctx: _Context, who: str, reason: str) -> None:
    """Revoke a certificate by serial number, or every valid certificate of a username."""
    from docflow.errors import DocflowError
    from docflow.signing.operations import revoke_credential
    from docflow.signing.queries import find_credentials

    services = ctx.services
    try:
        with services.db.transaction() as session:
            targets = [c for c in find_credentials(session, who) if c.revoked_at is None]
            if not targets:
                raise click.ClickException(f"no valid certificate of {who!r}")
            for credential in targets:
                revoke_credential(session, credential=credential, reason=reason, now=services.now())
            serials = [c.serial for c in targets]
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    for serial in serials:
        click.echo(f"revoked {serial}")


@ca.command("crl")
@pass_ctx
def ca_crl(ctx: _Context) -> None:
    """Print the current certificate revocation list (PEM)."""
    from cryptography.hazmat.primitives import serialization

    from docflow.config import ca_key_secret
    from docflow.errors import DocflowError
    from docflow.signing.operations import current_crl

    services = ctx.services
    try:
        with services.db.transaction() as session:
            crl = current_crl(session, secret_key=ca_key_secret(ctx.settings), now=services.now())
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    click.echo(crl.public_bytes(serialization.Encoding.PEM).decode("ascii"), nl=False)


@cli.group()
def secret() -> None:
    """Make and rotate the secrets every node shares (server.secret_key, signing.ca_key_secret)."""


@secret.command("generate")
def secret_generate() -> None:
    """Print a new random secret, for server.secret_key or signing.ca_key_secret."""
    click.echo(secrets.token_urlsafe(48))


@secret.command("rotate")
@pass_ctx
def secret_rotate(ctx: _Context) -> None:
    """Re-encrypt the CA key with the configured secret; the previous secret is read from stdin.

    Set the new signing.ca_key_secret (or, without one, server.secret_key) in every node's
    configuration first, run this once, then restart the nodes.
    """
    from docflow.config import ca_key_secret
    from docflow.errors import DocflowError
    from docflow.signing.operations import rotate_ca_secret

    old = _read_secret("Previous secret", confirm=False)
    new = ca_key_secret(ctx.settings)
    if not old:
        raise click.ClickException("the previous secret is empty")
    try:
        with ctx.services.db.transaction() as session:
            changed = rotate_ca_secret(session, old_secret=old, new_secret=new)
            subjects = [authority.subject for authority in changed]
    except DocflowError as exc:
        raise click.ClickException(exc.reason) from None
    for subject in subjects:
        click.echo(f"re-encrypted the key of {subject}")
    click.echo(f"{len(subjects)} certificate authority key(s) re-encrypted with the configured secret", err=True)


@cli.command()
@click.argument("destination", type=click.Path(file_okay=False))
@pass_ctx
def backup(ctx: _Context, destination: str) -> None:
    """Back up the embedded default while it runs: SQLite database, stored objects, generated secret key."""
    from pathlib import Path

    from docflow.backup import BackupRefused, back_up_instance

    try:
        report = back_up_instance(ctx.settings, Path(destination))
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"database {report.database_bytes} bytes; {report.objects_copied} object(s) copied, "
               f"{report.objects_present} already there" + ("; secret_key copied" if report.secret_key_copied else "")
               + f"; keep the configuration file ({'DOCFLOW_CONFIG' if os.environ.get('DOCFLOW_CONFIG') else 'config.toml'}) "
               "with it: it holds the secrets", err=True)


@cli.command("verify-package")
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
def verify_package(package: str) -> None:
    """Check an export package offline: BagIt manifests, every file's SHA-256, the audit records' hashes."""
    from docflow.audit.operations import record_hash
    from docflow.export.bag import verify_bag

    report = verify_bag(package, record_hash=record_hash)
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"{report.files} file(s), {report.octets} bytes, {report.audit_records} audit record(s): "
               + ("the package is intact" if report.ok else f"{len(report.problems)} problem(s)"), err=True)
    if not report.ok:
        sys.exit(1)


@cli.command("export")
@click.argument("destination", type=click.Path(file_okay=False))
@pass_ctx
def export_(ctx: _Context, destination: str) -> None:
    """Export the whole instance (rows, objects, settings without secrets) into a new folder."""
    from pathlib import Path

    from docflow.export.instance import TransferRefused, export_instance
    from storage import StorageError

    started = time.monotonic()
    try:
        report = export_instance(ctx.services, Path(destination), progress=lambda m: click.echo(m, err=True))
    except (TransferRefused, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exported {sum(report.rows.values())} row(s) of {len(report.rows)} table(s) and {report.objects} "
               f"object(s) ({report.object_bytes} bytes) in {time.monotonic() - started:.1f} s; the secrets "
               "(server.secret_key, signing.ca_key_secret, ...) are not exported: carry the configuration over",
               err=True)


@cli.command("import")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@pass_ctx
def import_(ctx: _Context, source: str) -> None:
    """Import a whole-instance export into this new, empty instance, then rebuild the search index."""
    from pathlib import Path

    from docflow.export.instance import TransferRefused, import_instance
    from storage import StorageError

    ctx.needs_current_schema = False
    _init(ctx.services)
    started = time.monotonic()
    try:
        report = import_instance(ctx.services, Path(source), progress=lambda m: click.echo(m, err=True))
    except (TransferRefused, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"imported {sum(report.rows.values())} row(s) of {len(report.rows)} table(s) and {report.objects} "
               f"object(s) ({report.object_bytes} bytes), indexed {report.indexed} document(s) in "
               f"{time.monotonic() - started:.1f} s; run `python -m docflow check` to confirm", err=True)


@cli.command("import-legacy")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and file, report each problem, write nothing.")
@click.option("--as", "username", default="admin", show_default=True,
              help="The person recorded as importing the letters (in their audit trail).")
@pass_ctx
def import_legacy(ctx: _Context, manifest: str, dry_run: bool, username: str) -> None:
    """Import a legacy archive: a CSV manifest (or a ZIP holding it and the files); letters keep their numbers."""
    from pathlib import Path

    from docflow.auth.models import User
    from docflow.export.legacy import LegacyImportRefused, check_manifest, import_plan, open_manifest

    services = ctx.services
    with services.db.session() as session:
        actor = session.scalar(select(User).where(User.username == username))
    if actor is None:
        raise click.ClickException(f"no user {username!r}: name the importing person with --as")
    path = Path(manifest)
    echo = lambda message: click.echo(message, err=True)  # noqa: E731
    try:
        with open_manifest(path) as (text, files):
            plan = check_manifest(services, text, files, progress=echo)
            for row, problem in plan.problems:
                click.echo(f"row {row}: {problem}")
            echo(f"{plan.rows} row(s): {len(plan.letters)} to import, {len(plan.done)} imported before, "
                 f"{len({row for row, _ in plan.problems})} with problems")
            if plan.problems:
                raise click.ClickException("nothing was imported: correct the rows above and run again"
                                           if not dry_run else "the manifest has problems (dry run: nothing written)")
            if dry_run:
                echo("dry run: nothing was written")
                return
            report = import_plan(services, plan, files, actor_id=actor.id, manifest=path.name, progress=echo)
    except LegacyImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    echo(f"imported {report.imported} letter(s) in {report.seconds:.1f} s, skipped {report.skipped} imported "
         "before; the worker reads (OCR) and indexes them")
