"""Templates and drafts started from them, through the API."""
from __future__ import annotations

import io

from docx import Document as open_docx

from docflow.signing.fields import fields_in
from tests.signing.helpers import make_office, signed_file

NATIONAL_TYPES = {"peraturan", "keputusan", "instruksi", "surat_edaran", "surat_perintah", "surat_tugas",
                  "nota_dinas", "memo", "surat_dinas", "surat_undangan", "perjanjian", "surat_kuasa", "berita_acara",
                  "surat_keterangan", "surat_pengantar", "pengumuman", "notula", "laporan", "telaahan_staf"}


def _text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _template(client, headers, doc_type: str) -> int:
    body = client.get("/api/v1/templates", headers=headers).get_json()
    return next(t["id"] for t in body["results"] if t["document_type"] == doc_type)


def test_every_national_type_has_a_default_template(client, db, token_for, make_user):
    """Does GET /api/v1/templates list a default for each national document type, with its fields?"""
    response = client.get("/api/v1/templates", headers=token_for(make_user()))
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert NATIONAL_TYPES <= {t["document_type"] for t in results}
    assert all({"id", "document_type", "unit", "name"} <= set(t) for t in results)
    assert all(t["unit"] is None for t in results)


def test_a_draft_from_a_template_has_its_header_and_body_filled(client, db, services, token_for):
    """Does a nota dinas started from the template carry the addressees, copies, subject, class and body, and keep
    the number, date and signature fields for the signature?"""
    office = make_office(db, "BAPPEDA")
    headers = token_for(office.drafter)
    response = client.post("/api/v1/documents/from-template", headers=headers, json={
        "template": _template(client, headers, "nota_dinas"), "title": "Undangan rapat koordinasi Ǧ Ñ",
        "body": "Dengan hormat, kami mengundang Saudara.\n\nDemikian untuk menjadi perhatian.",
        "security_class": "terbatas", "urgency": "segera", "classification_code": "000.8.3.3",
        "lampiran": "1 (satu) berkas",
        "recipients": [{"kind": "to", "position_id": office.secretary.id}, {"kind": "cc", "name": "Inspektur Kota"}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["doc_type"] == "nota_dinas" and body["state"] == "draft"
    assert body["versions"][0]["mime_type"].endswith("wordprocessingml.document")
    data = signed_file(db, services, body["id"])
    text = _text(data)
    for expected in ("Undangan rapat koordinasi Ǧ Ñ", "Dengan hormat, kami mengundang Saudara.",
                     "Demikian untuk menjadi perhatian.", office.secretary.title, "Inspektur Kota", "Terbatas, Segera",
                     "1 (satu) berkas", office.unit.name.upper(), office.head.title):
        assert expected in text
    assert fields_in(data) == {"nomor", "tanggal", "ttd"}


def test_a_draft_needs_a_known_template_and_a_title(client, db, token_for):
    """Are a missing template, an unknown one and a missing title refused with the field named?"""
    office = make_office(db, "DISDIK")
    headers = token_for(office.drafter)
    missing = client.post("/api/v1/documents/from-template", headers=headers, json={"title": "x"})
    assert missing.status_code == 400 and missing.get_json()["errors"][0]["field"] == "template"
    unknown = client.post("/api/v1/documents/from-template", headers=headers, json={"template": 99999, "title": "x"})
    assert unknown.status_code == 404
    untitled = client.post("/api/v1/documents/from-template", headers=headers,
                           json={"template": _template(client, headers, "memo"), "title": " "})
    assert untitled.status_code == 400 and untitled.get_json()["errors"][0]["field"] == "title"
