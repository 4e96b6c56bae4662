"""The start page's sections as a registry: features contribute sections, the page shows them.

`create_app` fills one `Dashboard` per application (`app.extensions["dashboard"]`). A feature adds
a `Section` (a key, a title, an order) and one or more sources for it; a source is a function of a
`DashboardContext` that returns the section's items for that person, or None when the section is
not hers (a clerk's section for a head). The dashboard imports no feature, and no feature imports
the page that shows it.

Several features may feed one section: `to_register` is fed by the incoming feature (letters of
other units sent to the unit's desks) and, once wired, by the pending e-mail and folder intake.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

# Items listed in a section on the start page; its count says how many there are in all.
SECTION_LIMIT = 10


@dataclass(frozen=True)
class DashboardContext:
    """Who looks at the start page, and when."""

    session: Session
    user: Any
    positions: frozenset[int]
    now: datetime
    today: date


@dataclass(frozen=True)
class Item:
    """One line of a section: what it is, where it opens, and when it is due or happened."""

    label: str
    url: str
    detail: str = ""
    when: datetime | date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Items:
    """What a source found for a person: the first items and how many there are in all."""

    items: list[Item]
    total: int
    capped: bool = False  # the count stopped at a cap: there are more than total


Source = Callable[[DashboardContext], Items | None]


@dataclass
class Section:
    """A section of the start page; `title` is a lazy gettext string, `empty` says there is nothing."""

    key: str
    title: Any
    order: int
    empty: Any = ""
    sources: list[Source] = field(default_factory=list)
    all_url: str | None = None  # an endpoint name listing everything in the section


@dataclass(frozen=True)
class Shown:
    """A section as the page shows it to one person."""

    section: Section
    items: list[Item]
    total: int
    capped: bool = False


class Dashboard:
    """The sections of the start page, filled at app setup."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def add_section(self, key: str, title: Any, *, order: int, empty: Any = "", all_url: str | None = None) -> Section:
        """Declare a section (again: keep the first declaration, as with a second app in one process)."""
        section = self._sections.get(key)
        if section is None:
            section = self._sections[key] = Section(key, title, order, empty, all_url=all_url)
        return section

    def contribute(self, key: str, source: Source) -> None:
        """Feed a declared section from one more source."""
        section = self._sections[key]
        if source not in section.sources:
            section.sources.append(source)

    @property
    def sections(self) -> list[Section]:
        """Return the declared sections in their order."""
        return sorted(self._sections.values(), key=lambda s: (s.order, s.key))

    def shown_to(self, context: DashboardContext, keys: Iterable[str] | None = None) -> list[Shown]:
        """Return the sections that concern this person, each with its items (overdue first) and count."""
        wanted = set(keys) if keys is not None else None
        shown = []
        for section in self.sections:
            if wanted is not None and section.key not in wanted:
                continue
            found = [items for source in section.sources if (items := source(context)) is not None]
            if not found:
                continue
            items = [item for part in found for item in part.items]
            items.sort(key=lambda i: not i.overdue)  # stable: each source's own order within
            shown.append(Shown(section, items[:SECTION_LIMIT], sum(part.total for part in found),
                               any(part.capped for part in found)))
        return shown
