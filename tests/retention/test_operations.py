"""The archive's life without HTTP: dates from the JRA rule, holds, transfer and destruction by decision."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from docflow.audit.models import AuditEvent
from docflow.documents.models import Custody, DocumentState
from docflow.documents.retention import RetentionStatus, retention_dates, retention_of
from docflow.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from docflow.fixity import check_all
from docflow.retention.models import BatchState
from docflow.retention.operations import decide_batch, lift_hold, place_hold, propose_batch
from storage import ObjectNotFound
from tests.retention.helpers import (
    JAKARTA, LATER, MUCH_LATER, build_archives, context, filing, sign_through, signed_letter,
)
from tests.workflow.helpers import act, build_office


@pytest.fixture
def world(db):
    """A Dinas whose letters age, and the archives unit."""
    office = build_office(db, "DISHUB")
    archives = build_archives(db)
    db.commit()
    return office, archives


def _actions(db, document_id):
    return [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.document_id == document_id)
                                         .order_by(AuditEvent.id))]


@pytest.mark.parametrize(("count_from", "expected"), [
    ("next_year", (date(2027, 1, 1), date(2028, 12, 31), date(2031, 12, 31))),
    ("filing_date", (date(2026, 3, 2), date(2028, 3, 1), date(2031, 3, 1))),
])
def test_dates_follow_the_rule_and_the_setting(count_from, expected):
    """Does a 2 + 3 year rule give the dates the city's counting rule says?"""
    assert retention_dates(date(2026, 3, 2), 2, 3, count_from) == expected


def test_a_leap_day_counts_to_the_last_of_february():
    assert retention_dates(date(2024, 2, 29), 1, 1, "filing_date")[1:] == (date(2025, 2, 27), date(2026, 2, 27))


def test_status_moves_with_the_days(db, services, world):
    """Is a signed letter active, then due for transfer, then due for a decision, and a draft not filed?"""
    office, _ = world
    document = signed_letter(db, services, office)
    seen = [retention_of(db, document, today=day, tz=JAKARTA, count_from="next_year").status
            for day in (date(2026, 3, 2), LATER, MUCH_LATER)]
    assert seen == [RetentionStatus.ACTIVE, RetentionStatus.DUE_FOR_TRANSFER, RetentionStatus.DUE_FOR_DECISION]
    r = retention_of(db, document, today=LATER, tz=JAKARTA, count_from="next_year")
    assert (r.classification_name, r.final_fate, r.active_until) == ("Perjalanan Dinas", "destroy", date(2028, 12, 31))
    document.state = DocumentState.DRAFT
    assert retention_of(db, document, today=LATER, tz=JAKARTA, count_from="next_year").status == "not_filed"


def test_a_hold_is_lifted_only_by_another_person(db, services, world):
    office, archives = world
    document = signed_letter(db, services, office)
    with pytest.raises(PermissionDenied):
        place_hold(db, actor=office.drafter, document=document, reason="Perkara")
    with pytest.raises(ValidationFailed):
        place_hold(db, actor=archives.archivist, document=document, reason="  ")
    hold = place_hold(db, actor=archives.archivist, document=document, reason="Perkara PTUN 12/2026")
    with pytest.raises(Conflict):
        place_hold(db, actor=archives.second, document=document, reason="again")
    with pytest.raises(PermissionDenied, match="someone other"):
        lift_hold(db, actor=archives.archivist, hold=hold, reason="Perkara selesai")
    lift_hold(db, actor=archives.second, hold=hold, reason="Perkara selesai")
    assert hold.lifted_by_id == archives.second.id
    assert _actions(db, document.id)[-2:] == ["legal_hold_placed", "legal_hold_lifted"]


