"""The organisation loader: TOML and CSV, idempotent, all or nothing, errors naming file, row and field."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 5)

TOML = """
[[people]]
username = "Budi.Santoso"
full_name = "Budi Santoso"
nip = "197805122003121004"
rank = "Pembina (IV/a)"
unit = "DISKOMINFO"
roles = ["signer", "verifier"]
position = "Kepala Dinas"
starts_on = 2024-01-02

[[people]]
username = "dewi"
full_name = "Dewi Lestari"
unit = "DISKOMINFO"
position = "Pengadministrasi Umum"

# A child before its parent: the loader sorts them out.
[[units]]
code = "DISKOMINFO"
name = "Dinas Komunikasi dan Informatika"
parent = "PEMKOT"

[[units]]
code = "PEMKOT"
name = "Pemerintah Kota Contoh"
kind = "pemkot"

[[positions]]
unit = "DISKOMINFO"
title = "Pengadministrasi Umum"
parent_title = "Kepala Dinas"

[[positions]]
unit = "DISKOMINFO"
title = "Kepala Dinas"
eselon = "II.b"
"""

CSV = """record;code;name;kind;parent;unit;title;eselon;parent_title;username;full_name;nip;roles;position;starts_on
unit;DINKES;Dinas Kesehatan;dinas;;;;;;;;;;;
position;;;;;DINKES;Kepala Dinas Kesehatan;II.b;;;;;;;
position;;;;;DINKES;Sekretaris;III.a;Kepala Dinas Kesehatan;;;;;;
person;;;;;DINKES;;;;rina;Rina Wulandari;198203142006042011;verifier, drafter;Sekretaris;2023-07-01
person;;;;;DINKES;;;;tono;Tono;;drafter;;
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(db, path: Path, today: date = TODAY):
    from docflow.admin.loader import load_organisation, read_organisation

    return load_organisation(db, read_organisation(path), source=path.name, today=today)


def _snapshot(db) -> list[tuple]:
    from docflow.auth.models import User, UserRole
    from docflow.org.models import Assignment, Position, Unit

    return [tuple(row) for stmt in (
        select(Unit.code, Unit.name, Unit.kind, Unit.parent_id).order_by(Unit.code),
        select(Position.unit_id, Position.title, Position.eselon, Position.parent_id, Position.is_active)
        .order_by(Position.id),
        select(User.username, User.full_name, User.nip, User.rank, User.unit_id, User.is_active,
               User.password_hash).order_by(User.username),
        select(UserRole.user_id, UserRole.role).order_by(UserRole.user_id, UserRole.role),
        select(Assignment.user_id, Assignment.position_id, Assignment.starts_on, Assignment.ends_on)
        .order_by(Assignment.id),
    ) for row in db.execute(stmt)]


def test_toml_file_loads_in_dependency_order_and_a_second_run_changes_nothing(db, tmp_path):
    from docflow.auth.models import Role, User
    from docflow.org.models import Position, Unit
    from docflow.org.queries import holders

    path = _write(tmp_path, "organisasi.toml", TOML)
    report = _load(db, path)
    assert report.summary() == ("units: 2 created, 0 updated, 0 unchanged; positions: 2 created, 0 updated, "
                                "0 unchanged; people: 2 created, 0 updated, 0 unchanged; assignments: 2 created, "
                                "0 updated, 0 unchanged")
    kominfo = db.scalar(select(Unit).where(Unit.code == "DISKOMINFO"))
    assert kominfo.parent.code == "PEMKOT" and kominfo.kind == "dinas"
    head = db.scalar(select(Position).where(Position.title == "Kepala Dinas"))
    staff = db.scalar(select(Position).where(Position.title == "Pengadministrasi Umum"))
    assert staff.parent_id == head.id and head.eselon == "II.b"
    budi = db.scalar(select(User).where(User.username == "budi.santoso"))
    assert budi.roles == {Role.SIGNER, Role.VERIFIER} and budi.password_hash is None and budi.rank == "Pembina (IV/a)"
    assert [u.username for u in holders(db, head.id, TODAY)] == ["budi.santoso"]
    dewi = db.scalar(select(User).where(User.username == "dewi"))
    assert dewi.roles == {Role.DRAFTER}
    assert [u.username for u in holders(db, staff.id, TODAY)] == ["dewi"]  # from today, no date given

    before = _snapshot(db)
    again = _load(db, path, today=date(2026, 2, 1))
    assert again.changed == 0
    assert again.counts[("assignments", "unchanged")] == 2
    assert _snapshot(db) == before


def test_the_file_updates_what_changed_and_leaves_out_fields_alone(db, tmp_path, make_unit, make_user):
    from docflow.auth.models import Role, User
    from docflow.org.models import Assignment

    _load(db, _write(tmp_path, "v1.toml", TOML))
    changed = TOML.replace('rank = "Pembina (IV/a)"', 'rank = "Pembina Tingkat I (IV/b)"').replace(
        "starts_on = 2024-01-02", "starts_on = 2024-01-15").replace('roles = ["signer", "verifier"]\n', "")
    report = _load(db, _write(tmp_path, "v2.toml", changed))
    assert report.counts[("people", "updated")] == 1 and report.counts[("assignments", "updated")] == 1
    assert report.changed == 2
    budi = db.scalar(select(User).where(User.username == "budi.santoso"))
    assert budi.rank == "Pembina Tingkat I (IV/b)"
    assert budi.roles == {Role.SIGNER, Role.VERIFIER}  # roles left out: kept
    assert [a.starts_on for a in db.scalars(select(Assignment).where(Assignment.user_id == budi.id))] == [
        date(2024, 1, 15)]


