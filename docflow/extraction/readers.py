"""Format readers. They run inside the extraction child (sandbox.py), never in the caller.

Each reader turns one file into an ExtractionResult; every exception except MemoryError becomes a
FAILED result here, so the child always has something to send back. MemoryError is left to the
sandbox, which reports it as the memory limit.
"""
from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

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
from docflow.extraction.errors import UnsafeDocument
from docflow.extraction.formats import DOCX, JPEG, ODT, PDF, PNG, TEXT, TIFF
from docflow.extraction.normalize import normalize_text
from docflow.extraction.results import ExtractionResult, ExtractionStatus, encode_result

NO_TEXT_LAYER = "no text layer"
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


def extract_in_child(path: str, mime: str, max_chars: int) -> bytes:
    """Extract `path` and return the encoded result (the sandboxed child's task)."""
    # pypdf narrates every repair it makes; in the child nobody reads it.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return encode_result(_read_file(path, mime, max_chars))


def _read_file(path: str | Path, mime: str, max_chars: int) -> ExtractionResult:
    """Extract text from `path` in this process, without limits (extract_text adds them)."""
    reader = _READERS[mime]
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        # The caller just handed us this file: losing it is an infrastructure hiccup.
        return ExtractionResult.failed(f"could not open the file ({exc.strerror})", retryable=True)
    try:
        return reader(Path(path), max_chars)
    except MemoryError:
        raise
    except UnsafeDocument as exc:
        return ExtractionResult.failed(f"refused: {exc}")
    except RecursionError:
        return ExtractionResult.failed(f"{_LABELS[mime]} is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - hostile files break parsers in every possible way
        return ExtractionResult.failed(f"could not read {_LABELS[mime]} ({_describe(exc)})")


class _Collector:
    """Gather normalised blocks of text until `max_chars` is reached."""

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._blocks: list[str] = []
        self._length = 0

    @property
    def full(self) -> bool:
        return self._length >= self._max_chars

    def add(self, raw: str) -> None:
        block = normalize_text(raw)
        if block:
            self._blocks.append(block)
            self._length += len(block) + 2

    def add_all(self, raws: Iterable[str]) -> None:
        for raw in raws:
            self.add(raw)
            if self.full:
                return

    def text(self) -> str:
        return "\n\n".join(self._blocks)[: self._max_chars]


def _read_pdf(path: Path, max_chars: int) -> ExtractionResult:
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
    return _read_pdf_pages(reader, max_chars)


def _read_pdf_pages(reader: pypdf.PdfReader, max_chars: int) -> ExtractionResult:
    encrypted = reader.is_encrypted
    page_count = len(reader.pages)
    if page_count == 0:
        return ExtractionResult.failed("PDF has no pages", encrypted=encrypted, page_count=0)
    collector = _Collector(max_chars)
    failed_pages = 0
    for index in range(page_count):
        try:
            raw = reader.pages[index].extract_text()
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - one broken page must not cost the others
            failed_pages += 1
            continue
        collector.add(raw)
        if collector.full:
            break
    text = collector.text()
    unread = f"{failed_pages} of {page_count} pages could not be read" if failed_pages else None
    if text:
        return ExtractionResult(ExtractionStatus.OK, text, page_count, encrypted, unread, False)
    if failed_pages == page_count:
        return ExtractionResult.failed(
            f"could not read any of the {page_count} pages", encrypted=encrypted, page_count=page_count
        )
    reason = f"{NO_TEXT_LAYER} ({unread})" if unread else NO_TEXT_LAYER
    return ExtractionResult(ExtractionStatus.EMPTY, "", page_count, encrypted, reason, False)


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


def _read_docx(path: Path, max_chars: int) -> ExtractionResult:
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


def _read_odt(path: Path, max_chars: int) -> ExtractionResult:
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


def _read_text(path: Path, max_chars: int) -> ExtractionResult:
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


def _read_image(_path: Path, _max_chars: int) -> ExtractionResult:
    return ExtractionResult(ExtractionStatus.EMPTY, "", 1, False, NO_TEXT_LAYER, False)


def _read_tiff(path: Path, _max_chars: int) -> ExtractionResult:
    return ExtractionResult(ExtractionStatus.EMPTY, "", tiff_frame_count(path), False, NO_TEXT_LAYER, False)


def tiff_frame_count(path: str | Path) -> int:
    """Count the frames of a TIFF by walking its IFD chain, without decoding any image data."""
    with open(path, "rb") as fh:
        header = fh.read(16)
        order = {b"II": "<", b"MM": ">"}.get(header[:2])
        if order is None or len(header) < 8:
            return 1
        version = struct.unpack(order + "H", header[2:4])[0]
        if version == 42:
            count_format, entry_size, offset_format = "H", 12, "L"
            offset = struct.unpack(order + "L", header[4:8])[0]
        elif version == 43 and len(header) == 16:
            count_format, entry_size, offset_format = "Q", 20, "Q"
            offset = struct.unpack(order + "Q", header[8:16])[0]
        else:
            return 1
        count_size, offset_size = struct.calcsize(order + count_format), struct.calcsize(order + offset_format)
        file_size = fh.seek(0, 2)
        seen: set[int] = set()
        frames = 0
        while offset and offset not in seen and offset < file_size and frames < _MAX_TIFF_FRAMES:
            seen.add(offset)
            fh.seek(offset)
            raw_count = fh.read(count_size)
            if len(raw_count) < count_size:
                break
            entries = struct.unpack(order + count_format, raw_count)[0]
            fh.seek(offset + count_size + entries * entry_size)
            raw_next = fh.read(offset_size)
            frames += 1
            if len(raw_next) < offset_size:
                break
            offset = struct.unpack(order + offset_format, raw_next)[0]
    return max(frames, 1)


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


_READERS: dict[str, Callable[[Path, int], ExtractionResult]] = {
    PDF: _read_pdf,
    DOCX: _read_docx,
    ODT: _read_odt,
    TEXT: _read_text,
    PNG: _read_image,
    JPEG: _read_image,
    TIFF: _read_tiff,
}
_LABELS = {PDF: "PDF", DOCX: "DOCX", ODT: "ODT", TEXT: "text", PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}
