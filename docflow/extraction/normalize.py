"""One text shape for every format: NFC, tidy whitespace, paragraph breaks kept."""
from __future__ import annotations

import re
import unicodedata

# Page breaks and paragraph separators end a paragraph; the other breaks end a line.
_PARAGRAPH_BREAKS = re.compile("[\x0c\u2029]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x1c\x1d\x1e\x85\u2028]")
# Lone surrogates cannot be encoded as UTF-8 (pypdf produces them from broken fonts).
_SURROGATES = re.compile("[\ud800-\udfff]")
# Controls other than tab and newline, plus invisible characters that split words for search.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff]")
_SPACE_RUNS = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_text(raw: str) -> str:
    """Return `raw` in NFC with runs of spaces collapsed and at most one blank line between paragraphs."""
    text = _PARAGRAPH_BREAKS.sub("\n\n", raw)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_RUNS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()
