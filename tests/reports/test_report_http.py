"""The report through HTTP: who sees what, the JSON and CSV of the API, and the page in both languages."""
from __future__ import annotations

import csv
import io

import pytest

from docflow.auth.models import Role
from docflow.org.operations import assign_position, create_position
from tests.reports.history import EXPECTED_MAY, EXPECTED_MAY_TOTAL
from tests.reports import shared_history
from tests.workflow.helpers import SINCE

# The known history, built once per backend for the module; each test rolled back to it.
backend, history_instance, connection, services, db, history = shared_history.FIXTURES

MAY = {"from": "2026-05-01", "to": "2026-05-31"}
SECRET_SUBJECT = "Rahasia pemeriksaan khusus"
SECRET_INCOMING_SUBJECT = "Rahasia laporan audit investigasi"
# Figures of the period alone (overdue letters and certificates are counted at the real "now" over HTTP).
PERIOD_FIGURES = ("letters_created", "letters_signed", "letters_sent", "pages_not_printed", "returns",
                  "submit_to_sign_hours", "verify_hold_hours", "sign_hold_hours", "signers",
                  "signers_with_certificate", "signers_who_signed", "incoming_registered", "disposisi_issued",
                  "disposisi_followed_up", "incoming_with_disposisi", "incoming_paperless_share")


@pytest.fixture
def leader(db, make_user, history):
    """The Sekda: leadership, at a desk of the Setda (no unit head of any office here)."""
    user = make_user("sekda", roles=(Role.LEADERSHIP,), full_name="Sekretaris Daerah", unit=history.c.unit)
    return user


def _get(client, headers, **params):
    return client.get("/api/v1/reports/paperless", query_string={**MAY, **params}, headers=headers)


def test_leadership_sees_every_unit_and_the_city(client, token_for, history, leader):
    """Does the Sekda get every unit's figures of May and the city's, as counted by hand?"""
    response = _get(client, token_for(leader))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [row["unit"] for row in body["units"]] == ["BAPPEDA", "DINKES", "DISDIK"]
    for row in body["units"]:
        assert {k: row[k] for k in PERIOD_FIGURES} == {k: EXPECTED_MAY[row["unit"]][k] for k in PERIOD_FIGURES}
    assert {k: body["total"][k] for k in PERIOD_FIGURES} == {k: EXPECTED_MAY_TOTAL[k] for k in PERIOD_FIGURES}
    # Long after June 2026, L5 (DINKES), L8 and L9 (DISDIK) wait past their due time.
    assert [row["overdue_now"] for row in body["units"]] == [0, 1, 2] and body["total"]["overdue_now"] == 3
    assert body["from"] == "2026-05-01" and body["to"] == "2026-05-31" and body["timezone"] == "Asia/Jakarta"
    assert body["incoming_available"] is True
    # Each unit's trend: the period before May (31 March to 30 April) had no signed letter in DINKES.
    dinkes = body["units"][1]["trend"]
    assert dinkes["letters_signed"] == {"previous": 0, "change": 2}
    assert dinkes["submit_to_sign_hours_median"] == {"previous": None, "change": None}
    text = response.get_data(as_text=True)
    assert SECRET_SUBJECT not in text and SECRET_INCOMING_SUBJECT not in text


def test_a_unit_head_sees_her_unit_and_the_city_totals_only(client, token_for, history):
    """Does the Kepala of DINKES see DINKES and the city's totals, and not DISDIK's row?"""
    headers = token_for(history.a.head_user)
    body = _get(client, headers).get_json()
    assert [row["unit"] for row in body["units"]] == ["DINKES"]
    assert body["total"]["letters_signed"] == 4 and body["total"]["incoming_registered"] == 4
    assert body["units"][0]["incoming_registered"] == 3 and body["units"][0]["trend"] is not None
    assert _get(client, headers, unit="DINKES").get_json()["units"][0]["letters_signed"] == 2
    # Her own unit's secret letters, outgoing and incoming, are counted, never named.
    assert SECRET_SUBJECT not in str(body) and SECRET_INCOMING_SUBJECT not in str(body)
    refused = _get(client, headers, unit="DISDIK")
    assert refused.status_code == 403 and refused.get_json()["errors"][0]["field"] == "unit"


