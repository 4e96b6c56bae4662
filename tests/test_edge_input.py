"""Input is checked at the edge: ids in paths, whole numbers in parameters and typed JSON fields.

Out-of-range numbers (2**63 and more) used to reach the database driver and come back as a 500.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from tests.conftest import make_settings, upload
from tests.fixtures import make_pdf
from tests.workflow.helpers import build_office

_ID_ARG = re.compile(r"<id:([^>]+)>")
_OTHER_ARG = re.compile(r"<(?:[^:>]+:)?[^>]+>")


def _id_routes() -> list[tuple[str, str]]:
    """Every (method, rule) of the app whose path takes a row id, read from the real url_map."""
    from docflow import create_app
    from docflow.urls import IdConverter

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_settings(Path(tmp)))
        routes = sorted({(method, rule.rule) for rule in app.url_map.iter_rules()
                         if any(isinstance(c, IdConverter) for c in rule._converters.values())
                         for method in rule.methods - {"HEAD", "OPTIONS"}})
        app.extensions["docflow"].close()
    return routes


ID_ROUTES = _id_routes()


def _path(rule: str, value: str, *, at: int | None = None) -> str:
    """Fill a rule: `value` into the id at position `at` (every id when None), 1 into the others."""
    count = iter(range(100))

    def fill(match: re.Match[str]) -> str:
        return value if at is None or next(count) == at else "1"

    return _OTHER_ARG.sub("x", _ID_ARG.sub(fill, rule))


@pytest.fixture(scope="module")
def routing_client(tmp_path_factory):
    """A client of an app whose database is never reached: routing alone must answer."""
    from docflow import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("routing")))
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    yield app.test_client()
    app.extensions["docflow"].close()


def test_every_integer_path_argument_is_an_id():
    """Does every route with a whole number in its path use the id converter (not werkzeug's `int`)?"""
    from docflow import create_app

    assert len(ID_ROUTES) >= 40
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_settings(Path(tmp)))
        plain = [rule.rule for rule in app.url_map.iter_rules() if "<int" in rule.rule or "<float" in rule.rule]
        app.extensions["docflow"].close()
    assert plain == []


@pytest.mark.parametrize("value", [str(2**31), str(2**63), "99999999999999999999999999999999", "-1", "0", "007",
                                   "\u0663", "1e3"])
@pytest.mark.parametrize(("method", "rule"), ID_ROUTES)
def test_ids_out_of_range_are_not_found(routing_client, method, rule, value):
    """Is an id past an INTEGER column, -1, 0, a leading zero, a non-ASCII digit or a float simply no such page?"""
    for at in range(len(_ID_ARG.findall(rule))):
        path = _path(rule, value, at=at)
        response = routing_client.open(path, method=method, json={})
        assert response.status_code == 404, (method, path, response.status_code)
        if rule.startswith("/api/"):
            assert response.get_json()["errors"][0]["field"] is None


@pytest.mark.parametrize("limit", [1, 7, 10, 99, 100, 307, 4096])
def test_the_id_pattern_matches_exactly_one_to_its_limit(limit):
    from docflow.urls import numbers_up_to

    pattern = re.compile(numbers_up_to(limit))
    assert [n for n in range(-5, limit * 3 + 20) if pattern.fullmatch(str(n))] == list(range(1, limit + 1))
    assert not pattern.fullmatch(f"0{limit}") and not pattern.fullmatch("\u0661")


def test_largest_id_is_routed(routing_client):
    """Is 2**31 - 1, the largest INTEGER, still an id (the view answers, not the router)?"""
    response = routing_client.get(f"/api/v1/documents/{2**31 - 1}")
    assert response.status_code == 401  # the view's login check, past the router


@pytest.mark.parametrize(("method", "rule"), [r for r in ID_ROUTES if r[1].startswith("/api/")])
def test_largest_id_reaches_the_database_and_is_not_found(client, make_user, token_for, method, rule):
    """Does the largest id pass the router and the query on SQLite and PostgreSQL, and find nothing?

    PostgreSQL casts an id parameter to its INTEGER column's type: 2**31 and more was a 500 there."""
    from docflow.auth.models import Role

    # A records clerk too, so the clerk-only routes (the "to register" list) reach their query.
    headers = token_for(make_user(roles=(Role.ADMIN, Role.DRAFTER, Role.RECORDS_CLERK)))
    response = client.open(_path(rule, str(2**31 - 1)), method=method, json={"revision": 1}, headers=headers)
    assert response.status_code == 404, response.get_json()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, "9" * 5000, "\u00b2", "1_000", 1.5, True, {}, []])
def test_whole_numbers_out_of_range_or_of_the_wrong_type_are_refused(value):
    """Is anything but a 64-bit whole number (a JSON integer or ASCII digits) refused, naming the field?"""
    from docflow.api.params import optional_int
    from docflow.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        optional_int({"revision": value}, "revision")
    assert refused.value.field == "revision"


@pytest.mark.parametrize(("args", "expected"), [({"page": " 12 "}, 12), ({"page": ""}, 1), ({}, 1),
                                                ({"page": str(2**63 - 1)}, 2**63 - 1)])
