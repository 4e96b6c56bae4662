"""Who may see the paperless report, and which units: leadership the whole city, a unit head her own unit."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from docflow.auth.models import Role, User
from docflow.errors import N_, PermissionDenied, ValidationFailed
from docflow.org.models import Unit
from docflow.org.queries import head_desks


@dataclass(frozen=True)
class ReportScope:
    """The units whose rows a reader sees (None: every unit); the city's totals are seen by all who see any."""

    unit_ids: frozenset[int] | None

    @property
    def city_wide(self) -> bool:
        """Tell whether the reader sees every unit."""
        return self.unit_ids is None


def headed_unit_ids(session: Session, position_ids: Iterable[int]) -> set[int]:
    """Return the units whose head desk is among the positions."""
    return {p.unit_id for p in head_desks(session, position_ids=position_ids)}


def report_scope(session: Session, user: User, acting_position_ids: Iterable[int]) -> ReportScope:
    """Return what the user may see of the report, or refuse one who is neither leadership nor a unit head."""
    if user.is_active and user.has_role(Role.LEADERSHIP):
        return ReportScope(None)
    headed = headed_unit_ids(session, acting_position_ids) if user.is_active else set()
    if not headed:
        raise PermissionDenied(N_("the paperless report is for the city's leadership and the heads of units"))
    return ReportScope(frozenset(headed))


def narrow_scope(session: Session, scope: ReportScope, unit_code: str) -> ReportScope:
    """Return the scope limited to one unit by its code, or refuse a unit the reader may not see."""
    unit = session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None:
        raise ValidationFailed(N_("there is no unit with the code %(code)s"), field="unit", code=unit_code)
    if not scope.city_wide and unit.id not in (scope.unit_ids or ()):
        raise PermissionDenied(N_("there is no unit %(code)s in your report"), field="unit", code=unit_code)
    return ReportScope(frozenset({unit.id}))
