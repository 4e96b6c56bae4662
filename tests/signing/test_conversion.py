"""Converting a draft to PDF: LibreOffice runs without network, so a linked image is never fetched."""
from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docx import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from odf.draw import Frame, Image
from odf.opendocument import OpenDocumentText
from odf.text import P

from docflow.extraction import DOCX, ODT, PDF, extract_text
from docflow.signing import conversion
from docflow.signing.conversion import convert_to_pdf, find_soffice, network_isolation

pytestmark = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")

_PICTURE = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:drawing>
<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">
<wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Logo"/>
<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">
<pic:nvPicPr><pic:cNvPr id="1" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>
</wp:inline></w:drawing></w:r>"""


class _Listener:
    """A web server on the loopback that records every request it gets."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                listener.paths.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/x.png"


@pytest.fixture
def listener() -> Iterator[_Listener]:
    """A loopback server that a converted draft must never reach."""
    listener = _Listener()
    thread = threading.Thread(target=listener.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        listener.server.shutdown()
        listener.server.server_close()
        thread.join()


def docx_linking(url: str, text: str) -> bytes:
    """Make a DOCX whose picture is not embedded but linked (TargetMode="External") to `url`."""
    document = DocxDocument()
    paragraph = document.add_paragraph(text)
    rid = document.part.relate_to(url, RELATIONSHIP_TYPE.IMAGE, is_external=True)
    paragraph._p.append(parse_xml(_PICTURE.format(rid=rid)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_linking(url: str, text: str) -> bytes:
    """Make an ODT whose picture is linked to `url` (xlink:href outside the package)."""
    document = OpenDocumentText()
    paragraph = P(text=text)
    frame = Frame(width="2cm", height="2cm", anchortype="as-char", name="Logo")
    frame.addElement(Image(href=url, type="simple", show="embed", actuate="onLoad"))
    paragraph.addElement(frame)
    document.text.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("mime", "build"), [(DOCX, docx_linking), (ODT, odt_linking)], ids=["docx", "odt"])
def test_linked_image_is_not_fetched(listener, mime, build, tmp_path):
    """Does a draft that links to an address on the server's own network convert without fetching it?"""
    pdf = convert_to_pdf(build(listener.url, "Surat dengan gambar tautan"), mime, timeout=60)
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf)
    assert "Surat dengan gambar tautan" in extract_text(path, PDF).text
    assert listener.paths == []


def test_this_host_isolates_conversions():
    """Does the test host give LibreOffice an empty network namespace (so the test above proves something)?"""
    assert network_isolation()[1:] in (("--net", "--"), ("--user", "--map-root-user", "--net", "--"))


def test_without_isolation_conversion_still_works_and_warns_once(listener, monkeypatch, caplog, tmp_path):
    """On a host that allows no namespace, is a draft still converted, with one warning in the log?

    The link is then fetched: what the isolation above prevents, and so what the test above would see.
    """
    monkeypatch.setattr(conversion, "_ISOLATIONS", (("docflow-no-such-unshare", "--net", "--"),))
    network_isolation.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=conversion.__name__):
            for _ in range(2):
                path = tmp_path / "draft.pdf"
                path.write_bytes(convert_to_pdf(docx_linking(listener.url, "Tanpa isolasi"), DOCX,
                                                timeout=60))
                assert "Tanpa isolasi" in extract_text(path, PDF).text
    finally:
        network_isolation.cache_clear()
    warnings = [r for r in caplog.records if "WITH network access" in r.getMessage()]
    assert len(warnings) == 1
    assert "/x.png" in listener.paths
