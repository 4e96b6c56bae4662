"""Export packages: a BagIt ZIP of letters with their proof, checked offline, only for readers."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from docflow.audit.operations import record_hash
from docflow.cli import cli
from docflow.export.bag import verify_bag
from tests.conftest import PASSWORD, upload
from tests.fixtures import make_pdf
from tests.signing.helpers import PASSPHRASE, act, approved_letter, give_certificate, make_office, setup_ca


@pytest.fixture
def office(db, services):
    office = make_office(db, "DISKOMINFO")
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    return office


def _signed_letter(client, office, token_for) -> int:
    letter = approved_letter(client, office, token_for)
    response = act(client, token_for(office.head_user), letter.id, "sign", letter.revision, passphrase=PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    return letter.id


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def _downloads(db):
    from sqlalchemy import select

    from docflow.audit.models import AuditEvent

    db.expire_all()
    return db.scalars(select(AuditEvent).where(AuditEvent.action == "package_downloaded").order_by(AuditEvent.id)).all()


def _rezip(data: bytes, change) -> bytes:
    """Return the ZIP with one member's bytes changed by `change(name, bytes)`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename.split("/", 1)[1], source.read(info)))
    return out.getvalue()


def test_signed_letter_package_holds_its_proof_and_verifies_offline(client, db, services, office, token_for,
                                                                      tmp_path):
    """Does the package of a signed letter hold both versions, metadata, summary, audit and a sound signature report?"""
    doc_id = _signed_letter(client, office, token_for)
    response = client.get(f"/api/v1/documents/{doc_id}/package", headers=token_for(office.drafter))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip" and response.headers["X-Package-Documents"] == "1"
    data = response.get_data()
    members = _members(data)
    assert members["bagit.txt"].startswith(b"BagIt-Version: 1.0")
    versions = sorted(name for name in members if name.startswith(f"data/documents/{doc_id}/versions/"))
    assert len(versions) == 2 and versions[1].startswith(f"data/documents/{doc_id}/versions/v2-")
    assert members[versions[1]].startswith(b"%PDF")
    metadata = json.loads(members[f"data/documents/{doc_id}/metadata.json"])
    assert metadata["document"]["state"] == "signed" and metadata["versions"][1]["signed"] is True
    report = json.loads(members[f"data/documents/{doc_id}/signature-report.json"])
    assert report["signed"] and report["valid"] is True, report
    audit = json.loads(members[f"data/documents/{doc_id}/audit.json"])
    # The download itself is audited (committed before the package is read, so it is in its own trail).
    assert [r["action"] for r in audit["records"]][-2:] == ["sign", "package_downloaded"]
    assert audit["records"][-1]["actor_user_id"] == office.drafter.id
    summary = members[f"data/documents/{doc_id}/ringkasan.txt"].decode()
    assert "RINGKASAN NASKAH DINAS" in summary and "Ditandatangani" in summary and "WIB" in summary
    assert "data/trust/ca-certificates.pem" in members

    report = verify_bag(io.BytesIO(data), record_hash=record_hash)
    assert report.ok, report.problems
    assert report.files == len([n for n in members if n.startswith("data/")]) and report.audit_records >= 4
    path = tmp_path / "paket.zip"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["verify-package", str(path)])
    assert result.exit_code == 0, result.output
    assert "the package is intact" in result.output


def test_verify_package_names_a_changed_file_and_an_edited_audit_record(client, db, services, office, token_for,
                                                                         tmp_path):
    """Does verify-package fail, naming the file, when a version's byte or an audit record's comment changes?"""
    doc_id = _signed_letter(client, office, token_for)
    data = client.get(f"/api/v1/documents/{doc_id}/package", headers=token_for(office.drafter)).get_data()

    def flip(name: str, content: bytes) -> bytes:
        return content[:-2] + b"X" + content[-1:] if name.startswith(f"data/documents/{doc_id}/versions/v1-") else content

    def edit_audit(name: str, content: bytes) -> bytes:
        if not name.endswith("audit.json"):
            return content
        audit = json.loads(content)
        audit["records"][0]["comment"] = "diubah"
        return json.dumps(audit).encode()

    for change, expected in ((flip, f"data/documents/{doc_id}/versions/v1-"), (edit_audit, "does not match its hash")):
        path = tmp_path / "paket.zip"
        path.write_bytes(_rezip(data, change))
        result = CliRunner().invoke(cli, ["verify-package", str(path)])
        assert result.exit_code == 1
        assert expected in result.output, result.output


def test_packages_hold_only_letters_the_person_may_read(client, db, services, office, token_for, make_user):
    """Is a letter of another unit a 404, alone or in a selection; does a readable selection stream every letter?"""
    drafter = token_for(office.drafter)
    mine = [upload(client, drafter, make_pdf(f"Surat penugasan nomor {n}"), title=f"Surat {n}").get_json()["id"]
            for n in range(3)]
    outsider = token_for(make_user())
    assert client.get(f"/api/v1/documents/{mine[0]}/package", headers=outsider).status_code == 404
    response = client.post("/api/v1/packages", json={"ids": [mine[0]]}, headers=outsider)
    assert response.status_code == 404 and response.get_json()["errors"][0]["field"] == "ids"
    response = client.post("/api/v1/packages", json={"ids": mine}, headers=drafter)
    assert response.status_code == 200
    members = _members(response.get_data())
    assert {f"data/documents/{i}/metadata.json" for i in mine} <= set(members)
    report = json.loads(members[f"data/documents/{mine[0]}/signature-report.json"])
    assert report == {"signed": False, "detail": "the letter was not signed in Docflow"}
    assert client.post("/api/v1/packages", json={"ids": "x"}, headers=drafter).status_code == 400
    assert client.post("/api/v1/packages", json={}, headers=drafter).status_code == 400
    # Only the selection that was served is in the audit trail: who, which letters, when; the refusals are not.
    downloads = _downloads(db)
    assert [(e.actor_user_id, e.document_id) for e in downloads] == [(office.drafter.id, None)]
    assert downloads[0].comment.endswith("ids: " + ",".join(str(i) for i in sorted(mine)))


