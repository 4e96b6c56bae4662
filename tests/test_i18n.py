"""The Indonesian catalogue is complete and compiled, pages follow the chosen language, and the profile
page shows who I am and stores my language choice."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import PASSWORD

TRANSLATIONS = Path(__file__).resolve().parent.parent / "docflow" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.mo"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _messages(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}


def test_every_message_has_an_indonesian_translation():
    """Does every msgid of the template have a non-empty, non-fuzzy Indonesian translation?"""
    with POT.open("rb") as fh:
        template = read_po(fh)
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    missing = [m.id for m in template if m.id and not (catalog.get(m.id) and catalog.get(m.id).string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert len(template) > 100
    assert missing == [] and fuzzy == [], f"untranslated: {missing}, fuzzy: {fuzzy}"


def test_placeholders_survive_translation():
    """Does each translation keep the %(name)s placeholders of its msgid?"""
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    wrong = [m.id for m in catalog if m.id and
             sorted(re.findall(r"%\(\w+\)s", m.id)) != sorted(re.findall(r"%\(\w+\)s", m.string))]
    assert wrong == []


def test_compiled_catalogue_matches_the_po(tmp_path: Path):
    """Is the committed messages.mo what compiling the committed messages.po gives?"""
    target = tmp_path / "id" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "compile", "-i", str(PO),
                    "-o", str(target / "messages.mo"), "-l", "id"], check=True, capture_output=True)
    with (target / "messages.mo").open("rb") as fresh, MO.open("rb") as committed:
        assert _messages(read_mo(committed)) == _messages(read_mo(fresh)), "run `make translations`"


def test_translation_directory_is_the_package_folder(app):
    """Does Flask-Babel look for catalogues in docflow/translations?"""
    with app.test_request_context("/"):
        from flask_babel import get_babel

        assert [Path(d).resolve() for d in get_babel().translation_directories] == [TRANSLATIONS.resolve()]


def test_login_page_follows_accept_language_and_the_lang_cookie(client):
    """Is the login page Indonesian for Accept-Language: id and English with the lang=en cookie?"""
    client.delete_cookie("lang")  # the suite's client speaks English; start as a fresh browser
    indonesian = client.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9"}).get_data(as_text=True)
    assert ">Nama pengguna<" in indonesian and ">Kata sandi<" in indonesian
    client.set_cookie("lang", "en")
    english = client.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9"}).get_data(as_text=True)
    assert ">Username<" in english and "Nama pengguna" not in english


def test_logged_in_pages_follow_accept_language(client, make_user, login):
    """Does a logged-in officer whose browser asks for Indonesian see the dashboard in Indonesian?"""
    client.delete_cookie("lang")
    login(make_user())
    html = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Kotak masuk" in html and "Unggah" in html and "Keluar" in html


def test_profile_shows_unit_positions_and_delegations(client, db, make_unit, make_user, login):
    """Does the profile page show my name, unit, the desk I hold and the desk I act for as Plh.?"""
    from docflow.org.models import Delegation
    from docflow.org.operations import assign_position, create_position

    unit = make_unit("DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman")
    user = make_user("rahmat", full_name="Rahmat Hidayat", unit=unit)
    head = create_position(db, unit=unit, title="Kepala Dinas Perumahan", eselon="II.b")
    desk = create_position(db, unit=unit, title="Kepala Bidang Permukiman", eselon="III.b", parent=head)
    assign_position(db, position=desk, user=user, starts_on=date(2024, 1, 2))
    today = date.today()
    db.add(Delegation(position=head, delegate_user_id=user.id, kind="plh", starts_on=today,
                      ends_on=today + timedelta(days=5), decree_reference="800/12/DISPERKIM"))
    db.commit()
    login(user)
    html = client.get("/profile").get_data(as_text=True)
    for text in ("Rahmat Hidayat", "DISPERKIM", "Kepala Bidang Permukiman", "2024-01-02", "PLH.",
                 "Kepala Dinas Perumahan", "800/12/DISPERKIM", "Bahasa Indonesia", "English"):
        assert text in html, text
    assert 'href="/profile"' in client.get("/").get_data(as_text=True)


def test_language_choice_is_stored_in_a_cookie(web_client, make_user):
    """Does choosing English set a year-long HttpOnly, SameSite=Lax lang cookie and switch the pages?"""
    web_client.delete_cookie("lang")
    user = make_user()
    page = web_client.get("/login")
    web_client.post("/login", data={"username": user.username, "password": PASSWORD,
                                    "csrf_token": _csrf(page.get_data(as_text=True))})
    profile = web_client.get("/profile", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Profil saya" in profile
    response = web_client.post("/profile/language", data={"lang": "en", "csrf_token": _csrf(profile)})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie and "Secure" not in cookie
    after = web_client.get("/profile").get_data(as_text=True)
    assert "My profile" in after and "The language was saved." in after


def test_language_choice_needs_the_csrf_token(web_client, make_user):
    """Is a language change without the form's token refused, leaving no cookie?"""
    user = make_user()
    page = web_client.get("/login")
    web_client.post("/login", data={"username": user.username, "password": PASSWORD,
                                    "csrf_token": _csrf(page.get_data(as_text=True))})
    response = web_client.post("/profile/language", data={"lang": "en"})
    assert response.status_code == 400
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_unknown_language_is_refused(client, make_user, login):
    """Is a language we do not offer refused without setting a cookie?"""
    login(make_user())
    response = client.post("/profile/language", data={"lang": "fr"})
    assert response.status_code == 302 and "lang=" not in response.headers.get("Set-Cookie", "")


def test_language_cookie_is_secure_when_configured(make_services):
    """Is the lang cookie Secure when server.secure_cookies is on?"""
    from docflow import create_app
    from docflow.auth.operations import create_user
    from docflow.org.operations import create_unit
    services = make_services(server={"secure_cookies": True})
    session = services.db.session()
    create_user(session, username="sinta", password=PASSWORD, roles=("drafter",),
                unit=create_unit(session, code="BAPPEDA", name="Badan Perencanaan"))
    session.commit()
    session.close()
    app = create_app(services)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    https = "https://localhost"
    assert client.post("/login", data={"username": "sinta", "password": PASSWORD}, base_url=https).status_code == 302
    response = client.post("/profile/language", data={"lang": "id"}, base_url=https)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"] and response.headers["Set-Cookie"].startswith("lang=id;")


def test_indonesian_is_the_default_whatever_the_browser_prefers(app):
    """Does an English-preferring browser still get Indonesian until the person chooses English?"""
    fresh = app.test_client()
    html = fresh.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in html
    fresh.set_cookie("lang", "en")
    assert '<html lang="en">' in fresh.get("/login").get_data(as_text=True)


def test_catalogue_covers_every_string_in_the_sources(tmp_path):
    """Has every translatable string in code and templates made it into the catalogue (make translations)?"""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    repo = Path(__file__).resolve().parent.parent
    fresh = tmp_path / "fresh.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "--no-location", "-o", str(fresh), "."],
                   cwd=repo, check=True, capture_output=True)
    with fresh.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    with (repo / "docflow/translations/id/LC_MESSAGES/messages.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set(), "run `make translations` and translate the new strings"
