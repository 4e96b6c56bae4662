"""Importing a legacy archive: checked first, numbers and dates kept, resumable, searchable, audited."""
from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docflow.audit.models import AuditEvent
from docflow.documents.models import Document
from docflow.export.legacy import LegacyImportRefused, check_manifest, import_plan, open_manifest
from docflow.export.models import LegacyImport
from docflow.workflow.models import AllocatedNumber, HeldNumber, NumberRegister
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.signing.helpers import PASSPHRASE, act, approved_letter, give_certificate, make_office, setup_ca

HEADER = "nomor,tanggal,jenis,klasifikasi,unit,pengirim,sifat,berkas,perihal\n"


@pytest.fixture
def office(db, services):
    return make_office(db, "DISKOMINFO")


def _archive(folder: Path, rows: list[str], files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    manifest = folder / "manifest.csv"
    manifest.write_text(HEADER + "".join(row + "\n" for row in rows))
    return manifest


def _run(services, manifest: Path, actor, **kwargs):
    with open_manifest(manifest) as (text, files):
        plan = check_manifest(services, text, files)
        if not plan.problems:
            import_plan(services, plan, files, actor_id=actor.id, manifest=manifest.name, **kwargs)
        return plan


def _three(tmp_path: Path) -> Path:
    return _archive(tmp_path / "arsip", [
        "800/12/DISKOMINFO/2019,2019-03-21,nota_dinas,000.8.3.3,DISKOMINFO,Kepala Dinas,biasa,2019/a.pdf,Penugasan lama",
        "800/13/DISKOMINFO/2019,22-03-2019,Surat Dinas,000,diskominfo,,Terbatas,2019/b.pdf,",
        "800/14/DISKOMINFO/2019,23/03/2019,nota_dinas,000,DISKOMINFO,,sangat rahasia,2019/c.pdf,Rahasia lama",
    ], {"2019/a.pdf": make_pdf("Arsip penugasan pegawai tahun 2019"), "2019/b.pdf": make_pdf("Surat dinas kearsipan"),
        "2019/c.pdf": make_pdf("Naskah rahasia")})


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_dry_run_names_every_problem_row_and_writes_nothing(db, services, office, tmp_path):
    """Does the check report each bad row (date, type, code, unit, class, file, repeat) before anything is written?"""
    manifest = _archive(tmp_path / "arsip", [
        "1/2019,2019-13-01,nota_dinas,000,DISKOMINFO,,biasa,a.pdf,",
        "2/2019,2019-01-02,surat_cinta,999.9,NOWHERE,,rahasia sekali,a.pdf,",
        "3/2019,2019-01-03,nota_dinas,000,DISKOMINFO,,biasa,hilang.pdf,",
        "4/2019,2019-01-04,nota_dinas,000,DISKOMINFO,,biasa,../../etc/passwd,",
        "5/2019,2019-01-05,nota_dinas,000,DISKOMINFO,,biasa,a.pdf,",
        "5/2019,2019-01-05,nota_dinas,000,DISKOMINFO,,biasa,a.pdf,",
        "6/2019,2019-01-06,nota_dinas,000,DISKOMINFO,,biasa,program.exe,",
    ], {"a.pdf": make_pdf("Arsip"), "program.exe": b"MZ\x90\x00" + bytes(200)})
    before = _count(db, Document), _count(db, AuditEvent)
    with open_manifest(manifest) as (text, files):
        plan = check_manifest(services, text, files)
    problems = {row: [p for r, p in plan.problems if r == row] for row, _ in plan.problems}
    assert sorted(problems) == [2, 3, 4, 5, 7, 8]
    assert any("is not a date" in p for p in problems[2])
    assert len(problems[3]) == 4  # type, classification code, unit, security class
    assert problems[4] == ["file 'hilang.pdf' is not there"]
    assert problems[5] == ["file '../../etc/passwd' is not there"]
    assert problems[7] == ["repeats row 6 (same number, date and file)"]
    assert "not accepted" in problems[8][0]
    with open_manifest(manifest) as (text, files), pytest.raises(LegacyImportRefused, match="nothing was imported"):
        import_plan(services, plan, files, actor_id=office.clerk.id, manifest="manifest.csv")
    assert (_count(db, Document), _count(db, AuditEvent), _count(db, LegacyImport)) == (*before, 0)


def test_imported_letters_keep_number_and_date_are_audited_and_searchable(client, db, services, office, tmp_path,
                                                                         run_worker, token_for):
    """Are the letters filed with their own numbers and dates, marked imported, found by search, registers untouched?"""
    registers = _count(db, NumberRegister), _count(db, AllocatedNumber)
    plan = _run(services, _three(tmp_path), office.clerk)
    assert plan.problems == [] and len(plan.letters) == 3
    letters = db.scalars(select(Document).where(Document.number.like("800/1_/DISKOMINFO/2019"))
                         .order_by(Document.number)).all()
    assert [(d.number, d.state, d.security_class) for d in letters] == [
        ("800/12/DISKOMINFO/2019", "filed", "biasa"), ("800/13/DISKOMINFO/2019", "filed", "terbatas"),
        ("800/14/DISKOMINFO/2019", "filed", "sangat_rahasia")]
    assert letters[1].doc_type == "surat_dinas" and letters[1].title == "Arsip 800/13/DISKOMINFO/2019"
    assert [d.signed_at.astimezone(services.timezone).date() for d in letters] == [
        date(2019, 3, 21), date(2019, 3, 22), date(2019, 3, 23)]
    assert letters[0].signature_block == "Kepala Dinas"
    event = db.scalars(select(AuditEvent).where(AuditEvent.document_id == letters[0].id)).one()
    assert event.action == "import_legacy" and "manifest.csv row 2" in event.comment
    assert (_count(db, NumberRegister), _count(db, AllocatedNumber)) == registers
    run_worker()  # extraction (OCR for scans) and indexing
    found = client.get("/api/v1/search?q=ditugaskan", headers=token_for(office.head_user)).get_json()
    assert [hit["number"] for hit in found["results"]] == ["800/12/DISKOMINFO/2019"]


def test_a_run_stopped_half_way_resumes_without_duplicates(db, services, office, tmp_path):
    """Does a run stopped at its second letter (its file changed meanwhile), run again, import the rest once each?"""
    manifest = _three(tmp_path)
    with open_manifest(manifest) as (text, files):
        plan = check_manifest(services, text, files)
        (manifest.parent / "2019" / "b.pdf").write_bytes(make_pdf("Surat dinas kearsipan, dipindai ulang"))
        with pytest.raises(LegacyImportRefused, match=r"row 3: file '2019/b.pdf' could not be stored .*1 letter\(s\) "
                                                       r"were imported: run again to go on"):
            import_plan(services, plan, files, actor_id=office.clerk.id, manifest="manifest.csv")
    assert _count(db, LegacyImport) == 1
    plan = _run(services, manifest, office.clerk)
    assert len(plan.done) == 1 and len(plan.letters) == 2
    assert _count(db, LegacyImport) == 3
    again = _run(services, manifest, office.clerk)
    assert (len(again.done), len(again.letters), again.problems) == (3, 0, [])
    assert db.scalar(select(func.count()).select_from(Document).where(Document.number.like("800/%/2019"))) == 3


def test_a_later_register_number_passes_over_an_imported_one(client, db, services, office, tmp_path, token_for):
    """When an imported letter holds the register's next number, does signing take the one after it?"""
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    year = services.today().year
    manifest = _archive(tmp_path / "arsip", [
        f"000.8.3.3/1/DISKOMINFO/{year},{year}-01-02,nota_dinas,000.8.3.3,DISKOMINFO,,biasa,a.pdf,",
        # Another classification code, the same register: its sequence is held too.
        f"000/02/DISKOMINFO/{year},{year}-01-03,nota_dinas,000,DISKOMINFO,,biasa,b.pdf,",
        # Last year's, and one written another way: they hold nothing this year.
        f"000/3/DISKOMINFO/{year - 1},{year - 1}-12-30,nota_dinas,000,DISKOMINFO,,biasa,c.pdf,",
        f"ND-4/{year},{year}-01-04,nota_dinas,000,DISKOMINFO,,biasa,d.pdf,",
    ], {name: make_pdf(f"Surat yang diimpor {name}") for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf")})
    assert _run(services, manifest, office.clerk).problems == []
    assert sorted(db.scalars(select(HeldNumber.seq).where(HeldNumber.year == year))) == [1, 2]
    signed = []
    for _ in range(2):
        letter = approved_letter(client, office, token_for)
        body = act(client, token_for(office.head_user), letter.id, "sign", letter.revision,
                   passphrase=PASSPHRASE).get_json()
        signed.append(body["number"])
    assert signed == [f"000.8.3.3/3/DISKOMINFO/{year}", f"000.8.3.3/4/DISKOMINFO/{year}"]
    # A manifest naming a number already given by a register is refused for that row.
    manifest = _archive(tmp_path / "lagi", [f"{body['number']},{year}-01-03,nota_dinas,000,DISKOMINFO,,biasa,e.pdf,"],
                        {"e.pdf": make_pdf("Lain")})
    with open_manifest(manifest) as (text, files):
        assert check_manifest(services, text, files).problems == [
            (2, f"number {body['number']} is already used by document {letter.id}")]


def test_manifest_and_files_in_a_zip(db, services, office, tmp_path, token_for, client):
    """Is a ZIP holding the manifest and the files imported like a folder?"""
    source = _three(tmp_path)
    archive = tmp_path / "arsip.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(source.parent.rglob("*")):
            if path.is_file():
                out.write(path, "arsip/" + path.relative_to(source.parent).as_posix())
    plan = _run(services, archive, office.clerk)
    assert plan.problems == [] and _count(db, LegacyImport) == 3
    upload(client, token_for(office.drafter), make_pdf("Baru"))  # the instance goes on as before
