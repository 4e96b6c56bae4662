"""A real IMAP server for tests: Debian's Dovecot as an unprivileged instance on a port of 127.0.0.1.

Its own configuration, mail and state live in a temporary folder; accounts come from a passwd-file.
Messages are delivered by IMAP APPEND, as a mail server's delivery agent would leave them.
"""
from __future__ import annotations

import datetime as dt
import grp
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "rahasia-uji"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@dataclass
class ImapServer:
    host: str
    port: int
    folder: Path
    process: subprocess.Popen | None
    cert_file: Path | None

    def client(self, user: str) -> imaplib.IMAP4:
        """Log in as a mailbox owner over plain IMAP (the test's side, for delivering and looking)."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn

    def deliver(self, user: str, message: bytes, folder: str = "INBOX") -> None:
        """Put a message into a mailbox by IMAP APPEND."""
        conn = self.client(user)
        try:
            status, data = conn.append(folder, None, None, message)
            assert status == "OK", data
        finally:
            conn.logout()

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, str]:
        """Return each message's flags by UID."""
        conn = self.client(user)
        try:
            conn.select(folder, readonly=True)
            status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            found = {}
            for line in data:
                if isinstance(line, bytes) and b"UID" in line:
                    text = line.decode()
                    uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                    found[uid] = text.split("FLAGS (")[1].split(")")[0]
            return found
        finally:
            conn.logout()

    def stop(self) -> None:
        """Stop the server (the mailbox is down until start())."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def start(self) -> None:
        """Start (again) the server on its port and wait until it greets."""
        run_as = _run_as()
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.folder / "dovecot.conf")],
                                        user=run_as.pw_uid, group=run_as.pw_gid, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                log = (self.folder / "dovecot.log")
                raise RuntimeError("dovecot did not start: " + (log.read_text() if log.exists() else "no log"))
            time.sleep(0.1)


def _run_as() -> pwd.struct_passwd:
    # Dovecot refuses to run its login processes as root: a root test run starts it as nobody.
    return pwd.getpwnam("nobody") if os.getuid() == 0 else pwd.getpwuid(os.getuid())


def _config(folder: Path, port: int, users: list[str], cert: tuple[Path, Path] | None) -> str:
    run_as = _run_as()
    group = grp.getgrgid(run_as.pw_gid).gr_name
    ssl = (f"ssl = yes\nssl_cert = <{cert[0]}\nssl_key = <{cert[1]}\n" if cert else "ssl = no\n")
    (folder / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}::::::\n" for u in users))
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}disable_plaintext_auth = no
default_internal_user = {run_as.pw_name}
default_internal_group = {group}
default_login_user = {run_as.pw_name}
mail_location = maildir:{folder}/mail/%u
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={run_as.pw_uid} gid={run_as.pw_gid} home={folder}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


@contextmanager
def running_dovecot(users: list[str], *, tls: bool = False) -> Iterator[ImapServer]:
    """Run a Dovecot of the test's own with these mailbox owners; stop it and remove its folder afterwards."""
    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (scripts/system-deps test installs dovecot-imapd)")
    # Its own folder directly under /tmp: pytest's folders are private to the test's user, and a
    # root test run starts Dovecot as nobody.
    folder = Path(tempfile.mkdtemp(prefix="docflow-dovecot-"))
    cert = _self_signed(folder) if tls else None
    port = _free_port()
    (folder / "dovecot.conf").write_text(_config(folder, port, users, cert))
    run_as = _run_as()
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, run_as.pw_uid, run_as.pw_gid)
    server = ImapServer("127.0.0.1", port, folder, None, cert[0] if cert else None)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
