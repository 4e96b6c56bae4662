"""Administration fixes from the walk-through (issue 17): pickers, names in the reader's language, warnings."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.admin.conftest import csrf_of
from tests.workflow_factories import make_office


def _post(browser, path: str, data: dict, page: str | None = None):
    html = browser.get(page or path).get_data(as_text=True)
    return browser.post(path, data={"csrf_token": csrf_of(html), **data})


def test_a_desk_and_a_plh_are_given_by_picking_a_person(admin_browser, db, make_unit, make_user):
    """Does the position page offer the people by name to pick from, and accept the picked choice?"""
    from docflow.org.models import Assignment, Delegation

    office = make_office(db, make_unit, make_user, "DLH")
    newcomer = make_user("baru", unit=office.unit, full_name="Rina Baru", nip="199001012015012001")
    page = f"/admin/positions/{office.staff.id}"
    html = admin_browser.get(page).get_data(as_text=True)
    assert 'list="assignment-user-people"' in html and '<datalist id="assignment-user-people">' in html
    assert '<option value="Rina Baru — DLH, NIP 199001012015012001 (baru)">' in html
    assert '<label for="assignment-user">Person</label>' in html
    ends = db.scalar(select(Assignment).where(Assignment.position_id == office.staff.id))
    ends.ends_on = ends.starts_on  # the desk falls vacant, so that it can be given to the newcomer
    db.commit()
    response = _post(admin_browser, f"{page}/assignments",
                     {"user": "Rina Baru — DLH, NIP 199001012015012001 (baru)", "starts_on": "2026-01-05"}, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.scalar(select(Assignment).where(Assignment.user_id == newcomer.id)).position_id == office.staff.id

    head_page = f"/admin/positions/{office.head.id}"
    html = admin_browser.get(head_page).get_data(as_text=True)
    assert 'list="delegation-delegate-people"' in html
    picked = f"{office.secretary_user.display_name} — DLH ({office.secretary_user.username})"
    response = _post(admin_browser, f"{head_page}/delegations", {"kind": "plh", "delegate": picked,
                                                                  "starts_on": "2026-03-02", "ends_on": "2026-03-13"},
                     page=head_page)
    assert response.status_code == 302, response.get_data(as_text=True)
    delegation = db.scalar(select(Delegation).where(Delegation.position_id == office.head.id))
    assert delegation.delegate_user_id == office.secretary_user.id


def test_error_summaries_name_fields_as_their_labels_read(admin_browser, db):
    """Does a refused form's summary say "Name" (in the reader's language), not the field's code "name"?"""
    def summary(response) -> str:
        assert response.status_code == 400
        return re.search(r'<div class="errors" role="alert" id="unit-errors">(.*?)</div>',
                         response.get_data(as_text=True), re.S).group(1)

    english = summary(_post(admin_browser, "/admin/units", {"code": "DISPAR", "name": "", "parent": ""}))
    assert '<a href="#unit-name">Name</a>: this field is required' in english
    admin_browser.set_cookie("lang", "id")
    indonesian = summary(_post(admin_browser, "/admin/units", {"code": "no good!", "name": "Dinas"}))
    assert re.search(r'<a href="#unit-code">Kode</a>: \S', indonesian)
    assert ">code<" not in indonesian


def test_a_position_is_named_not_titled(admin_browser, db, make_unit, make_user):
    office = make_office(db, make_unit, make_user, "DLH")
    admin_browser.set_cookie("lang", "id")
    html = admin_browser.get(f"/admin/positions/{office.head.id}").get_data(as_text=True)
    assert '<label for="position-title">Nama jabatan</label>' in html
    assert ">Judul<" not in html


def test_certificates_page_is_linked_and_speaks_the_readers_language(admin_browser, db, services, make_user):
    """Is the certificates page in the administration menu, with sources and revocation reasons by name?"""
    from docflow.auth.models import Role
    from tests.signing.helpers import give_certificate, setup_ca

    assert 'href="/admin/certificates"' in admin_browser.get("/admin").get_data(as_text=True)
    setup_ca(db, services)
    signer = make_user("penandatangan", roles=(Role.SIGNER,))
    give_certificate(db, services, signer)
    db.commit()
    admin_browser.set_cookie("lang", "id")
    html = admin_browser.get("/admin/certificates").get_data(as_text=True)
    assert 'href="/admin/positions"' in html  # the administration menu
    assert ">key_compromise<" not in html and ">issued<" not in html
    assert '<option value="key_compromise">' in html
    assert "<td>Diterbitkan di sini</td>" in html


def test_issuing_a_certificate_to_a_non_signer_warns(admin_browser, db, services, make_user):
    """Is the administrator told that a certificate given to someone without the signer role cannot sign?"""
    from tests.signing.helpers import setup_ca

    setup_ca(db, services)
    make_user("staf-biasa")
    db.commit()
    response = _post(admin_browser, "/admin/certificates", {"username": "staf-biasa", "passphrase": "rahasia-123",
                                                             "passphrase_confirm": "rahasia-123"})
    assert response.status_code == 302
    html = admin_browser.get("/admin/certificates").get_data(as_text=True)
    assert "staf-biasa has no signer role" in html
