"""Search answers by the database's rules now, not by the readers the index held when it last saw a letter."""
from __future__ import annotations

from sqlalchemy import delete

from docflow.documents.models import SecurityClass
from docflow.documents.operations import DocumentFields, create_document
from docflow.outbox.models import OutboxJob
from tests.workflow.helpers import build_office, pdf_upload

BODY = "Rencana mutasi pejabat struktural kepegawaian"


def _secret_letter(db, services, office, title: str):
    fields = DocumentFields(title=title, classification_code="000.8.3.3", security_class=SecurityClass.RAHASIA)
    with pdf_upload(services, f"{title}\n{BODY}") as upload:
        document = create_document(db, services.store, actor=office.drafter, fields=fields, upload=upload,
                                   on=services.today())
    db.commit()
    return document


def _route(client, headers, document, *positions):
    steps = [{"kind": "verify", "position_id": p.id} for p in positions[:-1]]
    steps.append({"kind": "sign", "position_id": positions[-1].id})
    revision = client.get(f"/api/v1/documents/{document.id}", headers=headers).get_json()["revision"]
    response = client.put(f"/api/v1/documents/{document.id}/route", json={"revision": revision, "steps": steps},
                          headers=headers)
    assert response.status_code == 200, response.get_json()


def test_removed_verifier_no_longer_finds_the_letter_before_the_worker_runs(
        client, db, services, token_for, run_worker):
    """Taken off a Rahasia letter's route, does the sub-head stop finding it at once (title, fragment, counts)?"""
    office = build_office(db, "BKPSDM")
    db.commit()
    letter = _secret_letter(db, services, office, "Mutasi pejabat eselon tiga")
    drafter, subhead = token_for(office.drafter), token_for(office.subhead_user)
    _route(client, drafter, letter, office.subhead, office.head)
    run_worker()
    found = client.get("/api/v1/search?q=mutasi&facets=1", headers=subhead).get_json()
    assert [hit["id"] for hit in found["results"]] == [letter.id]

    _route(client, drafter, letter, office.secretary, office.head)  # the sub-head is taken off; no worker
    body = client.get("/api/v1/search?q=mutasi&facets=1", headers=subhead).get_json()
    assert (body["total"], body["results"]) == (0, [])
    assert all(sum(counts.values()) == 0 for counts in body["facets"].values())
    typo = client.get("/api/v1/search?q=mutsi&autocorrect=0", headers=subhead).get_json()
    assert typo["suggestion"] is None and typo["total"] == 0
    # The secretary, put on the route, finds it once the worker has indexed the new route.
    run_worker()
    secretary = client.get("/api/v1/search?q=mutasi", headers=token_for(office.secretary_user)).get_json()
    assert [hit["id"] for hit in secretary["results"]] == [letter.id]
    assert client.get("/api/v1/search?q=mutasi", headers=subhead).get_json()["total"] == 0


def test_pages_and_counts_leave_out_the_letter_taken_away(client, db, services, token_for, run_worker):
    """Do page 1, page 2, the total and the facets skip the letter the sub-head lost, with its job queued?"""
    office = build_office(db, "BAPPEDA")
    db.commit()
    letters = [_secret_letter(db, services, office, f"Mutasi pejabat {n}") for n in range(3)]
    drafter, subhead = token_for(office.drafter), token_for(office.subhead_user)
    for letter in letters:
        _route(client, drafter, letter, office.subhead, office.head)
    run_worker()
    first = client.get("/api/v1/search?q=mutasi&per_page=1&sort=newest", headers=subhead).get_json()
    assert (first["total"], [hit["id"] for hit in first["results"]]) == (3, [letters[-1].id])

    _route(client, drafter, letters[-1], office.secretary, office.head)
    pages = [client.get(f"/api/v1/search?q=mutasi&per_page=1&sort=newest&facets=1&page={n}",
                        headers=subhead).get_json() for n in (1, 2, 3)]
    assert [[hit["id"] for hit in page["results"]] for page in pages] == [[letters[1].id], [letters[0].id], []]
    assert {page["total"] for page in pages} == {2}
    assert pages[0]["facets"]["security_class"] == {"rahasia": 2}
    similar = client.get(f"/api/v1/documents/{letters[0].id}/similar", headers=subhead).get_json()
    assert [hit["id"] for hit in similar["results"]] == [letters[1].id]


def test_a_hit_refused_without_a_queued_job_is_replaced_and_not_counted(client, db, services, token_for,
                                                                         run_worker):
    """A stale entry whose index job was lost: is the page still full and the total right, without the letter?"""
    office = build_office(db, "BAPPEDA")
    db.commit()
    letters = [_secret_letter(db, services, office, f"Mutasi pejabat {n}") for n in range(3)]
    drafter, subhead = token_for(office.drafter), token_for(office.subhead_user)
    for letter in letters:
        _route(client, drafter, letter, office.subhead, office.head)
    run_worker()
    _route(client, drafter, letters[-1], office.secretary, office.head)
    db.execute(delete(OutboxJob))  # only the check of the page against the database can catch it now
    db.commit()
    body = client.get("/api/v1/search?q=mutasi&per_page=1&sort=newest", headers=subhead).get_json()
    assert ([hit["id"] for hit in body["results"]], body["total"]) == ([letters[1].id], 2)
    similar = client.get(f"/api/v1/documents/{letters[0].id}/similar", headers=subhead).get_json()
    assert [hit["id"] for hit in similar["results"]] == [letters[1].id]


def test_past_the_hidden_limit_the_page_check_still_keeps_every_unreadable_hit_out(
        client, db, services, token_for, run_worker, monkeypatch):
    """A backlog larger than the letters hidden in the index: does any letter taken away still show?"""
    from docflow.search import operations

    office = build_office(db, "DISDIK")
    db.commit()
    letters = [_secret_letter(db, services, office, f"Mutasi pejabat {n}") for n in range(4)]
    drafter, subhead = token_for(office.drafter), token_for(office.subhead_user)
    for letter in letters:
        _route(client, drafter, letter, office.subhead, office.head)
    run_worker()
    for letter in letters[1:]:
        _route(client, drafter, letter, office.secretary, office.head)
    monkeypatch.setattr(operations, "MAX_HIDDEN", 1)
    assert len(operations.lagging_unreadable_ids(db, office.subhead_user, {office.subhead.id})) == 1
    body = client.get("/api/v1/search?q=mutasi&per_page=2", headers=subhead).get_json()
    assert [hit["id"] for hit in body["results"]] == [letters[0].id]
