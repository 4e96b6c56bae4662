"""Domain writes of the archive's life: legal holds, and batches moved from proposal to a signed berita acara.

Nothing here destroys a file on its own: a destruction batch is proposed by the archives unit,
reviewed by the panitia penilai, approved by the authorised official, and carried out only when its
berita acara pemusnahan is signed (the `document_signed` handler below). The objects themselves are
deleted after that commits, by the worker (DESTROY_OBJECTS).
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.audit.operations import record_event
from docflow.auth.models import Role, User
from docflow.config import RetentionSettings, WorkflowSettings, approver_rules
from docflow.db import utcnow
from docflow.documents.classification import ClassificationCode
from docflow.documents.intake import receive_upload
from docflow.documents.models import Custody, Document, DocumentState, LegalHold, Version
from docflow.documents.operations import DocumentFields, create_document
from docflow.documents.retention import FATE_NAMES, RetentionStatus, is_on_hold, retention_of
from docflow.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from docflow.org.models import Position, Unit
from docflow.org.queries import acting_position_ids, head_desks, held_position_ids
from docflow.outbox.operations import DESTROY_OBJECTS, HANDOVER_PACKAGE, enqueue_index, enqueue_job
from docflow.retention.document import BeritaAcaraText, ListedLetter, berita_acara_pdf
from docflow.retention.models import BatchKind, BatchState, RetentionBatch, RetentionItem
from docflow.retention.states import OPEN_STATES, BatchAction, Decider, batch_transition
from docflow.workflow.models import StepKind
from docflow.workflow.operations import proposed_route, set_route
from docflow.workflow.routes import StepSpec
from docflow.hooks import document_signed
from storage import ObjectStore

logger = logging.getLogger(__name__)

MAX_REASON = 4000
MAX_BATCH = 500
_HOLDERS = (Role.ARCHIVIST, Role.ADMIN)


@dataclass(frozen=True)
class RetentionContext:
    """What retention decisions read from the city: its day, time zone and retention settings."""

    today: date
    tz: ZoneInfo
    settings: RetentionSettings
    workflow: WorkflowSettings


@dataclass(frozen=True)
class BeritaAcaraFiling:
    """Where a berita acara's PDF is received and stored before it becomes a letter."""

    store: ObjectStore
    spool_dir: Path
    max_bytes: int
    allowed_types: tuple[str, ...]


def _reason(text: str | None, *, required: bool, field: str = "reason") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(N_("say why: a reason is required"), field=field)
    if len(text) > MAX_REASON:
        raise ValidationFailed(N_("the reason is longer than %(max)s characters"), field=field, max=MAX_REASON)
    return text


def _audit(session: Session, document: Document, action: str, actor: User | None, comment: str) -> None:
    version = document.current_version
    record_event(session, action=action, document_id=document.id, from_state=document.state,
                 to_state=document.state, actor_user_id=actor.id if actor else None,
                 actor_name=actor.display_name if actor else "Docflow", comment=comment,
                 document_revision=document.revision, file_sha256=version.sha256 if version else None)


# Legal holds ----------------------------------------------------------------------------------------

def place_hold(session: Session, *, actor: User, document: Document, reason: str) -> LegalHold:
    """Put a letter on legal hold (archives unit or administrator): it is not destroyed while the hold stands."""
    if not actor.is_active or not (actor.roles & set(_HOLDERS)):
        raise PermissionDenied(N_("only the archives unit or an administrator places a legal hold"))
    reason = _reason(reason, required=True)
    if is_on_hold(session, document.id):
        raise Conflict(N_("this letter is already on legal hold"), field="document_id")
    hold = LegalHold(document_id=document.id, reason=reason, placed_by_id=actor.id)
    session.add(hold)
    session.flush()
    _audit(session, document, "legal_hold_placed", actor, reason)
    logger.info("user %s placed legal hold %s on document %s", actor.username, hold.id, document.id)
    return hold


