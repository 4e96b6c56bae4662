"""The export package of letters: a BagIt bag with every version, metadata, summary, audit trail and signature report.

Layout inside the bag's data/ folder, one folder per letter:

    documents/<id>/metadata.json          the letter's rows (document, versions, route, recipients,
                                          incoming-letter registration, signature) as JSON
    documents/<id>/ringkasan.txt          a summary for people, in Indonesian, times in the city's zone
    documents/<id>/audit.json             the letter's audit records with their hash chain fields
    documents/<id>/signature-report.json  the signatures of the signed PDF as checked when exported
    documents/<id>/versions/v<n>-<name>   every version's file, the signed PDF among them
    trust/ca-certificates.pem, trust/crl-<n>.der   what a reader needs to check the signatures offline

No Flask: the API streams `package_stream(...)`; each batch of letters is read in its own short
session, and the files are read from the store as they are written out.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import Translations
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from docflow.audit.models import AuditEvent
from docflow.audit.operations import event_record
from docflow.db import Database
from docflow.documents.models import Document, Version
from docflow.errors import N_
from docflow.export.bag import BagWriter, Entry, bytes_entry, json_entry, safe_name
from storage import ObjectStore

logger = logging.getLogger(__name__)

PACKAGE_FORMAT = "docflow-package/1"
_BATCH = 50
_CHUNK = 256 * 1024
# A signed PDF larger than this is listed in the report unchecked (the check reads it whole).
MAX_CHECKED_BYTES = 64 * 1024 * 1024
# The instance's language (the pages' default, BABEL_DEFAULT_LOCALE): the summary is written in it.
DEFAULT_LANGUAGE = "id"

Trust = tuple[str, list[bytes]]

# The summary's words, translated from the catalogue into the instance's language (not Flask's: no request here).
_STATES = {
    "draft": N_("Draft"), "in_verification": N_("In verification"), "returned": N_("Returned for revision"),
    "approved": N_("Approved, awaiting signature"), "signed": N_("Signed"), "sent": N_("Sent"),
    "filed": N_("Filed"), "rejected": N_("Rejected"), "withdrawn": N_("Withdrawn"), "received": N_("Incoming letter"),
}
_SECURITY = {"biasa": N_("Ordinary (Biasa)"), "terbatas": N_("Restricted (Terbatas)"),
             "rahasia": N_("Secret (Rahasia)"), "sangat_rahasia": N_("Top secret (Sangat Rahasia)")}
_URGENCY = {"biasa": N_("Ordinary (Biasa)"), "segera": N_("Urgent (Segera)"),
            "amat_segera": N_("Very urgent (Amat Segera)")}
_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@lru_cache(maxsize=8)
def catalogue(language: str) -> NullTranslations:
    """Return the catalogue of a language (English, the msgids themselves, when there is none)."""
    return Translations.load(str(_TRANSLATIONS), [language], domain="messages")


def plain(value: Any) -> Any:
    """Return a column value as JSON can hold it (times as ISO 8601, bytes as hex)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_dict(row: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Return a mapped object's columns as a plain dict."""
    skipped = set(skip)
    return {attr.key: plain(getattr(row, attr.key)) for attr in sa_inspect(row).mapper.column_attrs
            if attr.key not in skipped}


def version_path(document_id: int, version: Version) -> str:
    """Return where a version's file lies inside the bag's data/ folder."""
    return f"documents/{document_id}/versions/v{version.number}-{safe_name(version.original_filename, 'file')}"


def package_stream(db: Database, store: ObjectStore, document_ids: Sequence[int], *, tz: ZoneInfo,
                   trust: Trust | None, source: str, description: str = "",
                   on_document: Callable[[int], None] | None = None,
                   info: dict[str, str] | None = None, language: str = DEFAULT_LANGUAGE) -> Iterator[bytes]:
    """Yield the ZIP bytes of the bag holding these letters (already checked readable by the caller).

    `info` adds lines to bag-info.txt (a hand-over names its berita acara there).
    """
    writer = BagWriter(root=f"docflow-package-{datetime.now(tz).strftime('%Y%m%d-%H%M%S')}", info={
        "Source-Organization": source or "Docflow",
        "External-Description": description or f"{len(document_ids)} naskah dinas",
        "Bag-Software-Agent": "Docflow",
        "Docflow-Package-Format": PACKAGE_FORMAT,
        "Docflow-Documents": str(len(document_ids)),
        "Docflow-Verify": "python -m docflow verify-package FILE.zip",
        **(info or {}),
    })
    return writer.stream(_entries(db, store, list(document_ids), tz=tz, trust=trust, on_document=on_document,
                                  language=language))


def _entries(db: Database, store: ObjectStore, document_ids: list[int], *, tz: ZoneInfo, trust: Trust | None,
             on_document: Callable[[int], None] | None, language: str) -> Iterator[Entry]:
    if trust is not None and trust[0]:
        yield bytes_entry("trust/ca-certificates.pem", trust[0].encode())
        for number, crl in enumerate(trust[1], 1):
            yield bytes_entry(f"trust/crl-{number}.der", crl)
    for start in range(0, len(document_ids), _BATCH):
        batch = document_ids[start:start + _BATCH]
        with db.session() as session:
            documents = _load(session, batch)
            parts = [(document, _document_entries(session, store, document, tz=tz, trust=trust,
                                                         language=language)) for document in documents]
            session.rollback()  # nothing is written; end the read before the files stream out
        for document, (metadata_entries, versions) in parts:
            yield from metadata_entries
            for version_id, path, key, size in versions:
                yield Entry(path, _object_chunks(store, key), size)
            if on_document is not None:
                on_document(document.id)


def _load(session: Session, ids: list[int]) -> list[Document]:
    found = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_(ids)).options(selectinload(Document.versions),
                                                             selectinload(Document.unit)))}
    return [found[i] for i in ids if i in found]


