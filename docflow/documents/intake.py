"""Receive an uploaded file: spool it to disk within the size limit, hash it, learn its real type."""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from docflow.errors import N_, InsufficientStorage, TooLarge, UnsupportedType, ValidationFailed
from docflow.extraction import detect_type
from storage import make_scratch_file

logger = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
_TYPE_NAMES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "text/plain": "plain text",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
}


@dataclass
class Upload:
    """A received file on local disk, checked and ready to store; delete it with `close()`."""

    path: Path
    size: int
    sha256: str
    mime_type: str
    filename: str

    def open(self) -> BinaryIO:
        """Open the spooled bytes for reading."""
        return self.path.open("rb")

    def close(self) -> None:
        """Remove the spooled file."""
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def clean_filename(name: str | None) -> str:
    """Return a display-only file name: no folders, no control characters, at most 255 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in {"", ".", ".."}:
        return ""
    return name[:255]


def type_label(mime: str) -> str:
    """Return a short human name for a MIME type."""
    return _TYPE_NAMES.get(mime, mime)


def receive_upload(
    stream: BinaryIO | None,
    filename: str | None,
    *,
    max_bytes: int,
    allowed_types: Iterable[str],
    spool_dir: Path,
) -> Upload:
    """Spool, hash and type-check an upload; raise a ValidationFailed subclass and keep nothing if refused."""
    if stream is None:
        raise ValidationFailed(N_("a file is required"), field="file")
    spool_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = make_scratch_file(spool_dir, "upload")
    path = Path(tmp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(N_("the file is larger than the limit of %(limit)s MB"), field="file",
                                   limit=max_bytes // (1024 * 1024))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed(N_("the file is empty"), field="file")
        detected = detect_type(path)
        allowed = tuple(allowed_types)
        if detected.mime not in allowed:
            accepted = ", ".join(dict.fromkeys(type_label(t) for t in allowed))
            raise UnsupportedType(
                N_("this file is %(detected)s, which is not accepted; accepted types: %(accepted)s"),
                field="file", detected=detected.description or detected.mime, accepted=accepted,
            )
    except OSError as exc:
        path.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            logger.error("no room to receive an upload in %s: %s", spool_dir, exc)
            raise InsufficientStorage(N_("the server's disk is full; nothing was saved. Ask the administrator to "
                                         "free space, then try again"), field="file") from exc
        raise
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    logger.debug("received %s (%d bytes, %s)", filename, size, detected.mime)
    return Upload(path=path, size=size, sha256=digest.hexdigest(), mime_type=detected.mime,
                  filename=clean_filename(filename))