def test_whole_numbers_in_range_are_read(args, expected):
    from docflow.api.params import int_param

    assert int_param(args, "page", 1) == expected


@pytest.mark.parametrize("query", ["page=9223372036854775808", "per_page=-1", "page=0", "page=1000001",
                                   "page=%C2%B2"])
def test_paging_out_of_range_is_refused(client, make_user, token_for, query):
    """Is a page number past any list, or not a number, a 400 naming the parameter (not a 500)?"""
    headers = token_for(make_user())
    response = client.get(f"/api/v1/documents?{query}", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == query.split("=")[0]


@pytest.fixture
def letter(db, client, token_for):
    """A draft letter of an office's drafter, with her API headers."""
    office = build_office(db, "EDGE")
    db.commit()
    headers = token_for(office.drafter)
    response = upload(client, headers, make_pdf("Undangan rapat"), title="Undangan rapat")
    assert response.status_code == 201
    return response.get_json(), headers, office


@pytest.mark.parametrize("revision", [{}, [], {"n": 1}, [1], 1.5, True, 2**63, "satu"])
@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("POST", "actions/submit", {}),
    ("POST", "actions/sign", {"passphrase": "x"}),
    ("PUT", "route", {"steps": []}),
    ("PUT", "deadline", {"deadline": None}),
    ("PUT", "recipients", {"recipients": []}),
])
def test_revision_of_the_wrong_type_is_a_400_naming_it(client, letter, method, suffix, body, revision):
    """Is a revision sent as an object, a list, a fraction, a boolean or 2**63 a 400 on `revision`?"""
    document, headers, _ = letter
    response = client.open(f"/api/v1/documents/{document['id']}/{suffix}", method=method,
                           json={**body, "revision": revision}, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "revision"


def test_revision_of_a_new_version_is_checked(client, letter):
    import io

    document, headers, _ = letter
    data = {"file": (io.BytesIO(make_pdf("Undangan rapat, diperbaiki")), "v2.pdf"), "revision": str(2**63)}
    response = client.post(f"/api/v1/documents/{document['id']}/versions", data=data, headers=headers)
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == "revision"


@pytest.mark.parametrize("field", ["comment", "passphrase"])
@pytest.mark.parametrize("value", [{}, [], 5])
def test_text_fields_of_the_wrong_type_are_refused(client, letter, field, value):
    """Is a comment or passphrase that is not text a 400 naming it (not written as "{}")?"""
    document, headers, _ = letter
    action = "sign" if field == "passphrase" else "submit"
    response = client.post(f"/api/v1/documents/{document['id']}/actions/{action}",
                           json={"revision": document["revision"], field: value}, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field


@pytest.mark.parametrize("position_id", [2**31, 2**63, "\u00b2", 1.5, {}, True])
def test_route_steps_with_bad_position_ids_are_refused(client, letter, position_id):
    document, headers, _ = letter
    response = client.put(f"/api/v1/documents/{document['id']}/route", headers=headers, json={
        "revision": document["revision"], "steps": [{"kind": "sign", "position_id": position_id}]})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "steps"


@pytest.mark.parametrize("position_id", [2**31, 2**63, "\u00b2", 1.5, {}])
def test_recipients_with_bad_position_ids_are_refused(client, letter, position_id):
    document, headers, _ = letter
    response = client.put(f"/api/v1/documents/{document['id']}/recipients", headers=headers, json={
        "revision": document["revision"], "recipients": [{"kind": "to", "position_id": position_id}]})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "recipients"


@pytest.mark.parametrize("field", ["position_id", "replaces"])
@pytest.mark.parametrize("value", [str(2**31), str(2**63), "\u00b2"])
def test_upload_ids_out_of_range_are_refused(client, letter, field, value):
    _, headers, _ = letter
    response = upload(client, headers, make_pdf("Surat"), title="Surat", **{field: value})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field


@pytest.fixture
def admin_api(client, db, token_for):
    """The administration API as an administrator of an office."""
    office = build_office(db, "ADM")
    db.commit()
    headers = token_for(office.admin)

    def call(method: str, path: str, **kwargs):
        return client.open(f"/api/v1/admin{path}", method=method, headers=headers, **kwargs)

    return call, office


def test_a_position_keeps_its_unit_when_unit_is_null(admin_api):
    """Does "unit": null on PATCH /positions/{id} say the unit stays, instead of a 500?"""
    call, office = admin_api
    response = call("PATCH", f"/positions/{office.staff.id}", json={"unit": None})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "unit"
    assert call("GET", f"/positions/{office.staff.id}").get_json()["unit"] == "ADM"


@pytest.mark.parametrize("query", ["/assignments?position_id=9223372036854775808", "/delegations?position_id=2147483648",
                                   "/delegations?position_id=-99999999999999999999",
                                   "/number-registers?year=-1318161476748565544960",
                                   "/positions?page=9223372036854775808",
                                   "/users?per_page=%C2%B2"])
def test_admin_query_numbers_out_of_range_are_refused(admin_api, query):
    call, _ = admin_api
    response = call("GET", query)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == re.search(r"\?(\w+)=", query).group(1)


@pytest.mark.parametrize("position_id", [2**31, 2**63, -(2**63) - 1, "9" * 30, "\u00b2", {}, [], 1.5])
def test_admin_body_ids_out_of_range_or_of_the_wrong_type_are_refused(admin_api, position_id):
    """Is a position_id that is no 64-bit whole number a 400 naming it, on every body that takes one?"""
    call, office = admin_api
    bodies = [("POST", "/assignments", {"position_id": position_id, "user": "outsider-adm",
                                        "starts_on": "2026-01-01"}),
              ("POST", "/delegations", {"position_id": position_id, "delegate": "outsider-adm", "kind": "plh",
                                        "starts_on": "2026-01-01", "ends_on": "2026-01-31"}),
              ("PATCH", f"/positions/{office.staff.id}", {"parent_id": position_id})]
    for method, path, body in bodies:
        response = call(method, path, json=body)
        assert response.status_code == 400, (path, response.get_json())
        assert {e["field"] for e in response.get_json()["errors"]} & {"position_id", "parent_id"}, path


@pytest.mark.parametrize("last_seq", [2**31, 2**63, "\u00b2", {}])
def test_a_register_number_beyond_its_column_is_refused(admin_api, last_seq):
    """Is a last number past its INTEGER column a 400 (PostgreSQL's INTEGER ends at 2**31 - 1)?"""
    call, _ = admin_api
    created = call("POST", "/number-registers", json={"doc_type": "nota_dinas", "unit": "ADM", "year": 2026})
    assert created.status_code == 201, created.get_json()
    response = call("PATCH", f"/number-registers/{created.get_json()['id']}", json={"last_seq": last_seq})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "last_seq"


def test_a_method_not_allowed_names_the_allowed_ones(routing_client):
    """Does a 405 carry the Allow header (RFC 9110), on the API and on pages?"""
    response = routing_client.delete("/api/v1/documents")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["errors"][0]["field"] is None
    response = routing_client.put("/login")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


@pytest.mark.parametrize(("path", "kwargs", "field"), [
    ("/api/v1/classification-codes?q=000%00", {}, "q"),
    ("/api/v1/admin/users?q=%00", {}, "q"),
    ("/api/v1/documents?state=draft%00", {}, "state"),
    ("/api/v1/admin/units", {"method": "POST", "json": {"code": "X", "name": "Dinas\u0000"}}, "name"),
    ("/api/v1/admin/units", {"method": "POST", "json": {"code\u0000": "X"}}, "code\u0000"),
    ("/api/v1/admin/units", {"method": "POST", "json": ["\u0000"]}, None),
    ("/api/v1/documents", {"method": "POST", "data": {"title": "Surat\u0000"}}, "title"),
])
def test_nul_characters_are_refused_naming_the_field(client, make_user, token_for, path, kwargs, field):
    """Is a NUL character in a parameter, a form field or JSON text a 400 naming it (PostgreSQL refuses it)?"""
    from docflow.auth.models import Role

    headers = token_for(make_user(roles=(Role.ADMIN, Role.DRAFTER)))
    response = client.open(path, headers=headers, **{"method": "GET", **kwargs})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field


def test_nul_characters_on_pages_are_refused(client, make_user, login):
    login(make_user())
    response = client.get("/search?q=rapat%00")
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["units", "positions", "users"])
def test_a_patch_without_a_body_is_refused(admin_api, kind):
    """Is a PATCH with no body at all a 400 rather than a silent 200 that changes nothing?"""
    call, office = admin_api
    path = f"/{kind}/" + str({"units": office.unit, "positions": office.staff, "users": office.drafter}[kind].id)
    response = call("PATCH", path)
    assert response.status_code == 400, response.get_json()
    assert call("PATCH", path, data="name=X", content_type="text/plain").status_code == 400


@pytest.mark.parametrize(("query", "field"), [("/api/v1/documents?mine=AAA", "mine"),
                                              ("/api/v1/admin/delegations?current=kadang", "current"),
                                              ("/api/v1/search?q=rapat&facets=maybe", "facets"),
                                              ("/api/v1/search?q=rapat&autocorrect=perhaps", "autocorrect")])
def test_yes_no_parameters_take_only_yes_or_no(client, make_user, token_for, query, field):
    """Is a yes/no parameter that is neither refused, instead of read as "no"?"""
    from docflow.auth.models import Role

    headers = token_for(make_user(roles=(Role.ADMIN, Role.DRAFTER)))
    response = client.get(query, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field
    for word in ("1", "true", "0", "no", ""):
        assert client.get(query.replace(query.rsplit("=", 1)[1], word), headers=headers).status_code != 400


def test_a_file_part_without_a_name_is_no_server_error(client, letter):
    """Does a multipart file part without a name (werkzeug files it under None) get a 4xx, not a 500?"""
    document, headers, _ = letter
    body = (b'--B\r\nContent-Disposition: form-data; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n'
            b'--B\r\nContent-Disposition: form-data; name="comment"\r\n\r\nx\r\n--B--\r\n')
    response = client.post(f"/api/v1/documents/{document['id']}/versions", data=body, headers=headers,
                           content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "file"
