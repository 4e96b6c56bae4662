"""The intake sources file: each unit's mailbox (IMAP) and scanner folder, with its secret."""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docflow.config import ConfigError

SECURITIES = ("tls", "starttls", "none")


@dataclass(frozen=True)
class MailboxSource:
    """A unit's IMAP mailbox: the worker turns each message with a file into a pending registration."""

    name: str
    unit: str
    host: str
    port: int
    username: str
    password: str
    security: str = "tls"
    folder: str = "INBOX"
    ca_file: str = ""

    @property
    def key(self) -> str:
        """Return the name its health is recorded under."""
        return f"mail:{self.name}"


@dataclass(frozen=True)
class FolderSource:
    """A folder a unit's scanner writes into: each file becomes a pending registration."""

    name: str
    unit: str
    path: Path

    @property
    def key(self) -> str:
        """Return the name its health is recorded under."""
        return f"folder:{self.name}"


@dataclass(frozen=True)
class IntakeSources:
    mailboxes: tuple[MailboxSource, ...] = ()
    folders: tuple[FolderSource, ...] = ()


def _required(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} is required (text)")
    return value.strip()


def _password(entry: Mapping[str, Any], where: str, base: Path, environ: Mapping[str, str]) -> str:
    if entry.get("password_env"):
        name = str(entry["password_env"])
        if name not in environ:
            raise ConfigError(f"{where}: the environment variable {name} (password_env) is not set")
        return environ[name]
    if entry.get("password_file"):
        path = Path(str(entry["password_file"])).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read password_file {path}: {exc.strerror}") from exc
    if isinstance(entry.get("password"), str):
        return entry["password"]
    raise ConfigError(f"{where}: give password_file or password_env (or password)")


def parse_sources(data: Mapping[str, Any], *, base: Path, origin: str,
                  environ: Mapping[str, str] | None = None) -> IntakeSources:
    """Check the sources file's tables ([[mailbox]], [[folder]]) and return them."""
    environ = os.environ if environ is None else environ
    unknown = set(data) - {"mailbox", "folder"}
    if unknown:
        raise ConfigError(f"{origin}: unknown table {', '.join(sorted(unknown))} (expected [[mailbox]], [[folder]])")
    names: set[str] = set()
    mailboxes = []
    for n, entry in enumerate(data.get("mailbox", []), start=1):
        where = f"{origin}: mailbox {n}"
        name = _required(entry, "name", where)
        security = str(entry.get("security", "tls"))
        if security not in SECURITIES:
            raise ConfigError(f"{where}: security must be one of {', '.join(SECURITIES)}, got {security!r}")
        port = entry.get("port", 993 if security == "tls" else 143)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise ConfigError(f"{where}: port must be a whole number 1-65535")
        if f"mail:{name}" in names:
            raise ConfigError(f"{where}: the name {name!r} is used twice")
        names.add(f"mail:{name}")
        ca_file = str(entry.get("ca_file", ""))
        if ca_file and not Path(ca_file).is_absolute():
            ca_file = str(base / ca_file)
        mailboxes.append(MailboxSource(
            name=name, unit=_required(entry, "unit", where), host=_required(entry, "host", where), port=port,
            username=_required(entry, "username", where), password=_password(entry, where, base, environ),
            security=security, folder=str(entry.get("folder", "INBOX")), ca_file=ca_file))
    folders = []
    for n, entry in enumerate(data.get("folder", []), start=1):
        where = f"{origin}: folder {n}"
        name = _required(entry, "name", where)
        if f"folder:{name}" in names:
            raise ConfigError(f"{where}: the name {name!r} is used twice")
        names.add(f"folder:{name}")
        path = Path(_required(entry, "path", where)).expanduser()
        folders.append(FolderSource(name=name, unit=_required(entry, "unit", where),
                                    path=path if path.is_absolute() else base / path))
    return IntakeSources(tuple(mailboxes), tuple(folders))


def load_sources(sources_file: Path | None, *, environ: Mapping[str, str] | None = None) -> IntakeSources:
    """Read the intake sources file; none configured gives no sources."""
    if sources_file is None:
        return IntakeSources()
    try:
        data = tomllib.loads(sources_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"setting intake.sources_file: cannot read {sources_file}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{sources_file}: {exc}") from exc
    return parse_sources(data, base=sources_file.parent, origin=str(sources_file), environ=environ)
