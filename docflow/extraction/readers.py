"""Format readers. They run inside the extraction child (sandbox.py), never in the caller.

Each reader turns one file into an ExtractionResult; every exception except MemoryError becomes a
FAILED result here, so the child always has something to send back. MemoryError is left to the
sandbox, which reports it as the memory limit.

Pages without a text layer (scanned PDF pages, images) go to a _Scans object: the extraction
child only counts them, the OCR child (same readers, given OcrOptions) reads them with Tesseract.
"""
from __future__ import annotations

import io
import itertools
import logging
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import charset_normalizer
import docx
import pypdf
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph
from odf import teletype
from odf.element import Element, Node
from odf.opendocument import load as load_odf
from pypdf import PasswordType
from pypdf.errors import DependencyError, PdfReadError

from docflow.extraction.containers import check_container, open_zip, read_member
from docflow.extraction.errors import OcrError, OcrTimeout, UnsafeDocument
from docflow.extraction.formats import DOCX, JPEG, ODT, PDF, PNG, TEXT, TIFF
from docflow.extraction.normalize import normalize_text
from docflow.extraction.ocr import OcrOptions, OcrSession, render_dpi
from docflow.extraction.results import ExtractionResult, ExtractionStatus, encode_result

NO_TEXT_LAYER = "no text layer"
NO_OCR_TEXT = "no text found by OCR"
_MISSING_TRAILER = b"\nstartxref\n0\n%%EOF\n"
_ENCODING_SAMPLE_BYTES = 1024 * 1024
_MAX_MANIFEST_BYTES = 1024 * 1024
_MAX_TIFF_FRAMES = 10_000
_MAX_MESSAGE_CHARS = 120
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")

_W_TXBX_CONTENT = qn("w:txbxContent")
_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# Deleted tracked changes, form controls and declarations are not part of the visible text.
_ODF_SKIPPED = frozenset({
    (_TEXT_NS, "tracked-changes"),
    (_TEXT_NS, "sequence-decls"),
    (_TEXT_NS, "variable-decls"),
    (_TEXT_NS, "user-field-decls"),
    (_OFFICE_NS, "forms"),
})
_ODF_ROW_GROUPS = frozenset({"table-header-rows", "table-rows", "table-row-group"})
_ODF_CELLS = frozenset({"table-cell", "covered-table-cell"})
_ODF_PAGE_PARTS = frozenset({"header", "header-left", "header-first", "footer", "footer-left", "footer-first"})


def extract_in_child(path: str, mime: str, max_chars: int, ocr: OcrOptions | None = None) -> bytes:
    """Extract `path`, reading pages without text by OCR if `ocr` is given; return the encoded result.

    This is the sandboxed child's task.
    """
    # pypdf narrates every repair it makes; in the child nobody reads it.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    scans = _Scans() if ocr is None else _OcrScans(OcrSession(ocr))
    result = _read_file(path, mime, max_chars, scans)
    return encode_result(result, pages_without_text=scans.pages_without_text)