@pytest.mark.parametrize("who", ["secretary_user", "drafter", "clerk", "admin"])
def test_nobody_else_sees_the_report(client, token_for, history, who):
    """Are a secretary, a drafter, a clerk and an administrator refused?"""
    response = _get(client, token_for(getattr(history.a, who)))
    assert response.status_code == 403
    assert "leadership" in response.get_json()["errors"][0]["reason"]


def test_a_plh_of_the_head_sees_the_unit(client, db, services, token_for, history):
    """Does the Plh. standing in for the DISDIK head see DISDIK's row?"""
    from datetime import timedelta

    from docflow.org.operations import create_delegation

    delegate = history.b.secretary_user
    today = services.today()
    create_delegation(db, position=history.b.head, delegate=delegate, kind="plh", starts_on=today - timedelta(days=3),
                      ends_on=today + timedelta(days=10), decree_reference="800/1/2026")
    db.commit()
    body = _get(client, token_for(delegate)).get_json()
    assert [row["unit"] for row in body["units"]] == ["DISDIK"]


def test_the_head_of_a_sub_unit_sees_only_her_sub_unit(client, db, token_for, make_unit, make_user, history):
    """Is a head whose desk reports to another unit's desk the head of her own unit (a kelurahan under a camat)?"""
    kelurahan = make_unit("KEL-SUKAMAJU", name="Kelurahan Sukamaju", parent=history.c.unit)
    lurah_desk = create_position(db, unit=kelurahan, title="Lurah Sukamaju", eselon="IV.a", parent=history.c.head)
    lurah = make_user("lurah", roles=(Role.SIGNER,), unit=kelurahan)
    assign_position(db, position=lurah_desk, user=lurah, starts_on=SINCE)
    db.commit()
    body = _get(client, token_for(lurah)).get_json()
    assert [row["unit"] for row in body["units"]] == ["KEL-SUKAMAJU"]


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-13-01"}, "from"), ({"to": "2026-04-01"}, "to"), ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ({"format": "xml"}, "format"), ({"unit": "NOPE"}, "unit"),
])
def test_bad_parameters_are_named(client, token_for, history, leader, params, field):
    """Is each bad parameter refused with its name?"""
    response = _get(client, token_for(leader), **params)
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == field


def test_the_csv_has_the_same_figures_as_the_json(client, token_for, history, leader):
    """Does ?format=csv give the JSON's figures, a row per unit and the city's row last?"""
    headers = token_for(leader)
    body = _get(client, headers).get_json()
    response = _get(client, headers, format="csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="paperless-2026-05-01-2026-05-31.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True)
    assert SECRET_SUBJECT not in lines and SECRET_INCOMING_SUBJECT not in lines
    rows = list(csv.reader(io.StringIO(lines)))
    assert rows[0][:3] == ["# period", "2026-05-01", "2026-05-31"]
    table = [dict(zip(rows[1], row)) for row in rows[2:]]
    assert [row["unit"] for row in table] == ["BAPPEDA", "DINKES", "DISDIK", "TOTAL"]
    for row, figures in zip(table, [*body["units"], body["total"]]):
        assert row["letters_signed"] == str(figures["letters_signed"])
        assert row["pages_not_printed"] == str(figures["pages_not_printed"])
        assert row["overdue_now"] == str(figures["overdue_now"])
        assert row["submit_to_sign_hours_median"] == str(figures["submit_to_sign_hours"]["median"] or "")
        assert row["submit_to_sign_hours_p90"] == str(figures["submit_to_sign_hours"]["p90"] or "")
        assert row["signers_with_certificate"] == str(figures["signers_with_certificate"])
        assert row["incoming_registered"] == str(figures["incoming_registered"])
        assert row["incoming_paperless_share"] == str(figures["incoming_paperless_share"] or "")
    assert table[1]["submit_to_sign_hours_p90"] == "43.9" and table[3]["pages_not_printed"] == "14"
    assert (table[1]["verify_hold_hours_median"], table[2]["sign_hold_hours_p90"]) == ("1.5", "27.2")


