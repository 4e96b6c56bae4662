"""Settings: read config.toml, apply DOCFLOW_<SECTION>__<KEY> overrides, validate, resolve paths."""
from __future__ import annotations

import logging
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = REPO_ROOT / "config.toml"
ENV_PREFIX = "DOCFLOW_"


class ConfigError(Exception):
    """A setting is unknown or has a bad value; the message names the setting."""


@dataclass(frozen=True)
class ServerSettings:
    instance_dir: str = "var"
    secret_key: str = ""
    public_url: str = ""
    threads: int = 8
    secure_cookies: bool = False
    log_level: str = "INFO"
    # Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed.
    trusted_proxies: tuple[str, ...] = ()
    session_lifetime_hours: float = 12
    idle_timeout_minutes: float = 30


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///docflow.sqlite3"
    pool_size: int = 10


@dataclass(frozen=True)
class StorageSettings:
    backend: str = "filesystem"
    path: str = "objects"
    endpoint: str = ""
    access_key: str = ""
    secret_key: str = ""
    bucket: str = "docflow"
    secure: bool = True
    region: str = ""
    orphan_grace_hours: float = 24


@dataclass(frozen=True)
class IndexSettings:
    backend: str = "whoosh"
    path: str = "index"
    posting_cache_mb: int = 64
    max_text_chars: int = 500_000
    batch_max_mb: float = 4


@dataclass(frozen=True)
class UploadSettings:
    max_size_mb: float = 100
    allowed_types: tuple[str, ...] = (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "text/plain",
        "image/png",
        "image/jpeg",
        "image/tiff",
    )


@dataclass(frozen=True)
class ExtractionSettings:
    timeout_seconds: float = 30
    memory_limit_mb: int = 768
    max_chars: int = 5_000_000
    ocr: bool = True
    ocr_languages: tuple[str, ...] = ("ind", "eng")
    ocr_timeout_seconds: float = 300
    ocr_max_pages: int = 50


@dataclass(frozen=True)
class VerifySettings:
    max_size_mb: float = 20
    timeout_seconds: float = 15
    max_concurrent: int = 2
    max_concurrent_per_client: int = 1


@dataclass(frozen=True)
class WorkerSettings:
    poll_interval: float = 0.5
    batch_size: int = 200
    max_attempts: int = 5
    retry_base_seconds: float = 10
    lease_seconds: float = 30
    finished_retention_days: float = 14
    # Login attempts and ended browser sessions are kept this long (the throttle reads one day).
    login_retention_days: float = 30
    session_retention_days: float = 30


@dataclass(frozen=True)
class WorkflowSettings:
    timezone: str = "Asia/Jakarta"
    due_hours_biasa: float = 72
    due_hours_segera: float = 24
    due_hours_amat_segera: float = 8
    plt_max_days: int = 365
    plh_max_days: int = 92


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 25
    sender: str = "docflow@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout_seconds: float = 20


@dataclass(frozen=True)
class SigningSettings:
    # An RFC 3161 timestamp authority: letters then carry a trusted signing time (PAdES B-T/B-LTA).
    tsa_url: str = ""
    tsa_username: str = ""
    tsa_password: str = ""
    # PEM file (relative to the instance directory) of the CA certificate(s) the TSA's certificate chains to.
    tsa_ca_file: str = ""
    tsa_timeout_seconds: float = 10
    # Secret that the CA's private key is encrypted with (in the database). Empty: server.secret_key,
    # for the embedded default only; a server database needs its own (see ca_key_secret()).
    ca_key_secret: str = ""


@dataclass(frozen=True)
class HealthSettings:
    # /readyz fails when no worker beat for this long, or a due job waited this long.
    worker_silence_seconds: float = 120
    queue_age_seconds: float = 900


@dataclass(frozen=True)
class LoggingSettings:
    # "text" for people reading a terminal, "json" (one object a line) for a log collector.
    format: str = "text"
    # One line per request on the docflow.access logger.
    access_log: bool = True


@dataclass(frozen=True)
class MetricsSettings:
    # Bearer token Prometheus sends to /metrics; empty: /metrics answers only direct loopback requests.
    token: str = ""


@dataclass(frozen=True)
class ReportSettings:
    # Estimated cost of one ream (500 sheets) printed, paper and toner, in rupiah; 0: no estimate shown.
    cost_per_ream: float = 0.0
    # A web process counts a period of the paperless report at most this often (the page says when).
    cache_seconds: float = 300
    # The worker counts this year's months, quarters and the year ahead (report snapshots); a period
    # reaching into the last day is counted again when its snapshot is this old.
    refresh_seconds: float = 600
    # The web serves a snapshot up to this old (the page says when it was counted); older, it counts itself.
    snapshot_max_age_seconds: float = 172800


