"""The QR code of a signed letter points to server.public_url, never to a request's Host header."""
from __future__ import annotations

import pytest

from docflow.auth.operations import set_password
from docflow.cli import _local_public_url
from docflow.documents.models import Document
from docflow.extraction import PDF, extract_text
from tests.conftest import PASSWORD, make_settings
from tests.signing.helpers import PASSPHRASE, act, approved_letter, signed_file


def test_qr_link_ignores_the_host_header(client, db, services, office, token_for, tmp_path):
    """Does a sign request sent with another Host still stamp the configured address?"""
    letter = approved_letter(client, office, token_for)
    response = client.post(f"/api/v1/documents/{letter.id}/actions/sign",
                           json={"revision": letter.revision, "passphrase": PASSPHRASE},
                           headers=token_for(office.head_user), base_url="http://phishing.example")
    assert response.status_code == 200, response.get_json()
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_file(db, services, letter.id))
    text = extract_text(path, PDF).text
    assert "http://localhost/verify/" in text and "phishing.example" not in text


class TestWithoutPublicUrl:
    @pytest.fixture
    def settings(self, tmp_path):
        return make_settings(tmp_path, server={"public_url": ""})

    def test_signing_is_refused_and_the_page_says_why(self, client, db, office, token_for, login):
        """With server.public_url empty, is signing refused in the API and explained on the letter's page?"""
        letter = approved_letter(client, office, token_for)
        response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision,
                       passphrase=PASSPHRASE)
        assert response.status_code == 503
        assert "server.public_url" in response.get_json()["errors"][0]["reason"]
        db.expire_all()
        document = db.get(Document, letter.id)
        assert (document.state, document.number, len(document.versions)) == ("approved", None, 1)

        set_password(db, office.head_user, PASSWORD)
        db.commit()
        login(office.head_user)
        page = client.get(f"/documents/{letter.id}").get_data(as_text=True)
        assert 'id="sign-unavailable"' in page and "until an administrator sets server.public_url" in page
        assert 'disabled aria-describedby="sign-unavailable"' in page
        # Another action on the same page is not disabled.
        assert page.count(" disabled ") == 1


@pytest.mark.parametrize(("host", "port", "expected"), [
    ("127.0.0.1", 5000, "http://127.0.0.1:5000"),
    ("localhost", 8080, "http://localhost:8080"),
    ("::1", 5000, "http://[::1]:5000"),
    ("0.0.0.0", 5000, ""),
    ("::", 5000, ""),
])
def test_run_takes_its_own_address_as_the_public_url(host, port, expected):
    """Does `make run` (python -m docflow run) sign with the address it serves at, unless it listens everywhere?"""
    assert _local_public_url(host, port) == expected
