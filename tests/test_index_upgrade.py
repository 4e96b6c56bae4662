"""An upgrade that changes the index's fields (schema version) rebuilds the index at `init`."""
from __future__ import annotations

import os

import pytest

from docflow.search.indexing import ensure_index
from search_index import IndexOutdatedError
from tests.conftest import upload
from tests.fixtures import make_pdf


def test_init_rebuilds_an_index_of_an_older_schema_from_the_database(client, services, make_user, token_for,
                                                                     run_worker):
    """After the recipients field came (schema version 2), does `init` rebuild the old index instead of failing?"""
    headers = token_for(make_user())
    doc_id = upload(client, headers, make_pdf("Laporan kearsipan"), title="Laporan kearsipan").get_json()["id"]
    run_worker()
    current = services.index.path / os.readlink(services.index.path / "current")
    (current / "docflow-schema-version").write_text("1\n")
    with pytest.raises(IndexOutdatedError):
        services.index.ensure_ready()
    assert ensure_index(services.db, services.index) is True
    assert ensure_index(services.db, services.index) is False  # ready now: nothing more to do
    found = client.get("/api/v1/search?q=arsip", headers=headers).get_json()
    assert [hit["id"] for hit in found["results"]] == [doc_id]
