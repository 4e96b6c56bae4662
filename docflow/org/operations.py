"""Domain writes for the organisation's units."""
from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.errors import Conflict, NotFound, ValidationFailed
from docflow.org.models import Unit

logger = logging.getLogger(__name__)

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")


def create_unit(session: Session, *, code: str, name: str, kind: str = "dinas", parent: Unit | None = None) -> Unit:
    """Add a unit of the city government."""
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationFailed("a unit code is 1-40 capital letters, digits, dots or dashes", field="code")
    if not name.strip():
        raise ValidationFailed("a unit needs a name", field="name")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise Conflict(f"a unit with code {code} exists", field="code")
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent)
    session.add(unit)
    session.flush()
    logger.info("created unit %s", code)
    return unit


def get_unit(session: Session, code: str) -> Unit:
    """Return the unit with this code or raise NotFound."""
    unit = session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise NotFound(f"no unit with code {code!r}")
    return unit
