"""BagIt bags (RFC 8493) written as a streamed ZIP, and checked offline.

No Flask and no database here: `BagWriter` turns (path, chunks) entries into ZIP bytes as they
come, never holding a whole file (zipfile writes data descriptors to a stream it cannot seek), and
`verify_bag` checks a ZIP on any machine with Python: every payload file against the SHA-256
manifest, nothing missing or extra, the tag manifest, the Payload-Oxum, and the hash of every
audit record the package carries.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import IO

BAGIT_VERSION = "1.0"
_CHUNK = 256 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, fallback: str = "file") -> str:
    """Return a file name made of ASCII letters, digits, dot, dash and underscore (at most 120 chars)."""
    cleaned = _UNSAFE.sub("_", name).strip("._")[:120]
    return cleaned or fallback


def _encode_path(path: str) -> str:
    # RFC 8493 2.1.3: CR, LF and % are percent-encoded in manifests.
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(path: str) -> str:
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


class _Sink:
    """A write-only file for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


@dataclass
class Entry:
    """One payload file: its path under data/, its bytes as chunks, and its size when known."""

    path: str
    chunks: Callable[[], Iterable[bytes]]
    size: int | None = None
    # What the package writes itself (metadata, reports) is deflated; the letters' files go as they are
    # (most are compressed already), so the ZIP's size is known from theirs and progress can be shown.
    compress: bool = False


@dataclass
class BagWriter:
    """Stream a bag as ZIP bytes: payload entries first, then the manifests and bag-info."""

    root: str
    info: dict[str, str] = field(default_factory=dict)
    _manifest: list[tuple[str, str]] = field(default_factory=list)
    _octets: int = 0

    def stream(self, entries: Iterable[Entry]) -> Iterator[bytes]:
        """Yield the ZIP's bytes while reading each entry's chunks once."""
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:  # type: ignore[arg-type]
            for entry in entries:
                yield from self._write(archive, sink, f"data/{entry.path}", entry.chunks(), entry.size,
                                       payload=True, compress=entry.compress)
            tag_files = self._tag_files()
            tag_manifest = []
            for name, data in tag_files:
                tag_manifest.append((hashlib.sha256(data).hexdigest(), name))
                yield from self._write(archive, sink, name, [data], len(data), payload=False, compress=True)
            data = "".join(f"{digest}  {_encode_path(name)}\n" for digest, name in tag_manifest).encode()
            yield from self._write(archive, sink, "tagmanifest-sha256.txt", [data], len(data), payload=False,
                                   compress=True)
        yield sink.take()

    def _write(self, archive: zipfile.ZipFile, sink: _Sink, name: str, chunks: Iterable[bytes],
               size: int | None, *, payload: bool, compress: bool) -> Iterator[bytes]:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=datetime.now(UTC).timetuple()[:6])
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        if size is not None:
            info.file_size = size
        digest = hashlib.sha256()
        count = 0
        with archive.open(info, "w", force_zip64=size is None or size > 2**31) as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                count += len(chunk)
                if len(chunk) >= _CHUNK // 4:
                    yield sink.take()
        if size is not None and count != size:
            raise ValueError(f"{name}: expected {size} bytes, read {count}")
        if payload:
            self._manifest.append((digest.hexdigest(), name))
            self._octets += count
        yield sink.take()

    def _tag_files(self) -> list[tuple[str, bytes]]:
        bagit = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode()
        info = {"Bagging-Date": datetime.now(UTC).date().isoformat(),
                "Payload-Oxum": f"{self._octets}.{len(self._manifest)}", **self.info}
        bag_info = "".join(f"{key}: {' '.join(str(value).split())}\n" for key, value in info.items()).encode()
        manifest = "".join(f"{digest}  {_encode_path(name)}\n" for digest, name in self._manifest).encode()
        return [("bagit.txt", bagit), ("bag-info.txt", bag_info), ("manifest-sha256.txt", manifest)]


def bytes_entry(path: str, data: bytes) -> Entry:
    """Return an entry holding bytes already in memory (metadata, reports)."""
    return Entry(path, lambda: [data], len(data), compress=True)


