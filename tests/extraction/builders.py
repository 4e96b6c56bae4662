"""Plain callables that build the test files in the test run (no binary fixtures are committed)."""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P, S
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

ASSIGNMENT = "Surat penugasan kepada Kepala Dinas Komunikasi dan Informatika"
DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">\n'
        for level in range(1, 10)
    )
    + "]>\n"
)


def write_pdf(path: Path, pages: list[str]) -> Path:
    """Write a PDF with one page per string, each line drawn as real text."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in pages:
        y = 780
        for line in page.splitlines():
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def write_blank_pdf(path: Path, page_count: int = 1) -> Path:
    """Write a PDF whose pages only carry a drawing: a scan as far as text is concerned."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(page_count):
        pdf.rect(72, 72, 200, 300, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def write_encrypted_pdf(path: Path, source: Path, *, user_password: str, owner_password: str,
                        algorithm: str) -> Path:
    """Write `source` encrypted with pypdf (an empty user password means anyone may open it)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def write_docx(path: Path, *, header: str, paragraphs: list[str], table: list[list[str]], footer: str) -> Path:
    """Write a DOCX with a header, paragraphs, a table after the first paragraph, and a footer."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    document.add_paragraph(paragraphs[0])
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


_TEXT_BOX_RUN = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    "<wps:wsp><wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx></wps:wsp>"
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paragraphs}</w:txbxContent>"
    "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def write_docx_with_text_box(path: Path, *, before: str, box_lines: list[str], after: str) -> Path:
    """Write a DOCX whose first paragraph anchors a text box, stored the way Word stores it
    (DrawingML with a VML fallback copy)."""
    document = docx.Document()
    anchor = document.add_paragraph(before)
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in box_lines)
    anchor._p.append(parse_xml(_TEXT_BOX_RUN.format(paragraphs=paragraphs)))  # noqa: SLF001
    document.add_paragraph(after)
    document.save(str(path))
    return path


def write_odt(path: Path, *, heading: str, paragraphs: list[str], table: list[list[str]]) -> Path:
    """Write an ODT with odfpy: a heading, paragraphs and a table."""
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    grid = Table(name="Tabel1")
    grid.addElement(TableColumn(numbercolumnsrepeated=len(table[0])))
    for values in table:
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    document.text.addElement(grid)
    document.save(str(path))
    return path


def write_odt_with_spaces(path: Path, count: int) -> Path:
    """Write an ODT whose paragraph asks for `count` spaces (<text:s text:c=...>): odfpy builds them all."""
    document = OpenDocumentText()
    paragraph = P(text="Nota dinas")
    paragraph.addElement(S(c=count))
    document.text.addElement(paragraph)
    document.save(str(path))
    return path


_ODF_ENCRYPTION_DATA = (
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
    '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
    '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024"'
    ' manifest:salt="AAAA"/></manifest:encryption-data>'
)


def write_encrypted_odt(path: Path) -> Path:
    """Write an ODT shaped like a password-protected one: the manifest carries encryption data
    for content.xml, whose bytes are ciphertext (random, to anyone without the key)."""
    source = write_odt(path.with_suffix(".plain.odt"), heading="Rahasia", paragraphs=[ASSIGNMENT], table=[["a"]])
    members = dict(zip_members(source))
    entry = 'manifest:full-path="content.xml" manifest:media-type="text/xml"'
    manifest = members["META-INF/manifest.xml"].decode()
    assert f"<manifest:file-entry {entry}/>" in manifest
    manifest = manifest.replace(f"<manifest:file-entry {entry}/>",
                                f"<manifest:file-entry {entry}>{_ODF_ENCRYPTION_DATA}</manifest:file-entry>")
    members["META-INF/manifest.xml"] = manifest.encode()
    members["content.xml"] = os.urandom(len(members["content.xml"]))
    return write_zip(path, list(members.items()))


