"""Look inside ZIP containers (DOCX, ODT) without trusting them.

Everything here reads the central directory and small, bounded slices of members; nothing is
ever extracted to disk. The same checks run before parsing, in the extraction child, so a zip
bomb or an XML part that declares entities is refused before python-docx or odfpy see it.
"""
from __future__ import annotations

import io
import struct
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from docflow.extraction.errors import UnsafeDocument

_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
_CHUNK = 64 * 1024
# What zipfile raises for a member it cannot read (bad offsets, CRC, method, encryption).
_UNREADABLE_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                      RuntimeError)


@dataclass(frozen=True)
class ZipLimits:
    """Bounds a container must respect before anyone parses it."""

    max_central_directory: int = 1024 * 1024
    max_members: int = 10_000
    max_member_size: int = 128 * 1024 * 1024
    max_total_size: int = 384 * 1024 * 1024
    # Word XML compresses about 10:1; 100:1 on a large member is a bomb, not a letter.
    max_ratio: int = 100
    ratio_applies_above: int = 8 * 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


def central_directory_size(fh: BinaryIO) -> int | None:
    """Return the declared size of the ZIP central directory, or None if `fh` is not a ZIP."""
    fh.seek(0, io.SEEK_END)
    file_size = fh.tell()
    tail_size = min(file_size, _EOCD.size + _MAX_COMMENT)
    fh.seek(file_size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    fields = _EOCD.unpack_from(tail, at)
    cd_size = fields[5]
    if cd_size != 0xFFFFFFFF and fields[4] != 0xFFFF:
        return cd_size
    # ZIP64: the locator sits right before the classic record and points at the real one.
    eocd_offset = file_size - tail_size + at
    if eocd_offset < _ZIP64_LOCATOR.size:
        return None
    fh.seek(eocd_offset - _ZIP64_LOCATOR.size)
    locator = fh.read(_ZIP64_LOCATOR.size)
    signature, _disk, zip64_offset, _disks = _ZIP64_LOCATOR.unpack(locator)
    if signature != _ZIP64_LOCATOR_SIGNATURE or zip64_offset + _ZIP64_EOCD.size > file_size:
        return None
    fh.seek(zip64_offset)
    record = fh.read(_ZIP64_EOCD.size)
    if len(record) < _ZIP64_EOCD.size or not record.startswith(_ZIP64_EOCD_SIGNATURE):
        return None
    return _ZIP64_EOCD.unpack(record)[8]


def open_zip(path: str | Path, limits: ZipLimits = DEFAULT_LIMITS) -> zipfile.ZipFile | None:
    """Open `path` as a ZIP if its central directory is small enough, else return None.

    zipfile builds one object per directory entry; bounding the directory's byte size first keeps
    a hostile archive from costing the caller hundreds of megabytes just to be listed.
    """
    try:
        with open(path, "rb") as fh:
            cd_size = central_directory_size(fh)
        if cd_size is None or cd_size > limits.max_central_directory:
            return None
        archive = zipfile.ZipFile(path)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - hostile bytes break zipfile in many ways; all mean "not a ZIP"
        return None
    if len(archive.infolist()) > limits.max_members:
        archive.close()
        return None
    return archive


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes | None:
    """Return member `name` if it exists, declares at most `max_bytes` and can be read, else None."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > max_bytes:
        return None
    try:
        with archive.open(info) as member:
            return member.read(max_bytes + 1)[:max_bytes]
    except _UNREADABLE_MEMBER:
        return None


def check_container(archive: zipfile.ZipFile, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Raise UnsafeDocument unless member sizes and ratios are plausible and no XML part declares entities."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise UnsafeDocument(f"container has {len(members)} parts (limit {limits.max_members})")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.max_member_size:
            raise UnsafeDocument(
                f"part {info.filename[:80]!r} declares {_megabytes(info.file_size)} uncompressed"
                f" (limit {_megabytes(limits.max_member_size)})"
            )
        if (
            info.file_size > limits.ratio_applies_above
            and info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise UnsafeDocument(
                f"part {info.filename[:80]!r} expands {info.file_size // max(info.compress_size, 1)}:1"
                " (zip bomb)"
            )
    if total > limits.max_total_size:
        raise UnsafeDocument(
            f"container declares {_megabytes(total)} uncompressed"
            f" (limit {_megabytes(limits.max_total_size)})"
        )
    for info in members:
        if not info.is_dir() and info.file_size:
            _refuse_entity_declarations(archive, info)


def _refuse_entity_declarations(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Raise UnsafeDocument if the member is XML whose DOCTYPE carries an internal subset.

    Entities, and so billion-laughs and XXE payloads, can only be declared in an internal subset;
    expat reports the DOCTYPE before reading it, so nothing is expanded here. A bare DOCTYPE
    (`<!DOCTYPE html>`, OpenOffice's `<!DOCTYPE script:module PUBLIC ...>`) declares nothing, and
    neither lxml nor expat fetches the external DTD it names. Members that are not XML end in a
    syntax error, which is not this check's business.
    """
    parser = xml.parsers.expat.ParserCreate()

    def on_doctype(_name: str, _system_id: str | None, _public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            raise UnsafeDocument(f"part {info.filename[:80]!r} declares entities in a DTD")

    def on_entity(*_args: object) -> None:
        raise UnsafeDocument(f"part {info.filename[:80]!r} declares entities in a DTD")

    def on_root(*_args: object) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_entity
    parser.StartElementHandler = on_root
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (_RootReached, xml.parsers.expat.ExpatError):
        return
    except _UNREADABLE_MEMBER as exc:
        # A bad offset or CRC, an unknown method, an encrypted member: the parser would fail too.
        raise UnsafeDocument(f"part {info.filename[:80]!r} cannot be read ({type(exc).__name__})") from exc


class _RootReached(Exception):
    """The prolog ended without declaring entities; stop reading the member."""


def _megabytes(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.0f} MB"
