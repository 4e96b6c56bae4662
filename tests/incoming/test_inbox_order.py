"""The busy unit's lists stay fast without changing what they show: "disposisi for me" in its order (served by
an index on PostgreSQL), and counts that stop at a cap ("10,000+")."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from docflow.incoming.queries import my_dispositions
from tests.incoming.helpers import act, dispose, instruction_ids, register
from tests.workflow_factories import make_office


def _office_with_nodes(client, db, make_unit, make_user, token_for):
    """Give the secretary six disposisi in every state, with and without due dates; return them by name."""
    o = make_office(db, make_unit, make_user, "DISPORA")
    clerk, head, sec = token_for(o.clerk), token_for(o.head_user), token_for(o.secretary_user)
    ids = instruction_ids(client, head)
    nodes = {}
    for n, (name, due) in enumerate((("done", "2099-01-05"), ("unread_late", "2099-03-01"), ("read", "2099-01-01"),
                                     ("unread_none", None), ("unread_soon", "2099-02-01"), ("followed", None),
                                     ("cancelled", "2099-01-01"))):
        letter = register(client, clerk, addressees=[o.head.id], sender_number=f"{n}/X").get_json()
        extra = {"due_on": due} if due else {}
        r = dispose(client, head, letter["id"], [o.secretary.id], [ids["Untuk diketahui"]], **extra)
        assert r.status_code == 201, r.get_json()
        nodes[name] = r.get_json()["dispositions"][0]["id"]
    for name, actions in (("done", ("read", "done")), ("read", ("read",)), ("followed", ("read", "follow-up"))):
        for action in actions:
            body = {"note": "Sudah"} if action == "follow-up" else {}
            assert act(client, sec, nodes[name], action, **body).status_code == 200
    assert act(client, head, nodes["cancelled"], "cancel").status_code == 200
    return o, sec, nodes


def test_disposisi_for_me_open_first_then_due_then_newest(client, db, make_unit, make_user, token_for):
    """Unread (soonest due first, no due date last), then read, followed up, done; cancelled left out; and one
    state alone in the same order."""
    o, sec, nodes = _office_with_nodes(client, db, make_unit, make_user, token_for)
    listed = client.get("/api/v1/dispositions", headers=sec).get_json()
    assert [r["id"] for r in listed["results"]] == [nodes[n] for n in (
        "unread_soon", "unread_late", "unread_none", "read", "followed", "done")]
    assert listed["total"] == 6
    unread = client.get("/api/v1/dispositions?state=unread", headers=sec).get_json()
    assert [r["id"] for r in unread["results"]] == [nodes[n] for n in ("unread_soon", "unread_late", "unread_none")]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_disposisi_for_me_is_read_off_an_index_on_postgresql(client, db, make_unit, make_user, token_for, backend):
    """Does PostgreSQL read the first page in order from the inbox indexes (no sort of the desk's nodes), for all
    open nodes and for one state? With sorting priced out, a plan that still sorts could not use them."""
    o, sec, nodes = _office_with_nodes(client, db, make_unit, make_user, token_for)
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT dispositions.id"):
            statements.append((statement, parameters))

    connection = db.connection()
    event.listen(connection.engine, "before_cursor_execute", keep)
    try:
        my_dispositions(db, [o.secretary.id], per_page=20)
        my_dispositions(db, [o.secretary.id], state="unread", per_page=20)
    finally:
        event.remove(connection.engine, "before_cursor_execute", keep)
    assert len(statements) == 2
    raw = connection.connection.driver_connection
    plans = []
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert "using ix_dispositions_inbox on" in plans[0] and "Sort" not in plans[0], plans[0]
    assert "using ix_dispositions_inbox_state on" in plans[1] and "Sort" not in plans[1], plans[1]


def test_a_count_past_the_cap_says_so(client, db, make_unit, make_user, token_for, login, monkeypatch):
    """With the cap at 2 and three letters, do the book (API and page) and the start page say "2+"?"""
    import docflow.incoming.queries as queries

    o = make_office(db, make_unit, make_user, "DISPAR")
    clerk = token_for(o.clerk)
    for n in range(3):
        register(client, clerk, addressees=[o.head.id], sender_number=f"{n}/C")
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    book = client.get("/api/v1/incoming-letters?per_page=1", headers=clerk).get_json()
    assert (book["total"], book["total_capped"], len(book["results"])) == (2, True, 1)
    assert client.get("/api/v1/incoming-letters?per_page=1&page=3", headers=clerk).get_json()["results"]
    head = client.get("/api/v1/dashboard?sections=incoming_unread", headers=token_for(o.head_user)).get_json()
    assert [(s["total"], s["total_capped"]) for s in head["sections"]] == [(2, True)]
    login(o.clerk)
    page = client.get("/incoming").get_data(as_text=True)
    assert "2+ letters" in page and "Older letters" in page
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    book = client.get("/api/v1/incoming-letters", headers=clerk).get_json()
    assert (book["total"], book["total_capped"]) == (3, False)