def _object_chunks(store: ObjectStore, key: str) -> Callable[[], Iterator[bytes]]:
    def read() -> Iterator[bytes]:
        with store.open(key, verify=True) as reader:  # a corrupt object ends the download, never a wrong file
            while chunk := reader.read(_CHUNK):
                yield chunk
    return read


def _document_entries(session: Session, store: ObjectStore, document: Document, *, tz: ZoneInfo, trust: Trust | None,
                      language: str = DEFAULT_LANGUAGE) -> tuple[list[Entry], list[tuple[int, str, str, int]]]:
    from docflow.incoming.models import IncomingLetter
    from docflow.signing.models import VerificationToken

    folder = f"documents/{document.id}"
    token = session.scalar(select(VerificationToken).where(VerificationToken.document_id == document.id))
    incoming = session.scalars(select(IncomingLetter).where(IncomingLetter.document_id == document.id)
                               .order_by(IncomingLetter.id)).all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id)
                             .order_by(AuditEvent.id)).all()
    versions = [(v.id, version_path(document.id, v), v.storage_key, v.size) for v in document.versions]
    metadata = {
        "format": PACKAGE_FORMAT,
        "document": row_dict(document),
        "unit": {"code": document.unit.code, "name": document.unit.name},
        "versions": [{**row_dict(v, skip=("text",)), "path": f"data/{path}",
                      "signed": token is not None and token.version_id == v.id}
                     for v, (_id, path, _key, _size) in zip(document.versions, versions, strict=True)],
        "route": [row_dict(step) for step in document.steps],
        "recipients": [row_dict(r) for r in document.recipients],
        "incoming": [row_dict(letter) for letter in incoming],
        "signature": row_dict(token, skip=("token",)) if token is not None else None,
    }
    records = [{"id": e.id, **event_record(e), "hash": e.hash} for e in events]
    audit = {"format": PACKAGE_FORMAT, "document_id": document.id, "records": records,
             "note": "each record's hash is SHA-256 over its fields and prev_hash (the hash of the record "
                     "before it in the city's whole chain); verify-package recomputes every one"}
    report = _signature_report(session, store, token, trust)
    report_path = f"{folder}/signature-report.json"
    entries = [json_entry(f"{folder}/metadata.json", metadata),
               bytes_entry(f"{folder}/ringkasan.txt", _summary(document, token, events, incoming, tz,
                                                                      catalogue(language).gettext).encode()),
               json_entry(f"{folder}/audit.json", audit),
               bytes_entry(report_path, report) if isinstance(report, bytes)
               else Entry(report_path, report.chunks, compress=True)]
    return entries, versions


