"""A file over the upload limit is refused with the limit named, on the page it came from."""
from __future__ import annotations

import io

import pytest

from tests.conftest import make_settings
from tests.fixtures import make_pdf


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, uploads={"max_size_mb": 0.001})


def test_too_large_file_is_refused_with_the_limit(client, make_user, login):
    login(make_user())
    big = make_pdf(*(["Lampiran anggaran " * 20] * 40))
    assert len(big) > 1100
    response = client.post("/documents/new", data={"title": "Lampiran", "classification_code": "900",
                                                    "file": (io.BytesIO(big), "lampiran.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "larger than" in html and "0.001" in html
    assert 'data-max-bytes="1048"' in client.get("/documents/new").get_data(as_text=True)
