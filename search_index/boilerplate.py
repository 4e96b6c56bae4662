"""The stamp text that electronically signed letters share, kept out of what is searched.

Since electronic signatures (TTE) became the rule, nearly every signed letter, Docflow's own and
those received from other offices, carries the same footer on every page: "Dokumen ini telah
ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh ...",
often with the UU ITE clause and a line on checking the letter's authenticity. Indexed as
prose, that footer makes every signed letter match "tanda tangan elektronik", "sertifikat
elektronik" or "keaslian dokumen", and ranks a letter that merely was signed next to one that
is about electronic signatures. So the body is indexed without it: `strip` removes those
sentences wherever they are, tolerating the line breaks and spacing that PDF text extraction
and the stamp's line wrapping produce. A letter that writes about signing ("naskah dinas yang
telah ditandatangani secara elektronik diarsipkan ...") keeps its text: only the footer's own
sentences are recognised (the statement opening "Dokumen ini ...", the UU ITE clause, the line
on checking authenticity and the "Verifikasi:" address of Docflow's stamp).
"""
from __future__ import annotations

import re

# The rest of a footer sentence: up to its full stop or the end of its line (a footer is short).
_REST_OF_LINE = r"[^.\n]{0,240}(?:\.|$)"
# The issuer's name, which the stamp may wrap: up to the full stop, or else the end of the line.
_ISSUER = r"(?:[^.]{1,240}\.|[^.\n]{0,240}$)"
# The national CA's name as BSrE-signed letters print it, with or without a full stop after it.
_BSRE = (r"(?:balai\s+(?:besar\s+)?sertifikasi\s+elektronik(?:\s*\(\s*bsre\s*\))?|bsre)"
         r"(?:[\s,]*(?:badan\s+siber\s+dan\s+sandi\s+negara|bssn)(?:\s*\(\s*bssn\s*\))?)?\.?")


def _words(*words: str) -> str:
    """Return a pattern for the words in order, with any whitespace (line breaks too) between."""
    return r"\s+".join(words)


_FOOTER_SENTENCES = (
    # The signature statement of BSrE's certificates and of Docflow's own stamp, whatever the issuer.
    _words("dokumen", "ini", r"(?:telah\s+)?(?:di)?tandatangani", "secara", r"elektronik\b")
    + r"(?:\s+" + _words(r"(?:dengan\s+)?menggunakan", "sertifikat", "elektronik", "yang", "diterbitkan",
                         r"(?:oleh\s+)?") + f"(?:{_BSRE}|{_ISSUER})|{_REST_OF_LINE})",
    # How to check it: "Keaslian dokumen (ini) dapat diperiksa / diverifikasi ...".
    _words("keaslian", "dokumen", r"(?:ini\s+)?dapat", r"(?:diperiksa|dicek|diverifikasi|dibuktikan)\b")
    + _REST_OF_LINE,
    # UU ITE Pasal 5 ayat 1, quoted under the footer of BSrE-signed letters.
    r"(?:catatan\s*:\s*)?" + _words("uu", "ite", r"no(?:mor|\.)?\s*11", "tahun", "2008", "pasal", "5",
                                    r"ayat\s*(?:\(1\)|1)[\s:\"“]*informasi", "elektronik", "dan/atau", "dokumen",
                                    "elektronik", "dan/atau", "hasil", "cetaknya", "merupakan", "alat", "bukti",
                                    r"(?:hukum\s+)?yang", r"sah\b[.\"”]*"),
    # Docflow's stamp: the address that verifies the letter, on every page.
    r"verifikasi\s*:\s*https?://\S+",
)
_FOOTER = re.compile("|".join(f"(?:{sentence})" for sentence in _FOOTER_SENTENCES), re.IGNORECASE | re.MULTILINE)


def strip(text: str) -> str:
    """Return text without the electronic signature footer's sentences (each replaced by a line break)."""
    return _FOOTER.sub("\n", text)
