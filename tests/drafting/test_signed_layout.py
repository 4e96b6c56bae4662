"""Signed letters from every default template: number and signature block in their places, nothing overlapping."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from docflow.extraction import extract_text
from tests.drafting.test_api import NATIONAL_TYPES
from tests.signing.helpers import PASSPHRASE, act, give_certificate, make_office, pyhanko_status, setup_ca, signed_file

pytestmark = pytest.mark.slow
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


@dataclass(frozen=True)
class Box:
    """A box on a page, top-left origin in points (as pdftotext -bbox reports it)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def overlaps(self, other: Box) -> bool:
        """Tell whether two boxes share a fifth of the smaller one's area.

        pdftotext's word boxes run from the font's ascent to its descent, so the boxes of two lines set
        close together touch without any glyph touching another; a fifth is far more than that.
        """
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        smaller = min((self.x1 - self.x0) * (self.y1 - self.y0), (other.x1 - other.x0) * (other.y1 - other.y0))
        return self.page == other.page and width > 0 and height > 0 and width * height > 0.2 * smaller


def _words(path: Path) -> list[Box]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    boxes = []
    for index, page in enumerate(xml.split("<page ")[1:]):
        boxes += [Box(index, float(a), float(b), float(c), float(d), t.replace("&amp;", "&"))
                  for a, b, c, d, t in _WORD.findall(page)]
    return boxes


def _images(path: Path) -> list[Box]:
    """Return where each picture is drawn (the QR code), from the pages' content streams."""
    reader = pypdf.PdfReader(path)
    found = []
    for index, page in enumerate(reader.pages):
        height = float(page.mediabox.height)
        xobjects = page["/Resources"].get("/XObject", {})

        def visit(op: bytes, args: list, cm: list[float], tm: list[float], index: int = index,
                  height: float = height, xobjects=xobjects) -> None:
            if op == b"Do" and args and xobjects.get(args[0]) is not None \
                    and xobjects[args[0]].get_object().get("/Subtype") == "/Image":
                x, y, w, h = cm[4], cm[5], cm[0], cm[3]
                found.append(Box(index, x, height - y - h, x + w, height - y))

        page.extract_text(visitor_operand_before=visit)
    return found


def _sign_from_template(client, db, services, token_for, office, doc_type: str) -> tuple[bytes, bytes, str]:
    """Draft a letter of the type from its default template, take it through the route, sign it."""
    drafter = token_for(office.drafter)
    template = next(t["id"] for t in client.get("/api/v1/templates", headers=drafter).get_json()["results"]
                    if t["document_type"] == doc_type and t["unit"] is None)
    body = client.post("/api/v1/documents/from-template", headers=drafter, json={
        "template": template, "title": "Rapat koordinasi percepatan penurunan stunting",
        "classification_code": "000.8.3.3", "lampiran": "1 (satu) berkas",
        "body": "Dengan hormat, dalam rangka percepatan penurunan stunting di Kota Uji, kami mengundang Saudara "
                "untuk hadir pada rapat koordinasi yang akan diselenggarakan di ruang rapat utama.\n"
                "Demikian disampaikan, atas perhatian dan kehadiran Saudara diucapkan terima kasih.",
        "recipients": [{"kind": "to", "position_id": office.secretary.id}, {"kind": "to", "name": "Camat Kota Barat"},
                       {"kind": "cc", "name": "Wali Kota Uji (sebagai laporan)"}]}).get_json()
    assert "id" in body, body
    draft = signed_file(db, services, body["id"])
    body = act(client, drafter, body["id"], "submit", body["revision"]).get_json()
    for verifier in (office.subhead_user, office.secretary_user):
        body = act(client, token_for(verifier), body["id"], "initial", body["revision"]).get_json()
    signed = act(client, token_for(office.head_user), body["id"], "sign", body["revision"], passphrase=PASSPHRASE)
    assert signed.status_code == 200, signed.get_json()
    return draft, signed_file(db, services, body["id"]), signed.get_json()["number"]


@pytest.mark.parametrize("backend", ["sqlite"])  # the layout does not depend on the database
@pytest.mark.parametrize("doc_type", sorted(NATIONAL_TYPES))
def test_a_signed_letter_from_the_default_template_has_number_and_block_in_place(
        client, db, services, token_for, tmp_path, doc_type):
    """Is the number where ${nomor} stood and the block with the QR code where ${ttd} stood, overlapping no other
    text, the signature valid and the text searchable?"""
    from docflow.signing.conversion import convert_to_pdf
    from docflow.extraction import DOCX

    from docflow.workflow.models import DocumentTypeRule

    office = make_office(db, "BAPPEDA")
    # The office's head (eselon II) signs every type here: the layout is the template's, whoever signs.
    rule = db.get(DocumentTypeRule, doc_type)
    rule.signer_levels = sorted({*rule.signer_levels, 2})
    db.commit()
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    draft, signed, number = _sign_from_template(client, db, services, token_for, office, doc_type)
    before, after = tmp_path / "draft.pdf", tmp_path / "signed.pdf"
    before.write_bytes(convert_to_pdf(draft, DOCX))
    after.write_bytes(signed)

    status = pyhanko_status(signed)
    assert status.bottom_line and status.intact and status.valid
    text = extract_text(after, "application/pdf").text
    assert number in text and office.head_user.display_name in text and "${" not in text

    marks = {w.text: w for w in _words(before) if w.text in ("${nomor}", "${ttd}", "NOMOR")}
    words = _words(after)
    # The number: on the line where ${nomor} stood, inside the text column (3 cm to 2 cm from the edges).
    number_words = [w for w in words if number.split()[-1] in w.text]
    assert number_words, number
    place = marks["${nomor}"]
    number_box = number_words[0]
    assert number_box.page == place.page and abs(number_box.y1 - place.y1) < 1.5
    assert 3 * 28.35 - 1 <= number_box.x0 and number_box.x1 <= 595.3 - 2 * 28.35 + 1
    # The block: its first line starts where ${ttd} stood; the QR code under it, the name under the QR code.
    sign = marks["${ttd}"]
    heading = next(w for w in words if w.page == sign.page and abs(w.y1 - sign.y1) < 1.5 and abs(w.x0 - sign.x0) < 1.5)
    assert heading.text == office.head.title.split()[0]
    qr = [b for b in _images(after) if b.page == sign.page]
    assert len(qr) == 1 and qr[0].y0 > heading.y1 and abs(qr[0].x0 - sign.x0) < 12
    name = next(w for w in words if w.text == office.head_user.display_name.split()[0])
    assert name.y0 > qr[0].y1 and name.page == sign.page
    block = [w for w in words if w.page == sign.page and heading.y0 - 1 <= w.y0 <= name.y1 + 40 and w.x0 >= sign.x0 - 1]
    # Nothing else stands on the number, the block or the QR code.
    for mine in [number_box, qr[0], *block]:
        for other in words:
            if other is mine or other in block or other == number_box:
                continue
            assert not mine.overlaps(other), (mine, other)
    # Rendered, the QR code is really there: its area is dark for about half.
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", str(sign.page + 1), "-l", str(sign.page + 1),
                    "-singlefile", str(after), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    crop = image.crop(tuple(round(v) for v in (qr[0].x0, qr[0].y0, qr[0].x1, qr[0].y1)))
    dark = sum(1 for p in crop.get_flattened_data() if p < 128) / (crop.width * crop.height)
    assert 0.3 < dark < 0.7