def test_a_transfer_from_proposal_to_signed_berita_acara(db, services, world):
    """Does the unit head approve, the berita acara go its route, and the letters move only when it is signed?"""
    office, archives = world
    letters = [signed_letter(db, services, office, title=f"Surat {n}") for n in range(2)]
    ctx = context(services, LATER)
    with pytest.raises(PermissionDenied):
        propose_batch(db, actor=office.drafter, kind="transfer", document_ids=[d.id for d in letters], note="",
                      ctx=ctx)
    with pytest.raises(Conflict, match="not due"):
        propose_batch(db, actor=archives.archivist, kind="transfer", document_ids=[letters[0].id], note="",
                      ctx=context(services, date(2027, 1, 1)))
    batch = propose_batch(db, actor=archives.archivist, kind="transfer", document_ids=[d.id for d in letters],
                          note="Pemindahan 2029", ctx=ctx)
    with pytest.raises(Conflict, match="already on an open batch"):
        propose_batch(db, actor=archives.archivist, kind="transfer", document_ids=[letters[0].id], note="", ctx=ctx)
    with pytest.raises(PermissionDenied, match="head of the unit"):
        decide_batch(db, actor=archives.office.head_user, batch_id=batch.id, action="approve", ctx=ctx,
                     filing=filing(services))
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    assert batch.state == BatchState.AWAITING_SIGNATURE
    ba = batch.berita_acara
    assert ba.doc_type == "berita_acara" and ba.state == DocumentState.DRAFT and ba.author_id == archives.archivist.id
    assert [(s.kind, s.position_id) for s in ba.steps] == [("verify", office.head.id), ("sign", archives.office.head.id)]
    assert all(d.custody == Custody.UNIT for d in letters)
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    assert ba.state == DocumentState.SIGNED and ba.number
    assert batch.state == BatchState.DONE
    assert all(d.custody == Custody.RECORDS_CENTRE for d in letters)
    assert retention_of(db, letters[0], today=LATER, tz=JAKARTA, count_from="next_year").status == "inactive"
    assert _actions(db, letters[0].id)[-3:] == ["transfer_proposed", "transfer_approve",
                                                "transferred_to_records_centre"]


def _destruction(db, services, world, *, hold: bool = False):
    office, archives = world
    letters = [signed_letter(db, services, office, title=f"Surat {n}") for n in range(3)]
    ctx = context(services, MUCH_LATER)
    if hold:
        place_hold(db, actor=archives.second, document=letters[2], reason="Pemeriksaan Inspektorat")
    return office, archives, letters, ctx


def test_nothing_is_deleted_before_the_berita_acara_is_signed(db, services, world, run_worker, tmp_path):
    """Are the files there after proposal, review and approval, and gone only once the berita acara is signed?"""
    office, archives, letters, ctx = _destruction(db, services, world)
    keys = [d.current_version.storage_key for d in letters]
    batch = propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[d.id for d in letters],
                          note="", ctx=ctx)
    with pytest.raises(PermissionDenied, match="panitia"):
        decide_batch(db, actor=archives.archivist, batch_id=batch.id, action="review", ctx=ctx)
    with pytest.raises(InvalidTransition):  # the panitia penilai reviews first
        decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    decide_batch(db, actor=archives.second, batch_id=batch.id, action="review", ctx=ctx,
                 remove={letters[1].id: "Masih dirujuk dalam perkara"})
    assert [i.document_id for i in batch.kept_items] == [letters[0].id, letters[2].id]
    with pytest.raises(PermissionDenied, match="eselon II"):
        decide_batch(db, actor=office.secretary_user, batch_id=batch.id, action="approve", ctx=ctx,
                     filing=filing(services))
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    db.commit()
    run_worker()
    for key in keys:
        assert services.store.exists(key)
    assert all(d.custody == Custody.UNIT for d in letters)
    ba = batch.berita_acara
    assert ba.steps[-1].position_id == office.head.id  # the approving official signs the berita acara
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    assert batch.state == BatchState.DONE
    db.commit()
    assert services.store.exists(keys[0])  # the worker deletes after the commit
    run_worker()
    assert not services.store.exists(keys[0]) and not services.store.exists(keys[2])
    assert services.store.exists(keys[1])  # taken off the list by the panitia penilai
    assert [d.custody for d in letters] == [Custody.DESTROYED, Custody.UNIT, Custody.DESTROYED]
    assert letters[0].number and letters[0].current_version.sha256  # metadata and number stay
    assert "files_destroyed" in _actions(db, letters[0].id)
    with pytest.raises(ObjectNotFound):
        services.store.stat(keys[0])
    report = check_all(services)
    assert not [p for p in report.problems if p.kind in ("missing-object", "orphan-object")], report.problems
    assert report.destroyed_versions == 1 * 2
    # Moving the city to new machines copies the files that exist; a destroyed one is not looked for.
    from docflow.export.instance import export_instance

    export_instance(services, tmp_path / "export")
    assert not (tmp_path / "export" / "objects" / keys[0]).exists()
    assert (tmp_path / "export" / "objects" / keys[1]).exists()


