"""The administration API: units, positions, people, assignments, delegations, document types, registers."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.conftest import PASSWORD
from tests.workflow_factories import make_office

API = "/api/v1/admin"


def _fields(response) -> set[str | None]:
    return {e["field"] for e in response.get_json()["errors"]}


def test_every_admin_route_refuses_non_admins_and_anonymous_callers(app, client, clerk_headers):
    """Does each administration endpoint answer 403 to a non-administrator and 401 without a token?"""
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API):
            continue
        path = re.sub(r"<id:[^>]+>", "1", rule.rule).replace("<code>", "nota_dinas")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={}, headers=clerk_headers)
            assert response.status_code == 403, (method, path)
            assert response.get_json()["errors"][0]["reason"]
            assert client.open(path, method=method, json={}).status_code == 401, (method, path)
            checked += 1
    assert checked >= 25


def test_units_create_list_show_update(client, admin_headers):
    response = client.post(f"{API}/units", json={"code": "pemkot", "name": "Pemerintah Kota Contoh",
                                                 "kind": "Pemkot"}, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    top = response.get_json()
    assert top["code"] == "PEMKOT" and top["kind"] == "pemkot" and top["parent"] is None
    assert response.headers["Location"].endswith(f"/units/{top['id']}")
    child = client.post(f"{API}/units", json={"code": "DISKOMINFO", "name": "Dinas Komunikasi  dan Informatika",
                                              "parent": "PEMKOT"}, headers=admin_headers).get_json()
    assert child["name"] == "Dinas Komunikasi dan Informatika" and child["parent"] == "PEMKOT"
    assert child["kind"] == "dinas"

    listed = client.get(f"{API}/units", headers=admin_headers).get_json()["results"]
    depths = {u["code"]: u["depth"] for u in listed}
    assert depths["PEMKOT"] == 0 and depths["DISKOMINFO"] == 1
    codes = [u["code"] for u in listed]
    assert codes.index("PEMKOT") < codes.index("DISKOMINFO")

    response = client.patch(f"{API}/units/{child['id']}", json={"name": "Diskominfo Kota", "parent": None},
                            headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["name"] == "Diskominfo Kota" and response.get_json()["parent"] is None
    assert response.get_json()["kind"] == "dinas"  # left out: kept
    assert client.get(f"{API}/units/{child['id']}", headers=admin_headers).get_json()["name"] == "Diskominfo Kota"
    assert client.get(f"{API}/units/99999", headers=admin_headers).status_code == 404


def test_unit_refusals_name_the_field(client, admin_headers):
    ok = client.post(f"{API}/units", json={"code": "BAPPEDA", "name": "Bappeda"}, headers=admin_headers).get_json()
    sub = client.post(f"{API}/units", json={"code": "BAPPEDA-EKO", "name": "Bidang Ekonomi", "parent": "BAPPEDA"},
                      headers=admin_headers).get_json()
    cases = [
        ({"code": "BAPPEDA", "name": "Lagi"}, 409, {"code"}),
        ({"code": "bad code!", "name": "X"}, 400, {"code"}),
        ({"code": "NONAME"}, 400, {"name"}),
        ({"code": "ORPHAN", "name": "X", "parent": "NOWHERE"}, 400, {"parent"}),
        ({"code": "ODD", "name": "X", "kind": "!!"}, 400, {"kind"}),
        ({"code": "TYPO", "name": "X", "parnet": "BAPPEDA"}, 400, {"parnet"}),
        ({"name": "", "kind": 5}, 400, {"code", "name", "kind"}),
    ]
    for body, status, fields in cases:
        response = client.post(f"{API}/units", json=body, headers=admin_headers)
        assert response.status_code == status, (body, response.get_json())
        assert _fields(response) == fields, body
    # A unit cannot move under its own sub-unit, nor change its code.
    response = client.patch(f"{API}/units/{ok['id']}", json={"parent": "BAPPEDA-EKO"}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"parent"}
    response = client.patch(f"{API}/units/{sub['id']}", json={"code": "EKO"}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"code"}
    assert client.post(f"{API}/units", data="[]", content_type="application/json",
                       headers=admin_headers).status_code == 400


def test_positions_create_list_update_and_refusals(client, admin_headers, make_unit):
    unit = make_unit("DISDIK")
    head = client.post(f"{API}/positions", json={"unit": "disdik", "title": "Kepala  Dinas Pendidikan",
                                                 "eselon": "ii.B"}, headers=admin_headers)
    assert head.status_code == 201, head.get_json()
    head = head.get_json()
    assert head["eselon"] == "II.b" and head["level"] == 2 and head["title"] == "Kepala Dinas Pendidikan"
    assert head["holders"] == [] and head["active"] is True
    sec = client.post(f"{API}/positions", json={"unit": unit.code, "title": "Sekretaris", "eselon": "III.a",
                                                "parent_id": head["id"]}, headers=admin_headers).get_json()
    assert sec["parent_id"] == head["id"] and sec["parent"] == "Kepala Dinas Pendidikan"
    staff = client.post(f"{API}/positions", json={"unit": unit.code, "title": "Pengadministrasi",
                                                  "parent_id": sec["id"]}, headers=admin_headers).get_json()
    assert staff["eselon"] == "" and staff["level"] == 5

    listed = client.get(f"{API}/positions?unit=DISDIK", headers=admin_headers).get_json()
    assert [p["title"] for p in listed["results"]] == ["Kepala Dinas Pendidikan", "Sekretaris", "Pengadministrasi"]
    assert listed["total"] == 3
    assert client.get(f"{API}/positions?unit=NOWHERE", headers=admin_headers).status_code == 404

    response = client.patch(f"{API}/positions/{sec['id']}", json={"title": "Sekretaris Dinas", "eselon": "III.b"},
                            headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["title"] == "Sekretaris Dinas" and response.get_json()["parent_id"] == head["id"]

    cases = [
        ("post", "", {"unit": unit.code, "title": "X", "eselon": "II"}, 400, {"eselon"}),
        ("post", "", {"unit": unit.code, "title": "X", "eselon": "VI.a"}, 400, {"eselon"}),
        ("post", "", {"unit": "NOWHERE", "title": ""}, 400, {"unit", "title"}),
        ("post", "", {"unit": unit.code, "title": "X", "parent_id": 999999}, 400, {"parent_id"}),
        ("post", "", {"unit": unit.code, "title": "X", "parent_id": "abc"}, 400, {"parent_id"}),
        ("patch", f"/{head['id']}", {"parent_id": staff["id"]}, 400, {"parent_id"}),
        ("patch", f"/{head['id']}", {"unit": make_unit().code}, 400, {"unit"}),
        ("patch", f"/{head['id']}", {"active": "perhaps"}, 400, {"active"}),
    ]
    for method, suffix, body, status, fields in cases:
        response = client.open(f"{API}/positions{suffix}", method=method, json=body, headers=admin_headers)
        assert response.status_code == status, (body, response.get_json())
        assert _fields(response) == fields, body


def test_people_create_without_password_update_roles_and_password(client, admin_headers, make_unit):
    make_unit("DINKES")
    response = client.post(f"{API}/users", json={
        "username": "Rina.W", "full_name": "Rina Wulandari", "nip": "19820314 200604 2 011", "rank": "Penata (III/c)",
        "email": "rina@dinkes.contoh.go.id", "unit": "dinkes", "roles": ["verifier", "drafter"]}, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    rina = response.get_json()
    assert rina["username"] == "rina.w" and rina["nip"] == "198203142006042011"
    assert rina["roles"] == ["drafter", "verifier"] and rina["has_password"] is False and rina["active"] is True
    assert "password_hash" not in rina and rina["assignments"] == []
    # No password yet: she cannot log in (no redirect into the application).
    assert client.post("/login", data={"username": "rina.w", "password": PASSWORD}).status_code != 302

    response = client.patch(f"{API}/users/{rina['id']}", json={"roles": "signer, verifier", "rank": "Penata Tk. I"},
                            headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["roles"] == ["signer", "verifier"] and response.get_json()["email"] == rina["email"]

    assert client.put(f"{API}/users/{rina['id']}/password", json={"password": "short"},
                      headers=admin_headers).get_json()["errors"][0]["field"] == "password"
    assert client.put(f"{API}/users/{rina['id']}/password", json={"password": PASSWORD},
                      headers=admin_headers).status_code == 204
    assert client.post("/login", data={"username": "rina.w", "password": PASSWORD}).status_code == 302
    found = client.get(f"{API}/users?q=wulan", headers=admin_headers).get_json()
    assert [u["username"] for u in found["results"]] == ["rina.w"] and found["results"][0]["has_password"] is True
    assert client.get(f"{API}/users?unit=DINKES", headers=admin_headers).get_json()["total"] == 1


def test_people_refusals_name_the_field(client, admin_headers, make_unit, make_user):
    unit = make_unit("DISHUB")
    make_user("ada", unit=unit, nip="198001012005011001")
    cases = [
        ({"username": "ada", "full_name": "Ada Lagi", "unit": unit.code}, 409, {"username"}),
        ({"username": "x", "full_name": "X", "unit": unit.code}, 400, {"username"}),
        ({"username": "baru", "full_name": "Baru", "unit": unit.code, "nip": "123"}, 400, {"nip"}),
        ({"username": "baru", "full_name": "Baru", "unit": unit.code, "nip": "198001012005011001"}, 409, {"nip"}),
        ({"username": "baru", "full_name": "Baru", "unit": unit.code, "email": "not-an-address"}, 400, {"email"}),
        ({"username": "baru", "full_name": "Baru", "unit": unit.code, "roles": ["boss"]}, 400, {"roles"}),
        ({"username": "baru", "full_name": "Baru"}, 400, {"unit"}),
        ({"username": "baru", "full_name": "Baru", "unit": unit.code, "password_hash": "x"}, 400, {"password_hash"}),
    ]
    for body, status, fields in cases:
        response = client.post(f"{API}/users", json=body, headers=admin_headers)
        assert response.status_code == status, (body, response.get_json())
        assert _fields(response) == fields, body
    assert client.get(f"{API}/users?q=baru", headers=admin_headers).get_json()["total"] == 0


def test_deactivation_locks_out_and_one_active_administrator_always_remains(client, admin, admin_headers,
                                                                           make_user, token_for):
    from docflow.auth.models import Role

    person = make_user("pindah")
    person_headers = token_for(person)
    assert client.get("/api/v1/documents", headers=person_headers).status_code == 200
    response = client.patch(f"{API}/users/{person.id}", json={"active": False}, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/documents", headers=person_headers).status_code == 401
    assert client.post("/login", data={"username": "pindah", "password": PASSWORD}).status_code != 302
    assert client.patch(f"{API}/users/{person.id}", json={"active": True},
                        headers=admin_headers).get_json()["active"] is True

    response = client.patch(f"{API}/users/{admin.id}", json={"active": False}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"active"}
    response = client.patch(f"{API}/users/{admin.id}", json={"roles": ["drafter"]}, headers=admin_headers)
    assert response.status_code == 409 and _fields(response) == {"roles"}
    # With a second administrator, the first may step down.
    make_user("admin-dua", roles=(Role.ADMIN,))
    response = client.patch(f"{API}/users/{admin.id}", json={"roles": ["drafter"]}, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["roles"] == ["drafter"]
    assert client.get(f"{API}/units", headers=admin_headers).status_code == 403


def test_assignments_one_holder_per_structural_desk_and_ending(client, db, admin_headers, make_unit, make_user):
    office = make_office(db, make_unit, make_user, "DISPAR")
    newcomer = make_user("pendatang", unit=office.unit)
    body = {"position_id": office.head.id, "user": "pendatang", "starts_on": "2026-01-05"}
    response = client.post(f"{API}/assignments", json=body, headers=admin_headers)
    assert response.status_code == 409 and _fields(response) == {"position_id"}
    assert office.head_user.username in response.get_json()["errors"][0]["reason"]

    head_rows = client.get(f"{API}/assignments?position_id={office.head.id}", headers=admin_headers).get_json()
    [current] = head_rows["results"]
    assert current["user"] == office.head_user.username and current["ends_on"] is None
    response = client.post(f"{API}/assignments/{current['id']}/end", json={"ends_on": "2019-12-31"},
                           headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"ends_on"}
    response = client.post(f"{API}/assignments/{current['id']}/end", json={"ends_on": "2026-01-04"},
                           headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["ends_on"] == "2026-01-04"

    response = client.post(f"{API}/assignments", json=body, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["user"] == "pendatang" and response.get_json()["starts_on"] == "2026-01-05"
    # Twice the same person at the same desk overlapping is refused; a staff desk takes several people.
    again = client.post(f"{API}/assignments", json={**body, "starts_on": "2026-02-01"}, headers=admin_headers)
    assert again.status_code == 409 and _fields(again) == {"starts_on"}
    staff = client.post(f"{API}/assignments", json={"position_id": office.staff.id, "user": "pendatang",
                                                    "starts_on": "2026-01-05"}, headers=admin_headers)
    assert staff.status_code == 201
    mine = client.get(f"{API}/assignments?user=pendatang", headers=admin_headers).get_json()["results"]
    assert {a["position_id"] for a in mine} == {office.head.id, office.staff.id}
    assert client.get(f"{API}/users/{newcomer.id}", headers=admin_headers).get_json()["assignments"] == mine

    cases = [
        ({"position_id": office.staff.id, "user": "nobody", "starts_on": "2026-01-05"}, {"user"}),
        ({"position_id": office.staff.id, "user": "pendatang", "starts_on": "5/1/2026"}, {"starts_on"}),
        ({"user": "pendatang", "starts_on": "2026-01-05"}, {"position_id"}),
        ({"position_id": office.secretary.id, "user": "pendatang", "starts_on": "2030-01-05",
          "ends_on": "2030-01-01"}, {"ends_on"}),
    ]
    for body, fields in cases:
        response = client.post(f"{API}/assignments", json=body, headers=admin_headers)
        assert response.status_code == 400 and _fields(response) == fields, (body, response.get_json())
    assert client.get(f"{API}/assignments", headers=admin_headers).status_code == 400


def test_delegation_rules_through_the_api(client, db, services, admin_headers, make_unit, make_user):
    """Plh. while held, never overlapping (409), no Plt. while held (400), not longer than the setting (400)."""
    office = make_office(db, make_unit, make_user, "DISPORA")
    deputy = office.secretary_user.username
    plh_days = services.settings.workflow.plh_max_days
    start = date(2026, 3, 2)

    def appoint(kind: str, starts_on: date, ends_on: date, position_id: int = office.head.id, delegate: str = deputy):
        return client.post(f"{API}/delegations", json={
            "position_id": position_id, "delegate": delegate, "kind": kind, "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(), "decree_reference": "800/12/DISPORA/2026"}, headers=admin_headers)

    response = appoint("plh", start, start + timedelta(days=13))
    assert response.status_code == 201, response.get_json()
    plh = response.get_json()
    assert plh["kind"] == "plh" and plh["delegate"] == deputy and plh["decree_reference"] == "800/12/DISPORA/2026"

    overlap = appoint("plh", start + timedelta(days=10), start + timedelta(days=20))
    assert overlap.status_code == 409 and _fields(overlap) == {"starts_on"}
    while_held = appoint("plt", start + timedelta(days=30), start + timedelta(days=40))
    assert while_held.status_code == 400 and _fields(while_held) == {"kind"}
    too_long = appoint("plh", start + timedelta(days=30), start + timedelta(days=30 + plh_days))
    assert too_long.status_code == 400 and _fields(too_long) == {"ends_on"}
    assert str(plh_days) in too_long.get_json()["errors"][0]["reason"]
    assert appoint("plh", start + timedelta(days=30), start + timedelta(days=29 + plh_days)).status_code == 201
    himself = appoint("plh", date(2027, 1, 4), date(2027, 1, 8), delegate=office.head_user.username)
    assert himself.status_code == 400 and _fields(himself) == {"delegate"}
    bad = client.post(f"{API}/delegations", json={"position_id": office.head.id, "delegate": deputy, "kind": "acting",
                                                  "starts_on": "2026-01-01"}, headers=admin_headers)
    assert bad.status_code == 400 and _fields(bad) == {"kind", "ends_on"}

    # Revoked, the period is free again.
    revoked = client.post(f"{API}/delegations/{plh['id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200 and revoked.get_json()["revoked"] is True
    assert appoint("plh", start + timedelta(days=10), start + timedelta(days=20)).status_code == 201
    listed = client.get(f"{API}/delegations?position_id={office.head.id}", headers=admin_headers).get_json()
    assert len(listed["results"]) == 3 and sum(d["revoked"] for d in listed["results"]) == 1

    # A vacant desk takes a Plt., not a Plh.
    vacant = client.post(f"{API}/positions", json={"unit": office.unit.code, "title": "Kepala Bidang Pemuda",
                                                   "eselon": "III.b", "parent_id": office.head.id},
                         headers=admin_headers).get_json()
    response = appoint("plh", start, start + timedelta(days=5), position_id=vacant["id"])
    assert response.status_code == 400 and _fields(response) == {"kind"}
    assert appoint("plt", start, start + timedelta(days=90), position_id=vacant["id"]).status_code == 201


def test_closing_a_held_desk_is_refused(client, db, admin_headers, make_unit, make_user):
    office = make_office(db, make_unit, make_user, "DISTAN")
    response = client.patch(f"{API}/positions/{office.subhead.id}", json={"active": False}, headers=admin_headers)
    assert response.status_code == 409 and _fields(response) == {"active"}
    vacant = client.post(f"{API}/positions", json={"unit": office.unit.code, "title": "Analis Kebijakan"},
                         headers=admin_headers).get_json()
    response = client.patch(f"{API}/positions/{vacant['id']}", json={"active": False}, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["active"] is False
    response = client.post(f"{API}/assignments", json={"position_id": vacant["id"], "user": office.drafter.username,
                                                       "starts_on": "2026-01-05"}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"position_id"}


def test_document_types_all_rules(client, admin_headers):
    listed = client.get(f"{API}/document-types", headers=admin_headers).get_json()["results"]
    assert {"nota_dinas", "keputusan"} <= {t["code"] for t in listed}
    body = {"code": "surat_izin", "name": "Surat Izin", "group": "special", "signer_levels": [2, 3],
            "allow_an": True, "allow_ub": False, "register_scope": "unit",
            "number_pattern": "{classification}/{seq}/{unit}/{month}/{year}", "restart_from": "returning",
            "max_verifiers": 2, "active": True}
    response = client.post(f"{API}/document-types", json=body, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == body
    response = client.patch(f"{API}/document-types/surat_izin", json={"signer_levels": "2,3,4", "active": False,
                                                                      "register_scope": "city"},
                            headers=admin_headers)
    assert response.status_code == 200
    changed = response.get_json()
    assert changed["signer_levels"] == [2, 3, 4] and changed["active"] is False and changed["register_scope"] == "city"
    assert changed["number_pattern"] == body["number_pattern"]
    assert client.get(f"{API}/document-types/surat_izin", headers=admin_headers).get_json() == changed
    assert client.get(f"{API}/document-types/nope", headers=admin_headers).status_code == 404

    cases = [
        ({**body}, 409, {"code"}),
        ({**body, "code": "Surat Izin"}, 400, {"code"}),
        ({**body, "code": "x2", "number_pattern": "{unit}/{year}"}, 400, {"number_pattern"}),
        ({**body, "code": "x2", "number_pattern": "{seq}/{dinas}"}, 400, {"number_pattern"}),
        ({**body, "code": "x2", "group": "letters"}, 400, {"group"}),
        ({**body, "code": "x2", "signer_levels": []}, 400, {"signer_levels"}),
        ({**body, "code": "x2", "signer_levels": [0, 9]}, 400, {"signer_levels"}),
        ({**body, "code": "x2", "max_verifiers": 4}, 400, {"max_verifiers"}),
        ({**body, "code": "x2", "restart_from": "middle", "register_scope": "province"}, 400,
         {"restart_from", "register_scope"}),
    ]
    for case, status, fields in cases:
        response = client.post(f"{API}/document-types", json=case, headers=admin_headers)
        assert response.status_code == status, (case, response.get_json())
        assert _fields(response) == fields, case
    response = client.patch(f"{API}/document-types/surat_izin", json={"code": "izin"}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"code"}


def test_number_registers_open_list_and_only_move_forward(client, admin_headers, make_unit):
    unit = make_unit("DPMPTSP")
    response = client.post(f"{API}/number-registers", json={"doc_type": "nota_dinas", "unit": unit.code,
                                                            "year": 2026, "last_seq": 41}, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    register = response.get_json()
    assert register["unit"] == "DPMPTSP" and register["last_seq"] == 41
    assert register["pattern"] == "{classification}/{seq}/{unit}/{year}"
    city = client.post(f"{API}/number-registers", json={"doc_type": "keputusan", "year": 2026,
                                                        "pattern": "NOMOR {seq} TAHUN {year}"}, headers=admin_headers)
    assert city.status_code == 201 and city.get_json()["unit"] is None

    listed = client.get(f"{API}/number-registers?year=2026", headers=admin_headers).get_json()["results"]
    assert {(r["doc_type"], r["unit"], r["last_seq"]) for r in listed} == {("nota_dinas", "DPMPTSP", 41),
                                                                          ("keputusan", None, 0)}
    assert client.get(f"{API}/number-registers?year=2025", headers=admin_headers).get_json()["results"] == []

    path = f"{API}/number-registers/{register['id']}"
    response = client.patch(path, json={"last_seq": 40}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"last_seq"}
    response = client.patch(path, json={"last_seq": 50, "pattern": "{seq}/{unit}/{year}"}, headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["last_seq"] == 50 and response.get_json()["pattern"] == "{seq}/{unit}/{year}"
    assert client.get(path, headers=admin_headers).get_json()["last_seq"] == 50

    cases = [
        ({"doc_type": "nota_dinas", "unit": unit.code, "year": 2026}, 409, {"year"}),
        ({"doc_type": "keputusan", "unit": unit.code, "year": 2027}, 400, {"unit"}),
        ({"doc_type": "nota_dinas", "year": 2027}, 400, {"unit"}),
        ({"doc_type": "nope", "year": 2027}, 400, {"doc_type"}),
        ({"doc_type": "memo", "unit": unit.code, "year": 1990}, 400, {"year"}),
        ({"doc_type": "memo", "unit": unit.code, "year": 2027, "pattern": "{unit}"}, 400, {"pattern"}),
        ({"doc_type": "memo", "unit": unit.code, "year": 2027, "last_seq": -1}, 400, {"last_seq"}),
    ]
    for body, status, fields in cases:
        response = client.post(f"{API}/number-registers", json=body, headers=admin_headers)
        assert response.status_code == status, (body, response.get_json())
        assert _fields(response) == fields, body
    response = client.patch(path, json={"year": 2030}, headers=admin_headers)
    assert response.status_code == 400 and _fields(response) == {"year"}


def test_numbering_continues_an_opened_register(client, db, services, admin_headers, make_user, token_for):
    """Does the next number allocated after opening a register at 41 come out as 42?"""
    from docflow.documents.models import Document
    from docflow.workflow.models import DocumentTypeRule
    from docflow.workflow.numbering import allocate_number
    from tests.conftest import upload
    from tests.fixtures import make_pdf

    drafter = make_user("penyusun")
    now = services.now()
    assert client.post(f"{API}/number-registers", json={"doc_type": "nota_dinas", "unit": drafter.unit.code,
                                                        "year": now.year, "last_seq": 41},
                       headers=admin_headers).status_code == 201
    doc_id = upload(client, token_for(drafter), make_pdf("Nota dinas koperasi"), title="Koperasi",
                    classification_code="500").get_json()["id"]
    number = allocate_number(db, db.get(Document, doc_id), db.get(DocumentTypeRule, "nota_dinas"), now)
    assert number == f"500/42/{drafter.unit.code}/{now.year}"
