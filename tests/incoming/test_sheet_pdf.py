"""The lembar disposisi as a PDF: its particulars and tree, with times in the city's time zone."""
from __future__ import annotations

import io
from datetime import UTC
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from docflow.incoming.models import Disposition
from tests.incoming.helpers import dispose, instruction_ids, register
from tests.workflow_factories import make_office


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_sheet_pdf_holds_the_letter_and_its_tree_in_city_time(app, client, db, make_unit, make_user, login,
                                                                    token_for, services):
    o = make_office(db, make_unit, make_user, "DISKOMINFO")
    clerk, head = token_for(o.clerk), token_for(o.head_user)
    letter = register(client, clerk, addressees=[o.head.id], sender="Kementerian Dalam Negeri",
                      sender_number="005/123/SJ", subject="Undangan rapat koordinasi").get_json()
    ids = instruction_ids(client, head)
    r = dispose(client, head, letter["id"], [o.secretary.id], [ids["Siapkan jawaban"]], note="Segera",
                due_on="2099-01-31")
    assert r.status_code == 201, r.get_json()
    node = db.get(Disposition, r.get_json()["dispositions"][0]["id"])
    given = node.created_at.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M")

    login(o.head_user)
    response = client.get(f"/incoming/{letter['id']}/sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _text(response.data)
    for expected in ("Disposition sheet (lembar disposisi)", f"{letter['agenda_number']}/{letter['agenda_year']}",
                     "Kementerian Dalam Negeri", "005/123/SJ", "Undangan rapat koordinasi", "Siapkan jawaban",
                     "Segera", o.secretary.title.split()[0], "Unread"):
        assert expected in text, expected
    assert f"{given} WIB" in text  # the city's time, with its zone named
    assert node.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") not in text  # not UTC (WIB is UTC+7)
    # The letter page links to it; someone who may not read the letter gets 404.
    assert f"/incoming/{letter['id']}/sheet.pdf" in client.get(f"/incoming/{letter['id']}").get_data(as_text=True)
    outsider = make_user("luar", unit=make_unit())
    other = app.test_client()
    login(outsider, other)
    assert other.get(f"/incoming/{letter['id']}/sheet.pdf").status_code == 404


def test_the_sheet_pdf_speaks_indonesian(app, db, make_unit, make_user, login, token_for, client):
    o = make_office(db, make_unit, make_user, "DISDIK")
    letter = register(client, token_for(o.clerk), addressees=[o.head.id]).get_json()
    c = app.test_client()
    c.set_cookie("lang", "id")
    login(o.head_user, c)
    text = _text(c.get(f"/incoming/{letter['id']}/sheet.pdf").data)
    assert "Lembar disposisi" in text or "lembar disposisi" in text
    assert "Disposition sheet" not in text