def test_csv_file_with_semicolons_loads_and_is_idempotent(db, tmp_path):
    from docflow.auth.models import Role, User
    from docflow.org.models import Position
    from docflow.org.queries import holders

    path = _write(tmp_path, "organisasi.csv", "\ufeff" + CSV)  # as a spreadsheet saves it, with a BOM
    report = _load(db, path)
    assert report.changed == 1 + 2 + 2 + 1
    rina = db.scalar(select(User).where(User.username == "rina"))
    assert rina.roles == {Role.VERIFIER, Role.DRAFTER} and rina.nip == "198203142006042011"
    secretary = db.scalar(select(Position).where(Position.title == "Sekretaris"))
    assert secretary.parent.title == "Kepala Dinas Kesehatan"
    assert [u.username for u in holders(db, secretary.id, date(2023, 7, 1))] == ["rina"]
    before = _snapshot(db)
    assert _load(db, path).changed == 0
    assert _snapshot(db) == before


@pytest.mark.parametrize("name, text, message", [
    ("bad.csv", CSV.replace("Sekretaris;III.a", "Sekretaris;III"),
     "bad.csv, row 4, field eselon: eselon is written like II.b"),
    ("bad.csv", CSV.replace("198203142006042011", "12345"), "bad.csv, row 5, field nip: a NIP has 18 digits"),
    ("bad.csv", CSV.replace("verifier, drafter", "verifier, boss"), "bad.csv, row 5, field roles: unknown roles boss"),
    ("bad.csv", CSV.replace(";Sekretaris;2023-07-01", ";Bendahara;2023-07-01"),
     "bad.csv, row 5, field position: no position 'Bendahara' in unit DINKES"),
    ("bad.csv", CSV.replace("2023-07-01", "1/7/2023"), "bad.csv, row 5, field starts_on: must be a date"),
    ("bad.csv", CSV.replace("unit;DINKES;Dinas Kesehatan", "division;DINKES;Dinas Kesehatan"),
     "bad.csv, row 2, field record: must be unit, position or person"),
    ("bad.csv", CSV.replace("dinas" + ";" * 11 + "\n", "dinas" + ";" * 12 + "extra\n"), "bad.csv, row 2, more cells"),
    ("bad.toml", TOML.replace('eselon = "II.b"', 'eselon = "2b"'),
     "bad.toml, positions entry 2 (line 34), field eselon"),
    ("bad.toml", TOML.replace('parent = "PEMKOT"', 'parent = "PROVINSI"'),
     "bad.toml, units entry 1 (line 19), field parent: no unit with code PROVINSI"),
    ("bad.toml", TOML.replace('username = "dewi"', 'username = "dewi"\nemial = "d@x.id"'),
     "bad.toml, people entry 2 (line 12), field emial: unknown field"),
    ("bad.toml", TOML + '\n[[people]]\nusername = "kedua"\nfull_name = "Kepala Kedua"\nunit = "DISKOMINFO"\n'
                        'position = "Kepala Dinas"\n',
     "bad.toml, people entry 3 (line 39), field position: a structural position has one holder at a time"),
    ("bad.toml", TOML + "\n[[staff]]\nname = 'x'\n", "bad.toml, table [[staff]], field staff: unknown table"),
    ("bad.toml", "[[units]\ncode = 'X'", "bad.toml, whole file, not valid TOML"),
    ("bad.xlsx", "whatever", "bad.xlsx, whole file, use a .toml or a .csv file"),
])
def test_a_bad_row_stops_everything_with_file_row_and_field(db, tmp_path, name, text, message):
    from docflow.admin.loader import OrganisationFileError
    from docflow.org.models import Unit

    with pytest.raises(OrganisationFileError) as raised:
        _load(db, _write(tmp_path, name, text))
    assert message in str(raised.value)
    db.rollback()
    assert db.scalar(select(func.count(Unit.id))) == 0


def test_the_documented_examples_load(db):
    """Do docs/organisation.example.toml and .csv stay loadable, and agree with each other?"""
    report = _load(db, REPO / "docs" / "organisation.example.toml")
    assert report.counts[("people", "created")] >= 4
    again = _load(db, REPO / "docs" / "organisation.example.csv")
    assert again.counts[("units", "created")] == 0 and again.counts[("people", "created")] == 0


def test_org_load_command_exit_codes(tmp_path):
    """Does `python -m docflow org load` exit 0 and save, or exit 1 naming the row and save nothing?"""
    from docflow.db import make_engine
    from docflow.migrate import upgrade
    from docflow.org.models import Unit

    instance = tmp_path / "instance"
    instance.mkdir()
    engine = make_engine(f"sqlite:///{instance / 'docflow.sqlite3'}")
    try:
        upgrade(engine)
        env = {**os.environ, "DOCFLOW_SERVER__INSTANCE_DIR": str(instance), "DOCFLOW_SERVER__LOG_LEVEL": "WARNING",
               "DOCFLOW_SERVER__SECRET_KEY": "test"}

        def run(path: Path, *options: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "docflow", "org", "load", *options, str(path)], cwd=REPO,
                                  env=env, capture_output=True, text=True, timeout=120)

        def units() -> int:
            with engine.connect() as conn:
                return conn.scalar(select(func.count()).select_from(Unit))

        bad = run(_write(tmp_path, "bad.csv", CSV.replace("Sekretaris;III.a", "Sekretaris;3a")))
        assert bad.returncode == 1
        assert "bad.csv, row 4, field eselon" in bad.stderr and "nothing was saved" in bad.stderr
        assert units() == 0
        good = _write(tmp_path, "organisasi.csv", CSV)
        dry = run(good, "--dry-run")
        assert dry.returncode == 0 and "dry run" in dry.stderr and units() == 0
        done = run(good)
        assert done.returncode == 0, done.stderr
        assert "units: 1 created" in done.stderr and units() == 1
    finally:
        engine.dispose()