@dataclass(frozen=True)
class RetentionSettings:
    # When a letter's JRA years start: "next_year" (1 January of the year after it was filed, the
    # usual rule) or "filing_date" (the day it was signed, or registered for an incoming letter).
    count_from: str = "next_year"
    # Who approves a destruction, by the batch's longest retention (active + inactive years):
    # "MIN_YEARS:ESELON_LEVEL" pairs; the first pair whose MIN_YEARS the retention reaches gives the
    # highest eselon level (1 = I ... 4 = IV) the approving official may hold at most.
    destruction_approvers: tuple[str, ...] = ("0:2",)
    # The panitia penilai (appraisal committee) by username; empty: any archivist but the proposer.
    appraisal_panel: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntakeSettings:
    # TOML file (relative to the instance directory) naming each unit's mailbox and scanner folder;
    # empty: no intake without typing (see docs/intake-sources.example.toml).
    sources_file: str = ""
    # The worker reads every mailbox and folder this often; after a failure it waits as long again.
    poll_seconds: float = 60
    # A message larger than this is not fetched: it stays in the mailbox and is listed as failed.
    max_message_mb: float = 60
    # A scanner's file is read once it has not changed for this long (the scanner may still be writing).
    settle_seconds: float = 10
    timeout_seconds: float = 30


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    uploads: UploadSettings = field(default_factory=UploadSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    signing: SigningSettings = field(default_factory=SigningSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    # Folder that relative paths are resolved against (the config file's folder).
    base_dir: Path = REPO_ROOT

    @property
    def instance_path(self) -> Path:
        """Return the absolute instance directory."""
        return _resolve(self.base_dir, self.server.instance_dir)

    def instance_file(self, value: str) -> Path:
        """Resolve a path setting against the instance directory."""
        return _resolve(self.instance_path, value)

    @property
    def database_url(self) -> str:
        """Return the database URL with a relative SQLite path placed in the instance directory."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and url != "sqlite:///:memory:":
            path = url[len(prefix):]
            if path and not path.startswith("/"):
                return prefix + str(self.instance_file(path))
        return url

    @property
    def storage_options(self) -> dict[str, Any]:
        """Return the flat mapping that `storage.open_store` takes."""
        s = self.storage
        return {
            "backend": s.backend,
            "path": str(self.instance_file(s.path)),
            "endpoint": s.endpoint,
            "access_key": s.access_key,
            "secret_key": s.secret_key,
            "bucket": s.bucket,
            "secure": s.secure,
            "region": s.region or None,
        }

    @property
    def index_path(self) -> Path:
        """Return the absolute index directory."""
        return self.instance_file(self.index.path)

    @property
    def max_upload_bytes(self) -> int:
        """Return the upload limit in bytes."""
        return int(self.uploads.max_size_mb * 1024 * 1024)


_SECTIONS = {f.name: f for f in fields(Settings) if f.name != "base_dir"}


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _coerce(name: str, expected: Any, value: Any) -> Any:
    """Convert a TOML or environment value to the declared type, or raise ConfigError."""
    if expected is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"setting {name}: expected true or false, got {value!r}")
    if expected is int:
        if isinstance(value, bool):
            raise ConfigError(f"setting {name}: expected a whole number, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name}: expected a whole number, got {value!r}") from None
    if expected is float:
        if isinstance(value, bool):
            raise ConfigError(f"setting {name}: expected a number, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name}: expected a number, got {value!r}") from None
    if expected is str:
        if not isinstance(value, str):
            raise ConfigError(f"setting {name}: expected text, got {value!r}")
        return value
    if expected == tuple[str, ...]:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"setting {name}: expected a list of text, got {value!r}")
        return tuple(value)
    raise ConfigError(f"setting {name}: unsupported type {expected!r}")  # pragma: no cover


def _apply(settings: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    """Return settings with the nested mapping `values` applied, checking every key."""
    changes: dict[str, Any] = {}
    for section_name, section_values in values.items():
        if section_name not in _SECTIONS:
            raise ConfigError(f"{origin}: unknown section [{section_name}]")
        if not isinstance(section_values, Mapping):
            raise ConfigError(f"{origin}: [{section_name}] must be a table")
        section = changes.get(section_name, getattr(settings, section_name))
        hints = get_type_hints(type(section))
        known = {f.name for f in fields(section)}
        updates = {}
        for key, value in section_values.items():
            if key not in known:
                raise ConfigError(f"{origin}: unknown setting {section_name}.{key}")
            updates[key] = _coerce(f"{section_name}.{key}", hints[key], value)
        changes[section_name] = replace(section, **updates)
    return replace(settings, **changes)


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    overrides: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].partition("__")
        overrides.setdefault(section.lower(), {})[key.lower()] = value
    return overrides


def _validate(settings: Settings) -> None:
    s = settings
    if s.storage.backend not in {"filesystem", "minio"}:
        raise ConfigError(f"setting storage.backend: expected 'filesystem' or 'minio', got {s.storage.backend!r}")
    if s.storage.backend == "minio":
        for key in ("endpoint", "access_key", "secret_key", "bucket"):
            if not getattr(s.storage, key):
                raise ConfigError(f"setting storage.{key}: required when storage.backend is 'minio'")
    if not s.database.url.startswith(("sqlite:", "postgresql")):
        raise ConfigError(f"setting database.url: expected a sqlite:// or postgresql:// URL, got {s.database.url!r}")
    if s.server.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"setting server.log_level: expected DEBUG, INFO, WARNING or ERROR, got {s.server.log_level!r}")
    import ipaddress

    for proxy in s.server.trusted_proxies:
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            raise ConfigError(f"setting server.trusted_proxies: {proxy!r} is not an IP address or network") from None
    positive = {
        "server.threads": s.server.threads, "database.pool_size": s.database.pool_size,
        "server.session_lifetime_hours": s.server.session_lifetime_hours,
        "server.idle_timeout_minutes": s.server.idle_timeout_minutes,
        "uploads.max_size_mb": s.uploads.max_size_mb, "extraction.timeout_seconds": s.extraction.timeout_seconds,
        "extraction.memory_limit_mb": s.extraction.memory_limit_mb, "extraction.max_chars": s.extraction.max_chars,
        "extraction.ocr_timeout_seconds": s.extraction.ocr_timeout_seconds,
        "extraction.ocr_max_pages": s.extraction.ocr_max_pages,
        "index.max_text_chars": s.index.max_text_chars, "index.batch_max_mb": s.index.batch_max_mb,
        "verify.max_size_mb": s.verify.max_size_mb, "verify.timeout_seconds": s.verify.timeout_seconds,
        "verify.max_concurrent": s.verify.max_concurrent,
        "verify.max_concurrent_per_client": s.verify.max_concurrent_per_client,
        "worker.poll_interval": s.worker.poll_interval, "worker.batch_size": s.worker.batch_size,
        "worker.max_attempts": s.worker.max_attempts, "worker.retry_base_seconds": s.worker.retry_base_seconds,
        "worker.lease_seconds": s.worker.lease_seconds,
        "worker.finished_retention_days": s.worker.finished_retention_days,
        "worker.session_retention_days": s.worker.session_retention_days,
    }
    for name, value in positive.items():
        if value <= 0:
            raise ConfigError(f"setting {name}: must be greater than zero, got {value!r}")
    if s.worker.login_retention_days < 2:
        # The login throttle reads the last day of attempts; keep a day more.
        raise ConfigError(f"setting worker.login_retention_days: must be at least 2, got {s.worker.login_retention_days!r}")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(s.workflow.timezone)
    except Exception:
        raise ConfigError(f"setting workflow.timezone: unknown time zone {s.workflow.timezone!r}") from None
    for name in ("due_hours_biasa", "due_hours_segera", "due_hours_amat_segera", "plt_max_days", "plh_max_days"):
        if getattr(s.workflow, name) <= 0:
            raise ConfigError(f"setting workflow.{name}: must be greater than zero")
    if s.signing.tsa_url:
        if not s.signing.tsa_url.startswith(("http://", "https://")):
            raise ConfigError(f"setting signing.tsa_url: expected an http:// or https:// URL, got {s.signing.tsa_url!r}")
        if not s.signing.tsa_ca_file:
            raise ConfigError("setting signing.tsa_ca_file: required when signing.tsa_url is set (the PEM of the "
                              "CA that issued the timestamp authority's certificate)")
        if not s.instance_file(s.signing.tsa_ca_file).is_file():
            raise ConfigError(f"setting signing.tsa_ca_file: no file {s.instance_file(s.signing.tsa_ca_file)}")
        if s.signing.tsa_timeout_seconds <= 0:
            raise ConfigError("setting signing.tsa_timeout_seconds: must be greater than zero")
    if not s.database_url.startswith("sqlite"):
        # Several nodes share a server database: each must sign sessions and open the CA key alike,
        # so nothing may be generated per node, and the CA key must not hang on the session secret.
        if not s.server.secret_key:
            raise ConfigError("setting server.secret_key: required with a server database (every node must share "
                              "it; `python -m docflow secret generate` makes one)")
        if not s.signing.ca_key_secret:
            raise ConfigError("setting signing.ca_key_secret: required with a server database (the CA key's own "
                              "secret, not server.secret_key; `python -m docflow secret generate` makes one)")
    if s.signing.ca_key_secret and s.signing.ca_key_secret == s.server.secret_key:
        raise ConfigError("setting signing.ca_key_secret: must differ from server.secret_key")
    if s.logging.format not in {"text", "json"}:
        raise ConfigError(f"setting logging.format: expected 'text' or 'json', got {s.logging.format!r}")
    for name in ("worker_silence_seconds", "queue_age_seconds"):
        if getattr(s.health, name) <= 0:
            raise ConfigError(f"setting health.{name}: must be greater than zero")
    if not 0 < s.mail.port < 65536:
        raise ConfigError(f"setting mail.port: expected 1-65535, got {s.mail.port}")
    if s.reports.cost_per_ream < 0 or s.reports.cache_seconds < 0:
        raise ConfigError("settings reports.cost_per_ream and reports.cache_seconds: must not be negative")
    if s.retention.count_from not in {"next_year", "filing_date"}:
        raise ConfigError(f"setting retention.count_from: expected 'next_year' or 'filing_date', "
                          f"got {s.retention.count_from!r}")
    try:
        approver_rules(s.retention.destruction_approvers)
    except ValueError as exc:
        raise ConfigError(f"setting retention.destruction_approvers: {exc}") from None
    if s.reports.refresh_seconds <= 0 or s.reports.snapshot_max_age_seconds < 0:
        raise ConfigError("settings reports.refresh_seconds (> 0) and reports.snapshot_max_age_seconds (>= 0): "
                          "out of range")
    if s.storage.orphan_grace_hours < 0:
        raise ConfigError("setting storage.orphan_grace_hours: must not be negative")
    if s.index.backend not in {"whoosh", "postgres"}:
        raise ConfigError(f"setting index.backend: expected 'whoosh' or 'postgres', got {s.index.backend!r}")
    if s.index.backend == "postgres" and not s.database_url.startswith("postgresql"):
        raise ConfigError("setting index.backend: 'postgres' keeps the index in the database, so database.url "
                          f"must be a postgresql:// URL, got {s.database.url!r}")
    if s.index.posting_cache_mb < 0:
        raise ConfigError(f"setting index.posting_cache_mb: must not be negative, got {s.index.posting_cache_mb!r}")
    from docflow.extraction import ALLOWED_TYPES

    unknown = [t for t in s.uploads.allowed_types if t not in ALLOWED_TYPES]
    if unknown:
        raise ConfigError(
            f"setting uploads.allowed_types: Docflow cannot read {', '.join(unknown)}; "
            f"choose from {', '.join(sorted(ALLOWED_TYPES))}"
        )
    from docflow.extraction.ocr import is_language_name

    languages = s.extraction.ocr_languages
    if not languages or not all(is_language_name(name) for name in languages):
        raise ConfigError(
            f"setting extraction.ocr_languages: expected Tesseract language names such as ind, eng, got {languages!r}"
        )


def approver_rules(values: tuple[str, ...]) -> list[tuple[int, int]]:
    """Parse retention.destruction_approvers into (min_years, eselon_level) pairs, longest first."""
    rules = []
    for value in values:
        years, sep, level = str(value).partition(":")
        if not sep or not years.strip().isdigit() or level.strip() not in {"1", "2", "3", "4"}:
            raise ValueError(f"expected pairs such as \"10:1\" (years:eselon level 1-4), got {value!r}")
        rules.append((int(years), int(level)))
    if not rules or min(r[0] for r in rules) != 0:
        raise ValueError("one pair must start at 0 years, so that every batch has an approver")
    return sorted(rules, reverse=True)


def load_settings(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the config file (DOCFLOW_CONFIG or config.toml), apply overrides and the environment, validate."""
    environ = os.environ if environ is None else environ
    config_path = Path(path or environ.get("DOCFLOW_CONFIG") or DEFAULT_CONFIG_FILE).resolve()
    try:
        with config_path.open("rb") as fh:
            values = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file {config_path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {config_path}: {exc}") from None
    settings = Settings(base_dir=config_path.parent)
    settings = _apply(settings, values, str(config_path))
    settings = _apply(settings, _env_overrides(environ), "environment")
    if overrides:
        settings = _apply(settings, overrides, "overrides")
    _validate(settings)
    return settings


def ensure_secret_key(settings: Settings) -> str:
    """Return the configured secret key, or one generated once and kept in the instance directory."""
    if settings.server.secret_key:
        return settings.server.secret_key
    key_file = settings.instance_path / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (serve or worker) created it first
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    logger.info("generated a new secret key in %s", key_file)
    return key


def ca_key_secret(settings: Settings) -> str:
    """Return the secret that opens the CA key: signing.ca_key_secret, else the instance's secret key."""
    return settings.signing.ca_key_secret or ensure_secret_key(settings)
