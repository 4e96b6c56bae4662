"""The commands as an operator types them: import-legacy (dry run, then for real), export, import, check, verify-package."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures import make_pdf

REPO = Path(__file__).resolve().parent.parent.parent


def _cli(instance: Path, *args: str, stdin: str | None = None, code: int = 0) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env.update({"DOCFLOW_SERVER__INSTANCE_DIR": str(instance), "DOCFLOW_SERVER__LOG_LEVEL": "WARNING",
                "DOCFLOW_SERVER__SECRET_KEY": "kunci-uji", "DOCFLOW_SIGNING__CA_KEY_SECRET": "kunci-ca-uji",
                "DOCFLOW_EXTRACTION__OCR": "false"})
    result = subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, input=stdin,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == code, f"{args}: {result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_legacy_import_export_import_check_and_verify_package_commands(tmp_path):
    """Do the documented commands move a legacy archive into one instance and the whole instance into another?"""
    source, target = tmp_path / "lama", tmp_path / "baru"
    _cli(source, "init")
    _cli(source, "unit", "create", "DISKOMINFO", "Dinas Komunikasi dan Informatika")
    _cli(source, "user", "create", "admin", "--role", "admin", "--unit", "DISKOMINFO", stdin="correct horse battery\n")
    archive = tmp_path / "arsip"
    archive.mkdir()
    (archive / "a.pdf").write_bytes(make_pdf("Arsip penugasan pegawai"))
    (archive / "b.pdf").write_bytes(make_pdf("Undangan rapat kearsipan"))
    manifest = archive / "manifest.csv"
    manifest.write_text("number,date,type,classification,unit,sender,security_class,file,title\n"
                        "800/1/DISKOMINFO/2018,2018-02-01,nota_dinas,000,DISKOMINFO,Kepala Dinas,biasa,a.pdf,Penugasan\n"
                        "800/2/DISKOMINFO/2018,2018-02-02,nota_dinas,000,DISKOMINFO,,biasa,b.pdf,Undangan\n"
                        "800/3/DISKOMINFO/2018,2018-02-30,nota_dinas,000,DISKOMINFO,,biasa,c.pdf,Hilang\n")
    dry = _cli(source, "import-legacy", str(manifest), "--dry-run", code=1)
    assert "row 4: date '2018-02-30' is not a date" in dry.stdout and "row 4: file 'c.pdf' is not there" in dry.stdout
    manifest.write_text("\n".join(manifest.read_text().splitlines()[:3]) + "\n")
    assert "2 to import" in _cli(source, "import-legacy", str(manifest), "--dry-run").stderr
    done = _cli(source, "import-legacy", str(manifest))
    assert "imported 2 letter(s)" in done.stderr and "imported 2 of 2" in done.stderr
    assert "0 to import, 2 imported before" in _cli(source, "import-legacy", str(manifest)).stderr
    _cli(source, "worker", "--once")
    _cli(source, "check")

    export = tmp_path / "ekspor"
    assert "exported" in _cli(source, "export", str(export)).stderr
    imported = _cli(target, "import", str(export))
    assert "indexed 2 document(s)" in imported.stderr
    _cli(target, "check")
    refused = _cli(target, "import", str(export), code=1)
    assert "this instance is not empty" in refused.stderr
    again = tmp_path / "ekspor-lagi"
    _cli(target, "export", str(again))
    assert (again / "checksums.sha256").read_bytes() == (export / "checksums.sha256").read_bytes()

    # A package of an imported letter, checked offline by the command.
    from docflow.config import load_settings
    from docflow.export.package import package_stream
    from docflow.services import Services

    services = Services.from_settings(load_settings(overrides={"server": {"instance_dir": str(target)}}, environ={}))
    try:
        zipped = b"".join(package_stream(services.db, services.store, [1, 2], tz=services.timezone, trust=None,
                                         source="uji"))
    finally:
        services.close()
    (tmp_path / "paket.zip").write_bytes(zipped)
    assert "the package is intact" in _cli(target, "verify-package", str(tmp_path / "paket.zip")).stderr
