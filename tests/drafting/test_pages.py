"""The drafting pages: writing a letter from a template in the browser, the templates' administration, and what
the signer is told before signing."""
from __future__ import annotations

import io
from datetime import timedelta

from docx import Document as open_docx

from docflow.auth.models import Role
from docflow.documents.models import Document
from docflow.drafting.queries import DEFAULTS_DIR
from docflow.org.operations import create_delegation
from docflow.signing.fields import fields_in
from tests.drafting.test_api import _text
from tests.signing.helpers import act, signed_file
from tests.workflow_factories import make_office


def _default(name: str = "memo") -> bytes:
    return (DEFAULTS_DIR / f"{name}.docx").read_bytes()


def _without_signature_place() -> bytes:
    doc = open_docx(io.BytesIO(_default()))
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if "${ttd}" in paragraph.text:
                        paragraph.runs[0].text = "tanda tangan"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _template_ids(client, headers) -> dict[str, int]:
    return {t["name"]: t["id"] for t in client.get("/api/v1/templates", headers=headers).get_json()["results"]}


def test_a_drafter_writes_a_letter_from_a_template_in_the_browser(client, db, services, make_unit, make_user, login,
                                                                   token_for):
    """Does the form start a draft whose header and body are filled, with the route to choose next?"""
    office = make_office(db, make_unit, make_user)
    login(office.drafter)
    page = client.get("/documents/from-template")
    assert page.status_code == 200 and "Nota Dinas (bawaan)" in page.get_data(as_text=True)
    template = _template_ids(client, token_for(office.drafter))["Nota Dinas (bawaan)"]
    response = client.post("/documents/from-template", data={
        "template": str(template), "title": "Permohonan data kepegawaian", "classification_code": "800",
        "security_class": "biasa", "urgency": "amat_segera", "to_position": [str(office.secretary.id)],
        "cc_name": "Inspektur", "body": "Dengan hormat,\nmohon data pegawai.\n\nTerima kasih."})
    assert response.status_code == 302, response.get_data(as_text=True)
    document = db.get(Document, int(response.headers["Location"].split("/documents/")[1].split("#")[0]))
    text = _text(signed_file(db, services, document.id))
    for expected in ("Permohonan data kepegawaian", "mohon data pegawai.", "Terima kasih.", "Biasa, Amat Segera",
                     office.secretary.title, "Inspektur"):
        assert expected in text
    refused = client.post("/documents/from-template", data={"template": str(template), "title": ""})
    assert refused.status_code == 400 and "a title is required" in refused.get_data(as_text=True)


def test_an_administrator_uploads_replaces_and_deactivates_templates(client, db, make_unit, make_user, login,
                                                                      token_for):
    """Can an administrator add a unit's template, is one without ${ttd} refused, and does deactivating hide it?"""
    admin = make_user(roles=(Role.ADMIN,))
    unit = make_unit("DINKES")
    login(admin)
    assert client.get("/admin/templates").status_code == 200
    added = client.post("/admin/templates", content_type="multipart/form-data", data={
        "doc_type": "memo", "unit_id": str(unit.id), "name": "Memo Dinas Kesehatan",
        "file": (io.BytesIO(_default()), "memo-dinkes.docx")})
    assert added.status_code == 302, added.get_data(as_text=True)
    headers = token_for(admin)
    listed = [t for t in client.get("/api/v1/templates", headers=headers).get_json()["results"]
              if t["name"] == "Memo Dinas Kesehatan"]
    assert listed == [{"id": listed[0]["id"], "document_type": "memo", "unit": "DINKES", "name": "Memo Dinas Kesehatan",
                       "builtin": False, "active": True}]
    refused = client.post("/admin/templates", content_type="multipart/form-data", data={
        "doc_type": "memo", "unit_id": "", "name": "Tanpa tempat tanda tangan",
        "file": (io.BytesIO(_without_signature_place()), "memo.docx")})
    assert refused.status_code == 400 and "${ttd}" in refused.get_data(as_text=True)
    template_id = listed[0]["id"]
    replaced = client.post(f"/admin/templates/{template_id}/file", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(_default("nota_dinas")), "nota.docx")})
    assert replaced.status_code == 302
    assert client.post(f"/admin/templates/{template_id}/active", data={"active": "0"}).status_code == 302
    assert "Memo Dinas Kesehatan" not in _template_ids(client, headers)
    drafter = make_user(unit=unit)
    gone = client.post("/api/v1/documents/from-template", headers=token_for(drafter),
                       json={"template": template_id, "title": "Memo"})
    assert gone.status_code == 409


def test_the_plh_is_told_before_signing_that_she_signs_as_plh(client, db, services, make_unit, make_user, login,
                                                               token_for):
    """Does the Plh. see "You sign as Plh. Kepala Dinas ..." and where the block will go, and the head, away, no
    signing form at all?"""
    office = make_office(db, make_unit, make_user)
    plh = make_user("plh-kepala", roles=(Role.SIGNER,), unit=office.unit, full_name="Ayu Ŋurah")
    today = services.today()
    create_delegation(db, position=office.head, delegate=plh, kind="plh", starts_on=today - timedelta(days=1),
                      ends_on=today + timedelta(days=7))
    db.commit()
    drafter = token_for(office.drafter)
    template = _template_ids(client, drafter)["Nota Dinas (bawaan)"]
    body = client.post("/api/v1/documents/from-template", headers=drafter,
                       json={"template": template, "title": "Cuti bersama", "body": "Isi."}).get_json()
    assert fields_in(signed_file(db, services, body["id"])) == {"nomor", "tanggal", "ttd"}
    body = act(client, drafter, body["id"], "submit", body["revision"]).get_json()
    for verifier in (office.subhead_user, office.secretary_user):
        body = act(client, token_for(verifier), body["id"], "initial", body["revision"]).get_json()
    assert body["state"] == "approved", body
    login(plh)
    page = client.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert f"You sign as Plh. {office.head.title}." in page
    assert "You stand in (Plh.)" in page and "own fields (the Nomor line" in page
    client.post("/logout")
    login(office.head_user)
    page = client.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert 'id="passphrase-sign"' not in page and "You sign as" not in page


def test_an_odt_template_is_kept_as_docx_with_its_fields(client, db, services, make_unit, make_user, login, token_for):
    """Is a template uploaded as ODT (LibreOffice's own format) converted once, its fields intact, and does a
    draft from it fill them?"""
    from docflow.extraction import DOCX
    from docflow.signing.conversion import _convert

    odt = _convert(_default("surat_dinas"), DOCX, "odt", "odt", timeout=120)
    admin = make_user(roles=(Role.ADMIN,))
    login(admin)
    added = client.post("/admin/templates", content_type="multipart/form-data", data={
        "doc_type": "surat_dinas", "unit_id": "", "name": "Surat dinas (ODT)",
        "file": (io.BytesIO(odt), "surat-dinas.odt")})
    assert added.status_code == 302, added.get_data(as_text=True)
    template = _template_ids(client, token_for(admin))["Surat dinas (ODT)"]
    drafter = make_user(unit=make_unit("DISHUB"))
    body = client.post("/api/v1/documents/from-template", headers=token_for(drafter), json={
        "template": template, "title": "Permohonan izin trayek", "body": "Dengan hormat.",
        "recipients": [{"kind": "to", "name": "Kepala Terminal"}]}).get_json()
    data = signed_file(db, services, body["id"])
    assert fields_in(data) == {"nomor", "tanggal", "ttd"}
    assert "Permohonan izin trayek" in _text(data) and "Kepala Terminal" in _text(data)
