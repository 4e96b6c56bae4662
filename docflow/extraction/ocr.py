"""Read scans with Tesseract: the OCR options, and the programs that run inside the OCR child.

extract.py starts a sandboxed child for OCR (sandbox.py); readers.py decides there which pages
need it and calls an OcrSession. pdftoppm renders a PDF page as a greyscale image onto a pipe;
tesseract reads an image from its stdin and writes the text to its stdout. Nothing is written to
disk, so nothing is left behind when a child is killed, and the stored original is only opened for
reading: both programs inherit the sandbox's limits (no file may grow, address space, CPU time,
open files), share one deadline per file, and die with the child that started them.
"""
from __future__ import annotations

import ctypes
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docflow.extraction.errors import OcrError, OcrTimeout

TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
DEFAULT_LANGUAGES = ("ind", "eng")
DEFAULT_DPI = 300
# A rendered page stays below this many pixels (an A3 page at 300 dpi has 35 million): a poster or
# a forged page size is rendered at a lower resolution rather than exhausting the memory limit.
MAX_PAGE_PIXELS = 40_000_000
_MIN_DPI, _MAX_DPI = 70, 1200
# Tesseract's traineddata names: "ind", "chi_sim", "script/Latin".
_LANGUAGE_NAME = re.compile(r"[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)?")
# Image signatures that leptonica recognises. Tesseract reads input it does not recognise as a
# list of file names and URLs to OCR instead, so a forged "image" could make it read the server's
# files; only these may reach it.
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"P4", b"P5", b"P6")
_PR_SET_PDEATHSIG = 1
_MAX_MESSAGE_CHARS = 120
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_CAUSE = re.compile(r"error|fail", re.IGNORECASE)
_LIST_TIMEOUT = 10.0


def is_language_name(name: str) -> bool:
    """Tell whether `name` has the form of a Tesseract language ("ind", "chi_sim")."""
    return bool(_LANGUAGE_NAME.fullmatch(name))


@dataclass(frozen=True)
class OcrOptions:
    """How to read scans: Tesseract languages, time budget per file, page cap and resolution."""

    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    timeout_seconds: float = 300
    max_pages: int = 50
    dpi: int = DEFAULT_DPI

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", tuple(self.languages))
        if not self.languages or not all(isinstance(n, str) and is_language_name(n) for n in self.languages):
            raise ValueError(f"languages must be Tesseract language names such as 'ind', got {self.languages!r}")
        if not (self.timeout_seconds > 0 and math.isfinite(self.timeout_seconds)):
            raise ValueError(f"timeout_seconds must be positive, got {self.timeout_seconds!r}")
        if self.max_pages <= 0:
            raise ValueError(f"max_pages must be positive, got {self.max_pages!r}")
        if not _MIN_DPI <= self.dpi <= _MAX_DPI:
            raise ValueError(f"dpi must be between {_MIN_DPI} and {_MAX_DPI}, got {self.dpi!r}")


def render_dpi(width_points: float, height_points: float, dpi: int) -> int:
    """Return `dpi`, lowered so that a page of this size renders to at most MAX_PAGE_PIXELS."""
    area = (width_points / 72) * (height_points / 72)
    if not (math.isfinite(area) and area > 0):
        return dpi
    return max(1, min(dpi, math.floor(math.sqrt(MAX_PAGE_PIXELS / area))))


def find_ocr_problems(languages: Sequence[str] = DEFAULT_LANGUAGES) -> list[str]:
    """Return what keeps OCR from working on this machine (programs, languages); empty when ready."""
    problems = [f"{program} is not installed" for program in (TESSERACT, PDFTOPPM) if shutil.which(program) is None]
    if shutil.which(TESSERACT) is None:
        return problems
    try:
        listing = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, timeout=_LIST_TIMEOUT,
                                 env=_environment(), check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [*problems, f"could not ask {TESSERACT} for its languages ({exc})"]
    # The first line is a heading ("List of available languages in ...").
    installed = set(listing.stdout.decode("utf-8", "replace").splitlines()[1:])
    problems += [f"Tesseract language {name!r} is not installed" for name in languages if name not in installed]
    return problems


class OcrSession:
    """One file's OCR in the sandboxed child: every program it starts shares the file's deadline."""

    def __init__(self, options: OcrOptions) -> None:
        self.options = options
        self._deadline = time.monotonic() + options.timeout_seconds
        self._environment = _environment()
        self._prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl

    def render_pdf_page(self, path: Path, number: int, dpi: int) -> bytes:
        """Return page `number` (from 1) of the PDF at `path` as a greyscale PGM image at `dpi`."""
        # pdftoppm with no output name writes the image to stdout; an absolute path cannot be
        # mistaken for an option.
        return self._run([PDFTOPPM, "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number),
                          os.path.abspath(path)])

    def recognize(self, image: bytes, *, dpi: int | None = None) -> str:
        """Return the text Tesseract reads in `image` (PNG, JPEG, TIFF or PNM bytes)."""
        if not image.startswith(_IMAGE_SIGNATURES):
            raise OcrError("not an image encoding Tesseract reads")
        command = [TESSERACT, "stdin", "stdout", "-l", "+".join(self.options.languages)]
        if dpi is not None:
            # Rendered pages carry no resolution; without it Tesseract guesses one from the text.
            command += ["--dpi", str(dpi)]
        return self._run(command, stdin=image).decode("utf-8", "replace")

    def _run(self, command: list[str], stdin: bytes | None = None) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout()
        parent = os.getpid()
        feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        try:
            done = subprocess.run(command, **feed, capture_output=True, timeout=remaining, env=self._environment,
                                  preexec_fn=lambda: self._die_with(parent), check=False)
        except subprocess.TimeoutExpired:
            # subprocess.run has killed and reaped the program already.
            raise self._timeout() from None
        except FileNotFoundError:
            raise OcrError(f"{command[0]} is not installed") from None
        except OSError as exc:
            raise OcrError(f"could not start {command[0]} ({exc.strerror})") from None
        if done.returncode != 0:
            raise OcrError(f"{command[0]} failed ({_describe_exit(done.returncode, done.stderr)})")
        return done.stdout

    def _die_with(self, parent: int) -> None:
        # Runs between fork and exec. When the sandbox kills this child (its wall-clock backstop),
        # the program must not live on as an orphan.
        self._prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    def _timeout(self) -> OcrTimeout:
        return OcrTimeout(f"OCR timed out after {self.options.timeout_seconds:g} s")


def _environment() -> dict[str, str]:
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LC_ALL": "C",
        # Tesseract's OpenMP threads made a page four times slower on a busy two-core machine;
        # one thread per program leaves the other cores to other work.
        "OMP_THREAD_LIMIT": "1",
    }
    if "TESSDATA_PREFIX" in os.environ:
        environment["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return environment


def _describe_exit(returncode: int, stderr: bytes) -> str:
    if returncode < 0:
        try:
            status = f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            status = f"killed by signal {-returncode}"
    else:
        status = f"exit code {returncode}"
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return status
    # Tesseract ends with a generic line ("Could not initialize tesseract."); the cause comes first.
    cause = next((line for line in lines if _CAUSE.search(line)), lines[-1])
    return f"{status}: {_CONTROLS.sub(' ', cause)[:_MAX_MESSAGE_CHARS]}"