def json_entry(path: str, value: object) -> Entry:
    """Return an entry holding a value as indented UTF-8 JSON."""
    return bytes_entry(path, (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())


# --- checking a bag offline -----------------------------------------------------------------------

@dataclass
class BagReport:
    """What verify_bag found: the problems (empty when the bag is sound) and what it counted."""

    problems: list[str] = field(default_factory=list)
    files: int = 0
    octets: int = 0
    audit_records: int = 0

    @property
    def ok(self) -> bool:
        """Tell whether nothing was wrong."""
        return not self.problems


def _hash_member(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(name) as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_manifest(text: str, where: str, report: BagReport) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            report.problems.append(f"{where} line {number}: not '<sha256> <path>'")
            continue
        entries[_decode_path(parts[1].strip())] = parts[0]
    return entries


def _root_of(names: list[str]) -> str | None:
    roots = {name.split("/", 1)[0] for name in names if "/" in name}
    return roots.pop() if len(roots) == 1 else None


def verify_bag(source: str | IO[bytes], *,
               record_hash: Callable[[dict], str] | None = None) -> BagReport:
    """Check a zipped bag: manifests, sizes, and (given record_hash) each audit record's own hash and order."""
    report = BagReport()
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        report.problems.append(f"not a readable ZIP file: {exc}")
        return report
    with archive:
        names = [name for name in archive.namelist() if not name.endswith("/")]
        root = _root_of(names)
        if root is None:
            report.problems.append("the ZIP does not hold exactly one bag folder")
            return report
        members = {name[len(root) + 1:]: name for name in names}
        if "bagit.txt" not in members:
            report.problems.append("bagit.txt is missing: this is not a BagIt bag")
            return report
        declaration = archive.read(members["bagit.txt"]).decode("utf-8", "replace")
        if "BagIt-Version:" not in declaration:
            report.problems.append("bagit.txt does not declare a BagIt-Version")
        if "manifest-sha256.txt" not in members:
            report.problems.append("manifest-sha256.txt is missing")
            return report
        manifest = _read_manifest(archive.read(members["manifest-sha256.txt"]).decode("utf-8"),
                                  "manifest-sha256.txt", report)
        payload = {name for name in members if name.startswith("data/")}
        for name in sorted(payload - manifest.keys()):
            report.problems.append(f"{name}: in the bag but not in the manifest")
        for name in sorted(manifest.keys() - payload):
            report.problems.append(f"{name}: in the manifest but missing from the bag")
        for name in sorted(payload):
            digest, size = _hash_member(archive, members[name])
            report.files += 1
            report.octets += size
            if name in manifest and digest != manifest[name]:
                report.problems.append(f"{name}: sha256 {digest} differs from the manifest's {manifest[name]}")
        if "tagmanifest-sha256.txt" in members:
            tags = _read_manifest(archive.read(members["tagmanifest-sha256.txt"]).decode("utf-8"),
                                  "tagmanifest-sha256.txt", report)
            for name, expected in sorted(tags.items()):
                if name not in members:
                    report.problems.append(f"{name}: in the tag manifest but missing from the bag")
                elif _hash_member(archive, members[name])[0] != expected:
                    report.problems.append(f"{name}: differs from the tag manifest")
        if "bag-info.txt" in members:
            info = archive.read(members["bag-info.txt"]).decode("utf-8", "replace")
            oxum = re.search(r"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", info, re.MULTILINE)
            if oxum and (int(oxum.group(1)), int(oxum.group(2))) != (report.octets, report.files):
                report.problems.append(f"Payload-Oxum {oxum.group(1)}.{oxum.group(2)} does not match the payload "
                                       f"({report.octets} bytes in {report.files} files)")
        if record_hash is not None:
            for name in sorted(payload):
                if PurePosixPath(name).name == "audit.json":
                    _verify_audit(archive.read(members[name]), name, record_hash, report)
    return report


def _verify_audit(raw: bytes, name: str, record_hash: Callable[[dict], str], report: BagReport) -> None:
    try:
        records = json.loads(raw)["records"]
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"{name}: not an audit trail in the package's format")
        return
    previous_id = 0
    for record in records:
        report.audit_records += 1
        try:
            if record_hash(record) != record["hash"]:
                report.problems.append(f"{name}: record {record.get('id')} does not match its hash (edited)")
            if record["id"] <= previous_id:
                report.problems.append(f"{name}: record {record['id']} is out of order")
            previous_id = record["id"]
        except (KeyError, TypeError, AttributeError):
            report.problems.append(f"{name}: record {record.get('id') if isinstance(record, dict) else '?'} "
                                   "lacks the fields of an audit record")