def _read_file(path: str | Path, mime: str, max_chars: int, scans: _Scans) -> ExtractionResult:
    """Extract text from `path` in this process, without limits (extract_text adds them)."""
    reader = _READERS[mime]
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        # The caller just handed us this file: losing it is an infrastructure hiccup.
        return ExtractionResult.failed(f"could not open the file ({exc.strerror})", retryable=True)
    try:
        return reader(Path(path), max_chars, scans)
    except MemoryError:
        raise
    except OcrTimeout as exc:
        return ExtractionResult.failed(exc.reason, ocr=True)
    except OcrError as exc:
        return ExtractionResult.failed(f"OCR failed: {exc.reason}", ocr=True)
    except UnsafeDocument as exc:
        return ExtractionResult.failed(f"refused: {exc}")
    except RecursionError:
        return ExtractionResult.failed(f"{_LABELS[mime]} is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - hostile files break parsers in every possible way
        return ExtractionResult.failed(f"could not read {_LABELS[mime]} ({_describe(exc)})")


class _Scans:
    """What the extraction child does with pages that have no text layer: count them."""

    ocr = False

    def __init__(self) -> None:
        self.pages_without_text = 0

    def read_pdf_page(self, _path: Path, _index: int, _page: pypdf.PageObject) -> str:
        """Return the text of a PDF page that has no text layer (here none: the page is counted)."""
        self.pages_without_text += 1
        return ""

    def read_image(self, _path: Path, frames: int) -> str:
        """Return the text of an image of `frames` pages (here none: the pages are counted)."""
        self.pages_without_text += frames
        return ""

    def notes(self) -> list[str]:
        """Say what happened to the pages without text, for the result's reason."""
        return []

    def failure(self) -> str | None:
        """Return why no page could be read, if every attempt failed."""
        return None


class _OcrScans(_Scans):
    """What the OCR child does with pages that have no text layer: read them with Tesseract."""

    ocr = True

    def __init__(self, session: OcrSession) -> None:
        super().__init__()
        self._session = session
        self._max_pages = session.options.max_pages
        self._read = 0
        self._skipped = 0
        self._failed = 0
        self._first_error = ""

    def read_pdf_page(self, path: Path, index: int, page: pypdf.PageObject) -> str:
        self.pages_without_text += 1
        if self._read >= self._max_pages:
            self._skipped += 1
            return ""
        self._read += 1
        dpi = _render_dpi(page, self._session.options.dpi)
        try:
            image = self._session.render_pdf_page(path, index + 1, dpi)
            return self._session.recognize(image, dpi=dpi)
        except OcrTimeout:
            raise
        except OcrError as exc:
            # One page poppler or Tesseract cannot handle must not cost the others.
            self._failed += 1
            self._first_error = self._first_error or exc.reason
            return ""

    def read_image(self, path: Path, frames: int) -> str:
        self.pages_without_text += frames
        image = path.read_bytes()
        if frames > self._max_pages:
            image = _first_tiff_frames(image, self._max_pages)
            self._skipped = frames - self._max_pages
        self._read = min(frames, self._max_pages)
        return self._session.recognize(image)

    def notes(self) -> list[str]:
        notes = []
        if self._skipped:
            notes.append(f"OCR read {self._read} of {self._read + self._skipped} pages without text"
                         f" (limit {self._max_pages})")
        if self._failed:
            notes.append(f"OCR failed on {self._failed} of {self._read} pages ({self._first_error})")
        return notes

    def failure(self) -> str | None:
        if self._read and self._failed == self._read:
            pages = "the page" if self._read == 1 else f"all {self._read} pages"
            return f"OCR failed on {pages}: {self._first_error}"
        return None


def _render_dpi(page: pypdf.PageObject, dpi: int) -> int:
    # pdftoppm renders the crop box and ignores /UserUnit, so the size in points is what it draws.
    try:
        width, height = abs(float(page.cropbox.width)), abs(float(page.cropbox.height))
    except Exception:  # noqa: BLE001 - a broken box: pdftoppm decides, the memory limit bounds it
        return dpi
    return render_dpi(width, height, dpi)


class _Collector:
    """Gather normalised blocks of text until `max_chars` is reached."""

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._blocks: list[str] = []
        self._length = 0

    @property
    def full(self) -> bool:
        return self._length >= self._max_chars

    def add(self, raw: str) -> bool:
        """Add `raw` and tell whether it held any text."""
        block = normalize_text(raw)
        if block:
            self._blocks.append(block)
            self._length += len(block) + 2
        return bool(block)

    def add_all(self, raws: Iterable[str]) -> None:
        for raw in raws:
            self.add(raw)
            if self.full:
                return

    def text(self) -> str:
        return "\n\n".join(self._blocks)[: self._max_chars]


def _read_pdf(path: Path, max_chars: int, scans: _Scans) -> ExtractionResult:
    data = path.read_bytes()
    try:
        reader = _open_pdf(data)
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except (NotImplementedError, DependencyError) as exc:
        if b"/Encrypt" not in data:
            raise
        # Certificate (public-key) security handlers and algorithms pypdf does not know.
        return _encrypted(f"unsupported PDF encryption ({_describe(exc)})")
    if locked:
        return _encrypted("PDF needs a password")
    return _read_pdf_pages(reader, max_chars, path, scans)


def _read_pdf_pages(reader: pypdf.PdfReader, max_chars: int, path: Path, scans: _Scans) -> ExtractionResult:
    encrypted = reader.is_encrypted
    page_count = len(reader.pages)
    if page_count == 0:
        return ExtractionResult.failed("PDF has no pages", encrypted=encrypted, page_count=0)
    collector = _Collector(max_chars)
    failed_pages = 0
    scanned_text = False
    for index in range(page_count):
        try:
            page = reader.pages[index]
            raw = page.extract_text()
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - one broken page must not cost the others
            failed_pages += 1
            continue
        # A page with any text layer is taken as it is, even if part of it is scanned.
        if not collector.add(raw) and collector.add(scans.read_pdf_page(path, index, page)):
            scanned_text = True
        if collector.full:
            break
    text = collector.text()
    unread = f"{failed_pages} of {page_count} pages could not be read" if failed_pages else None
    notes = [note for note in (unread, *scans.notes()) if note]
    if text:
        return ExtractionResult(ExtractionStatus.OK, text, page_count, encrypted, "; ".join(notes) or None, False,
                                scanned_text)
    if failed_pages == page_count:
        return ExtractionResult.failed(
            f"could not read any of the {page_count} pages", encrypted=encrypted, page_count=page_count
        )
    failure = scans.failure()
    if failure:
        return ExtractionResult.failed("; ".join(filter(None, (failure, unread))), encrypted=encrypted,
                                       page_count=page_count, ocr=True)
    empty = NO_OCR_TEXT if scans.ocr else NO_TEXT_LAYER
    reason = f"{empty} ({'; '.join(notes)})" if notes else empty
    return ExtractionResult(ExtractionStatus.EMPTY, "", page_count, encrypted, reason, False, scans.ocr)


def _open_pdf(data: bytes) -> pypdf.PdfReader:
    try:
        return pypdf.PdfReader(io.BytesIO(data), strict=False)
    except PdfReadError as first_error:
        # pypdf rebuilds a damaged cross-reference table only once it has a startxref to distrust;
        # hand it one that points nowhere and it scans the file for objects instead.
        try:
            return pypdf.PdfReader(io.BytesIO(data + _MISSING_TRAILER), strict=False)
        except PdfReadError:
            raise first_error from None


def _encrypted(reason: str) -> ExtractionResult:
    return ExtractionResult(ExtractionStatus.ENCRYPTED, "", None, True, reason, False)


def _read_docx(path: Path, max_chars: int, _scans: _Scans) -> ExtractionResult:
    with _open_zip_or_refuse(path) as archive:
        check_container(archive)
    document = docx.Document(str(path))
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            if not header.is_linked_to_previous:
                headers.extend(_docx_blocks(header.iter_inner_content()))
        for footer in (section.first_page_footer, section.footer, section.even_page_footer):
            if not footer.is_linked_to_previous:
                footers.extend(_docx_blocks(footer.iter_inner_content()))
    collector = _Collector(max_chars)
    collector.add_all(_unique(headers))
    collector.add_all(_docx_blocks(document.iter_inner_content()))
    collector.add_all(_unique(footers))
    return _text_result(collector, "document has no text")


def _docx_blocks(items: Iterable[Paragraph | Table]) -> Iterator[str]:
    """Yield one string per paragraph and one line per table row, in document order.

    Text boxes (a letterhead is often one) follow the paragraph that anchors them.
    """
    for item in items:
        if isinstance(item, Paragraph):
            yield item.text
            for box in _text_boxes(item):
                yield from _docx_blocks(_box_content(box, item))
        else:
            yield "\n".join(_docx_rows(item))


def _text_boxes(paragraph: Paragraph) -> Iterator[BaseOxmlElement]:
    # Word stores a text box twice, as DrawingML and as a VML fallback (mc:Fallback); read the
    # first. Boxes nested in a box are reached when that box's own paragraphs are read.
    for box in paragraph._p.iter(_W_TXBX_CONTENT):  # noqa: SLF001 - python-docx has no text-box API
        if not any(ancestor.tag in (_MC_FALLBACK, _W_TXBX_CONTENT) for ancestor in box.iterancestors()):
            yield box


def _box_content(box: BaseOxmlElement, parent: Paragraph) -> Iterator[Paragraph | Table]:
    for child in box.iterchildren():
        if child.tag == _W_P:
            yield Paragraph(child, parent)
        elif child.tag == _W_TBL:
            yield Table(child, parent)


def _docx_rows(table: Table) -> Iterator[str]:
    # python-docx repeats a merged cell for every grid column and row it spans; show it once.
    # The set holds the XML elements themselves: lxml keeps one proxy per live node, so identity
    # is stable only while a reference exists (an id() could be reused).
    seen: set[object] = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            element = cell._tc  # noqa: SLF001 - the cell's XML element is its identity
            if element in seen:
                continue
            seen.add(element)
            cells.append(" ".join(_docx_blocks(cell.iter_inner_content())))
        yield "\t".join(cells)


def _read_odt(path: Path, max_chars: int, _scans: _Scans) -> ExtractionResult:
    with _open_zip_or_refuse(path) as archive:
        manifest = read_member(archive, "META-INF/manifest.xml", _MAX_MANIFEST_BYTES)
        if manifest is not None and b"encryption-data" in manifest:
            # ODF encrypts each part itself; the manifest carries the key derivation.
            return _encrypted("ODT needs a password")
        check_container(archive)
    document = load_odf(str(path))
    headers: list[str] = []
    footers: list[str] = []
    for master_page in _odf_children(document.masterstyles):
        for part in _odf_children(master_page):
            if part.qname[0] == _STYLE_NS and part.qname[1] in _ODF_PAGE_PARTS:
                target = headers if part.qname[1].startswith("header") else footers
                target.extend(_odf_blocks(part))
    collector = _Collector(max_chars)
    collector.add_all(_unique(headers))
    collector.add_all(_odf_blocks(document.text))
    collector.add_all(_unique(footers))
    return _text_result(collector, "document has no text")


def _odf_children(element: Element | None) -> Iterator[Element]:
    for child in getattr(element, "childNodes", ()):
        if child.nodeType == Node.ELEMENT_NODE:
            yield child


def _odf_blocks(element: Element) -> Iterator[str]:
    """Yield one string per paragraph or heading and one line per table row, in document order."""
    for child in _odf_children(element):
        if child.qname in _ODF_SKIPPED:
            continue
        if child.qname[0] == _TEXT_NS and child.qname[1] in ("p", "h"):
            yield teletype.extractText(child)
        elif child.qname == (_TABLE_NS, "table"):
            yield "\n".join(_odf_rows(child))
        else:
            yield from _odf_blocks(child)


def _odf_rows(element: Element) -> Iterator[str]:
    # Repeated rows and cells (table:number-rows-repeated) are shown once, never expanded.
    for child in _odf_children(element):
        namespace, name = child.qname
        if namespace != _TABLE_NS:
            continue
        if name == "table-row":
            cells = [" ".join(_odf_blocks(cell)) for cell in _odf_children(child) if cell.qname[1] in _ODF_CELLS]
            yield "\t".join(cells)
        elif name in _ODF_ROW_GROUPS:
            yield from _odf_rows(child)


def _open_zip_or_refuse(path: Path) -> zipfile.ZipFile:
    archive = open_zip(path)
    if archive is None:
        raise UnsafeDocument("not a readable ZIP container, or its directory is too large")
    return archive


def _read_text(path: Path, max_chars: int, _scans: _Scans) -> ExtractionResult:
    # UTF-8 needs at most four bytes a character, so this is enough for max_chars.
    with open(path, "rb") as fh:
        data = fh.read(4 * max_chars)
    sample = data[:_ENCODING_SAMPLE_BYTES]
    if len(data) > len(sample) and b"\n" in sample and b"\x00" not in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return ExtractionResult.failed("not decodable as text")
    collector = _Collector(max_chars)
    collector.add(data.decode(best.encoding, errors="replace"))
    return _text_result(collector, "file has no text")


def _read_image(path: Path, max_chars: int, scans: _Scans) -> ExtractionResult:
    return _image_result(path, max_chars, scans, 1)


def _read_tiff(path: Path, max_chars: int, scans: _Scans) -> ExtractionResult:
    return _image_result(path, max_chars, scans, tiff_frame_count(path))


def _image_result(path: Path, max_chars: int, scans: _Scans, frames: int) -> ExtractionResult:
    collector = _Collector(max_chars)
    collector.add(scans.read_image(path, frames))
    text = collector.text()
    notes = scans.notes()
    if text:
        return ExtractionResult(ExtractionStatus.OK, text, frames, False, "; ".join(notes) or None, False, scans.ocr)
    empty = NO_OCR_TEXT if scans.ocr else NO_TEXT_LAYER
    reason = f"{empty} ({'; '.join(notes)})" if notes else empty
    return ExtractionResult(ExtractionStatus.EMPTY, "", frames, False, reason, False, scans.ocr)


def tiff_frame_count(path: str | Path) -> int:
    """Count the frames of a TIFF by walking its IFD chain, without decoding any image data."""
    with open(path, "rb") as fh:
        return max(sum(1 for _link in _tiff_links(fh)), 1)


def _first_tiff_frames(data: bytes, count: int) -> bytes:
    """Return the TIFF `data` with its chain of frames cut after `count` frames.

    Offsets in a TIFF are absolute, so zeroing one "next frame" link leaves the rest valid.
    """
    links = list(itertools.islice(_tiff_links(io.BytesIO(data)), count))
    if len(links) < count:
        return data
    position, size = links[-1]
    if position + size > len(data):
        return data
    return data[:position] + bytes(size) + data[position + size:]


def _tiff_links(fh: BinaryIO) -> Iterator[tuple[int, int]]:
    """Yield, frame by frame, where the frame's link to the next one is stored and its size."""
    header = fh.read(16)
    order = {b"II": "<", b"MM": ">"}.get(header[:2])
    if order is None or len(header) < 8:
        return
    version = struct.unpack(order + "H", header[2:4])[0]
    if version == 42:
        count_format, entry_size, offset_format = "H", 12, "L"
        offset = struct.unpack(order + "L", header[4:8])[0]
    elif version == 43 and len(header) == 16:
        count_format, entry_size, offset_format = "Q", 20, "Q"
        offset = struct.unpack(order + "Q", header[8:16])[0]
    else:
        return
    count_size, offset_size = struct.calcsize(order + count_format), struct.calcsize(order + offset_format)
    file_size = fh.seek(0, 2)
    seen: set[int] = set()
    while offset and offset not in seen and offset < file_size and len(seen) < _MAX_TIFF_FRAMES:
        seen.add(offset)
        fh.seek(offset)
        raw_count = fh.read(count_size)
        if len(raw_count) < count_size:
            return
        entries = struct.unpack(order + count_format, raw_count)[0]
        link = offset + count_size + entries * entry_size
        fh.seek(link)
        raw_next = fh.read(offset_size)
        yield link, offset_size
        if len(raw_next) < offset_size:
            return
        offset = struct.unpack(order + offset_format, raw_next)[0]


def _text_result(collector: _Collector, empty_reason: str) -> ExtractionResult:
    text = collector.text()
    if not text:
        return ExtractionResult(ExtractionStatus.EMPTY, "", None, False, empty_reason, False)
    return ExtractionResult(ExtractionStatus.OK, text, None, False, None, False)


def _unique(blocks: Iterable[str]) -> list[str]:
    """Drop repeats (the same header text used by several sections) but keep the order."""
    return list(dict.fromkeys(blocks))


def _describe(exc: BaseException) -> str:
    message = _CONTROLS.sub(" ", str(exc)).strip()[:_MAX_MESSAGE_CHARS]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


_READERS: dict[str, Callable[[Path, int, _Scans], ExtractionResult]] = {
    PDF: _read_pdf,
    DOCX: _read_docx,
    ODT: _read_odt,
    TEXT: _read_text,
    PNG: _read_image,
    JPEG: _read_image,
    TIFF: _read_tiff,
}
_LABELS = {PDF: "PDF", DOCX: "DOCX", ODT: "ODT", TEXT: "text", PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}
