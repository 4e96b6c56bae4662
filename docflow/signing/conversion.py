"""Turn a DOCX or ODT draft into the PDF that will be signed, with LibreOffice headless.

Each conversion runs `soffice` as a child process with a wall-clock timeout, in a fresh
temporary folder with its own LibreOffice profile (`-env:UserInstallation`), so that conversions
never share state, never touch a user's profile and leave nothing behind.

A draft is a file from a user, and LibreOffice loads what it links to (an image at a URL, say)
while converting: the server would fetch any address a draft names, its own network included.
So `soffice` runs in an empty network namespace (`unshare --net`, or `unshare -rn` in a user
namespace where the process is not root), where no address, loopback included, can be reached,
and under the extraction sandbox's rlimits (memory, CPU time, file size, open files, no core).
Where the host allows no namespace, conversion still works, with a warning in the log.
"""
from __future__ import annotations

import functools
import logging
import math
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from docflow.extraction import DOCX, ODT
from docflow.extraction.sandbox import Limits, apply_limits
from docflow.errors import N_
from docflow.signing.errors import ConversionFailed, ConverterUnavailable

logger = logging.getLogger(__name__)

CONVERTIBLE = {DOCX: ".docx", ODT: ".odt"}
DEFAULT_TIMEOUT = 120.0
_BINARIES = ("soffice", "libreoffice")
# LibreOffice reserves far more address space than it touches; 2 GB of it renders long letters.
MEMORY_LIMIT_MB = 2048
MAX_FILE_MB = 256
OPEN_FILES = 1024
# Tried in order: an empty network namespace as root, then inside a user namespace (no root needed).
_ISOLATIONS = (("unshare", "--net", "--"), ("unshare", "--user", "--map-root-user", "--net", "--"))
_PROBE_TIMEOUT = 10.0


@functools.cache
def network_isolation() -> tuple[str, ...]:
    """Return the command prefix that runs a program without network, or () where none works here."""
    for prefix in _ISOLATIONS:
        path = shutil.which(prefix[0])
        if path is None:
            continue
        command = [path, *prefix[1:]]
        try:
            # Inside, the probe must run and see no network interface but the (down) loopback.
            probe = subprocess.run([*command, "cat", "/proc/net/dev"], capture_output=True,
                                   timeout=_PROBE_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        interfaces = [line.split(":")[0].strip() for line in probe.stdout.decode("ascii", "replace").splitlines()
                      if ":" in line]
        if probe.returncode == 0 and interfaces in ([], ["lo"]):
            return tuple(command)
    logger.warning("LibreOffice converts drafts WITH network access: this host allows no network namespace "
                   "(`unshare --net` as root or `unshare -rn` in a user namespace); a draft that links to an "
                   "address makes the server fetch it")
    return ()


def conversion_limits(timeout: float) -> Limits:
    """Return the rlimits a LibreOffice conversion runs under."""
    return Limits(memory_mb=MEMORY_LIMIT_MB, cpu_seconds=math.ceil(timeout) + 1, max_output_bytes=0,
                  open_files=OPEN_FILES, max_file_size=MAX_FILE_MB * 1024 * 1024)


def find_soffice() -> str | None:
    """Return the path of LibreOffice's `soffice`, or None when it is not installed."""
    for name in _BINARIES:
        path = shutil.which(name)
        if path:
            return path
    return None


def convert_to_pdf(data: bytes, mime: str, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Return the PDF LibreOffice makes of a DOCX or ODT document."""
    return _convert(data, mime, "pdf:writer_pdf_Export", "pdf", timeout=timeout)


def convert_to_docx(data: bytes, mime: str, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Return an ODT (or DOCX) document as DOCX, so that its fields are filled one way."""
    return _convert(data, mime, "docx:MS Word 2007 XML", "docx", timeout=timeout)


def _convert(data: bytes, mime: str, export_filter: str, extension: str, *, timeout: float) -> bytes:
    suffix = CONVERTIBLE.get(mime)
    if suffix is None:
        raise ConversionFailed(N_("only DOCX and ODT drafts are converted to PDF, not %(type)s"), field="file", type=mime)
    soffice = find_soffice()
    if soffice is None:
        raise ConverterUnavailable(N_("LibreOffice is not installed on this server, so DOCX and ODT drafts cannot "
                                      "be turned into PDF; ask an administrator (Debian: libreoffice-writer-nogui)"))
    with tempfile.TemporaryDirectory(prefix="docflow-convert-") as tmp:
        work = Path(tmp)
        source = work / f"draft{suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        command = [*network_isolation(), soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", export_filter,
                   "--outdir", str(out_dir), str(source)]
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
        try:
            # A session of its own, so that a timeout kills LibreOffice's helper processes too.
            # The limits are set in the child before `exec`, so unshare and LibreOffice inherit them.
            limits = conversion_limits(timeout)
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                       cwd=work, start_new_session=True, preexec_fn=lambda: apply_limits(limits))
        except OSError as exc:
            raise ConverterUnavailable(N_("LibreOffice could not be started: %(problem)s"), problem=str(exc)) from exc
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.error("LibreOffice did not convert a %s draft within %g s", suffix, timeout)
            raise ConverterUnavailable(N_("LibreOffice did not finish converting within %(seconds)s s; try again "
                                          "later"), seconds=f"{timeout:g}") from None
        result = out_dir / f"draft.{extension}"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip()[-300:]
            logger.warning("LibreOffice failed on a %s draft (exit %s): %s", suffix, process.returncode, detail)
            raise ConversionFailed(N_("LibreOffice could not turn this draft into a PDF; open it in a word processor, "
                                      "save it again and upload it, or upload a PDF"), field="file")
        pdf = result.read_bytes()
    logger.info("converted a %s draft of %d bytes to %s of %d bytes", suffix, len(data), extension, len(pdf))
    return pdf