def zip_members(path: Path) -> list[tuple[str, bytes]]:
    """Return the (name, bytes) members of a ZIP, in order."""
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    """Write a ZIP with the given members; an ODF `mimetype` member is stored, the rest deflated."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 5)), data, compress_type=method)
    return path


def replace_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """Copy the ZIP `source` to `target` with member `name` replaced by `data`."""
    return write_zip(target, [(member, data if member == name else old) for member, old in zip_members(source)])


def write_docx_zip_bomb(path: Path, uncompressed_size: int) -> Path:
    """Write a DOCX-shaped ZIP whose word/document.xml inflates to `uncompressed_size` zero bytes.

    The deflate stream is built from one repeated full-flush block, so the file is about a
    thousandth of the declared size and takes a second to build; it is a valid ZIP (sizes and CRC).
    """
    chunk_size = 1 << 20
    assert uncompressed_size % chunk_size == 0 and uncompressed_size < 1 << 32
    zeros = bytes(chunk_size)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    chunks = uncompressed_size // chunk_size
    deflated = block * chunks + compressor.flush()
    crc = 0
    for _ in range(chunks):
        crc = zlib.crc32(zeros, crc)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="' + DOCX_MAIN_PART + '"/></Types>'
    ).encode()
    out = io.BytesIO()
    directory = []
    for name, data, method, size, checksum in (
        ("[Content_Types].xml", content_types, 0, len(content_types), zlib.crc32(content_types)),
        ("word/document.xml", deflated, 8, uncompressed_size, crc),
    ):
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, checksum, len(data), size,
                              len(encoded), 0))
        out.write(encoded)
        out.write(data)
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, checksum, len(data),
                                     size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    central = b"".join(directory)
    out.write(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central), start, 0))
    path.write_bytes(out.getvalue())
    return path


def write_content_stream_pdf(path: Path, content: bytes) -> Path:
    """Write a one-page PDF whose page content stream is `content` (Flate-compressed)."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """Return a valid grey PNG built with zlib."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))

    scanlines = b"".join(b"\x00" + bytes([0x80] * width) for _ in range(height))
    header = struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines))
            + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    """Return a valid 8x8 grey baseline JPEG, marker by marker (one block, DC 0, end of block)."""
    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    one_code = bytes([1] + [0] * 15)  # a single Huffman code of length 1
    return b"".join([
        b"\xff\xd8",
        segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        segment(0xDB, b"\x00" + bytes([1] * 64)),
        segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"),
        segment(0xC4, b"\x00" + one_code + b"\x00"),
        segment(0xC4, b"\x10" + one_code + b"\x00"),
        segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        b"\x3f",  # DC difference 0 ("0"), end of block ("0"), padded with ones
        b"\xff\xd9",
    ])


def tiff_bytes(frames: int) -> bytes:
    """Return a little-endian TIFF with `frames` 1x1 grey images chained by their IFDs."""
    entries_per_ifd = 8
    ifd_size = 2 + 12 * entries_per_ifd + 4
    out = bytearray(b"II*\x00" + struct.pack("<L", 8))
    pixel_base = 8 + frames * ifd_size
    for frame in range(frames):
        next_offset = 8 + (frame + 1) * ifd_size if frame + 1 < frames else 0
        tags = [
            (256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1),
            (262, 3, 1, 1), (273, 4, 1, pixel_base + frame), (278, 3, 1, 1), (279, 4, 1, 1),
        ]
        out += struct.pack("<H", len(tags))
        for tag, kind, count, value in tags:
            out += struct.pack("<HHLL", tag, kind, count, value)
        out += struct.pack("<L", next_offset)
    out += bytes([0x80] * frames)
    return bytes(out)


SCAN_DPI = 300


def scan_image(lines: list[str], *, width: int = 1800, font_size: int = 48) -> Image.Image:
    """Render `lines` black on white in greyscale, like typed text scanned at 300 dpi (12 pt is 50 px)."""
    font = ImageFont.load_default(size=font_size)
    line_height = font_size * 2
    image = Image.new("L", (width, line_height * (len(lines) + 2)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines, start=1):
        draw.text((font_size * 2, line_height * number), line, fill=0, font=font)
    return image


def write_image(path: Path, image: Image.Image, image_format: str) -> Path:
    """Save `image` as PNG, JPEG or TIFF with a 300-dpi resolution tag."""
    image.save(path, format=image_format, dpi=(SCAN_DPI, SCAN_DPI))
    return path


def write_tiff_frames(path: Path, frames: list[Image.Image]) -> Path:
    """Save `frames` as one multi-page TIFF, as a document feeder delivers a letter."""
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:], dpi=(SCAN_DPI, SCAN_DPI),
                   compression="tiff_lzw")
    return path


def write_scanned_pdf(path: Path, pages: list[str | Image.Image]) -> Path:
    """Write a PDF with one page per item: text drawn as a text layer, an image placed as a scan.

    An image sits at the top left of an A4 page at its 300-dpi size, so no text layer covers it.
    """
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in pages:
        if isinstance(page, str):
            y = 780
            for line in page.splitlines():
                pdf.drawString(72, y, line)
                y -= 16
        else:
            width, height = page.width * 72 / SCAN_DPI, page.height * 72 / SCAN_DPI
            pdf.drawImage(ImageReader(page), 0, A4[1] - height, width=width, height=height)
        pdf.showPage()
    pdf.save()
    return path
