"""GET /api/v1/dashboard: the start page's sections for the token's owner, with counts and first items."""
from __future__ import annotations

from tests.incoming.helpers import dispose, instruction_ids, register
from tests.workflow_factories import make_office

HEAD_SECTIONS = ["incoming_unread", "dispositions_unread", "dispositions_open", "without_disposition"]
CLERK_SECTIONS = ["without_disposition", "to_register", "to_send", "to_file"]


def _sections(client, headers, query=""):
    response = client.get(f"/api/v1/dashboard{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {s["key"]: s for s in response.get_json()["sections"]}


def test_a_clerk_and_a_head_see_their_own_sections(app, client, db, make_unit, make_user, login, token_for):
    """Does the head get her letter and disposisi sections and the clerk hers, each with its count and first items,
    the same sections as their start pages?"""
    o = make_office(db, make_unit, make_user, "BAPPEDA")
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    first = register(client, clerk, addressees=[o.head.id], subject="Undangan rapat koordinasi").get_json()
    second = register(client, clerk, addressees=[o.head.id], subject="Permohonan data", sender_number="9/X").get_json()

    shown = _sections(client, head)
    assert list(shown) == HEAD_SECTIONS
    unread = shown["incoming_unread"]
    assert unread["total"] == 2 and unread["title"] == "Incoming letters unread"
    assert {i["url"] for i in unread["items"]} == {f"/incoming/{first['id']}", f"/incoming/{second['id']}"}
    assert any(i["label"] == f"{first['agenda']} · Undangan rapat koordinasi" for i in unread["items"])
    assert unread["all_url"] == "/incoming"
    assert shown["without_disposition"]["total"] == 2 and shown["dispositions_unread"]["total"] == 0

    shown = _sections(client, clerk)
    assert list(shown) == CLERK_SECTIONS
    assert shown["without_disposition"]["total"] == 2
    assert shown["to_send"] == {"key": "to_send", "title": "Signed letters waiting to be sent", "total": 0,
                                "total_capped": False,
                                "items": [], "all_url": "/dispatch"}

    # The head opens one letter (through the API) and gives a disposisi about it to her secretary.
    client.get(f"/api/v1/incoming-letters/{first['id']}", headers=head)
    ids = instruction_ids(client, head)
    assert dispose(client, head, first["id"], [o.secretary.id], [ids["Siapkan jawaban"]],
                   due_on="2099-01-31").status_code == 201
    shown = _sections(client, head)
    assert (shown["incoming_unread"]["total"], shown["without_disposition"]["total"]) == (1, 1)
    mine = _sections(client, sec, "?sections=dispositions_unread,dispositions_open")
    assert list(mine) == ["dispositions_unread", "dispositions_open"]
    assert mine["dispositions_unread"]["total"] == 1
    item = mine["dispositions_unread"]["items"][0]
    assert item["when"] == "2099-01-31" and item["overdue"] is False and item["url"].startswith(
        f"/incoming/{first['id']}#node-")
    # The clerk is at no addressee's desk: none of the head's letter sections, though she asks for it.
    assert _sections(client, clerk, "?sections=incoming_unread") == {}

    # The start page shows the same sections to the same person.
    login(o.head_user)
    page = client.get("/").get_data(as_text=True)
    assert "Incoming letters unread" in page and "Signed letters waiting to be sent" not in page


def test_unknown_section_and_no_token_are_refused(client, db, make_unit, make_user, token_for):
    o = make_office(db, make_unit, make_user, "INSPEKTORAT")
    r = client.get("/api/v1/dashboard?sections=incoming_unread,nonsense", headers=token_for(o.head_user))
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "sections"
    assert "nonsense" in r.get_json()["errors"][0]["reason"]
    assert client.get("/api/v1/dashboard").status_code == 401


def test_sections_speak_indonesian(app, db, make_unit, make_user, token_for):
    o = make_office(db, make_unit, make_user, "DPMPTSP")
    client = app.test_client()  # no language cookie: the request's Accept-Language decides
    titles = [s["title"] for s in client.get("/api/v1/dashboard", headers={
        **token_for(o.clerk), "Accept-Language": "id"}).get_json()["sections"]]
    assert titles and "To register" not in titles and "Signed letters waiting to be sent" not in titles
