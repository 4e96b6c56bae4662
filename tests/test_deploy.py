"""The deployment files in deploy/ are checked by the tools that will read them (systemd, nginx)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.multinode import make_certificate

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
UNITS = ["docflow-web@8000.service", "docflow-worker.service", "docflow-check.service", "docflow-check.timer"]


def _units_here(tmp_path: Path) -> Path:
    """Copy the units with /opt/docflow pointing at this checkout, whose .venv exists."""
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in (DEPLOY / "systemd").iterdir():
        (folder / unit.name).write_text(unit.read_text().replace("/opt/docflow", str(REPO)))
    return folder


def _verify(folder: Path, *units: str) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *(f"./{u}" for u in units)], cwd=folder,
                          capture_output=True, text=True, timeout=60)


def test_systemd_units_verify(tmp_path):
    folder = _units_here(tmp_path)
    result = _verify(folder, *UNITS)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_systemd_verify_would_catch_a_broken_unit(tmp_path):
    """Does the check above fail when a unit is wrong (so that its passing means something)?"""
    folder = _units_here(tmp_path)
    worker = folder / "docflow-worker.service"
    worker.write_text(worker.read_text().replace("Restart=always", "Restart=sometimes"))
    result = _verify(folder, "docflow-worker.service")
    assert "sometimes" in result.stderr


def test_units_run_the_documented_commands():
    web = (DEPLOY / "systemd" / "docflow-web@.service").read_text()
    worker = (DEPLOY / "systemd" / "docflow-worker.service").read_text()
    assert "-m docflow serve --host 127.0.0.1 --port %i" in web and "Restart=always" in web
    assert "-m docflow worker" in worker and "Restart=always" in worker
    assert "DOCFLOW_CONFIG=/etc/docflow.toml" in web and "DOCFLOW_CONFIG=/etc/docflow.toml" in worker


def _nginx_t(tmp_path: Path, site_text: str) -> subprocess.CompletedProcess:
    cert, key = make_certificate(tmp_path)
    site = tmp_path / "docflow.conf"
    site.write_text(site_text.replace("/etc/ssl/docflow/fullchain.pem", str(cert))
                    .replace("/etc/ssl/docflow/privkey.pem", str(key)))
    main = tmp_path / "nginx.conf"
    # The frame of Debian's /etc/nginx/nginx.conf, pointed at the test's folder.
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n  include {site};\n}}\n")
    return subprocess.run(["nginx", "-t", "-q", "-p", str(tmp_path), "-e", "stderr", "-c", str(main)],
                          capture_output=True, text=True, timeout=60)


def test_nginx_site_passes_nginx_t(tmp_path):
    assert shutil.which("nginx"), "nginx is missing: scripts/system-deps test installs it"
    site = (DEPLOY / "nginx" / "docflow.conf").read_text()
    result = _nginx_t(tmp_path, site)
    assert result.returncode == 0, result.stderr
    broken = _nginx_t(tmp_path, site.replace("client_max_body_size 101m;", "client_max_body_size 101 m;"))
    assert broken.returncode != 0


def test_nginx_site_fits_the_settings():
    """Does the proxy pass what Docflow needs: large uploads, the client's address, a request id?"""
    from docflow.config import load_settings

    site = (DEPLOY / "nginx" / "docflow.conf").read_text()
    limit_mb = int(site.split("client_max_body_size ")[1].split("m;")[0])
    assert limit_mb >= load_settings(environ={}).uploads.max_size_mb
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Request-ID $request_id",
                   "X-Forwarded-Proto $scheme"):
        assert header in site
    assert "listen 443 ssl" in site and "return 301 https://" in site
