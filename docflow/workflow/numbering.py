"""Official numbers: one register per unit (or city), type and year; allocated at signing."""
from __future__ import annotations

import logging
import re
import string
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docflow.documents.models import Document
from docflow.errors import N_, ValidationFailed
from docflow.workflow.models import AllocatedNumber, DocumentTypeRule, HeldNumber, NumberRegister, RegisterScope

logger = logging.getLogger(__name__)

PATTERN_FIELDS = frozenset({"classification", "seq", "unit", "year", "month", "type"})
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def validate_pattern(pattern: str) -> str:
    """Check that a number pattern uses only known fields and includes {seq}."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ValidationFailed(N_("the number pattern is malformed: %(problem)s"), field="number_pattern",
                               problem=str(exc)) from None
    unknown = fields - PATTERN_FIELDS
    if unknown:
        raise ValidationFailed(N_("unknown fields in the number pattern: %(unknown)s; use %(known)s"),
                               field="number_pattern", unknown=", ".join(sorted(unknown)),
                               known=", ".join(sorted(PATTERN_FIELDS)))
    if "seq" not in fields:
        raise ValidationFailed(N_("the number pattern needs {seq}"), field="number_pattern")
    return pattern


def format_number(pattern: str, *, seq: int, document: Document, when: datetime) -> str:
    """Fill a number pattern for a document."""
    return pattern.format(seq=seq, classification=document.classification_code, unit=document.unit.code,
                          year=when.year, month=_ROMAN[when.month - 1], type=document.doc_type)


def _scope_key(rule: DocumentTypeRule, document: Document) -> str:
    return "city" if rule.register_scope == RegisterScope.CITY else f"unit:{document.unit_id}"


def _locked_register(session: Session, scope_key: str, doc_type: str, year: int) -> NumberRegister | None:
    stmt = select(NumberRegister).where(NumberRegister.scope_key == scope_key, NumberRegister.doc_type == doc_type,
                                        NumberRegister.year == year)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def _number_pattern_regex(pattern: str, document: Document) -> re.Pattern[str]:
    """Return a regex reading a number written with the pattern for this document's unit and type.

    Any classification code matches (the sequence is the register's, whatever the code); {seq} and
    {year} are captured.
    """
    values = {"classification": r"[0-9]{3}(?:\.[0-9]{1,3})*", "unit": re.escape(document.unit.code),
              "type": re.escape(document.doc_type), "month": "(?:" + "|".join(_ROMAN) + ")",
              "seq": r"0*(?P<seq>[0-9]{1,9})", "year": r"(?P<year>[0-9]{4})"}
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conversion in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P={name})" if name in seen and name in ("seq", "year") else values[name])
            seen.add(name)
    return re.compile("".join(parts), re.IGNORECASE)


def hold_imported_number(session: Session, document: Document, rule: DocumentTypeRule) -> HeldNumber | None:
    """Tell the register that an imported letter carries its number, when the number fits the type's pattern.

    A number written another way (an older pattern) cannot meet the register's and holds nothing.
    """
    match = _number_pattern_regex(rule.number_pattern, document).fullmatch((document.number or "").strip())
    if match is None or "seq" not in match.groupdict():
        return None
    year = int(match.group("year")) if "year" in match.groupdict() else (document.signed_at or document.created_at).year
    held = HeldNumber(scope_key=_scope_key(rule, document), doc_type=rule.code, year=year,
                      seq=int(match.group("seq")), number=document.number, document_id=document.id)
    session.add(held)
    session.flush()
    logger.info("imported number %s holds sequence %s of register %s %s %s", document.number, held.seq,
                held.scope_key, held.doc_type, held.year)
    return held


def allocate_number(session: Session, document: Document, rule: DocumentTypeRule, when: datetime) -> str:
    """Take the next number of the document's register in the signing transaction (no gaps, no reuse)."""
    scope_key = _scope_key(rule, document)
    register = _locked_register(session, scope_key, rule.code, when.year)
    if register is None:
        try:
            with session.begin_nested():
                session.add(NumberRegister(scope_key=scope_key, doc_type=rule.code, year=when.year,
                                           pattern=rule.number_pattern, last_seq=0))
        except IntegrityError:
            pass  # another signer created this year's register first
        register = _locked_register(session, scope_key, rule.code, when.year)
        assert register is not None
    register.last_seq += 1
    number = format_number(register.pattern, seq=register.last_seq, document=document, when=when)
    # A letter imported from a legacy archive keeps its number; the register passes over its sequence.
    while session.scalar(select(HeldNumber.id).where(
            HeldNumber.scope_key == scope_key, HeldNumber.doc_type == rule.code, HeldNumber.year == when.year,
            HeldNumber.seq == register.last_seq).limit(1)) is not None:
        logger.info("number %s is held by an imported letter; register %s moves on", number, register.id)
        register.last_seq += 1
        number = format_number(register.pattern, seq=register.last_seq, document=document, when=when)
    session.add(AllocatedNumber(register_id=register.id, seq=register.last_seq, number=number,
                                document_id=document.id))
    document.number = number
    session.flush()
    logger.info("allocated number %s to document %s", number, document.id)
    return number