def test_search_result_package(client, db, services, office, token_for, run_worker):
    """Does the package of a search result hold exactly the letters the search finds for the person?"""
    drafter = token_for(office.drafter)
    wanted = upload(client, drafter, make_pdf("Undangan rapat koordinasi kearsipan"), title="Undangan arsip").get_json()
    upload(client, drafter, make_pdf("Laporan keuangan"), title="Laporan").get_json()
    run_worker()
    response = client.post("/api/v1/packages", json={"search": {"q": "arsip"}}, headers=drafter)
    assert response.status_code == 200
    metadata = {name for name in _members(response.get_data()) if name.endswith("metadata.json")}
    assert metadata == {f"data/documents/{wanted['id']}/metadata.json"}


def test_pages_offer_packages_and_stream_them(app, client, db, services, office, token_for, login, run_worker,
                                              make_user):
    """Do the letter and search pages link to their packages, streamed (never whole in memory), for readers only?"""
    drafter = token_for(office.drafter)
    doc = upload(client, drafter, make_pdf("Undangan rapat koordinasi kearsipan"), title="Undangan arsip").get_json()
    run_worker()
    from docflow.auth.operations import set_password

    set_password(db, office.drafter, PASSWORD)
    db.commit()
    login(office.drafter)
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert f'href="/documents/{doc["id"]}/package" data-package="package-status"' in page
    response = client.get(f"/documents/{doc['id']}/package")
    assert response.status_code == 200 and response.is_streamed
    assert int(response.headers["X-Package-Estimated-Bytes"]) == doc["versions"][0]["size"]
    assert verify_bag(io.BytesIO(response.get_data()), record_hash=record_hash).ok
    results = client.get("/search/results?q=arsip").get_data(as_text=True)
    assert 'href="/search/package?q=arsip"' in results
    members = _members(client.get("/search/package?q=arsip").get_data())
    assert f"data/documents/{doc['id']}/metadata.json" in members
    outsider = app.test_client()
    login(make_user(), outsider)
    assert outsider.get(f"/documents/{doc['id']}/package").status_code == 404
    assert not [n for n in _members(outsider.get("/search/package?q=arsip").get_data()) if n.endswith("metadata.json")]
    # The letter page's and the search page's downloads are audited, each once; the refused one is not.
    downloads = _downloads(db)
    assert [(e.actor_user_id, e.document_id) for e in downloads[:2]] == [(office.drafter.id, doc["id"])] * 2
    assert "hasil pencarian: arsip" in downloads[1].comment
    assert len(downloads) == 3 and downloads[2].comment.startswith("export package of 0 letter(s)")


def test_bag_streams_in_pieces_and_names_extra_and_missing_files():
    """Is a large file written out piece by piece (never held whole), and does the check name added and lost files?"""
    from docflow.export.bag import BagWriter, Entry, bytes_entry

    big = bytes(range(256)) * 16384  # 4 MiB

    def pieces():
        for start in range(0, len(big), 256 * 1024):
            yield big[start:start + 256 * 1024]

    chunks = list(BagWriter(root="bag").stream([Entry("documents/1/versions/v1-a.pdf", pieces, len(big)),
                                                bytes_entry("documents/1/metadata.json", b"{}")]))
    assert len(chunks) > 10 and max(len(c) for c in chunks) < 1024 * 1024
    data = b"".join(chunks)
    assert verify_bag(io.BytesIO(data)).ok
    extra = io.BytesIO(_rezip(data, lambda name, content: content))
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("bag/data/documents/1/tambahan.txt", b"disisipkan")
    problems = verify_bag(extra).problems
    assert problems[0] == "data/documents/1/tambahan.txt: in the bag but not in the manifest"
    assert any(p.startswith("Payload-Oxum") for p in problems)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if not info.filename.endswith("metadata.json"):
                target.writestr(info.filename, source.read(info))
    assert "data/documents/1/metadata.json: in the manifest but missing from the bag" in verify_bag(out).problems
    assert verify_bag(io.BytesIO(b"bukan zip")).problems[0].startswith("not a readable ZIP file")


def test_the_summary_is_written_from_the_catalogue_in_the_instance_language(client, db, services, office, token_for):
    """Does ringkasan.txt take its words from the catalogue: Indonesian by default, English when asked?"""
    from docflow.export.package import package_stream

    doc_id = _signed_letter(client, office, token_for)

    def summary(**language) -> str:
        data = b"".join(package_stream(services.db, services.store, [doc_id], tz=services.timezone, trust=None,
                                       source="test", **language))
        return _members(data)[f"data/documents/{doc_id}/ringkasan.txt"].decode()

    indonesian, english = summary(), summary(language="en")
    assert indonesian.startswith("RINGKASAN NASKAH DINAS\n======================")
    for line in ("Perihal          : ", "Status           : Ditandatangani", "Jenis naskah     : ",
                 "Derajat kecepatan: Biasa", "Versi berkas:", "Tanda tangan elektronik: lihat signature-report.json"):
        assert line in indonesian, indonesian
    assert "Subject" not in indonesian and "Signed" not in indonesian
    assert english.startswith("SUMMARY OF AN OFFICIAL LETTER")
    assert "State            : Signed" in english and "Versions of the file:" in english
