"""Certificates: the CA from the command line, signers' certificates from the browser or PKCS#12, revocation."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from sqlalchemy import select

from docflow.auth.models import Role
from docflow.auth.operations import create_user
from docflow.config import ca_key_secret
from docflow.errors import ValidationFailed
from docflow.signing import pki
from docflow.signing.errors import CertificateProblem, WrongPassphrase
from docflow.signing.models import SignerCredential
from docflow.signing.operations import current_crl, import_credential
from tests.signing.helpers import PASSPHRASE, setup_ca


def test_signer_key_opens_only_with_its_passphrase():
    key = pki.new_key(pki.SIGNER_KEY_BITS)
    sealed = pki.seal_signer_key(key, PASSPHRASE)
    assert "ENCRYPTED PRIVATE KEY" in sealed.pem and PASSPHRASE not in sealed.pem
    opened = pki.open_signer_key(sealed, PASSPHRASE)
    assert opened.public_key().public_numbers() == key.public_key().public_numbers()
    with pytest.raises(WrongPassphrase) as refused:
        pki.open_signer_key(sealed, PASSPHRASE + "!")
    assert refused.value.field == "passphrase" and PASSPHRASE not in refused.value.reason
    with pytest.raises(ValidationFailed):
        pki.check_passphrase("pendek")


def test_ca_key_needs_the_instance_secret():
    _cert, key = pki.create_ca("CA Uji", "Pemerintah Kota Uji", datetime.now(UTC), key=pki.new_key(2048))
    wrapped = pki.wrap_ca_key(key, "rahasia-instans")
    assert pki.unwrap_ca_key(wrapped, "rahasia-instans").private_numbers() == key.private_numbers()
    with pytest.raises(CertificateProblem):
        pki.unwrap_ca_key(wrapped, "kunci-lain")


def test_admin_issues_and_revokes_a_certificate_in_the_browser(app, client, db, services, make_user, login):
    setup_ca(db, services)
    admin = make_user("admin-sertifikat", roles=(Role.ADMIN,))
    signer = create_user(db, username="kadis", password=None, roles=[Role.SIGNER], full_name="Kepala Dinas Uji")
    db.commit()
    login(admin)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/admin/certificates").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "username": "kadis", "passphrase": PASSPHRASE}
    differ = client.post("/admin/certificates", data={**form, "passphrase_confirm": "lain sama sekali"})
    assert differ.status_code == 400 and PASSPHRASE not in differ.get_data(as_text=True)
    issued = client.post("/admin/certificates", data={**form, "passphrase_confirm": PASSPHRASE})
    assert issued.status_code == 302
    credential = db.scalars(select(SignerCredential).where(SignerCredential.user_id == signer.id)).one()
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Kepala Dinas Uji"
    distribution = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert distribution[0].full_name[0].value == "http://localhost/crl.crl"
    assert PASSPHRASE not in credential.encrypted_key_pem

    page = client.get("/admin/certificates").get_data(as_text=True)
    assert credential.serial in page
    revoked = client.post(f"/admin/certificates/{credential.id}/revoke",
                          data={"csrf_token": csrf, "reason": "affiliation_changed"})
    assert revoked.status_code == 302
    db.expire_all()
    assert db.get(SignerCredential, credential.id).revocation_reason == "affiliation_changed"
    crl = current_crl(db, secret_key=ca_key_secret(services.settings), now=services.now())
    assert crl.get_revoked_certificate_by_serial_number(int(credential.serial, 16)) is not None


def test_only_administrators_see_the_certificates_page(client, db, services, make_user, login):
    login(make_user("bukan-admin", roles=(Role.SIGNER,)))
    assert client.get("/admin/certificates").status_code == 403
    client.post("/logout")
    assert client.get("/admin/certificates").status_code == 302  # to the login page


def test_pkcs12_import_accepts_only_our_ca(db, services):
    authority = setup_ca(db, services)
    signer = create_user(db, username="sekda", password=None, full_name="Sekretaris Daerah")
    ca_cert = pki.load_certificate_pem(authority.certificate_pem.encode())
    ca_key = pki.unwrap_ca_key(authority.encrypted_key_pem, ca_key_secret(services.settings))
    key = pki.new_key(2048)
    cert = pki.issue_certificate(ca_cert, ca_key, public_key=key.public_key(), name="Sekretaris Daerah", unit="",
                                 nip=None, crl_url=None, now=datetime.now(UTC))
    p12 = pkcs12.serialize_key_and_certificates(b"sekda", key, cert, [ca_cert], BestAvailableEncryption(b"p12-pass"))
    with pytest.raises(CertificateProblem):
        import_credential(db, user=signer, p12=p12, p12_password="salah", passphrase=PASSPHRASE,
                          now=services.now())
    credential = import_credential(db, user=signer, p12=p12, p12_password="p12-pass", passphrase=PASSPHRASE,
                                   now=services.now())
    assert credential.source == "imported" and credential.chain_pem == ""
    assert pki.open_signer_key(pki.SealedKey(credential.encrypted_key_pem, credential.key_kdf, credential.key_salt),
                               PASSPHRASE).public_key().public_numbers() == key.public_key().public_numbers()

    other_cert, other_key = pki.create_ca("CA Lain", "Kota Lain", datetime.now(UTC), key=pki.new_key(2048))
    stranger = pki.issue_certificate(other_cert, other_key, public_key=key.public_key(), name="Orang Lain", unit="",
                                     nip=None, crl_url=None, now=datetime.now(UTC))
    foreign = pkcs12.serialize_key_and_certificates(b"x", key, stranger, None, BestAvailableEncryption(b"p12-pass"))
    with pytest.raises(CertificateProblem, match="not issued by this organisation"):
        import_credential(db, user=signer, p12=foreign, p12_password="p12-pass", passphrase=PASSPHRASE,
                          now=services.now())


def test_ca_commands_on_a_fresh_instance(tmp_path: Path):
    """Do `ca init`, `ca issue`, `ca revoke` and `ca crl` work from the command line?"""
    from docflow.cli import cli

    env = {"DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / "instance"), "DOCFLOW_SERVER__SECRET_KEY": "cli-secret",
           "DOCFLOW_SERVER__PUBLIC_URL": "https://surat.kota.example", "DOCFLOW_CONFIG": ""}
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        result = runner.invoke(cli, list(args), env=env, input=stdin, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("init")
    run("user", "create", "walikota", "--role", "signer", "--full-name", "Wali Kota Uji", stdin="sandi-walikota\n")
    run("ca", "init", "--org", "Pemerintah Kota Uji")
    assert runner.invoke(cli, ["ca", "init"], env=env).exit_code != 0  # only one CA
    short = runner.invoke(cli, ["ca", "issue", "walikota"], env=env, input="pendek\n")
    assert short.exit_code != 0 and "at least 8" in short.output
    issued = run("ca", "issue", "walikota", stdin=PASSPHRASE + "\n")
    serial = re.search(r"issued certificate ([0-9a-f]+)", issued.output).group(1)
    assert PASSPHRASE not in issued.output
    crl = x509.load_pem_x509_crl(run("ca", "crl").stdout.encode())
    assert crl.get_revoked_certificate_by_serial_number(int(serial, 16)) is None
    assert run("ca", "revoke", "walikota", "--reason", "key_compromise").stdout.strip() == f"revoked {serial}"
    crl = x509.load_pem_x509_crl(run("ca", "crl").stdout.encode())
    entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert runner.invoke(cli, ["ca", "revoke", serial], env=env).exit_code != 0  # nothing valid left