def test_check_still_reports_a_missing_object_that_was_not_destroyed(db, services, world):
    office, _archives = world
    document = signed_letter(db, services, office)
    db.commit()
    services.store.delete(document.current_version.storage_key)
    kinds = [p.kind for p in check_all(services).problems]
    assert "missing-object" in kinds


def test_a_hold_blocks_the_proposal_and_the_execution(db, services, world, run_worker):
    """Can a held letter be proposed? Is a letter held after the approval kept when the berita acara is signed?"""
    office, archives, letters, ctx = _destruction(db, services, world, hold=True)
    with pytest.raises(Conflict, match="legal hold"):
        propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[letters[2].id], note="",
                      ctx=ctx)
    batch = propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[letters[0].id], note="",
                          ctx=ctx)
    decide_batch(db, actor=archives.second, batch_id=batch.id, action="review", ctx=ctx)
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    place_hold(db, actor=archives.second, document=letters[0], reason="Gugatan baru")
    ba = batch.berita_acara
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    db.commit()
    run_worker()
    assert services.store.exists(letters[0].current_version.storage_key)
    assert letters[0].custody == Custody.UNIT
    assert "destruction_blocked_by_hold" in _actions(db, letters[0].id)


def test_a_review_may_not_remove_everything_and_reject_needs_a_reason(db, services, world):
    office, archives, letters, ctx = _destruction(db, services, world)
    batch = propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[letters[0].id], note="",
                          ctx=ctx)
    with pytest.raises(ValidationFailed):
        decide_batch(db, actor=archives.second, batch_id=batch.id, action="review", ctx=ctx,
                     remove={letters[0].id: "tidak"})
    with pytest.raises(ValidationFailed):
        decide_batch(db, actor=archives.second, batch_id=batch.id, action="reject", ctx=ctx)
    decide_batch(db, actor=archives.second, batch_id=batch.id, action="reject", ctx=ctx, reason="Belum waktunya")
    assert batch.state == BatchState.REJECTED


def test_a_permanent_letter_is_never_proposed_for_destruction(db, services, world):
    office, archives = world
    document = signed_letter(db, services, office, classification="000.8.3.3")  # review, not destroy
    with pytest.raises(Conflict, match="final fate"):
        propose_batch(db, actor=archives.archivist, kind="destruction", document_ids=[document.id], note="",
                      ctx=context(services, MUCH_LATER))


def handover(db, services, world):
    """Propose, approve and sign the hand-over of two permanent letters; return the batch and its letters."""
    from docflow.documents.classification import ClassificationCode

    office, archives = world
    letters = [signed_letter(db, services, office, title=f"Perda {n}", classification="000.8.3.3") for n in range(2)]
    db.get(ClassificationCode, "000.8.3.3").final_fate = "permanent"  # rolled back with the test
    ctx = context(services, MUCH_LATER)
    batch = propose_batch(db, actor=archives.archivist, kind="handover", document_ids=[d.id for d in letters],
                          note="Penyerahan 2032", ctx=ctx)
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    sign_through(db, services, batch.berita_acara, archives.archivist, office, archives.office)
    return batch, letters


