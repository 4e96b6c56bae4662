"""Domain writes of drafting: keep the templates, and start a letter from one (its fields filled)."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.documents.intake import Upload
from docflow.documents.models import Document, RecipientKind, SecurityClass, Urgency
from docflow.documents.operations import DocumentFields, author_position, create_document, validate_document_fields
from docflow.documents.recipients import RecipientSpec
from docflow.signing.fields import BODY_FIELD, SIGNING_FIELDS, NotALetter, fields_in, fill_docx
from docflow.drafting.models import LetterTemplate
from docflow.drafting.queries import template_bytes
from docflow.errors import N_, Conflict, Message, PermissionDenied, ValidationFailed
from docflow.extraction import DOCX, ODT
from docflow.org.models import Position, Unit
from docflow.workflow.models import DocumentTypeRule
from storage import ObjectStore, StorageError, make_scratch_file

logger = logging.getLogger(__name__)

# A template without these cannot take the number and the signature where they belong.
REQUIRED_FIELDS = ("nomor", "ttd")
MAX_BODY = 100_000
MAX_LINE = 300
MAX_NAME = 200
SECURITY_LABELS = {SecurityClass.BIASA: "Biasa", SecurityClass.TERBATAS: "Terbatas",
                   SecurityClass.RAHASIA: "Rahasia", SecurityClass.SANGAT_RAHASIA: "Sangat Rahasia"}
URGENCY_LABELS = {Urgency.BIASA: "", Urgency.SEGERA: "Segera", Urgency.AMAT_SEGERA: "Amat Segera"}
_GOVERNMENT = re.compile(r"^pemerintah\s+(kota|kabupaten)\s+", re.IGNORECASE)
ToDocx = Callable[[bytes, str], bytes]


# --- templates -----------------------------------------------------------------------------


def check_template_file(data: bytes, mime: str, to_docx: ToDocx) -> bytes:
    """Return a template or letter as DOCX (an ODT is converted), refusing one without its fields."""
    if mime not in (DOCX, ODT):
        raise ValidationFailed(N_("a template is a DOCX or ODT document"), field="file")
    docx = to_docx(data, mime) if mime == ODT else data
    try:
        found = fields_in(docx)
    except NotALetter:
        raise ValidationFailed(N_("this DOCX document cannot be read; save it again in a word processor"),
                               field="file") from None
    missing = [f"${{{name}}}" for name in REQUIRED_FIELDS if name not in found]
    if missing:
        raise ValidationFailed(N_("the document has no %(fields)s field: write it where the number and the "
                                  "signature belong"), field="file", fields=", ".join(missing))
    return docx


def _put(store: ObjectStore, data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    try:
        return store.put(io.BytesIO(data), expected_sha256=digest).key, digest
    except StorageError as exc:
        raise ValidationFailed(N_("the document could not be stored: %(problem)s"), problem=str(exc)) from exc


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(N_("name the template"), field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(N_("at most %(max)s characters"), field="name", max=MAX_NAME)
    return name


def add_template(session: Session, store: ObjectStore, *, actor: User, doc_type: str, unit: Unit | None, name: str,
                 data: bytes, mime: str, filename: str, to_docx: ToDocx) -> LetterTemplate:
    """Store an uploaded template (object first) and the row that claims it."""
    if session.get(DocumentTypeRule, doc_type) is None:
        raise ValidationFailed(N_("unknown document type %(type)r"), field="doc_type", type=doc_type)
    name = _check_name(name)
    key, digest = _put(store, check_template_file(data, mime, to_docx))
    template = LetterTemplate(doc_type=doc_type, unit_id=unit.id if unit else None, name=name, storage_key=key,
                              sha256=digest, original_filename=filename[:255], is_active=True,
                              created_by_id=actor.id)
    session.add(template)
    session.flush()
    logger.info("user %s added template %s (%s, unit %s)", actor.username, template.id, doc_type,
                unit.code if unit else "-")
    return template


def replace_template(session: Session, store: ObjectStore, *, actor: User, template: LetterTemplate, data: bytes,
                     mime: str, filename: str, to_docx: ToDocx) -> LetterTemplate:
    """Give a template a new file; letters drafted from the old one keep theirs."""
    key, digest = _put(store, check_template_file(data, mime, to_docx))
    template.storage_key, template.sha256, template.builtin = key, digest, None
    template.original_filename = filename[:255]
    session.flush()
    logger.info("user %s replaced the file of template %s", actor.username, template.id)
    return template


def set_template_active(session: Session, *, actor: User, template: LetterTemplate, active: bool) -> LetterTemplate:
    """Offer a template to drafters again, or stop offering it (drafts made from it stay)."""
    template.is_active = active
    session.flush()
    logger.info("user %s %s template %s", actor.username, "activated" if active else "deactivated", template.id)
    return template


# --- drafting a letter ---------------------------------------------------------------------


@dataclass(frozen=True)
class DraftFields:
    """A letter to start from a template, validated: the document's fields, body and header lines."""

    document: DocumentFields
    body: list[str]
    lampiran: str = ""
    tempat: str = ""
    tempat_tujuan: str = ""


def _line(data: Mapping[str, Any], name: str, errors: list[tuple[str | None, str]]) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append((name, Message(N_("must be text"))))
        return ""
    value = " ".join(value.split())
    if len(value) > MAX_LINE:
        errors.append((name, Message(N_("at most %(max)s characters"), max=MAX_LINE)))
    return value


