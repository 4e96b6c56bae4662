"""Secrets: one shared, configured secret for every node; the CA key has its own; rotation is a command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("environ", "setting"), [
    ({}, "server.secret_key"),
    ({"DOCFLOW_SERVER__SECRET_KEY": "shared"}, "signing.ca_key_secret"),
    ({"DOCFLOW_SERVER__SECRET_KEY": "shared", "DOCFLOW_SIGNING__CA_KEY_SECRET": "shared"}, "must differ"),
])
def test_a_server_database_needs_configured_secrets(environ, setting, tmp_path):
    """Can a node on a shared database start with a secret generated for itself alone?"""
    from docflow.config import ConfigError, load_settings

    env = {"DOCFLOW_DATABASE__URL": "postgresql+psycopg://docflow@db.example/docflow",
           "DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path), **environ}
    with pytest.raises(ConfigError, match=setting.replace(".", r"\.")):
        load_settings(environ=env)
    settings = load_settings(environ={**env, "DOCFLOW_SERVER__SECRET_KEY": "shared",
                                      "DOCFLOW_SIGNING__CA_KEY_SECRET": "ca-only"})
    assert settings.signing.ca_key_secret == "ca-only"


def test_the_embedded_default_still_generates_its_secret(tmp_path):
    from docflow.config import ca_key_secret, ensure_secret_key, load_settings

    settings = load_settings(environ={"DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path)})
    assert ca_key_secret(settings) == ensure_secret_key(settings) == (tmp_path / "secret_key").read_text()


def test_the_ca_key_does_not_open_with_the_session_secret(services, db, make_services):
    """Does a leaked session secret leave the CA key closed, and a new session secret leave it usable?"""
    from docflow.config import ca_key_secret
    from docflow.signing import pki
    from docflow.signing.operations import current_crl
    from tests.signing.helpers import setup_ca

    authority = setup_ca(db, services)
    assert pki.opens_with(authority.encrypted_key_pem, "test-ca-key-secret")
    assert not pki.opens_with(authority.encrypted_key_pem, services.settings.server.secret_key)
    rotated_sessions = make_services(server={"secret_key": "a brand new session secret"})
    crl = current_crl(db, secret_key=ca_key_secret(rotated_sessions.settings), now=services.now())
    assert crl.is_signature_valid(pki.load_certificate_pem(authority.certificate_pem.encode()).public_key())


def test_rotation_re_encrypts_every_ca_key_all_or_nothing(services, db):
    from docflow.signing import pki
    from docflow.signing.errors import CertificateProblem
    from docflow.signing.operations import rotate_ca_secret
    from tests.signing.helpers import setup_ca

    authority = setup_ca(db, services)
    before = authority.encrypted_key_pem
    with pytest.raises(CertificateProblem, match="neither"):
        rotate_ca_secret(db, old_secret="not the old one", new_secret="new-secret")
    assert authority.encrypted_key_pem == before
    assert [a.id for a in rotate_ca_secret(db, old_secret="test-ca-key-secret", new_secret="new-secret")] == \
        [authority.id]
    db.commit()
    assert pki.opens_with(authority.encrypted_key_pem, "new-secret")
    assert not pki.opens_with(authority.encrypted_key_pem, "test-ca-key-secret")
    assert rotate_ca_secret(db, old_secret="test-ca-key-secret", new_secret="new-secret") == []  # twice: harmless


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docflow", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_secret_rotate_command(tmp_path):
    """The documented rotation: set the new secret, run `secret rotate` with the old one, the CA signs again."""
    env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / "instance"),
           "DOCFLOW_SERVER__LOG_LEVEL": "WARNING", "DOCFLOW_SIGNING__CA_KEY_SECRET": "first-ca-secret"}
    assert _cli(env, "init").returncode == 0
    made = _cli(env, "ca", "init", "--org", "Pemerintah Kota Uji")
    assert made.returncode == 0, made.stderr
    generated = _cli(env, "secret", "generate").stdout.strip()
    assert len(generated) >= 60
    env["DOCFLOW_SIGNING__CA_KEY_SECRET"] = generated
    refused = _cli(env, "ca", "crl")
    assert refused.returncode == 1 and "secret rotate" in refused.stderr
    wrong = _cli(env, "secret", "rotate", stdin="not-the-old-one\n")
    assert wrong.returncode == 1 and "nothing was changed" in wrong.stderr
    rotated = _cli(env, "secret", "rotate", stdin="first-ca-secret\n")
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted the key of" in rotated.stdout
    crl = _cli(env, "ca", "crl")
    assert crl.returncode == 0 and crl.stdout.startswith("-----BEGIN X509 CRL-----"), crl.stderr