def _signature_report(session: Session, store: ObjectStore, token: Any, trust: Trust | None) -> Entry | bytes:
    """Return the report, or an entry that checks the signature when it is written (outside the read transaction)."""
    if token is None:
        return _json_bytes({"signed": False, "detail": "the letter was not signed in Docflow"})
    version = session.get(Version, token.version_id)
    report: dict[str, Any] = {"signed": True, "version": version.number if version else None,
                              "sha256": token.sha256, "signer": token.signer_name,
                              "signed_at": plain(token.signed_at), "pades_level": token.pades_level,
                              "signatures": []}
    if trust is None or not trust[0]:
        report["detail"] = "not checked: no certificate authority is configured"
    elif version is None or version.size > MAX_CHECKED_BYTES:
        report["detail"] = "not checked: the signed file is too large to check here"
    else:
        key = version.storage_key

        def checked() -> list[bytes]:
            # pyHanko takes a while per signature: on SQLite a read transaction would hold the write lock meanwhile.
            return [_json_bytes(report | {"checked_at": plain(datetime.now().astimezone())}
                                | _check(store, key, trust))]
        return Entry("", checked)
    return _json_bytes(report)


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _check(store: ObjectStore, key: str, trust: Trust) -> dict[str, Any]:
    from docflow.signing.validation import check_signatures
    from storage import StorageError

    try:
        with store.open(key, verify=True) as reader:
            data = reader.read()
    except StorageError as exc:
        return {"detail": f"not checked: the signed file could not be read ({exc})"}
    inspection = check_signatures(data, trust_roots_pem=trust[0], crls=trust[1])
    sound = bool(inspection.signatures) and all(s.sound for s in inspection.signatures)
    return {"signatures": [asdict(s) | {"sound": s.sound} for s in inspection.signatures],
            "valid": sound, "detail": inspection.problem or ("every signature is intact, valid and trusted" if sound
                                                               else "a signature is not sound: see signatures")}


def _summary(document: Document, token: Any, events: Sequence[AuditEvent], incoming: Sequence[Any],
             tz: ZoneInfo, _: Callable[[str], str]) -> str:
    def when(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%d-%m-%Y %H:%M %Z") if value is not None else "-"

    def field(label: str, value: str) -> str:
        return f"{_(label):<17}: {value}"

    def named(names: dict[str, str], value: str) -> str:
        return _(names[value]) if value in names else value

    title = _(N_("SUMMARY OF AN OFFICIAL LETTER"))
    lines = [
        title,
        "=" * len(title),
        field(N_("Subject"), document.title),
        field(N_("Number"), document.number or "-"),
        field(N_("Type of letter"), document.doc_type),
        field(N_("Classification"), document.classification_code),
        field(N_("Security class"), named(_SECURITY, document.security_class)),
        field(N_("Urgency"), named(_URGENCY, document.urgency)),
        field(N_("Unit"), f"{document.unit.code} - {document.unit.name}"),
        field(N_("State"), named(_STATES, document.state)),
        field(N_("Created"), when(document.created_at)),
        field(N_("Signed"), when(document.signed_at)),
    ]
    if document.signature_block:
        lines.append(field(N_("Signer"), " / ".join(document.signature_block.splitlines())))
    for letter in incoming:
        lines.append(field(N_("Incoming letter"), _(N_(
            "agenda %(agenda)s, from %(sender)s, number %(number)s of %(date)s, received %(received)s")) % {
                "agenda": f"{letter.agenda_number}/{letter.agenda_year}", "sender": letter.sender_institution,
                "number": letter.sender_number, "date": letter.sender_date.strftime("%d-%m-%Y"),
                "received": letter.received_on.strftime("%d-%m-%Y")}))
    for label, kind in ((N_("Addressed to"), "to"), (N_("Copy to"), "cc")):
        names = [r.name for r in document.recipients if r.kind == kind]
        if names:
            lines.append(field(label, "; ".join(names)))
    lines += ["", _(N_("Versions of the file:"))]
    for version in document.versions:
        signed = (" (" + _(N_("the electronically signed file")) + ")"
                  if token is not None and token.version_id == version.id else "")
        lines.append(f"  {version.number}. {version_path(document.id, version)}{signed}")
        lines.append("     " + _(N_("%(size)s bytes, %(type)s, uploaded %(time)s")) % {
            "size": version.size, "type": version.mime_type, "time": when(version.created_at)})
        lines.append(f"     SHA-256 {version.sha256}")
    lines += ["", _(N_("Audit trail: %(count)s records (audit.json), each chained to the one before by its SHA-256 "
                       "hash.")) % {"count": len(events)}]
    for event in events:
        actor = event.actor_name or "-"
        lines.append(f"  {when(event.created_at)}  {event.action:<14} {actor}"
                     + (f" ({event.actor_position_title})" if event.actor_position_title else ""))
    lines += ["", _(N_("Electronic signature:")) + " " + (
                  _(N_("see signature-report.json")) if token is not None
                  else _(N_("this letter was not signed in Docflow"))),
              _(N_("Check this package offline:")) + " python -m docflow verify-package "
              + _(N_("FILE-NAME.zip")), ""]
    return "\n".join(lines)