def body_paragraphs(text: str) -> list[str]:
    """Split a body typed in the browser into paragraphs: one a line, blank lines dropped."""
    return [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def validate_draft(data: Mapping[str, Any], template: LetterTemplate, known_types: Collection[str]) -> DraftFields:
    """Check a letter started from a template (one validator for the form and the API)."""
    errors: list[tuple[str | None, str]] = []
    try:
        document = validate_document_fields({**data, "doc_type": template.doc_type}, known_types)
    except ValidationFailed as exc:
        errors += exc.errors or [(exc.field, exc.reason)]
        document = None
    body = data.get("body", "")
    if body is None:
        body = ""
    if not isinstance(body, str):
        errors.append(("body", Message(N_("must be text"))))
        body = ""
    elif len(body) > MAX_BODY:
        errors.append(("body", Message(N_("at most %(max)s characters"), max=MAX_BODY)))
    lines = {name: _line(data, name, errors) for name in ("lampiran", "tempat", "tempat_tujuan")}
    if errors or document is None:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return DraftFields(document=document, body=body_paragraphs(body), **lines)


def _numbered(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))


def _root(unit: Unit) -> Unit:
    seen = {unit.id}
    while unit.parent is not None and unit.parent.id not in seen:
        unit = unit.parent
        seen.add(unit.id)
    return unit


def _unit_head_title(session: Session, position: Position | None, unit: Unit) -> str:
    if position is None:
        return unit.name
    head = position
    while head.parent is not None and head.parent.unit_id == position.unit_id:
        head = head.parent
    return head.title


def header_values(session: Session, *, draft: DraftFields, unit: Unit, position: Position | None,
                  recipients: Sequence[RecipientSpec], type_name: str) -> dict[str, str]:
    """Return the text of each header field, from what the letter knows."""
    fields = draft.document
    to = [r.name for r in recipients if r.kind == RecipientKind.TO]
    cc = [r.name for r in recipients if r.kind == RecipientKind.CC]
    sifat = ", ".join(filter(None, (SECURITY_LABELS.get(fields.security_class, ""),
                                    URGENCY_LABELS.get(fields.urgency, ""))))
    root = _root(unit)
    place = draft.tempat or _GOVERNMENT.sub("", root.name).strip() or root.name
    return {
        "yth": _numbered(to) if to else "-", "tembusan": _numbered(cc) if cc else "-", "hal": fields.title,
        "sifat": sifat, "lampiran": draft.lampiran or "-", "dari": _unit_head_title(session, position, unit),
        "instansi": unit.name.upper(), "induk": root.name.upper() if root.id != unit.id else "",
        "alamat": "", "tempat": place, "tempat_tujuan": draft.tempat_tujuan or "Tempat", "jenis": type_name.upper(),
    }


def _spool(data: bytes, spool_dir: Path, filename: str) -> Upload:
    spool_dir.mkdir(parents=True, exist_ok=True)
    fd, name = make_scratch_file(spool_dir, "draft", ".docx")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Upload(path=Path(name), size=len(data), sha256=hashlib.sha256(data).hexdigest(), mime_type=DOCX,
                  filename=filename)


def _file_name(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:80] or "naskah"
    return f"{stem}.docx"


def draft_from_template(session: Session, store: ObjectStore, *, actor: User, template: LetterTemplate,
                        draft: DraftFields, recipients: Sequence[RecipientSpec], on: date, spool_dir: Path,
                        to_docx: ToDocx, own_file: tuple[bytes, str] | None = None,
                        author_position_id: int | None = None, held_positions: Collection[int] | None = None,
                        before_store: Callable[[], None] | None = None) -> Document:
    """Start a draft from a template (or the drafter's own DOCX/ODT with the same fields), header and body filled.

    The number, the date and the signature block stay as fields: they are filled when the letter is signed.
    """
    if not template.is_active:
        raise Conflict(N_("the template %(name)s is no longer offered; choose another"), field="template",
                       name=template.name)
    position = author_position(session, actor, author_position_id, on, held_positions)  # as an upload finds it
    unit = session.get(Unit, position.unit_id if position is not None else actor.unit_id) \
        if (position is not None or actor.unit_id is not None) else None
    if unit is None:
        raise ValidationFailed(N_("your account belongs to no unit; ask an administrator to assign one"))
    if template.unit_id is not None and template.unit_id != unit.id:
        raise PermissionDenied(N_("the template %(name)s belongs to another unit"), field="template",
                               name=template.name)
    source = check_template_file(*own_file, to_docx) if own_file else template_bytes(store, template)
    rule = session.get(DocumentTypeRule, template.doc_type)
    values = header_values(session, draft=draft, unit=unit, position=position, recipients=recipients,
                           type_name=rule.name if rule else template.doc_type)
    filled = fill_docx(source, {k: v for k, v in values.items() if k not in SIGNING_FIELDS}, body=draft.body)
    left = {m for m in fields_in(filled) if m not in SIGNING_FIELDS and m != BODY_FIELD}
    if left:
        logger.info("draft from template %s keeps unknown fields %s", template.id, sorted(left))
    with _spool(filled, spool_dir, _file_name(draft.document.title)) as upload:
        document = create_document(session, store, actor=actor, fields=draft.document, upload=upload, on=on,
                                   author_position_id=position.id if position is not None else None,
                                   held_positions=held_positions, recipients=recipients, before_store=before_store)
    logger.info("user %s drafted document %s from template %s", actor.username, document.id, template.id)
    return document


