"""The production topology on this machine, as README's "Running in production" builds it: nginx with TLS
(deploy/nginx/docflow.conf, a test certificate) in front of two `serve` nodes with separate instance
folders, workers, PostgreSQL and an S3 store, all on loopback, started and stopped by the test."""
from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "deploy" / "nginx" / "docflow.conf"
SERVER_NAME = "docflow.example.go.id"


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a self-signed TLS certificate for the site's name and 127.0.0.1; return (certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVER_NAME),
                                                        x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def nginx_site(web_ports: list[int], http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """Return deploy/nginx/docflow.conf with only its addresses, ports and certificate paths changed."""
    site = SITE.read_text()
    upstream = "".join(f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in web_ports)
    start = site.index("    server 127.0.0.1:8000")
    end = site.index("    keepalive")
    site = site[:start] + upstream + site[end:]
    replacements = {
        "    listen [::]:80;\n": "", "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/docflow/fullchain.pem": str(cert), "/etc/ssl/docflow/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/docflow.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@dataclass
class Topology:
    """Nodes (instance folders), the shared configuration file, and the processes started."""

    root: Path
    database_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    bucket: str
    index: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    web_ports: dict[str, int] = field(default_factory=dict)
    https_port: int = 0
    metrics_token: str = "metrics-token-for-the-test"

    def __post_init__(self) -> None:
        self.https_port = free_port()
        self.cert, self.key = make_certificate(self.root)
        self.config = self.root / "docflow.toml"
        self.public_url = f"https://127.0.0.1:{self.https_port}"
        self.write_config()

    # -- configuration: README's /etc/docflow.toml ----------------------------------------------

    def write_config(self) -> None:
        """Write the configuration every node reads, as README's production section shows it."""
        index = "".join(f'{key} = "{value}"\n' for key, value in self.index.items())
        self.config.write_text(f'''[server]
secret_key = "multi-node-session-secret-0123456789abcdef"
public_url = "{self.public_url}"
secure_cookies = true
trusted_proxies = ["127.0.0.1"]
log_level = "INFO"
[signing]
ca_key_secret = "multi-node-ca-key-secret-0123456789abcdef"
[metrics]
token = "{self.metrics_token}"
[logging]
format = "json"
[database]
url = "{self.database_url}"
[storage]
backend = "minio"
endpoint = "{self.s3_endpoint}"
access_key = "{self.s3_access_key}"
secret_key = "{self.s3_secret_key}"
bucket = "{self.bucket}"
secure = false
[worker]
poll_interval = 0.2
lease_seconds = 4
[index]
{index}''')

    def env(self, node: str) -> dict[str, str]:
        """Return the environment of a process of one node: the shared file, the node's own folder."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
        return {**base, "DOCFLOW_CONFIG": str(self.config), "PYTHONUNBUFFERED": "1",
                "DOCFLOW_SERVER__INSTANCE_DIR": str(self.root / node)}

    # -- processes ---------------------------------------------------------------------------

    def cli(self, node: str, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """Run `python -m docflow ARGS` on a node and return what it did."""
        result = subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=self.env(node), input=stdin,
                                capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, f"{node}: {args}: {result.stdout}\n{result.stderr}"
        return result

    def start(self, name: str, node: str, *args: str) -> subprocess.Popen:
        """Start a long-running docflow command of a node, its log in <root>/<name>.log."""
        with (self.root / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "docflow", *args], cwd=REPO, env=self.env(node),
                                    stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def start_web(self, name: str, node: str) -> None:
        """Start `serve` on a node at a free port (as docflow-web@PORT.service does)."""
        port = self.web_ports.setdefault(name, free_port())
        self.start(name, node, "serve", "--host", "127.0.0.1", "--port", str(port))

    def start_worker(self, name: str, node: str, *args: str) -> None:
        """Start a worker on a node (as docflow-worker.service does)."""
        self.start(name, node, "worker", *args)

    def start_nginx(self) -> None:
        """Start nginx with the deploy/ site in front of the web nodes, in the foreground, on loopback only."""
        folder = self.root / "nginx"
        folder.mkdir(exist_ok=True)
        site = folder / "docflow.conf"
        site.write_text(nginx_site(list(self.web_ports.values()), free_port(), self.https_port, self.cert, self.key))
        main = folder / "nginx.conf"
        # The frame of Debian's /etc/nginx/nginx.conf, pointed at the test's folder. As root the workers
        # stay root: the test's folders are not open to nginx's usual user.
        user = "user root;\n" if os.geteuid() == 0 else ""
        temp = "".join(f"  {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
        main.write_text(f"{user}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nworker_processes 1;\n"
                        f"events {{}}\nhttp {{\n  access_log {folder}/access.log;\n{temp}  include {site};\n}}\n")
        self.procs["nginx"] = subprocess.Popen(["nginx", "-p", str(folder), "-e", str(folder / "error.log"),
                                                "-c", str(main), "-g", "daemon off;"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill(self, name: str) -> None:
        """Kill a process at once (SIGKILL: no clean shutdown, as when a host is lost)."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def pause(self, name: str) -> None:
        """Stop a process where it stands (SIGSTOP), e.g. so that another worker claims the jobs."""
        self.procs[name].send_signal(signal.SIGSTOP)

    def resume(self, name: str) -> None:
        """Let a paused process go on (SIGCONT)."""
        self.procs[name].send_signal(signal.SIGCONT)

    def wait_for_leased_jobs(self, timeout: float = 60) -> bool:
        """Wait until a worker holds a lease on a pending job; tell whether one did."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    if conn.scalar(text("SELECT count(*) FROM outbox_jobs WHERE state = 'pending' "
                                        "AND locked_until > now()")):
                        return True
                time.sleep(0.05)
            return False
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop every process still running, nginx last."""
        order = [name for name in self.procs if name != "nginx"] + (["nginx"] if "nginx" in self.procs else [])
        for name in order:
            if self.procs[name].poll() is None:
                self.procs[name].send_signal(signal.SIGCONT)  # a paused one must hear the SIGTERM
                self.procs[name].terminate()
        for name in order:
            try:
                self.procs[name].wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.procs[name].kill()
                self.procs[name].wait()

    def logs(self) -> str:
        """Return the tail of every log, for a failing assertion's message."""
        parts = []
        for log in sorted(self.root.glob("*.log")) + sorted((self.root / "nginx").glob("*.log")):
            parts.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    # -- HTTP --------------------------------------------------------------------------------

    def url(self, via: str) -> str:
        """Return the base address of a web node by name, or of the site through nginx ("proxy")."""
        return self.public_url if via == "proxy" else f"http://127.0.0.1:{self.web_ports[via]}"

    def request(self, via: str, path: str, token: str | None = None, data: bytes | None = None,
                content_type: str | None = None, timeout: float = 60) -> tuple[int, bytes]:
        """Send one request to a node or through nginx (TLS, the test certificate trusted); return status and body."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.url(via) + path, data=data, headers=headers)
        context = ssl.create_default_context(cafile=str(self.cert)) if via == "proxy" else None
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=context) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_until_up(self, via: str, path: str = "/healthz", timeout: float = 60) -> None:
        """Wait until a node (or the proxy) answers `path` with 200."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            try:
                status, body = self.request(via, path, timeout=5)
                if status == 200:
                    return
                last = (status, body[:500])
            except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError) as exc:
                last = exc
            time.sleep(0.2)
        raise AssertionError(f"{via}{path} did not answer 200 within {timeout} s: {last}\n{self.logs()}")

    def upload(self, via: str, token: str, title: str, text: str) -> int:
        """Upload a plain-text letter; return its id."""
        boundary = "docflowmultinode"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"surat.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
        status, raw = self.request(via, "/api/v1/documents", token, body, f"multipart/form-data; boundary={boundary}")
        assert status == 201, (status, raw[:500])
        return json.loads(raw)["id"]

    def search_ids(self, via: str, token: str, query: str) -> set[int]:
        """Return the ids a search finds (up to 100)."""
        status, raw = self.request(via, "/api/v1/search?per_page=100&q=" + urllib.parse.quote(query), token)
        assert status == 200, (status, raw[:500])
        return {result["id"] for result in json.loads(raw)["results"]}

    def wait_found(self, via: str, token: str, query: str, expected: set[int], timeout: float = 60) -> set[int]:
        """Search until exactly the expected letters are found or time runs out; return the last answer."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.search_ids(via, token, query)
            if found == expected or time.monotonic() > deadline:
                return found
            time.sleep(0.3)
