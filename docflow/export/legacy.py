"""Import a legacy archive: a folder or a ZIP of files and a CSV manifest describing each letter.

The manifest has a header row; columns (English or Indonesian names, any case):

    number / nomor                 the letter's original number (kept as it is)          required
    date / tanggal                 its date: 2019-03-21, 21-03-2019 or 21/03/2019       required
    type / jenis                   document type code or name (nota_dinas, Surat Dinas)  required
    classification / klasifikasi   classification code (000.8.3.3)                      required
    unit                           the unit's code                                       required
    file / berkas                  the file, relative to the manifest's folder or ZIP    required
    sender / pengirim / signer / penandatangan   who signed or sent it                  optional
    security_class / sifat         biasa, terbatas, rahasia, sangat rahasia              optional (biasa)
    title / perihal                the subject                                           optional

Every row is checked (and every file read, hashed and typed) before anything is written; one
problem anywhere and the run writes nothing, naming every problem row (`--dry-run` only checks).
Each letter is then stored and committed on its own: a run stopped half-way is resumed by running
it again, and the letters already imported are skipped (their number, date and file identify them).
No Flask here.
"""
from __future__ import annotations

import csv
import io
import logging
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy import select

from docflow.auth.models import User
from docflow.documents.classification import ClassificationCode
from docflow.documents.intake import receive_upload
from docflow.documents.models import Document, SecurityClass
from docflow.errors import DocflowError
from docflow.export.operations import (
    CheckedFile,
    LegacyLetter,
    already_imported,
    import_legacy_letter,
    source_key,
)
from docflow.org.models import Unit
from docflow.services import Services
from docflow.workflow.models import DocumentTypeRule
from storage import StorageError

logger = logging.getLogger(__name__)

_COLUMNS = {
    "number": ("number", "nomor", "nomor_surat", "original_number"),
    "date": ("date", "tanggal", "tanggal_surat"),
    "type": ("type", "jenis", "jenis_naskah", "doc_type"),
    "classification": ("classification", "klasifikasi", "classification_code", "kode_klasifikasi"),
    "unit": ("unit", "unit_code", "unit_kerja"),
    "file": ("file", "berkas", "path"),
    "sender": ("sender", "signer", "pengirim", "penandatangan"),
    "security_class": ("security_class", "sifat", "security", "klasifikasi_keamanan"),
    "title": ("title", "perihal", "subject", "hal"),
}
_REQUIRED = ("number", "date", "type", "classification", "unit", "file")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
MAX_NUMBER = 120

Progress = Callable[[str], None]


class LegacyImportRefused(Exception):
    """The manifest or its files cannot be imported; nothing was written."""


# --- where the files are ------------------------------------------------------------------------

class _Folder:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, name: str) -> Path | None:
        path = (self.root / name).resolve()
        return path if path.is_relative_to(self.root) and path.is_file() else None

    def exists(self, name: str) -> bool:
        return self._path(name) is not None

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        path = self._path(name)
        assert path is not None
        with path.open("rb") as reader:
            yield reader


class _Zip:
    def __init__(self, archive: zipfile.ZipFile, prefix: str) -> None:
        self.archive = archive
        self.prefix = prefix
        self.names = {name[len(prefix):] for name in archive.namelist() if name.startswith(prefix)}

    def exists(self, name: str) -> bool:
        return str(PurePosixPath(name)) in self.names

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self.archive.open(self.prefix + str(PurePosixPath(name))) as reader:
            yield reader  # type: ignore[misc]