def lift_hold(session: Session, *, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a legal hold; never by the person who placed it."""
    if not actor.is_active or not (actor.roles & set(_HOLDERS)):
        raise PermissionDenied(N_("only the archives unit or an administrator lifts a legal hold"))
    if hold.lifted_at is not None:
        raise Conflict(N_("this legal hold was lifted already"))
    if hold.placed_by_id == actor.id:
        raise PermissionDenied(N_("a legal hold is lifted by someone other than the person who placed it"))
    hold.lift_reason = _reason(reason, required=True)
    hold.lifted_by_id, hold.lifted_at = actor.id, utcnow()
    session.flush()
    _audit(session, session.get(Document, hold.document_id), "legal_hold_lifted", actor, hold.lift_reason)
    logger.info("user %s lifted legal hold %s of document %s", actor.username, hold.id, hold.document_id)
    return hold


# Who decides ----------------------------------------------------------------------------------------

def required_level(rules: Sequence[str], years: int) -> int:
    """Return the highest eselon level (1-4) allowed to approve destroying letters kept `years` years."""
    return next(level for minimum, level in approver_rules(tuple(rules)) if years >= minimum)


def _batch_years(session: Session, batch: RetentionBatch) -> int:
    codes = {item.document.classification_code for item in batch.kept_items}
    rows = session.scalars(select(ClassificationCode).where(ClassificationCode.code.in_(codes))).all() if codes else []
    return max((c.active_years + c.inactive_years for c in rows), default=0)


def deciding_position(session: Session, actor: User, batch: RetentionBatch, decider: Decider,
                      ctx: RetentionContext) -> Position | None:
    """Return the desk from which the actor decides (None for a role), or raise PermissionDenied."""
    if not actor.is_active:
        raise PermissionDenied(N_("this account is inactive"))
    if decider == Decider.ARCHIVIST:
        if not actor.has_role(Role.ARCHIVIST):
            raise PermissionDenied(N_("only the archives unit may do this"))
        return None
    if decider == Decider.PANEL:
        panel = ctx.settings.appraisal_panel
        member = actor.username in panel if panel else actor.has_role(Role.ARCHIVIST)
        if not member or actor.id == batch.proposed_by_id:
            raise PermissionDenied(N_("the list is reviewed by the panitia penilai, not by whoever proposed it"))
        return None
    positions = acting_position_ids(session, actor.id, ctx.today)
    if decider == Decider.UNIT_HEAD:
        heads = [p for p in head_desks(session, unit_id=batch.unit_id) if p.id in positions]
        if not heads:
            raise PermissionDenied(N_("a transfer is approved by the head of the unit whose letters move"))
        return heads[0]
    if decider == Decider.OFFICIAL:
        level = required_level(ctx.settings.destruction_approvers, _batch_years(session, batch))
        desks = sorted((session.get(Position, p) for p in positions), key=lambda p: (p.level, p.id))
        desks = [p for p in desks if p.level <= level]
        if not desks or actor.id in (batch.proposed_by_id, batch.reviewed_by_id):
            raise PermissionDenied(N_("a destruction is approved by an official of eselon %(level)s or higher who "
                                      "neither proposed nor reviewed it"), level=_ROMAN[level])
        return desks[0]
    raise PermissionDenied(N_("this step is taken by Docflow itself"))


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# Proposals -------------------------------------------------------------------------------------------

def _open_batch_documents(session: Session, kind: str) -> set[int]:
    return set(session.scalars(select(RetentionItem.document_id).join(RetentionBatch)
                               .where(RetentionBatch.kind == kind, RetentionBatch.state.in_(OPEN_STATES),
                                      RetentionItem.removed_at.is_(None))))


def _ids(document_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(document_ids))
    if not ids:
        raise ValidationFailed(N_("choose at least one letter"), field="document_ids")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(N_("a batch holds at most %(max)s letters"), field="document_ids", max=MAX_BATCH)
    return ids


def propose_batch(session: Session, *, actor: User, kind: str, document_ids: Iterable[int], note: str,
                  ctx: RetentionContext) -> RetentionBatch:
    """Propose a transfer of one unit's letters due for it, the destruction of letters whose fate is musnah, or the
    hand-over (penyerahan) of permanent letters to the regional archives."""
    if not actor.is_active or not actor.has_role(Role.ARCHIVIST):
        raise PermissionDenied(N_("only the archives unit proposes a transfer, a destruction or a hand-over"))
    try:
        kind = BatchKind(kind)
    except ValueError:
        raise ValidationFailed(N_("kind is transfer, destruction or handover"), field="kind") from None
    ids = _ids(document_ids)
    documents = session.scalars(select(Document).where(Document.id.in_(ids))).all()
    if len(documents) != len(ids):
        missing = sorted(set(ids) - {d.id for d in documents})
        raise NotFound(N_("document %(id)s does not exist or you may not read it"), id=missing[0])
    taken = _open_batch_documents(session, kind)
    wanted = RetentionStatus.DUE_FOR_TRANSFER if kind == BatchKind.TRANSFER else RetentionStatus.DUE_FOR_DECISION
    for document in documents:
        retention = retention_of(session, document, today=ctx.today, tz=ctx.tz, count_from=ctx.settings.count_from)
        label = document.number or f"#{document.id}"
        if retention.status != wanted:
            raise Conflict(N_("letter %(letter)s is not due for this (it is %(status)s)"), field="document_ids",
                           letter=label, status=str(retention.status))
        if document.id in taken:
            raise Conflict(N_("letter %(letter)s is already on an open batch"), field="document_ids", letter=label)
        if kind == BatchKind.DESTRUCTION:
            if retention.final_fate != "destroy":
                raise Conflict(N_("letter %(letter)s is not to be destroyed: its final fate is %(fate)s"),
                               field="document_ids", letter=label, fate=FATE_NAMES[retention.final_fate])
            if retention.legal_hold:
                raise Conflict(N_("letter %(letter)s is on legal hold and cannot be destroyed"),
                               field="document_ids", letter=label)
        if kind == BatchKind.HANDOVER and retention.final_fate != "permanent":
            raise Conflict(N_("letter %(letter)s is not handed over: its final fate is %(fate)s"),
                           field="document_ids", letter=label, fate=FATE_NAMES[retention.final_fate])
    units = {d.unit_id for d in documents}
    if kind == BatchKind.TRANSFER and len(units) != 1:
        raise ValidationFailed(N_("a transfer moves the letters of one unit: its head approves it"),
                               field="document_ids")
    batch = RetentionBatch(kind=kind, state=BatchState.PROPOSED, note=_reason(note, required=False, field="note"),
                           unit_id=units.pop() if kind == BatchKind.TRANSFER else None, proposed_by_id=actor.id,
                           items=[RetentionItem(document_id=i) for i in ids])
    session.add(batch)
    session.flush()
    for document in documents:
        _audit(session, document, f"{kind}_proposed", actor, _batch_label(batch))
    logger.info("user %s proposed %s batch %s of %d letters", actor.username, kind, batch.id, len(ids))
    return batch


_BATCH_WORDS = {BatchKind.TRANSFER: "Pemindahan", BatchKind.DESTRUCTION: "Pemusnahan",
                BatchKind.HANDOVER: "Penyerahan"}


def _batch_label(batch: RetentionBatch) -> str:
    return f"{_BATCH_WORDS[BatchKind(batch.kind)]} #{batch.id}"


# Decisions --------------------------------------------------------------------------------------------

def _check_revision(batch: RetentionBatch, expected: int | None) -> None:
    if expected is not None and expected != batch.revision:
        raise Conflict(N_("the batch changed since you opened it (revision %(revision)s, you had %(seen)s); reload "
                          "it and try again"), field="revision", revision=batch.revision, seen=expected)


def lock_batch(session: Session, batch_id: int) -> RetentionBatch:
    """Load a batch for change, holding its row lock until commit (PostgreSQL)."""
    stmt = select(RetentionBatch).where(RetentionBatch.id == batch_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    batch = session.scalars(stmt).first()
    if batch is None:
        raise NotFound(N_("batch %(id)s does not exist"), id=batch_id)
    session.refresh(batch)
    return batch


def decide_batch(session: Session, *, actor: User, batch_id: int, action: str, ctx: RetentionContext,
                 filing: BeritaAcaraFiling | None = None, reason: str = "", remove: dict[int, str] | None = None,
                 expected_revision: int | None = None) -> RetentionBatch:
    """Take a decision on a batch: review (removing letters), approve, reject or cancel; every one audited."""
    batch = lock_batch(session, batch_id)
    transition = batch_transition(batch.kind, batch.state, action)
    if transition.decider == Decider.SYSTEM:
        raise PermissionDenied(N_("this step is taken by Docflow itself"))
    _check_revision(batch, expected_revision)
    position = deciding_position(session, actor, batch, transition.decider, ctx)
    if batch.state == BatchState.AWAITING_SIGNATURE and not berita_acara_stopped(batch):
        raise Conflict(N_("the berita acara is on its route; the batch is withdrawn only if the berita acara is "
                          "rejected or withdrawn"), field="action")
    reason = _reason(reason, required=transition.needs_reason)
    now = utcnow()
    if action == BatchAction.REVIEW:
        _remove_items(session, batch, actor, remove or {})
        if not batch.kept_items:
            raise ValidationFailed(N_("the review removed every letter; reject the batch instead"), field="remove")
        batch.reviewed_by_id, batch.reviewed_at = actor.id, now
    elif remove:
        raise ValidationFailed(N_("letters are removed from a list only in the review"), field="remove")
    if action in (BatchAction.APPROVE, BatchAction.REJECT, BatchAction.CANCEL):
        batch.decided_by_id, batch.decided_at, batch.decision_note = actor.id, now, reason
    before = batch.state
    batch.state = transition.target
    batch.revision += 1
    session.flush()
    comment = f"{_batch_label(batch)}: {before} -> {batch.state}" + (f"; {reason}" if reason else "")
    if position is not None:
        comment += f" ({position.title})"
    for item in batch.kept_items:
        _audit(session, item.document, f"{batch.kind}_{action}", actor, comment)
    if action == BatchAction.APPROVE:
        if filing is None:  # pragma: no cover - callers always pass it
            raise ValueError("approving needs somewhere to file the berita acara")
        _draft_berita_acara(session, batch, actor, position, ctx, filing)
    logger.info("user %s: %s on %s batch %s (%s -> %s)", actor.username, action, batch.kind, batch.id, before,
                batch.state)
    return batch


def berita_acara_stopped(batch: RetentionBatch) -> bool:
    """Tell whether the batch's berita acara was rejected or withdrawn on its route (the batch may then be dropped)."""
    return batch.berita_acara is not None and batch.berita_acara.state in (DocumentState.REJECTED,
                                                                           DocumentState.WITHDRAWN)


def _remove_items(session: Session, batch: RetentionBatch, actor: User, remove: dict[int, str]) -> None:
    by_document = {item.document_id: item for item in batch.kept_items}
    for document_id, why in remove.items():
        item = by_document.get(document_id)
        if item is None:
            raise ValidationFailed(N_("letter %(id)s is not on this list"), field="remove", id=document_id)
        item.removed_reason = _reason(why, required=True, field="remove")
        item.removed_by_id, item.removed_at = actor.id, utcnow()
        _audit(session, item.document, f"{batch.kind}_item_removed", actor,
               f"{_batch_label(batch)}: {item.removed_reason}")
    session.flush()


# The berita acara ---------------------------------------------------------------------------------------

def _listed(session: Session, batch: RetentionBatch, ctx: RetentionContext) -> list[ListedLetter]:
    rows = []
    for item in batch.kept_items:
        document = item.document
        r = retention_of(session, document, today=ctx.today, tz=ctx.tz, count_from=ctx.settings.count_from,
                         on_hold=False)
        rows.append(ListedLetter(
            number=document.number or f"#{document.id}", title=document.title,
            filed_on=r.counted_from.isoformat() if r.counted_from else "", classification=document.classification_code,
            retention=f"{r.active_years} th aktif, {r.inactive_years} th inaktif, {FATE_NAMES[r.final_fate]}"))
    return rows


def _text(batch: RetentionBatch, ctx: RetentionContext, unit: Unit | None, approver: User,
          position: Position | None) -> BeritaAcaraText:
    day = ctx.today.strftime("%d-%m-%Y")
    who = f"{approver.display_name}" + (f", {position.title}" if position else "")
    if batch.kind == BatchKind.TRANSFER:
        return BeritaAcaraText(
            title="BERITA ACARA PEMINDAHAN ARSIP INAKTIF",
            opening=(f"Pada tanggal {day}, arsip inaktif {unit.name if unit else ''} yang tercantum dalam daftar "
                     f"berikut dipindahkan ke Pusat Arsip (records center) unit kearsipan, atas persetujuan {who} "
                     f"({_batch_label(batch)})."),
            closing="Berita acara ini dibuat dengan sebenarnya, ditandatangani oleh kedua belah pihak.",
            place_date=f"Tanggal: {day}")
    if batch.kind == BatchKind.HANDOVER:
        return BeritaAcaraText(
            title="BERITA ACARA PENYERAHAN ARSIP STATIS",
            opening=(f"Pada tanggal {day}, arsip statis yang tercantum dalam daftar berikut, yang telah habis masa "
                     f"retensinya dengan keterangan permanen menurut Jadwal Retensi Arsip, diserahkan kepada lembaga "
                     f"kearsipan daerah atas persetujuan {who} ({_batch_label(batch)})."),
            closing=("Arsip diserahkan dalam bentuk paket ekspor (BagIt) berisi setiap versi berkas, metadata, jejak "
                     "audit dan laporan tanda tangan elektronik, beserta berita acara ini setelah ditandatangani."),
            place_date=f"Tanggal: {day}")
    return BeritaAcaraText(
        title="BERITA ACARA PEMUSNAHAN ARSIP",
        opening=(f"Pada tanggal {day}, arsip yang tercantum dalam daftar berikut, yang telah habis masa retensinya "
                 f"dengan keterangan musnah menurut Jadwal Retensi Arsip dan telah dinilai oleh panitia penilai, "
                 f"dimusnahkan atas persetujuan {who} ({_batch_label(batch)})."),
        closing=("Pemusnahan dilaksanakan setelah berita acara ini ditandatangani. Metadata, nomor dan jejak audit "
                 "arsip tetap disimpan."),
        place_date=f"Tanggal: {day}")


def _draft_berita_acara(session: Session, batch: RetentionBatch, approver: User, position: Position | None,
                        ctx: RetentionContext, filing: BeritaAcaraFiling) -> Document:
    """Write the berita acara as a draft letter of the proposer, routed to its signer; it is signed as any other."""
    drafter = session.get(User, batch.proposed_by_id)
    if not held_position_ids(session, drafter.id, ctx.today):
        raise ValidationFailed(N_("the archivist who proposed the batch holds no desk today, so she cannot draft "
                                  "its berita acara; assign her a position first"))
    unit = session.get(Unit, batch.unit_id) if batch.unit_id else None
    text = _text(batch, ctx, unit, approver, position)
    pdf = berita_acara_pdf(text, _listed(session, batch, ctx))
    fields = DocumentFields(title=f"{text.title.title()} ({_batch_label(batch)})", doc_type="berita_acara",
                            classification_code=_ba_classification(session))
    upload = receive_upload(io.BytesIO(pdf), f"berita-acara-{batch.kind}-{batch.id}.pdf", max_bytes=filing.max_bytes,
                            allowed_types=filing.allowed_types, spool_dir=filing.spool_dir)
    with upload:
        document = create_document(session, filing.store, actor=drafter, fields=fields, upload=upload,
                                   on=ctx.today)
    batch.berita_acara_id = document.id
    session.flush()
    _route_berita_acara(session, batch, document, drafter, position, ctx)
    _audit(session, document, f"{batch.kind}_berita_acara", approver, _batch_label(batch))
    logger.info("berita acara %s drafted for %s batch %s", document.id, batch.kind, batch.id)
    return document


def _ba_classification(session: Session) -> str:
    # 000.5 is "Kearsipan" in the national classification; a city without it files the berita acara under 000.
    return "000.5" if session.get(ClassificationCode, "000.5") is not None else "000"


def _route_berita_acara(session: Session, batch: RetentionBatch, document: Document, drafter: User,
                        approver_position: Position | None, ctx: RetentionContext) -> None:
    """Route it through the rules: the unit head initials a transfer's, the approving official signs a destruction's."""
    proposed = proposed_route(session, document, ctx.today)
    if batch.kind == BatchKind.TRANSFER and approver_position is not None:
        # Both sides sign: the unit handing over initials, the records centre's head signs.
        steps = [StepSpec(StepKind.VERIFY, approver_position.id), proposed[-1]]
    elif approver_position is not None:
        steps = [*proposed[:-1], StepSpec(StepKind.SIGN, approver_position.id)]
    else:
        steps = proposed
    for candidate in (steps, proposed):
        try:
            with session.begin_nested():
                set_route(session, actor=drafter, document=document, steps=candidate,
                          expected_revision=document.revision, on=ctx.today, settings=ctx.workflow)
            return
        except ValidationFailed:
            logger.info("berita acara %s: route %s refused, using the proposed one", document.id, candidate)
    raise ValidationFailed(N_("no route can be set for the berita acara; ask an administrator to check the "
                              "organisation of the archives unit"))


# Carrying out a batch when its berita acara is signed -------------------------------------------------

def complete_batch(session: Session, batch: RetentionBatch, *, now: datetime) -> list[str]:
    """Carry out a batch whose berita acara was signed; return the object keys to delete (destruction)."""
    batch_transition(batch.kind, batch.state, BatchAction.COMPLETE)
    label = f"{_batch_label(batch)}, berita acara {batch.berita_acara.number if batch.berita_acara else ''}".strip()
    keys: set[str] = set()
    for item in batch.kept_items:
        document = item.document
        if batch.kind == BatchKind.TRANSFER:
            document.custody = Custody.RECORDS_CENTRE
            _audit(session, document, "transferred_to_records_centre", None, label)
        elif batch.kind == BatchKind.HANDOVER:
            # The regional archives keep them now; the letters stay readable and verifiable here.
            document.custody = Custody.HANDED_OVER
            _audit(session, document, "handed_over", None, label)
        elif is_on_hold(session, document.id):
            # A hold placed after the approval still wins: the letter stays, and the list says why.
            item.removed_at, item.removed_reason = utcnow(), "legal hold"
            _audit(session, document, "destruction_blocked_by_hold", None, label)
        else:
            for version in document.versions:
                if version.destroyed_at is None:
                    version.destroyed_at = now
                    version.text = None
                    keys.add(version.storage_key)
            keys |= _destroy_incoming_files(session, document.id, now)
            document.custody = Custody.DESTROYED
            _audit(session, document, "files_destroyed", None, label)
        document.revision += 1
        enqueue_index(session, document.id)
    batch.state, batch.done_at = BatchState.DONE, utcnow()
    batch.revision += 1
    session.flush()
    if keys:
        enqueue_job(session, DESTROY_OBJECTS, keys=sorted(keys), batch_id=batch.id)
    if batch.kind == BatchKind.HANDOVER:
        # Written after commit: the package holds the signed berita acara, read in the worker's own sessions.
        enqueue_job(session, HANDOVER_PACKAGE, batch_id=batch.id)
    logger.info("%s batch %s carried out (%d letters, %d objects to delete)", batch.kind, batch.id,
                len(batch.kept_items), len(keys))
    return sorted(keys)


def _destroy_incoming_files(session: Session, document_id: int, now: datetime) -> set[str]:
    """Mark an incoming letter's follow-up files and intake originals destroyed; return their keys."""
    from docflow.incoming.intake_models import PendingRegistration
    from docflow.incoming.models import Disposition, FollowUpAttachment, IncomingLetter

    letters = select(IncomingLetter.id).where(IncomingLetter.document_id == document_id)
    keys: set[str] = set()
    for attachment in session.scalars(select(FollowUpAttachment).join(
            Disposition, Disposition.id == FollowUpAttachment.disposition_id).where(
            Disposition.letter_id.in_(letters), FollowUpAttachment.destroyed_at.is_(None))):
        attachment.destroyed_at = now
        keys.add(attachment.storage_key)
    for intake in session.scalars(select(PendingRegistration).where(PendingRegistration.letter_id.in_(letters),
                                                                    PendingRegistration.files_destroyed_at.is_(None))):
        intake.files_destroyed_at = now
        keys.update(k for k in (intake.file_key, intake.original_key) if k)
    return keys


def _on_letter_signed(*, session: Session, document: Document, now: datetime, **_: object) -> None:
    """Carry out the batch whose berita acara was just signed (in the signing transaction)."""
    batch = session.scalars(select(RetentionBatch).where(RetentionBatch.berita_acara_id == document.id)).first()
    if batch is not None and batch.state == BatchState.AWAITING_SIGNATURE:
        complete_batch(session, batch, now=now)


# Connected when this module is imported (create_app imports every feature; a script that signs letters
# without the app imports this module itself), so a berita acara signed anywhere carries out its batch.
document_signed.connect(_on_letter_signed)


def live_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Return those of the keys that something not destroyed still claims (the same file in another letter, a
    follow-up or an intake of a live letter)."""
    from docflow.incoming.intake import claimed_keys
    from docflow.incoming.models import FollowUpAttachment

    keys = list(keys)
    if not keys:
        return set()
    live = set(session.scalars(select(Version.storage_key).where(Version.storage_key.in_(keys),
                                                                Version.destroyed_at.is_(None))))
    live.update(session.scalars(select(FollowUpAttachment.storage_key).where(
        FollowUpAttachment.storage_key.in_(keys), FollowUpAttachment.destroyed_at.is_(None))))
    live.update(set(keys) & claimed_keys(session))
    return live


def delete_destroyed_objects(session_factory: Callable, store: ObjectStore, keys: Iterable[str]) -> list[str]:
    """Delete the stored objects of destroyed versions that nothing else claims; return the keys deleted."""
    from storage import ObjectNotFound

    deleted = []
    for key in keys:
        with session_factory() as session:
            if key in live_keys(session, [key]):
                continue
        try:
            store.delete(key)
        except ObjectNotFound:
            pass
        deleted.append(key)
        logger.info("deleted object %s (destroyed by a berita acara pemusnahan)", key)
    return deleted


# Penyerahan (hand-over of permanent letters) ----------------------------------------------------------

def record_handover_package(session: Session, *, batch_id: int, key: str, sha256: str, size: int) -> bool:
    """Claim the stored package of a carried-out hand-over; return False if another run claimed one first."""
    batch = lock_batch(session, batch_id)
    if batch.kind != BatchKind.HANDOVER or batch.state != BatchState.DONE:
        raise Conflict(N_("only a carried-out hand-over has a package"))
    if batch.package_key is not None:
        return False
    batch.package_key, batch.package_sha256, batch.package_size = key, sha256, size
    batch.package_at = utcnow()
    batch.revision += 1
    session.flush()
    comment = f"{_batch_label(batch)}: paket penyerahan {key} ({size} bita, SHA-256 {sha256})"
    for item in batch.kept_items:
        _audit(session, item.document, "handover_package_written", None, comment)
    if batch.berita_acara is not None:
        _audit(session, batch.berita_acara, "handover_package_written", None, comment)
    logger.info("hand-over batch %s: package %s stored (%d bytes)", batch.id, key, size)
    return True
