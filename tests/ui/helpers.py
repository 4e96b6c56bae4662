"""Small builders shared by the page tests: files made on the fly and letters made through the API."""
from __future__ import annotations

import io
import struct
import zlib
from typing import Any


def make_png(width: int = 2, height: int = 2) -> bytes:
    """Return a valid grey PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def api_letter(client, headers: dict[str, str], data: bytes, filename: str = "surat.pdf", **fields: Any) -> dict:
    """Upload a letter through the API and return its JSON."""
    form = {"title": fields.pop("title", "Surat uji"), **fields, "file": (io.BytesIO(data), filename)}
    response = client.post("/api/v1/documents", data=form, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()
