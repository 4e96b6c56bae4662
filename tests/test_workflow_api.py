"""A letter's route through the API: submit, paraf, return, revise, sign, number, send, file."""
from __future__ import annotations

import io

from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.signing.helpers import PASSPHRASE, give_certificate, setup_ca
from tests.workflow_factories import make_office


def _act(client, headers, doc_id, action, revision, comment="", **extra):
    return client.post(f"/api/v1/documents/{doc_id}/actions/{action}",
                       json={"revision": revision, "comment": comment, **extra}, headers=headers)


def test_full_route_with_return_and_numbering(client, db, services, make_unit, make_user, token_for):
    office = make_office(db, make_unit, make_user, "DISKOMINFO")
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    drafter, sub, sec, head, clerk = (token_for(u) for u in (office.drafter, office.subhead_user,
                                                              office.secretary_user, office.head_user, office.clerk))
    doc = upload(client, drafter, make_pdf("Nota dinas penugasan"), title="Penugasan",
                 classification_code="000.8.3.3").get_json()
    proposed = client.get(f"/api/v1/documents/{doc['id']}/route", headers=drafter).get_json()
    assert proposed["proposed"] is True
    assert [(s["kind"], s["position_id"]) for s in proposed["steps"]] == [
        ("verify", office.subhead.id), ("verify", office.secretary.id), ("sign", office.head.id)]

    r = _act(client, drafter, doc["id"], "submit", doc["revision"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "in_verification"
    assert [s["state"] for s in body["steps"]] == ["current", "waiting", "waiting"]

    # The secretary may not act before the sub-head; the drafter may not initial her own letter.
    assert _act(client, sec, doc["id"], "initial", body["revision"]).status_code == 403
    assert _act(client, drafter, doc["id"], "initial", body["revision"]).status_code == 403
    body = _act(client, sub, doc["id"], "initial", body["revision"]).get_json()
    assert [s["state"] for s in body["steps"]] == ["done", "current", "waiting"]

    # Returning needs a comment; then it goes back to the drafter.
    assert _act(client, sec, doc["id"], "return", body["revision"]).status_code == 400
    body = _act(client, sec, doc["id"], "return", body["revision"], "Perbaiki dasar hukum").get_json()
    assert body["state"] == "returned"
    inbox = client.get("/api/v1/inbox", headers=drafter).get_json()
    assert [(i["document_id"], i["task"]) for i in inbox["results"]] == [(doc["id"], "revise")]

    # Resubmitting without a corrected version is refused.
    r = _act(client, drafter, doc["id"], "submit", body["revision"])
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "file"
    data = {"file": (io.BytesIO(make_pdf("Nota dinas penugasan, diperbaiki")), "v2.pdf"),
            "revision": str(body["revision"])}
    assert client.post(f"/api/v1/documents/{doc['id']}/versions", data=data, headers=drafter).status_code == 201
    revision = client.get(f"/api/v1/documents/{doc['id']}", headers=drafter).get_json()["revision"]
    body = _act(client, drafter, doc["id"], "submit", revision).get_json()
    # nota dinas resumes at the step that returned it
    assert [s["state"] for s in body["steps"]] == ["done", "current", "waiting"]
    body = _act(client, sec, doc["id"], "initial", body["revision"]).get_json()
    assert body["state"] == "approved"
    # A stale revision gets 409 and changes nothing.
    stale = _act(client, head, doc["id"], "sign", body["revision"] - 1, passphrase=PASSPHRASE)
    assert stale.status_code == 409
    body = _act(client, head, doc["id"], "sign", body["revision"], passphrase=PASSPHRASE).get_json()
    assert body["state"] == "signed"
    assert body["number"].startswith("000.8.3.3/1/DISKOMINFO/")
    assert "Kepala Dinas" in body["signature_block"] and "NIP. 198001012005011001" in body["signature_block"]
    # A signed letter is never changed.
    data = {"file": (io.BytesIO(make_pdf("x")), "x.pdf")}
    assert client.post(f"/api/v1/documents/{doc['id']}/versions", data=data, headers=drafter).status_code in (403, 409)
    assert _act(client, drafter, doc["id"], "send", body["revision"]).status_code == 403
    body = _act(client, clerk, doc["id"], "send", body["revision"]).get_json()
    body = _act(client, clerk, doc["id"], "file", body["revision"]).get_json()
    assert body["state"] == "filed"
    trail = client.get(f"/api/v1/documents/{doc['id']}/audit", headers=drafter).get_json()["results"]
    assert [e["action"] for e in trail] == ["submit", "initial", "return", "submit", "initial", "sign", "send", "file"]
    assert trail[2]["comment"] == "Perbaiki dasar hukum"
