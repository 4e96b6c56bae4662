"""The administration pages, as a browser meets them: CSRF on, labelled fields, errors beside the field."""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select

from tests.admin.conftest import csrf_of
from tests.conftest import PASSWORD
from tests.workflow_factories import make_office


class _Form(HTMLParser):
    """Collects the fields, labels and forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.forms: list[dict[str, str | None]] = []
        self.hidden: list[list[str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(attributes)
            self.hidden.append([])
        elif tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"] or "")
        elif tag == "input" and attributes.get("type") == "hidden":
            self.hidden[-1].append(attributes.get("name"))
        elif tag in {"input", "select", "textarea"} and attributes.get("type") != "submit":
            self.controls.append(attributes)


def _parse(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def _post(browser, path: str, data: dict, page: str | None = None):
    """Post a form the way a browser does: with the CSRF token of the page it came from."""
    html = browser.get(page or path).get_data(as_text=True)
    return browser.post(path, data={"csrf_token": csrf_of(html), **data})


def _field_error(html: str, form: str, field: str) -> str:
    match = re.search(rf'<small class="errors" id="{form}-{field}-error">([^<]+)</small>', html)
    assert match, f"no error shown beside {form}-{field}"
    assert re.search(rf'id="{form}-{field}"[^>]*aria-invalid="true"', html), f"{form}-{field} is not marked invalid"
    return match.group(1)


def test_pages_refuse_non_admins_and_send_visitors_to_login(app, client, make_user, login):
    pages = ["/admin", "/admin/units", "/admin/positions", "/admin/users", "/admin/delegations",
             "/admin/document-types", "/admin/number-registers", "/admin/document-types/nota_dinas"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"], page
    login(make_user("staf"))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 403, page
        assert "only administrators" in response.get_data(as_text=True)
    posts = [re.sub(r"<id:[^>]+>", "1", r.rule).replace("<code>", "nota_dinas") for r in app.url_map.iter_rules()
             if r.rule.startswith("/admin") and "POST" in r.methods]
    assert len(posts) >= 12
    for path in posts:
        assert client.post(path, data={"name": "x"}).status_code == 403, path


def test_every_page_uses_the_layout_labels_each_field_and_carries_csrf(admin_browser, db, make_unit, make_user):
    from docflow.auth.models import User
    from docflow.org.operations import create_delegation
    from docflow.workflow.models import NumberRegister

    office = make_office(db, make_unit, make_user, "DISKAN")
    create_delegation(db, position=office.head, delegate=office.secretary_user, kind="plh",
                      starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 6))
    db.add(NumberRegister(scope_key=f"unit:{office.unit.id}", doc_type="memo", year=2026, pattern="{seq}/{year}"))
    db.commit()
    register_id = db.scalar(select(NumberRegister.id).where(NumberRegister.doc_type == "memo"))
    user_id = db.scalar(select(User.id).where(User.username == office.head_user.username))
    pages = ["/admin", "/admin/units", f"/admin/units/{office.unit.id}", "/admin/positions",
             f"/admin/positions?unit={office.unit.code}", f"/admin/positions/{office.head.id}", "/admin/users",
             f"/admin/users/{user_id}", "/admin/delegations", "/admin/delegations?all=1", "/admin/document-types",
             "/admin/document-types/nota_dinas", "/admin/number-registers", f"/admin/number-registers/{register_id}"]
    for page in pages:
        response = admin_browser.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert "Skip to content" in html or "Lewati" in html, page
        parsed = _parse(html)
        for control in parsed.controls:
            assert control.get("id") in parsed.label_for, (page, control)
        for form, hidden in zip(parsed.forms, parsed.hidden, strict=True):
            if (form.get("method") or "get").lower() == "post":
                assert "csrf_token" in hidden, (page, form)
    position_page = admin_browser.get(f"/admin/positions/{office.head.id}").get_data(as_text=True)
    assert office.head_user.display_name in position_page and "PLH." in position_page


def test_posts_without_the_csrf_token_are_refused(app, admin_browser, db):
    from docflow.org.models import Unit

    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and "POST" in rule.methods:
            path = re.sub(r"<id:[^>]+>", "1", rule.rule).replace("<code>", "nota_dinas")
            assert admin_browser.post(path, data={"name": "x"}).status_code == 400, path
    response = admin_browser.post("/admin/units", data={"code": "TANPA", "name": "Tanpa token"})
    assert response.status_code == 400
    assert "csrf" in response.get_data(as_text=True).lower() or "expired" in response.get_data(as_text=True)
    assert db.scalar(select(Unit).where(Unit.code == "TANPA")) is None
    response = _post(admin_browser, "/admin/units", {"code": "DENGAN", "name": "Dengan token"})
    assert response.status_code == 302
    assert db.scalar(select(Unit).where(Unit.code == "DENGAN")) is not None


def test_unit_pages_add_edit_and_show_errors_beside_the_field(admin_browser, db, make_unit):
    from docflow.org.models import Unit

    parent = make_unit("PEMKOT", "Pemerintah Kota")
    response = _post(admin_browser, "/admin/units", {"code": "dispar", "name": "Dinas Pariwisata", "kind": "dinas",
                                                     "parent": "PEMKOT"})
    assert response.status_code == 302
    unit = db.scalar(select(Unit).where(Unit.code == "DISPAR"))
    assert unit.parent_id == parent.id
    listing = admin_browser.get("/admin/units").get_data(as_text=True)
    assert "Unit DISPAR was added." in listing or "DISPAR" in listing

    response = _post(admin_browser, "/admin/units", {"code": "no good!", "name": "Dinas <Uji>", "parent": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "capital letters" in _field_error(html, "unit", "code")
    assert 'value="Dinas &lt;Uji&gt;"' in html  # what was typed is kept, escaped
    response = _post(admin_browser, "/admin/units", {"code": "DISPAR", "name": "Lagi"})
    assert response.status_code == 409 and "exists" in _field_error(response.get_data(as_text=True), "unit", "code")

    page = f"/admin/units/{unit.id}"
    response = _post(admin_browser, page, {"name": "Dinas Kebudayaan dan Pariwisata", "kind": "dinas", "parent": ""})
    assert response.status_code == 302
    db.refresh(unit)
    assert unit.name == "Dinas Kebudayaan dan Pariwisata" and unit.parent_id is None
    response = _post(admin_browser, f"/admin/units/{parent.id}", {"name": "Pemkot", "kind": "pemkot",
                                                                  "parent": "PEMKOT"})
    assert response.status_code == 400
    assert "under itself" in _field_error(response.get_data(as_text=True), "unit", "parent")


def test_position_page_assigns_ends_and_appoints(admin_browser, db, make_unit, make_user):
    from docflow.org.models import Assignment, Delegation, Position

    office = make_office(db, make_unit, make_user, "DLH")
    newcomer = make_user("baru", unit=office.unit)
    response = _post(admin_browser, "/admin/positions", {"unit": "DLH", "title": "Kepala Bidang Kebersihan",
                                                         "eselon": "III.b", "parent_id": str(office.head.id),
                                                         "active": "1"})
    assert response.status_code == 302
    position = db.scalar(select(Position).where(Position.title == "Kepala Bidang Kebersihan"))
    assert response.headers["Location"].endswith(f"/admin/positions/{position.id}")
    assert position.parent_id == office.head.id and position.is_active

    response = _post(admin_browser, "/admin/positions", {"unit": "DLH", "title": "Analis", "eselon": "IIIa"})
    assert response.status_code == 400
    assert "II.b" in _field_error(response.get_data(as_text=True), "position", "eselon")

    page = f"/admin/positions/{position.id}"
    # The edit form: unticking "open" closes the vacant desk; ticking it again reopens it.
    assert _post(admin_browser, page, {"title": "Kepala Bidang Kebersihan", "eselon": "III.b",
                                       "parent_id": str(office.head.id)}).status_code == 302
    db.refresh(position)
    assert position.is_active is False
    assert _post(admin_browser, page, {"title": "Kepala Bidang Kebersihan", "eselon": "III.b",
                                       "parent_id": str(office.head.id), "active": "1"}).status_code == 302

    response = _post(admin_browser, f"{page}/assignments", {"user": "baru", "starts_on": "2026-01-05",
                                                             "ends_on": ""}, page=page)
    assert response.status_code == 302
    assignment = db.scalar(select(Assignment).where(Assignment.position_id == position.id))
    assert assignment.user_id == newcomer.id and assignment.ends_on is None
    person = admin_browser.get(f"/admin/users/{newcomer.id}").get_data(as_text=True)
    assert f'<a href="/admin/positions/{position.id}">Kepala Bidang Kebersihan</a>' in person
    assert "2026-01-05" in person
    response = _post(admin_browser, f"{page}/assignments", {"user": "tidak-ada", "starts_on": "2026-01-05"},
                     page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no user named" in _field_error(html, "assignment", "user") and 'value="tidak-ada"' in html

    response = _post(admin_browser, f"/admin/assignments/{assignment.id}/end", {"ends_on": "2025-12-31"}, page=page)
    assert response.status_code == 400
    assert "before it starts" in _field_error(response.get_data(as_text=True), f"end-{assignment.id}", "ends_on")
    response = _post(admin_browser, f"/admin/assignments/{assignment.id}/end", {"ends_on": "2026-06-30"}, page=page)
    assert response.status_code == 302
    db.refresh(assignment)
    assert assignment.ends_on.isoformat() == "2026-06-30"

    head_page = f"/admin/positions/{office.head.id}"
    plh = {"kind": "plh", "delegate": office.secretary_user.username, "starts_on": "2026-03-02",
           "ends_on": "2026-03-13", "decree_reference": "800/5/DLH/2026"}
    assert _post(admin_browser, f"{head_page}/delegations", plh, page=head_page).status_code == 302
    response = _post(admin_browser, f"{head_page}/delegations", {**plh, "starts_on": "2026-03-10"}, page=head_page)
    assert response.status_code == 409
    assert "overlaps" in _field_error(response.get_data(as_text=True), "delegation", "starts_on")
    response = _post(admin_browser, f"{head_page}/delegations", {**plh, "kind": "plt", "starts_on": "2026-04-01",
                                                                  "ends_on": "2026-04-10"}, page=head_page)
    assert response.status_code == 400
    assert "vacant" in _field_error(response.get_data(as_text=True), "delegation", "kind")
    delegation = db.scalar(select(Delegation).where(Delegation.position_id == office.head.id))
    assert _post(admin_browser, f"/admin/delegations/{delegation.id}/revoke", {}, page=head_page).status_code == 302
    db.refresh(delegation)
    assert delegation.revoked is True


def _login_status(app, username: str) -> int:
    """Log in from a fresh browser (CSRF on, as the administrator's browser turned it on) and return the status."""
    browser = app.test_client()
    return _post(browser, "/login", {"username": username, "password": PASSWORD}).status_code


def test_people_pages_add_edit_roles_deactivate_and_set_password(admin_browser, app, db, make_unit, make_user):
    from docflow.auth.models import Role, User

    unit = make_unit("BKPSDM")
    make_user("lama", unit=unit, nip="198001012005011001")
    person = {"username": "Wati", "full_name": "Wati Susanti", "nip": "199203042019032005", "rank": "Penata Muda",
              "email": "wati@contoh.go.id", "unit": "BKPSDM", "roles": ["drafter", "verifier"], "active": "1"}
    response = _post(admin_browser, "/admin/users", person)
    assert response.status_code == 302
    wati = db.scalar(select(User).where(User.username == "wati"))
    assert wati.roles == {Role.DRAFTER, Role.VERIFIER} and wati.password_hash is None and wati.is_active
    assert response.headers["Location"].endswith(f"/admin/users/{wati.id}")

    # A refused form shows the error and leaves nothing behind, not even on the page shown again.
    response = _post(admin_browser, "/admin/users", {**person, "username": "wati2", "nip": "198001012005011001"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "another person has this NIP" in _field_error(html, "user", "nip")
    assert ">wati2<" not in html and db.scalar(select(User).where(User.username == "wati2")) is None
    response = _post(admin_browser, "/admin/users", {**person, "username": "wati3", "roles": [], "email": "x@"})
    assert response.status_code == 400 and "e-mail" in _field_error(response.get_data(as_text=True), "user", "email")

    page = f"/admin/users/{wati.id}"
    edited = {k: v for k, v in person.items() if k not in {"username", "active"}}
    response = _post(admin_browser, page, {**edited, "roles": ["signer"], "rank": "Penata"})
    assert response.status_code == 302
    db.refresh(wati)
    assert wati.roles == {Role.SIGNER} and wati.rank == "Penata" and wati.is_active is False  # box left unticked

    response = _post(admin_browser, f"{page}/password", {"password": "pendek"}, page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "10 characters" in _field_error(html, "password", "password") and 'value="pendek"' not in html
    assert _post(admin_browser, f"{page}/password", {"password": PASSWORD}, page=page).status_code == 302
    assert _login_status(app, "wati") != 302  # deactivated: no way in
    assert _post(admin_browser, page, {**edited, "active": "1"}).status_code == 302
    assert _login_status(app, "wati") == 302
    found = admin_browser.get("/admin/users?q=susanti").get_data(as_text=True)
    assert "Wati Susanti" in found and "lama" not in found


def test_document_type_and_register_pages(admin_browser, db, make_unit):
    from docflow.workflow.models import DocumentTypeRule, NumberRegister

    rule = {"code": "surat_izin", "name": "Surat Izin", "group": "special", "signer_levels": ["2", "3"],
            "allow_an": "1", "register_scope": "unit", "number_pattern": "{classification}/{seq}/{unit}/{year}",
            "restart_from": "first", "max_verifiers": "2", "active": "1"}
    assert _post(admin_browser, "/admin/document-types", rule).status_code == 302
    saved = db.get(DocumentTypeRule, "surat_izin")
    assert (saved.signer_levels, saved.allow_an, saved.allow_ub, saved.max_verifiers) == ([2, 3], True, False, 2)
    response = _post(admin_browser, "/admin/document-types", {**rule, "code": "lain", "number_pattern": "{unit}"})
    assert response.status_code == 400
    assert "{seq}" in _field_error(response.get_data(as_text=True), "type", "number_pattern")
    response = _post(admin_browser, "/admin/document-types/surat_izin",
                     {k: v for k, v in rule.items() if k not in {"code", "allow_an"}} | {"signer_levels": ["4"]})
    assert response.status_code == 302
    db.refresh(saved)
    assert saved.allow_an is False and saved.signer_levels == [4]

    unit = make_unit("DISPERKIM")
    response = _post(admin_browser, "/admin/number-registers", {"doc_type": "surat_izin", "unit": unit.code,
                                                                "year": "2026", "pattern": "", "last_seq": "7"})
    assert response.status_code == 302
    register = db.scalar(select(NumberRegister).where(NumberRegister.doc_type == "surat_izin"))
    assert register.last_seq == 7 and register.pattern == rule["number_pattern"]
    listing = admin_browser.get("/admin/number-registers").get_data(as_text=True)
    assert "DISPERKIM" in listing and "Surat Izin" in listing
    page = f"/admin/number-registers/{register.id}"
    response = _post(admin_browser, page, {"pattern": register.pattern, "last_seq": "3"})
    assert response.status_code == 400
    assert "never goes back" in _field_error(response.get_data(as_text=True), "register", "last_seq")
    assert _post(admin_browser, page, {"pattern": register.pattern, "last_seq": "12"}).status_code == 302
    db.refresh(register)
    assert register.last_seq == 12