def test_permanent_letters_are_handed_over_with_their_package(db, services, world, run_worker, tmp_path):
    """Is a hand-over decided and signed like the others, and its package written, with the berita acara, only then?"""
    import io
    import zipfile

    from docflow.audit.operations import record_hash
    from docflow.documents.classification import ClassificationCode
    from docflow.export.bag import verify_bag

    office, archives = world
    permanent = signed_letter(db, services, office, title="Perda 9", classification="000.8.3.3")
    db.get(ClassificationCode, "000.8.3.3").final_fate = "permanent"
    perishable = signed_letter(db, services, office)
    ctx = context(services, MUCH_LATER)
    with pytest.raises(Conflict, match="not handed over"):
        propose_batch(db, actor=archives.archivist, kind="handover", document_ids=[perishable.id], note="", ctx=ctx)
    with pytest.raises(Conflict, match="not due"):
        propose_batch(db, actor=archives.archivist, kind="handover", document_ids=[permanent.id], note="",
                      ctx=context(services, LATER))
    batch = propose_batch(db, actor=archives.archivist, kind="handover", document_ids=[permanent.id], note="",
                          ctx=ctx)
    with pytest.raises(PermissionDenied, match="eselon II"):
        decide_batch(db, actor=office.secretary_user, batch_id=batch.id, action="approve", ctx=ctx,
                     filing=filing(services))
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    ba = batch.berita_acara
    assert ba.title.startswith("Berita Acara Penyerahan") and ba.steps[-1].position_id == office.head.id
    db.commit()
    run_worker()
    assert permanent.custody == Custody.UNIT and batch.package_key is None  # nothing before the signature
    sign_through(db, services, ba, archives.archivist, office, archives.office)
    assert batch.state == BatchState.DONE and permanent.custody == Custody.HANDED_OVER
    assert retention_of(db, permanent, today=MUCH_LATER, tz=JAKARTA, count_from="next_year").status == "handed_over"
    db.commit()
    run_worker()
    db.refresh(batch)
    assert batch.package_key and batch.package_size > 0
    with services.store.open(batch.package_key, verify=True) as reader:
        data = reader.read()
    assert verify_bag(io.BytesIO(data), record_hash=record_hash).ok
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for document in (permanent, ba):  # the letter and the berita acara, signed, each with its files
        assert any(f"/data/documents/{document.id}/versions/v" in n for n in names), names
        metadata = next(n for n in names if n.endswith(f"/data/documents/{document.id}/metadata.json"))
        assert '"state": "signed"' in zipfile.ZipFile(io.BytesIO(data)).read(metadata).decode()
    bag_info = next(n for n in names if n.endswith("/bag-info.txt"))
    assert f"Docflow-Berita-Acara: {ba.id} {ba.number}" in zipfile.ZipFile(io.BytesIO(data)).read(bag_info).decode()
    # The letter stays readable here; the package is claimed by its batch, so the sweep keeps it.
    assert services.store.exists(permanent.current_version.storage_key)
    assert _actions(db, permanent.id)[-3:] == ["handover_approve", "handed_over", "handover_package_written"]
    problems = check_all(services).problems
    assert not [p for p in problems if p.kind in ("missing-object", "orphan-object")], problems
    from docflow.export.instance import export_instance

    export_instance(services, tmp_path / "export")  # the package moves with the city
    assert (tmp_path / "export" / "objects" / batch.package_key).read_bytes() == data


def test_a_batch_is_withdrawn_only_once_its_berita_acara_stopped(db, services, world):
    """Can the archives unit drop an approved batch while its berita acara is on its route? After a withdrawal?"""
    office, archives = world
    letter = signed_letter(db, services, office)
    ctx = context(services, LATER)
    batch = propose_batch(db, actor=archives.archivist, kind="transfer", document_ids=[letter.id], note="", ctx=ctx)
    decide_batch(db, actor=office.head_user, batch_id=batch.id, action="approve", ctx=ctx, filing=filing(services))
    with pytest.raises(Conflict, match="on its route"):
        decide_batch(db, actor=archives.archivist, batch_id=batch.id, action="cancel", ctx=ctx)
    act(db, services, archives.archivist, batch.berita_acara, "withdraw")
    decide_batch(db, actor=archives.archivist, batch_id=batch.id, action="cancel", ctx=ctx)
    assert batch.state == BatchState.CANCELLED and letter.custody == Custody.UNIT
    again = propose_batch(db, actor=archives.archivist, kind="transfer", document_ids=[letter.id], note="", ctx=ctx)
    assert again.state == BatchState.PROPOSED  # the letter is free for a new batch


def test_head_desks_answer_for_transfers_and_reports(db, world):
    """Do a transfer's approver and the report's unit heads come from the same question: a unit's top desk?"""
    from docflow.org.operations import create_position
    from docflow.org.queries import head_desks
    from docflow.reports.access import headed_unit_ids

    office, archives = world
    assert head_desks(db, unit_id=office.unit.id) == [office.head]
    # A desk whose superior sits in another unit heads its own unit (a UPT under a Dinas).
    upt = build_office(db, "UPTPARKIR", parent=office.subhead)
    assert head_desks(db, unit_id=upt.unit.id) == [upt.head]
    assert headed_unit_ids(db, [office.head.id, office.subhead.id, upt.head.id]) == {office.unit.id, upt.unit.id}
    assert headed_unit_ids(db, [office.secretary.id, archives.office.staff.id]) == set()
    assert headed_unit_ids(db, []) == set()
    # A second top desk in the unit (a staff desk without a superior) comes after the eselon II head.
    loose = create_position(db, unit=office.unit, title="Staf Ahli")
    assert head_desks(db, unit_id=office.unit.id) == [office.head, loose]
    office.head.is_active = False
    db.flush()
    assert head_desks(db, unit_id=office.unit.id) == [loose]
