"""The administrators' page of disposisi instructions: add, rename, reorder, deactivate, delete (not when in use)."""
from __future__ import annotations

from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.auth.models import Role
from docflow.incoming.models import DispositionInstruction
from tests.incoming.helpers import dispose, instruction_ids, register
from tests.workflow_factories import make_office


def _texts(db, active_only=False):
    db.expire_all()
    stmt = select(DispositionInstruction).order_by(DispositionInstruction.ordering, DispositionInstruction.id)
    return [i.text for i in db.scalars(stmt) if i.is_active or not active_only]


def _id(db, text):
    return db.scalar(select(DispositionInstruction.id).where(DispositionInstruction.text == text))


def test_an_administrator_keeps_the_list(app, client, db, make_unit, make_user, login, token_for):
    o = make_office(db, make_unit, make_user, "DISKOMINFO")
    admin = make_user("admin-instr", roles=(Role.ADMIN,))
    login(admin)
    page = client.get("/admin/disposition-instructions")
    assert page.status_code == 200 and "Untuk ditindaklanjuti" in page.get_data(as_text=True)

    assert client.post("/admin/disposition-instructions", data={"text": "  Pelajari  dan  laporkan "}).status_code == 302
    assert _texts(db)[-1] == "Pelajari dan laporkan"
    r = client.post("/admin/disposition-instructions", data={"text": "untuk diketahui"}, follow_redirects=True)
    assert "already on the list" in r.get_data(as_text=True) and _texts(db).count("Untuk diketahui") == 1

    new = _id(db, "Pelajari dan laporkan")
    client.post(f"/admin/disposition-instructions/{new}/rename", data={"text": "Pelajari dan beri saran"})
    client.post(f"/admin/disposition-instructions/{new}/move/up")
    assert _texts(db)[-2:] == ["Pelajari dan beri saran", "Simpan/arsipkan"]

    # In use: it cannot be deleted, only deactivated; then no longer offered to a head.
    head = token_for(o.head_user)
    letter = register(client, token_for(o.clerk), addressees=[o.head.id]).get_json()
    assert dispose(client, head, letter["id"], [o.secretary.id], [new]).status_code == 201
    r = client.post(f"/admin/disposition-instructions/{new}/delete", follow_redirects=True)
    assert "deactivate it instead" in r.get_data(as_text=True) and _id(db, "Pelajari dan beri saran") == new
    client.post(f"/admin/disposition-instructions/{new}/active", data={"active": "0"})
    assert "Pelajari dan beri saran" not in instruction_ids(client, head)
    assert dispose(client, head, letter["id"], [o.secretary.id], [new]).status_code == 400
    client.post(f"/admin/disposition-instructions/{new}/active", data={"active": "1"})
    assert "Pelajari dan beri saran" in instruction_ids(client, head)

    # One never chosen is deleted.
    client.post("/admin/disposition-instructions", data={"text": "Sementara"})
    assert client.post(f"/admin/disposition-instructions/{_id(db, 'Sementara')}/delete").status_code == 302
    assert "Sementara" not in _texts(db)
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("instruction_%"))))
    assert actions == {"instruction_add", "instruction_rename", "instruction_move", "instruction_deactivate",
                       "instruction_activate", "instruction_delete"}


def test_only_administrators_and_indonesian(app, db, make_unit, make_user, login):
    o = make_office(db, make_unit, make_user, "DISDIK")
    c = app.test_client()
    c.set_cookie("lang", "en")
    login(o.head_user, c)
    assert c.get("/admin/disposition-instructions").status_code == 403
    assert c.post("/admin/disposition-instructions", data={"text": "X"}).status_code == 403
    admin = make_user("admin-id", roles=(Role.ADMIN,))
    i = app.test_client()
    i.set_cookie("lang", "id")
    login(admin, i)
    html = i.get("/admin/disposition-instructions").get_data(as_text=True)
    assert "Instruksi disposisi" in html
