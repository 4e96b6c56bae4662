"""Every time on the incoming pages is the city's time with its zone named ("... WIB"), never a bare UTC clock."""
from __future__ import annotations

import re
from datetime import UTC
from zoneinfo import ZoneInfo

from docflow.incoming.models import Disposition, IncomingLetter
from tests.incoming.helpers import act, dispose, instruction_ids, register
from tests.workflow_factories import make_office

JAKARTA = ZoneInfo("Asia/Jakarta")


def _local(value) -> str:
    return value.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M") + " WIB"


def test_letter_tree_mine_and_sheet_show_times_in_wib(app, client, db, make_unit, make_user, login, token_for):
    """Does the letter page name WIB for its registration and for every step of the tree (given, read, followed up,
    done, cancelled), and do "disposisi for me" and the sheet do the same?"""
    o = make_office(db, make_unit, make_user, "DISHUB")
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    letter = register(client, clerk, addressees=[o.head.id]).get_json()
    ids = instruction_ids(client, head)
    (done,) = dispose(client, head, letter["id"], [o.secretary.id], [ids["Siapkan jawaban"]]).get_json()["dispositions"]
    (cancelled,) = dispose(client, head, letter["id"], [o.subhead.id], [ids["Untuk diketahui"]]).get_json()[
        "dispositions"]
    assert act(client, sec, done["id"], "read").status_code == 200
    assert act(client, sec, done["id"], "follow-up", note="Sudah dijawab").status_code == 200
    assert act(client, head, done["id"], "done").status_code == 200
    assert act(client, head, cancelled["id"], "cancel").status_code == 200
    db.expire_all()
    node, other = db.get(Disposition, done["id"]), db.get(Disposition, cancelled["id"])
    row = db.get(IncomingLetter, letter["id"])

    login(o.head_user)
    page = client.get(f"/incoming/{letter['id']}").get_data(as_text=True)
    name = o.head_user.display_name
    assert f"{row.registered_by.display_name}, {_local(row.created_at)}" in page
    assert f"Given by {name} on {_local(node.created_at)}" in page
    assert f"Read by {o.secretary_user.display_name} on {_local(node.read_at)}" in page
    assert f"Followed up by {o.secretary_user.display_name} on {_local(node.followed_up_at)}" in page
    assert f"Done, by {name} on {_local(node.done_at)}" in page
    assert f"Cancelled by {name} on {_local(other.cancelled_at)}" in page
    sheet = client.get(f"/incoming/{letter['id']}/sheet").get_data(as_text=True)
    assert _local(node.created_at) in sheet
    # The sheet's "as of" is the city's time too: a clock followed by the zone's name, never a bare one.
    assert re.search(r"as of \d{4}-\d\d-\d\d \d\d:\d\d WIB", sheet), sheet
    for html in (page, sheet):
        bare = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(?! WIB)", html)
        assert bare == [], bare
    assert node.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") + " WIB" not in page

    login(o.secretary_user)
    mine = client.get("/dispositions?state=done").get_data(as_text=True)
    assert _local(node.created_at) in mine