@contextmanager
def open_manifest(path: Path) -> Iterator[tuple[str, _Folder | _Zip]]:
    """Yield the manifest's text and where its files are: beside it, or inside the ZIP it came in."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            manifests = [n for n in archive.namelist() if n.lower().endswith(".csv") and n.count("/") <= 1]
            if len(manifests) != 1:
                raise LegacyImportRefused(f"{path}: expected one .csv manifest at the top of the ZIP, found "
                                          f"{len(manifests)}")
            prefix = manifests[0].rsplit("/", 1)[0] + "/" if "/" in manifests[0] else ""
            yield _decode(archive.read(manifests[0]), manifests[0]), _Zip(archive, prefix)
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LegacyImportRefused(f"{path}: {exc.strerror}") from None
    yield _decode(raw, str(path)), _Folder(path.parent)


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # spreadsheets save CSV in either
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LegacyImportRefused(f"{name}: not UTF-8 text")


# --- checking ------------------------------------------------------------------------------------

@dataclass
class Plan:
    """The checked manifest: letters to import, those imported before, and every problem by row."""

    letters: list[tuple[LegacyLetter, CheckedFile]] = field(default_factory=list)
    done: list[tuple[int, int]] = field(default_factory=list)  # (row, document id)
    problems: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0


def _header(fieldnames: list[str] | None) -> dict[str, str]:
    if not fieldnames:
        raise LegacyImportRefused("the manifest is empty: it needs a header row and a row per letter")
    found: dict[str, str] = {}
    for column in fieldnames:
        normal = (column or "").strip().lower().replace(" ", "_")
        for name, aliases in _COLUMNS.items():
            if normal in aliases and name not in found:
                found[name] = column
    missing = [name for name in _REQUIRED if name not in found]
    if missing:
        raise LegacyImportRefused(f"the manifest lacks the column(s) {', '.join(missing)} (its header: "
                                  f"{', '.join(fieldnames)})")
    return found


def _parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _security(text: str) -> str | None:
    value = (text or "biasa").strip().lower().replace(" ", "_") or "biasa"
    return value if value in SecurityClass.__members__.values() else None


def check_manifest(services: Services, text: str, files: _Folder | _Zip, *, progress: Progress = lambda _m: None
                   ) -> Plan:
    """Check every row and file of a manifest against this instance; write nothing."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = _header(reader.fieldnames)
    plan = Plan()
    with services.db.session() as session:
        types = {t.code: t.code for t in session.scalars(select(DocumentTypeRule))}
        types.update({name.lower(): code for code, name in
                      session.execute(select(DocumentTypeRule.code, DocumentTypeRule.name))})
        codes = set(session.scalars(select(ClassificationCode.code)))
        units = {code.lower(): unit_id for unit_id, code in session.execute(select(Unit.id, Unit.code))}
        seen: dict[str, int] = {}
        numbers: dict[str, int] = {}
        for row_number, row in enumerate(reader, 2):  # row 1 is the header
            plan.rows += 1

            def value(name: str, row: dict = row) -> str:
                return " ".join((row.get(columns[name]) or "").split()) if name in columns else ""

            problems = []
            number, name = value("number"), (row.get(columns["file"]) or "").strip()
            if not number:
                problems.append("the number is empty")
            elif len(number) > MAX_NUMBER:
                problems.append(f"the number is longer than {MAX_NUMBER} characters")
            day = _parse_date(value("date"))
            if day is None:
                problems.append(f"date {value('date')!r} is not a date (2019-03-21, 21-03-2019 or 21/03/2019)")
            doc_type = types.get(value("type")) or types.get(value("type").lower())
            if doc_type is None:
                problems.append(f"unknown document type {value('type')!r}")
            if value("classification") not in codes:
                problems.append(f"unknown classification code {value('classification')!r}")
            unit_id = units.get(value("unit").lower())
            if unit_id is None:
                problems.append(f"unknown unit {value('unit')!r}")
            security = _security(value("security_class"))
            if security is None:
                problems.append(f"security class {value('security_class')!r} is not biasa, terbatas, rahasia or "
                                "sangat rahasia")
            checked = None
            if not name:
                problems.append("no file named")
            elif not files.exists(name):
                problems.append(f"file {name!r} is not there")
            else:
                checked, problem = _check_file(services, files, name)
                if problem:
                    problems.append(f"file {name!r}: {problem}")
            if problems or checked is None or day is None:
                plan.problems.extend((row_number, p) for p in problems)
                continue
            key = source_key(number, day, checked.sha256)
            if key in seen:
                plan.problems.append((row_number, f"repeats row {seen[key]} (same number, date and file)"))
                continue
            seen[key] = row_number
            if (document_id := already_imported(session, key)) is not None:
                plan.done.append((row_number, document_id))
                continue
            if number in numbers:
                plan.problems.append((row_number, f"number {number} is also on row {numbers[number]}"))
                continue
            numbers[number] = row_number
            holder = session.scalar(select(Document.id).where(Document.number == number).limit(1))
            if holder is not None:
                plan.problems.append((row_number, f"number {number} is already used by document {holder}"))
                continue
            title = value("title")[:500] or f"Arsip {number}"
            plan.letters.append((LegacyLetter(row=row_number, number=number, day=day, doc_type=doc_type,
                                              classification_code=value("classification"), unit_id=unit_id,
                                              sender=value("sender")[:2000], security_class=security, title=title,
                                              file=name), checked))
            if plan.rows % 500 == 0:
                progress(f"checked {plan.rows} row(s)")
        session.rollback()
    return plan


def _check_file(services: Services, files: _Folder | _Zip, name: str) -> tuple[CheckedFile | None, str]:
    settings = services.settings
    try:
        with files.open(name) as reader, receive_upload(reader, PurePosixPath(name).name,
                                                        max_bytes=settings.max_upload_bytes,
                                                        allowed_types=settings.uploads.allowed_types,
                                                        spool_dir=services.spool_dir) as upload:
            return CheckedFile(upload.sha256, upload.size, upload.mime_type, upload.filename), ""
    except DocflowError as exc:
        return None, str(exc.reason)
    except (OSError, zipfile.BadZipFile) as exc:
        return None, f"cannot be read ({exc})"


# --- importing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LegacyReport:
    """What a run did."""

    imported: int
    skipped: int
    seconds: float


def import_plan(services: Services, plan: Plan, files: _Folder | _Zip, *, actor_id: int, manifest: str,
                progress: Progress = lambda _m: None) -> LegacyReport:
    """Store and commit each planned letter on its own (a run stopped half-way resumes where it stopped)."""
    if plan.problems:
        raise LegacyImportRefused(f"{len({row for row, _ in plan.problems})} row(s) have problems; nothing was "
                                  "imported")
    started = time.monotonic()
    imported = skipped = 0
    total = len(plan.letters)
    for letter, checked in plan.letters:
        try:
            with files.open(letter.file) as reader:
                info = services.store.put(reader, expected_sha256=checked.sha256)
        except StorageError as exc:
            raise LegacyImportRefused(f"row {letter.row}: file {letter.file!r} could not be stored ({exc}); "
                                      f"{imported} letter(s) were imported: run again to go on") from None
        with services.db.transaction() as session:
            if already_imported(session, source_key(letter.number, letter.day, checked.sha256)) is not None:
                skipped += 1  # another run took it meanwhile
                continue
            actor = session.get(User, actor_id)
            import_legacy_letter(session, actor=actor, letter=letter, upload=checked, storage_key=info.key,
                                 manifest=manifest, tz=services.timezone)
        imported += 1
        if imported % 100 == 0 or imported == total:
            rate = imported / max(time.monotonic() - started, 1e-9)
            progress(f"imported {imported} of {total} ({rate:.1f} letters/s)")
    return LegacyReport(imported, skipped + len(plan.done), time.monotonic() - started)