def test_the_page_in_english_and_in_indonesian(client, app, login, history, leader):
    """Does the page show the figures and charts' tables, say how fresh they are, in both languages?"""
    login(leader)
    page = client.get("/reports", query_string=MAY)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Paperless report" in html and "WIB" in html
    assert "Units that are behind" in html and "DINKES" in html
    assert 'src="/static/vendor/chart.umd.min.js"' in html and 'id="table-letters_signed"' in html
    assert SECRET_SUBJECT not in html and SECRET_INCOMING_SUBJECT not in html
    assert "Incoming letters registered" in html and "Figures as of" in html
    assert client.get("/reports", query_string={**MAY, "format": "csv"}).mimetype == "text/csv"

    indonesian = app.test_client()
    indonesian.set_cookie("lang", "id")
    login(leader, indonesian)
    html = indonesian.get("/reports", query_string=MAY).get_data(as_text=True)
    assert "Laporan tanpa kertas" in html and "Halaman tidak dicetak" in html and "Surat masuk diagendakan" in html
    assert "Paperless report" not in html


def test_the_page_refuses_a_drafter(client, login, make_user):
    """Is a drafter shown a refusal, not the figures?"""
    login(make_user("staf", roles=(Role.DRAFTER,)))
    assert client.get("/reports").status_code == 403


def test_the_chart_library_is_the_pinned_one():
    """Is the vendored Chart.js the version package.json pins (and, when installed, the very file npm gives)?"""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pinned = json.loads((root / "package.json").read_text())["devDependencies"]["chart.js"]
    vendored = root / "docflow/static/vendor/chart.umd.min.js"
    assert vendored.read_text()[:40].splitlines()[1] == f" * Chart.js v{pinned}"
    assert (root / "docflow/static/vendor/chart.js.LICENSE.md").exists()
    installed = root / "node_modules/chart.js/dist/chart.umd.min.js"
    if installed.exists():
        assert installed.read_bytes() == vendored.read_bytes()


def test_the_signed_pdf_for_the_minutes(client, db, services, login, history, leader, tmp_path):
    """Is the PDF signed (PAdES, trusted) by the reader who asked, and does it carry the figures?"""
    from docflow.extraction import PDF
    from docflow.extraction.extract import extract_text
    from tests.signing.helpers import PASSPHRASE, give_certificate, pyhanko_status

    login(leader)
    form = {**MAY, "unit": ""}
    refused = client.post("/reports/pdf", data={**form, "passphrase": PASSPHRASE})
    assert refused.status_code == 400 and "no valid signing certificate" in refused.get_data(as_text=True)
    give_certificate(db, services, leader)
    wrong = client.post("/reports/pdf", data={**form, "passphrase": "bukan kuncinya"})
    assert wrong.status_code == 400 and wrong.mimetype != "application/pdf"

    response = client.post("/reports/pdf", data={**form, "passphrase": PASSPHRASE})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "laporan-tanpa-kertas-2026-05-01-2026-05-31.pdf" in response.headers["Content-Disposition"]
    data = response.get_data()
    status = pyhanko_status(data)
    assert status.bottom_line and status.intact and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Sekretaris Daerah"
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = extract_text(path, PDF).text
    assert "Paperless report" in text and "Period 2026-05-01 to 2026-05-31" in text
    assert "DINKES" in text and "DISDIK" in text and "43.9" in text
    assert SECRET_SUBJECT not in text


def test_the_cost_of_the_paper_follows_the_setting(make_services, db, history, leader, token_for, login):
    """With reports.cost_per_ream = 50,000, is May's 14 pages' cost Rp 1,400 in the JSON, the CSV and the page?"""
    from docflow import create_app

    app = create_app(make_services(reports={"cost_per_ream": 50_000}))
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.set_cookie("lang", "en")
    headers = token_for(leader)
    body = _get(client, headers).get_json()
    assert body["total"]["paper_cost_saved"] == 1400
    assert [row["paper_cost_saved"] for row in body["units"]] == [0, 1100, 300]
    table = list(csv.DictReader(io.StringIO(_get(client, headers, format="csv").get_data(as_text=True)
                                            .split("\r\n", 1)[1])))
    assert table[-1]["paper_cost_saved"] == "1400"
    login(leader, client)
    html = client.get("/reports", query_string=MAY).get_data(as_text=True)
    assert "Estimated cost of the paper and printing saved (Rp)" in html and "<td>1.400</td>" in html


def test_without_a_cost_per_ream_there_is_no_estimate(client, token_for, history, leader):
    """Is the cost null (not zero) when no cost per ream is set?"""
    assert _get(client, token_for(leader)).get_json()["total"]["paper_cost_saved"] is None
