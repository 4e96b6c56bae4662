"""Check the PAdES signatures embedded in a PDF with pyHanko's validator.

`inspect_pdf` runs the check in the extraction sandbox (rlimits, timeout, no writes): the public
verification page accepts PDFs from anyone, and a hostile file must not hang or exhaust the web
process. `check_signatures` is the check itself, also usable in-process on our own files.
"""
from __future__ import annotations

import enum
import io
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docflow.extraction.errors import SandboxError
from docflow.extraction.sandbox import Limits, run_sandboxed

logger = logging.getLogger(__name__)

_MAX_SIGNATURES = 20


class PadesLevel(enum.StrEnum):
    """How long a PAdES signature can be checked (ETSI EN 319 142-1), from what the PDF carries.

    B-LT and B-LTA build on B-T: without a timestamp authority's time, revocation data in the DSS
    makes a B-B signature checkable offline, but it is not B-LT, and the page does not say it is.
    """

    B_B = "B-B"                        # a signature; its time is the signer's clock
    B_B_REVOCATION = "B-B+revocation"  # plus the certificates' revocation data (DSS)
    B_T = "B-T"                        # a timestamp authority's timestamp of the signature
    B_LT = "B-LT"                      # B-T plus the revocation data of signer and TSA (DSS)
    B_LTA = "B-LTA"                    # B-LT sealed by a document timestamp


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko found about one embedded signature."""

    # Hex messageDigest the signature commits to; identifies the signed letter even in a changed copy.
    signed_digest: str
    signer: str
    intact: bool = False            # the signed bytes hash to the digest the signature commits to
    valid: bool = False             # the cryptographic signature over that digest is correct
    trusted: bool = False           # the signer's certificate chains to one of our CAs (and is not revoked)
    revoked: bool = False
    unchanged_after: bool = False   # nothing but signature maintenance (DSS) was added after signing
    level: str = ""                 # a PadesLevel value
    problem: str = ""

    @property
    def sound(self) -> bool:
        """Tell whether the signature is intact, valid, trusted and nothing changed after it."""
        return self.intact and self.valid and self.trusted and self.unchanged_after


@dataclass(frozen=True)
class PdfInspection:
    """The outcome of inspecting an uploaded PDF."""

    readable: bool
    signatures: list[SignatureCheck] = field(default_factory=list)
    problem: str = ""
    checked: bool = True  # False: the check itself did not finish (time limit, sandbox failure)


def check_signatures(data: bytes, *, trust_roots_pem: str, crls: Sequence[bytes]) -> PdfInspection:
    """Validate every embedded signature against our CAs and CRLs (fetching nothing)."""
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import find_unique_cms_attribute
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(der) for _t, _h, der in asn1_pem.unarmor(trust_roots_pem.encode(),
                                                                                  multiple=True)]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)[:_MAX_SIGNATURES]
    except Exception as exc:  # noqa: BLE001 - any parser failure on an uploaded file means "not readable"
        return PdfInspection(readable=False, problem=f"not a readable PDF ({type(exc).__name__})")
    checks = []
    for signature in embedded:
        try:
            digest = find_unique_cms_attribute(signature.signer_info["signed_attrs"], "message_digest").native
            signer = signature.signer_cert.subject.human_friendly
        except Exception as exc:  # noqa: BLE001 - a damaged signature container
            checks.append(SignatureCheck(signed_digest="", signer="",
                                         problem=f"damaged signature ({type(exc).__name__})"))
            continue
        context = ValidationContext(trust_roots=roots, crls=list(crls), allow_fetching=False,
                                    revocation_mode="hard-fail")
        checks.append(_validate(signature, context, digest.hex(), signer, _level(reader, signature)))
    return PdfInspection(readable=True, signatures=checks)


def _level(reader, signature) -> str:
    try:
        return pades_level(reader, signature)
    except Exception:  # noqa: BLE001 - a damaged DSS or timestamp in an uploaded file: no level to tell
        return ""


def pades_level(reader, signature) -> PadesLevel:
    """Tell the PAdES level of one embedded signature from its timestamp, the DSS and document timestamps."""
    from pyhanko.sign.general import find_cms_attribute_iter

    unsigned = signature.signer_info["unsigned_attrs"]
    timestamped = any(True for _ in find_cms_attribute_iter(unsigned, "signature_time_stamp_token"))
    dss = reader.root["/DSS"] if "/DSS" in reader.root else None
    revocation = dss is not None and any(key in dss and len(dss[key]) > 0 for key in ("/CRLs", "/OCSPs"))
    sealed = any(ts.signed_revision > signature.signed_revision for ts in reader.embedded_timestamp_signatures)
    if not timestamped:
        return PadesLevel.B_B_REVOCATION if revocation else PadesLevel.B_B
    if not revocation:
        return PadesLevel.B_T
    return PadesLevel.B_LTA if sealed else PadesLevel.B_LT


def _validate(signature, context, digest: str, signer: str, level: str) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature

    try:
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises on byte ranges or objects it cannot follow
        return SignatureCheck(signed_digest=digest, signer=signer, level=level,
                              problem=f"cannot be validated ({exc})"[:300])
    modification = status.modification_level
    unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and modification is not None
        and modification <= ModificationLevel.LTA_UPDATES)
    return SignatureCheck(signed_digest=digest, signer=signer, intact=bool(status.intact),
                          valid=bool(status.valid), trusted=bool(status.trusted), revoked=bool(status.revoked),
                          unchanged_after=unchanged, level=level)


def signed_digest_of(data: bytes) -> str:
    """Return the messageDigest of the last signature in a PDF we just signed ourselves."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import find_unique_cms_attribute

    signature = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures[-1]
    return find_unique_cms_attribute(signature.signer_info["signed_attrs"], "message_digest").native.hex()


def signed_level_of(data: bytes) -> PadesLevel:
    """Return the PAdES level of the last signature in a PDF we just signed ourselves."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return pades_level(reader, reader.embedded_regular_signatures[-1])


def _inspect_in_child(path: str, trust_roots_pem: str, crls_hex: list[str]) -> bytes:
    inspection = check_signatures(Path(path).read_bytes(), trust_roots_pem=trust_roots_pem,
                                  crls=[bytes.fromhex(c) for c in crls_hex])
    return json.dumps(asdict(inspection)).encode()


def inspect_pdf(path: Path, *, trust_roots_pem: str, crls: Sequence[bytes], timeout: float = 30.0,
                memory_limit_mb: int = 768) -> PdfInspection:
    """Inspect an uploaded PDF's signatures in the sandbox; a file that breaks it is "not readable"."""
    limits = Limits(memory_mb=memory_limit_mb, cpu_seconds=math.ceil(timeout) + 1, max_output_bytes=1024 * 1024)
    try:
        raw = run_sandboxed(_inspect_in_child, (str(path), trust_roots_pem, [c.hex() for c in crls]),
                            timeout=timeout, limits=limits)
        data = json.loads(raw)
        return PdfInspection(readable=data["readable"], problem=data["problem"],
                             signatures=[SignatureCheck(**s) for s in data["signatures"]])
    except SandboxError as exc:
        logger.warning("inspecting an uploaded PDF's signatures failed: %s", exc)
        return PdfInspection(readable=False, checked=False, problem=f"the file could not be checked ({exc})")
    except (ValueError, KeyError, TypeError) as exc:
        logger.error("the signature check answered nonsense: %s", exc)
        return PdfInspection(readable=False, checked=False, problem="the file could not be checked")
