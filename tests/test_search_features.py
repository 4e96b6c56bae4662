"""Search as users meet it: autocorrection, proximity, letters with some words, and related letters."""
from __future__ import annotations

from tests.conftest import upload
from tests.fixtures import make_pdf

LANDSLIDE = ("Laporan kejadian tanah longsor di Kelurahan Cibeureum.\n"
             "Tanah longsor menimbun rumah warga; tim kaji cepat dikirim ke lokasi.")
TEAM = ("Penugasan tim kaji cepat ke lokasi tanah longsor Kelurahan Cibeureum\n"
        "untuk pembersihan material longsor.")
RELOCATION = "Usulan relokasi warga Cibeureum dari zona rawan tanah longsor."
STATIONERY = "Kebutuhan kertas dan tinta printer untuk bagian umum."


def _letters(client, make_user, make_unit, token_for, run_worker):
    """Upload related letters in one unit and one in another; return (owner headers, stranger headers, ids)."""
    return _letters_of(client, make_user(), make_user, make_unit, token_for, run_worker)


def _letters_of(client, owner, make_user, make_unit, token_for, run_worker):
    stranger = make_user(unit=make_unit())
    mine, theirs = token_for(owner), token_for(stranger)
    ids = {
        "landslide": upload(client, mine, make_pdf(LANDSLIDE), title="Laporan kejadian tanah longsor").get_json()["id"],
        "team": upload(client, mine, make_pdf(TEAM), title="Penugasan tim kaji cepat longsor").get_json()["id"],
        "stationery": upload(client, mine, make_pdf(STATIONERY), title="Kebutuhan alat tulis").get_json()["id"],
        "relocation": upload(client, theirs, make_pdf(RELOCATION), title="Relokasi warga rawan longsor").get_json()["id"],
    }
    run_worker()
    return mine, theirs, ids


def test_similar_letters_api_lists_related_readable_letters(client, make_user, make_unit, token_for, run_worker):
    """Does /similar return the related letter with a link, hide the other unit's letter and count only readable ones?"""
    mine, theirs, ids = _letters(client, make_user, make_unit, token_for, run_worker)
    response = client.get(f"/api/v1/documents/{ids['landslide']}/similar", headers=mine)
    assert response.status_code == 200
    body = response.get_json()
    listed = [hit["id"] for hit in body["results"]]
    assert listed[0] == ids["team"]
    assert ids["landslide"] not in listed and ids["relocation"] not in listed
    assert body["total"] == len(listed)
    assert body["results"][0]["title"] == "Penugasan tim kaji cepat longsor"
    assert body["results"][0]["url"] == f"/api/v1/documents/{ids['team']}"
    # A letter the caller may not read: not found, and nothing about its neighbours.
    assert client.get(f"/api/v1/documents/{ids['relocation']}/similar", headers=mine).status_code == 404
    theirs_body = client.get(f"/api/v1/documents/{ids['relocation']}/similar", headers=theirs).get_json()
    assert (theirs_body["total"], theirs_body["results"]) == (0, [])


def test_document_page_shows_related_letters(client, make_user, make_unit, login, token_for, run_worker):
    """Does the document page list readable related letters as links, and no unreadable one?"""
    owner = make_user()
    _mine, _theirs, ids = _letters_of(client, owner, make_user, make_unit, token_for, run_worker)
    login(owner)
    page = client.get(f"/documents/{ids['landslide']}").get_data(as_text=True)
    assert "Related letters" in page
    assert f'href="/documents/{ids["team"]}"' in page
    assert "Relokasi warga" not in page


def test_typo_runs_the_correction_and_says_so(client, make_user, make_unit, token_for, run_worker):
    """Does a query with no hits run its correction, name it, and keep the typed query one parameter away?"""
    mine, _theirs, ids = _letters(client, make_user, make_unit, token_for, run_worker)
    body = client.get("/api/v1/search?q=longsr", headers=mine).get_json()
    assert body["corrected_query"] == "longsor" and body["suggestion"] is None
    assert {hit["id"] for hit in body["results"]} == {ids["landslide"], ids["team"]}
    typed = client.get("/api/v1/search?q=longsr&autocorrect=0", headers=mine).get_json()
    assert (typed["total"], typed["corrected_query"], typed["suggestion"]) == (0, None, "longsor")


def test_proximity_and_partial_matches_through_the_api(client, make_user, make_unit, token_for, run_worker):
    """Does "words"~N work in the API, and are letters with some of the words flagged as partial?"""
    mine, _theirs, ids = _letters(client, make_user, make_unit, token_for, run_worker)
    near = client.get('/api/v1/search?q="longsor kaji"~6', headers=mine).get_json()
    assert {hit["id"] for hit in near["results"]} == {ids["landslide"], ids["team"]}
    mixed = client.get("/api/v1/search?q=longsor printer", headers=mine).get_json()
    assert mixed["total"] == 0 and mixed["partial_total"] == 3
    assert all(hit["partial"] for hit in mixed["results"])
